/**
 * ProviderEmulator: one HTTP server per provider, one for the CDN and one control port. Every request
 * on the four origins passes through dispatch(): body read, fault applied, handler run, reply sent,
 * request recorded.
 */
import * as http from 'http';
import { type AddressInfo } from 'net';
import { Readable } from 'stream';
import { ApixoOrigin } from './apixo';
import { CdnOrigin } from './cdn';
import { handleControlRequest } from './control';
import { FaultList, describeFault } from './faults';
import { type Exchange, type Reply, type StreamedBody, isStreamedBody, jsonReply, textReply } from './http';
import { PixaiOrigin } from './pixai';
import { PixapiOrigin } from './pixapi';
import { DEFAULT_OPTIONS, ENDPOINTS, EmulatorState, mergeOptions, validateOptions } from './state';
import {
  type EmulatedTask,
  type EmulatorOptions,
  type Endpoint,
  type FaultAction,
  type FaultRule,
  type Origin,
  type ProviderName,
  type RecordedRequest,
} from './types';

/** Largest request body read (image edits carry files). Not documented by any provider. */
export const MAX_REQUEST_BODY_BYTES = 64 * 1024 * 1024;

interface OriginHandler {
  handle(ex: Exchange): Promise<Reply>;
  /** The origin's own error answer for a status (used by status faults without a body). */
  errorReply(status: number): Reply;
}

/** A body that announces JSON but is cut off mid-object. */
/** Replaces every URL on the CDN origin in a JSON answer, also inside JSON strings such as Apixo's resultJson. */
function rewriteCdnUrls(reply: Reply, cdnOrigin: string, url: string): Reply {
  if (isStreamedBody(reply.body)) return reply;
  const escaped = cdnOrigin.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const replacement = JSON.stringify(url).slice(1, -1);
  const text = reply.body.toString('utf8').replace(new RegExp(`${escaped}/[^"\\\\]*`, 'g'), () => replacement);
  return { ...reply, body: Buffer.from(text) };
}

/** `bytes` bytes of `fill` repeated, produced as they are sent (never held whole). */
function repeatedBody(fill: string, bytes: number): StreamedBody {
  const chunk = Buffer.alloc(64 * 1024, fill);
  return {
    length: bytes,
    open(limit = bytes) {
      let left = Math.min(limit, bytes);
      return new Readable({
        read() {
          if (left <= 0) return void this.push(null);
          const piece = chunk.subarray(0, Math.min(chunk.length, left));
          left -= piece.length;
          this.push(piece);
        },
      });
    },
  };
}

/** A JSON answer that never closes its first array: `[[[[…`. */
function jsonBomb(bytes: number): StreamedBody {
  return repeatedBody('[', bytes);
}

/** `bytes` bytes of plain text, produced as they are sent: an error page that never ends. */
function endlessErrorBody(bytes: number): StreamedBody {
  return repeatedBody('error ', bytes);
}

/** A reply's body sent `bytesPerChunk` bytes every `everyMs` ms (a CDN drip-feeding a download). */
function dripBody(body: Buffer | StreamedBody, bytesPerChunk: number, everyMs: number): StreamedBody {
  const length = isStreamedBody(body) ? body.length : body.length;
  return {
    length,
    open(limit = length) {
      const source = isStreamedBody(body) ? body.open(limit) : Readable.from([body.subarray(0, limit)]);
      let pending = Buffer.alloc(0);
      let ended = false;
      // Pushed on a clock whatever the reader asks for: a drip is slow by design, so nothing piles up.
      const interval = setInterval(() => {
        const piece = pending.subarray(0, bytesPerChunk);
        pending = pending.subarray(piece.length);
        if (piece.length) out.push(piece);
        if (ended && pending.length === 0) {
          clearInterval(interval);
          out.push(null);
        }
      }, everyMs);
      const out = new Readable({
        read() { /* fed by the interval */ },
        destroy(error, callback) {
          clearInterval(interval);
          source.destroy();
          callback(error);
        },
      });
      source.on('data', (chunk: Buffer) => { pending = Buffer.concat([pending, chunk]); });
      source.on('end', () => { ended = true; });
      return out;
    },
  };
}

const MALFORMED_JSON = '{"status": "submitted", "id": "task_';

function flattenHeaders(headers: http.IncomingHttpHeaders): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) flat[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return flat;
}

/**
 * The prompt of a JSON request body (Pixapi and PixAI: `prompt`, Apixo: `input.prompt`), so tests can count
 * the submits of one prompt even when the emulator refused them; undefined for other bodies.
 */
function promptOf(headers: http.IncomingHttpHeaders, body: Buffer): string | undefined {
  if (!String(headers['content-type'] ?? '').toLowerCase().startsWith('application/json')) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
  if (!parsed || typeof parsed !== 'object') return undefined;
  const top = parsed as { prompt?: unknown; input?: { prompt?: unknown } };
  const prompt = typeof top.prompt === 'string' ? top.prompt : top.input && typeof top.input === 'object' ? top.input.prompt : undefined;
  return typeof prompt === 'string' ? prompt : undefined;
}

class BodyTooLargeError extends Error {}

function readBody(req: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_REQUEST_BODY_BYTES) {
        req.removeAllListeners('data');
        req.resume();
        reject(new BodyTooLargeError());
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function hostForUrl(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

function listen(server: http.Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

export class ProviderEmulator {
  /** Origins like 'http://127.0.0.1:PORT' (Apixo's API paths are under /api/v1 of its origin). */
  readonly urls: Record<Endpoint, string>;
  /** Every request to the four origins (not the control port), in completion order. */
  readonly requests: RecordedRequest[] = [];

  private readonly state: EmulatorState;
  private readonly faults = new FaultList();
  private readonly pixai: PixaiOrigin;
  private readonly origins: Record<Origin, OriginHandler>;
  private nextSeq = 1;
  private watchedSecrets: string[] = [];
  private closed = false;

  private constructor(
    private readonly servers: Record<Endpoint, http.Server>,
    urls: Record<Endpoint, string>,
    options: EmulatorOptions,
  ) {
    this.urls = urls;
    this.state = new EmulatorState(mergeOptions(DEFAULT_OPTIONS, options), urls);
    this.pixai = new PixaiOrigin(this.state);
    this.origins = {
      pixapi: new PixapiOrigin(this.state),
      pixai: this.pixai,
      apixo: new ApixoOrigin(this.state),
      cdn: new CdnOrigin(this.state),
    };
  }

  static async start(options: EmulatorOptions = {}): Promise<ProviderEmulator> {
    validateOptions(options);
    const resolved = mergeOptions(DEFAULT_OPTIONS, options);
    let emulator: ProviderEmulator | undefined;
    const servers = {} as Record<Endpoint, http.Server>;
    for (const endpoint of ENDPOINTS) {
      servers[endpoint] = http.createServer((req, res) => {
        if (!emulator) {
          res.writeHead(503).end();
        } else if (endpoint === 'control') {
          void handleControlRequest(emulator, req, res);
        } else {
          void emulator.dispatch(endpoint, req, res);
        }
      });
    }
    const urls = {} as Record<Endpoint, string>;
    try {
      for (const endpoint of ENDPOINTS) {
        const port = await listen(servers[endpoint], resolved.ports[endpoint], resolved.host);
        urls[endpoint] = `http://${hostForUrl(resolved.host)}:${port}`;
      }
    } catch (error) {
      await Promise.all(ENDPOINTS.map((endpoint) => new Promise((resolve) => servers[endpoint].close(resolve))));
      throw error;
    }
    emulator = new ProviderEmulator(servers, urls, options);
    return emulator;
  }

  inject(rule: FaultRule): void {
    this.faults.add(rule);
  }

  /** Records, per request, which of these secrets appear in its body (a key-leak audit reads them). */
  watchForSecrets(secrets: readonly string[]): void {
    this.watchedSecrets = [...secrets];
  }

  clearFaults(): void {
    this.faults.clear();
  }

  /** Forget tasks, files, requests and faults; restore the options given to start(). */
  reset(): void {
    this.state.reset();
    this.pixai.reset();
    this.faults.clear();
    this.requests.length = 0;
  }

  /** Change timing, keys, limits, credits, TTL at run time (host and ports are ignored). */
  configure(partial: EmulatorOptions): void {
    this.state.configure(partial);
  }

  task(provider: ProviderName, id: string): EmulatedTask | undefined {
    return this.state.tasks.get(provider, id)?.snapshot(this.state.now());
  }

  tasks(provider?: ProviderName): EmulatedTask[] {
    const now = this.state.now();
    return this.state.tasks.list(provider).map((task) => task.snapshot(now));
  }

  /** Current Pixapi credits / Apixo USD balance. */
  balance(provider: ProviderName): number {
    if (provider === 'pixapi') this.state.settlePixapiCharges(this.state.now());
    return this.state.balances[provider];
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.state.cancelSleeps();
    await Promise.all(
      ENDPOINTS.map(
        (endpoint) =>
          new Promise<void>((resolve) => {
            const server = this.servers[endpoint];
            server.close(() => resolve());
            server.closeAllConnections();
          }),
      ),
    );
  }

  private record(entry: RecordedRequest): void {
    entry.seq = this.nextSeq++;
    this.requests.push(entry);
  }

  private async dispatch(origin: Origin, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const receivedAt = Date.now();
    const url = new URL(req.url ?? '/', 'http://emulator.invalid');
    const method = (req.method ?? 'GET').toUpperCase();
    const entry: RecordedRequest = {
      seq: 0,
      time: receivedAt,
      origin,
      method,
      path: url.pathname,
      query: url.search.replace(/^\?/, ''),
      headers: flattenHeaders(req.headers),
      bodySize: 0,
      status: 0,
    };
    const handler = this.origins[origin];
    let body: Buffer;
    try {
      body = await readBody(req);
    } catch (error) {
      if (error instanceof BodyTooLargeError) {
        entry.status = await this.send(req, res, textReply(413, 'Request body too large'), false);
      } else {
        res.destroy();
      }
      this.record(entry);
      return;
    }
    entry.bodySize = body.length;
    const prompt = method === 'POST' ? promptOf(req.headers, body) : undefined;
    if (prompt !== undefined) entry.prompt = prompt;
    const inBody = this.watchedSecrets.filter((secret) => body.includes(secret));
    if (inBody.length) entry.secretsInBody = inBody;

    const fault = this.faults.take(origin, method, url.pathname, entry.query);
    if (fault) entry.fault = describeFault(fault);
    const ex: Exchange = { origin, method, url, headers: req.headers, body, forceExpired: fault?.kind === 'expire' };
    try {
      if (fault?.kind === 'delay') await this.state.sleep(fault.ms);
      if (fault?.kind === 'dropBeforeProcessing') {
        res.destroy();
        return;
      }
      let reply =
        fault?.kind === 'status'
          ? this.statusFaultReply(handler, fault)
          : fault?.kind === 'errorBody'
            ? { status: fault.status, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: endlessErrorBody(fault.bytes) }
            : await handler.handle(ex);
      entry.taskId = ex.taskId;
      if (fault?.kind === 'drop') {
        res.destroy();
        return;
      }
      if (fault?.kind === 'malformed') {
        reply = { status: 200, headers: { 'content-type': 'application/json; charset=utf-8' }, body: Buffer.from(MALFORMED_JSON) };
      }
      if (fault?.kind === 'rewriteResultUrls') reply = rewriteCdnUrls(reply, this.urls.cdn, fault.url);
      if (fault?.kind === 'drip') reply = { ...reply, body: dripBody(reply.body, fault.bytesPerChunk, fault.everyMs) };
      if (fault?.kind === 'jsonBomb')
        reply = { status: 200, headers: { 'content-type': 'application/json; charset=utf-8' }, body: jsonBomb(fault.bytes) };
      entry.status = await this.send(req, res, reply, fault?.kind === 'truncate');
    } catch (error) {
      entry.taskId = ex.taskId;
      if (this.closed) {
        res.destroy();
        return;
      }
      console.error(`[emulator] ${origin} ${method} ${url.pathname} failed:`, error);
      entry.status = await this.send(req, res, handler.errorReply(500), false);
    } finally {
      this.record(entry);
    }
  }

  private statusFaultReply(handler: OriginHandler, action: Extract<FaultAction, { kind: 'status' }>): Reply {
    let reply: Reply;
    if (action.body === undefined) {
      reply = handler.errorReply(action.status);
      reply.status = action.status;
    } else if (typeof action.body === 'string') {
      reply = textReply(
        action.status,
        action.body,
        action.body.trimStart().startsWith('<') ? 'text/html; charset=utf-8' : 'text/plain; charset=utf-8',
      );
    } else {
      reply = jsonReply(action.status, action.body);
    }
    if (action.retryAfter !== undefined) reply.headers['retry-after'] = String(action.retryAfter);
    return reply;
  }

  /**
   * Write a reply with an exact Content-Length. `truncate` sends the headers, half of the body, then
   * destroys the socket. Resolves with the status sent once the response is finished or abandoned.
   */
  private send(req: http.IncomingMessage, res: http.ServerResponse, reply: Reply, truncate: boolean): Promise<number> {
    return new Promise((resolve) => {
      const length = reply.body.length;
      res.on('close', () => resolve(reply.status));
      res.writeHead(reply.status, { ...reply.headers, 'content-length': String(length) });
      const half = Math.floor(length / 2);
      if (req.method === 'HEAD') {
        res.end();
      } else if (isStreamedBody(reply.body)) {
        const stream = reply.body.open(truncate ? half : undefined);
        stream.on('error', () => res.destroy());
        // A client that hangs up stops the body being produced (an endless or drip-fed one too).
        res.on('close', () => stream.destroy());
        stream.pipe(res, { end: !truncate });
        if (truncate) stream.on('end', () => res.write('', () => res.destroy()));
      } else if (truncate) {
        res.write(reply.body.subarray(0, half), () => res.destroy());
      } else {
        res.end(reply.body);
      }
    });
  }
}
