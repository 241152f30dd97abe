/**
 * Opening a result for download. Redirects are followed by hand so that the Authorization header goes only
 * to the provider's own API origin (PixAI's media route) and never to the CDN or any other host, and every
 * hop is checked: http(s) only, no private addresses unless allowed (tests on loopback).
 */
import type { Dispatcher } from 'undici';
import { isSameOrigin, resultUrlProblem } from './files/urlSafety';
import { HttpError, loadUndici, toNetworkError } from './http';
import * as l10n from '@vscode/l10n';

export interface DownloadOptions {
  readonly dispatcher?: Dispatcher;
  /** The key is sent only to URLs on this origin (the provider's API). */
  readonly auth?: { readonly origin: string; readonly key: string };
  readonly allowLoopback: boolean;
  readonly maxRedirects?: number;
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
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
    if (options.auth && isSameOrigin(current, options.auth.origin)) headers.authorization = `Bearer ${options.auth.key}`;
    let response: Dispatcher.ResponseData;
    try {
      response = await loadUndici().request(current, {
        method: 'GET',
        headers,
        dispatcher: options.dispatcher,
        headersTimeout: options.timeoutMs ?? 60_000,
        bodyTimeout: options.timeoutMs ?? 60_000,
        signal: options.signal,
      });
    } catch (error) {
      throw toNetworkError(error, 'The download');
    }
    const status = response.statusCode;
    if (status >= 300 && status < 400 && status !== 304) {
      discard(response.body);
      const location = response.headers.location;
      const target = Array.isArray(location) ? location[0] : location;
      if (!target) throw new HttpError(status, 'redirect without a Location', undefined, 'GET', new URL(current).pathname);
      current = new URL(target, current).toString();
      continue;
    }
    if (status !== 200) {
      const text = await response.body.text().catch(() => '');
      throw new HttpError(status, text.slice(0, 500), undefined, 'GET', new URL(current).pathname);
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

/** Drops a body we will not read; undici reports the abort as an error event, which must not go unheard. */
export function discard(body: Dispatcher.ResponseData['body']): void {
  body.on('error', () => undefined);
  body.destroy();
}
