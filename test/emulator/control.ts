/**
 * The control port: the ProviderEmulator API over HTTP/JSON, for tests running in another process
 * (VS Code extension host, UI tests). Requests here are not recorded and never faulted.
 */
import type * as http from 'http';
import { validateFaultRule } from './faults';
import { parseJson } from './http';
import type { ProviderEmulator } from './server';
import { PROVIDERS, validateOptions } from './state';
import { type ProviderName } from './types';

function sendJson(res: http.ServerResponse, status: number, value: unknown): void {
  const body = Buffer.from(JSON.stringify(value));
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': String(body.length) });
  res.end(body);
}

function readJson(req: http.IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      resolve(text.trim() === '' ? {} : parseJson(Buffer.from(text)));
    });
    req.on('error', reject);
  });
}

function isProvider(value: string | null): value is ProviderName {
  return value !== null && (PROVIDERS as readonly string[]).includes(value);
}

export async function handleControlRequest(emulator: ProviderEmulator, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://control.invalid');
  const route = `${req.method ?? 'GET'} ${url.pathname}`;
  try {
    const body = await readJson(req);
    if (body === undefined) return sendJson(res, 400, { error: 'body is not valid JSON' });
    switch (route) {
      case 'GET /health':
        return sendJson(res, 200, { ok: true, urls: emulator.urls });
      case 'GET /requests': {
        const since = Number(url.searchParams.get('since') ?? '0');
        if (!Number.isFinite(since)) return sendJson(res, 400, { error: 'since must be a number' });
        return sendJson(res, 200, emulator.requests.filter((entry) => entry.seq > since));
      }
      case 'POST /faults':
        validateFaultRule(body);
        emulator.inject(body);
        return sendJson(res, 201, { ok: true });
      case 'DELETE /faults':
        emulator.clearFaults();
        return sendJson(res, 200, { ok: true });
      case 'POST /reset':
        emulator.reset();
        return sendJson(res, 200, { ok: true });
      case 'POST /configure':
        validateOptions(body);
        emulator.configure(body);
        return sendJson(res, 200, { ok: true });
      case 'GET /tasks': {
        const provider = url.searchParams.get('provider');
        if (provider !== null && !isProvider(provider)) return sendJson(res, 400, { error: `unknown provider '${provider}'` });
        return sendJson(res, 200, emulator.tasks(provider ?? undefined));
      }
      case 'GET /balances':
        return sendJson(res, 200, { pixapi: emulator.balance('pixapi'), apixo: emulator.balance('apixo') });
    }
    const single = /^\/tasks\/([^/]+)\/([^/]+)$/.exec(url.pathname);
    if (req.method === 'GET' && single) {
      const provider = decodeURIComponent(single[1]);
      if (!isProvider(provider)) return sendJson(res, 400, { error: `unknown provider '${provider}'` });
      const task = emulator.task(provider, decodeURIComponent(single[2]));
      return task ? sendJson(res, 200, task) : sendJson(res, 404, { error: 'no such task' });
    }
    return sendJson(res, 404, { error: `no control route ${route}` });
  } catch (error) {
    return sendJson(res, 400, { error: error instanceof Error ? error.message : String(error) });
  }
}
