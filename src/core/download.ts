/**
 * Opening a result for download. Redirects are followed by hand so the Authorization header goes only to the
 * provider's API origin (PixAI's media route), never a CDN, and every hop is checked (http(s), no private addresses).
 */
import type { Dispatcher } from 'undici';
import type { LookupFunction } from 'net';
import { isSameOrigin, resultUrlProblem } from './files/urlSafety';
import { guardedAgent, PrivateAddressError } from './guardedConnect';
import { HttpError, loadUndici, readErrorBody, redactSecret, toNetworkError } from './http';
import * as l10n from '@vscode/l10n';

export interface DownloadOptions {
  readonly dispatcher?: Dispatcher;
  /** Sent only to URLs on this origin. */
  readonly auth?: { readonly origin: string; readonly key: string };
  readonly allowLoopback: boolean;
  /** Tests only (see guardedConnect.ts). */
  readonly lookup?: LookupFunction;
  readonly maxRedirects?: number;
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
  /** The URL without its query (signed URLs carry secrets there), never headers. */
  readonly log?: (line: string) => void;
}

export interface OpenDownload {
  readonly body: Dispatcher.ResponseData['body'];
  readonly contentType: string | undefined;
  readonly contentLength: number | undefined;
  readonly finalUrl: string;
}

export class UnsafeUrlError extends Error {}

export async function openDownload(url: string, options: DownloadOptions): Promise<OpenDownload> {
  let current = url;
  for (let hop = 0; hop <= (options.maxRedirects ?? 5); hop++) {
    const problem = resultUrlProblem(current, { allowLoopback: options.allowLoopback });
    if (problem) throw new UnsafeUrlError(problem);
    const headers: Record<string, string> = { 'user-agent': 'media-studio' };
    const keyed = options.auth !== undefined && isSameOrigin(current, options.auth.origin);
    if (keyed && options.auth) headers.authorization = `Bearer ${options.auth.key}`;
    const shown = urlForLog(current);
    const started = Date.now();
    options.log?.(`Download: GET ${shown}${keyed ? ' (provider API, with the key)' : ''}`);
    let response: Dispatcher.ResponseData;
    try {
      response = await loadUndici().request(current, {
        method: 'GET',
        headers,
        // Direct connections check the address they reach, on every hop; a proxy resolves names itself.
        dispatcher: options.dispatcher ?? guardedAgent(options.allowLoopback, options.lookup),
        headersTimeout: options.timeoutMs ?? 60_000,
        bodyTimeout: options.timeoutMs ?? 60_000,
        signal: options.signal,
      });
    } catch (error) {
      const refused = privateAddressIn(error);
      if (refused) {
        options.log?.(`Download: GET ${shown} → refused: ${refused.message}`);
        throw new UnsafeUrlError(refused.message);
      }
      const failure = toNetworkError(error, 'The download');
      options.log?.(`Download: GET ${shown} → ${failure.code ?? 'network error'} (${Date.now() - started} ms)`);
      throw failure;
    }
    const status = response.statusCode;
    if (status >= 300 && status < 400 && status !== 304) {
      discard(response.body);
      const location = response.headers.location;
      const target = Array.isArray(location) ? location[0] : location;
      if (!target) {
        options.log?.(`Download: GET ${shown} → ${status} without a Location (${Date.now() - started} ms)`);
        throw new HttpError(status, 'redirect without a Location', undefined, 'GET', new URL(current).pathname);
      }
      current = new URL(target, current).toString();
      options.log?.(`Download: GET ${shown} → ${status}, redirected to ${urlForLog(current)} (${Date.now() - started} ms)`);
      continue;
    }
    options.log?.(`Download: GET ${shown} → ${status} (${Date.now() - started} ms)`);
    if (status !== 200) {
      // Only the first few KiB: a CDN can answer an error with an endless body.
      const text = (await readErrorBody(response.body)).toString('utf8');
      // A server that echoes the request would put the key into the stored error: it is removed first.
      const said = keyed && options.auth ? redactSecret(text, options.auth.key) : text;
      throw new HttpError(status, said.slice(0, 500), undefined, 'GET', new URL(current).pathname);
    }
    const length = Number(response.headers['content-length']);
    const type = response.headers['content-type'];
    return {
      body: response.body,
      contentType: Array.isArray(type) ? type[0] : type,
      contentLength: Number.isFinite(length) ? length : undefined,
      finalUrl: current,
    };
  }
  throw new UnsafeUrlError(l10n.t('The result URL redirects too many times.'));
}

/** However deep undici wrapped it. */
function privateAddressIn(error: unknown): PrivateAddressError | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current && typeof current === 'object'; depth++) {
    if (current instanceof PrivateAddressError) return current;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/** A query or fragment (signatures, tokens) is shown as "?…". */
export function urlForLog(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.origin}${parsed.pathname}${parsed.search || parsed.hash ? '?…' : ''}`;
  } catch {
    return '(not a URL)';
  }
}

/** undici reports the abort as an error event, which must not go unheard. */
export function discard(body: Dispatcher.ResponseData['body']): void {
  body.on('error', () => undefined);
  body.destroy();
}
