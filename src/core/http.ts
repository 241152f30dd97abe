/**
 * HTTP for provider APIs. A client is bound to one provider's base URL and key, and refuses to send the key
 * anywhere else. Errors say whether the request may have reached the server, because a paid submit must
 * never be re-sent unless it certainly did not.
 */
import { Readable } from 'stream';
import type { Dispatcher } from 'undici';
import type { MultipartBody } from './multipart';

type Undici = typeof import('undici');
let undici: Undici | undefined;

/** undici is most of the extension's code: loaded on first request, from dist/undici.js (see esbuild.js). */
export function loadUndici(): Undici {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on first request, kept out of activation
  undici ??= require('undici') as Undici;
  return undici;
}

/** Connection failures that happen before a single byte of the request can have been received. */
const NEVER_REACHED_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'UND_ERR_CONNECT_TIMEOUT',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'ERR_INVALID_URL',
]);

export class HttpError extends Error {
  constructor(
    readonly status: number,
    /** The parsed JSON body when there is one, otherwise the (truncated) text. */
    readonly body: unknown,
    readonly retryAfterMs: number | undefined,
    readonly method: string,
    readonly path: string,
  ) {
    super(`${method} ${path} answered ${status}`);
  }
}

export class NetworkError extends Error {
  constructor(
    message: string,
    readonly code: string | undefined,
    /** True only when the request certainly never reached the server (so it may be sent again). */
    readonly neverReached: boolean,
  ) {
    super(message);
  }
}

/** The server answered, but not with what the API documents (bad JSON, too large, wrong shape). */
export class ProtocolError extends Error {}

export function errorCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current && typeof current === 'object'; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/**
 * `bodyStarted`: the request had begun sending its body. undici passes socket errors of a connection that was
 * already open straight through, so EHOSTUNREACH and the like prove nothing once bytes went out.
 */
export function toNetworkError(error: unknown, what: string, bodyStarted = false): NetworkError {
  if (error instanceof NetworkError) return error;
  const code = errorCode(error);
  const neverReached = !bodyStarted && code !== undefined && NEVER_REACHED_CODES.has(code);
  const reason = code ?? (error instanceof Error ? error.message : String(error));
  return new NetworkError(`${what} failed: ${reason}`, code, neverReached);
}

/** Retry-After is seconds or an HTTP date. */
export function parseRetryAfter(value: string | string[] | undefined, now = Date.now()): number | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  if (!text) return undefined;
  if (/^\d+(\.\d+)?$/.test(text.trim())) return Math.round(Number(text) * 1000);
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

export async function readLimited(body: AsyncIterable<Uint8Array>, limit: number, what: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.byteLength;
    if (size > limit) throw new ProtocolError(`${what} is larger than ${Math.round(limit / 1024)} KiB; refusing to read it.`);
    chunks.push(Buffer.from(chunk));
  }
  return Buffer.concat(chunks);
}

/** Enough for any documented error body; an endless one from a hostile server cannot fill the extension host's memory. */
export const MAX_ERROR_BODY_BYTES = 4 * 1024;

/** The rest is never read (the connection is dropped). */
export async function readErrorBody(body: Dispatcher.ResponseData['body'], limit = MAX_ERROR_BODY_BYTES): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of body) {
      const piece = Buffer.from(chunk).subarray(0, limit - size);
      chunks.push(piece);
      size += piece.length;
      if (size >= limit) break;
    }
  } catch {
    // An error answer cut off mid-way is still the error it says it is.
  } finally {
    body.on('error', () => undefined);
    body.destroy();
  }
  return Buffer.concat(chunks);
}

export function parseJson(bytes: Buffer, what: string): unknown {
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch {
    throw new ProtocolError(`${what} is not valid JSON.`);
  }
}

/** What a secret is replaced with wherever it would be stored or shown. */
export const REDACTED = '***';

/**
 * Also in the keys and strings of parsed JSON at any depth: a gateway that echoes the Authorization header must not
 * put the key into a task's stored error.
 */
export function redactSecret<T>(value: T, secret: string): T {
  if (secret.length < 4) return value; // keyProblem refuses such keys; a tiny string would redact ordinary text
  const walk = (current: unknown, depth: number): unknown => {
    if (typeof current === 'string') return current.includes(secret) ? current.split(secret).join(REDACTED) : current;
    if (!current || typeof current !== 'object' || depth > 64) return current;
    if (Array.isArray(current)) return current.map((item) => walk(item, depth + 1));
    const copy: Record<string, unknown> = {};
    for (const [name, item] of Object.entries(current)) copy[walk(name, depth + 1) as string] = walk(item, depth + 1);
    return copy;
  };
  return walk(value, 0) as T;
}

export interface ApiResponse {
  readonly status: number;
  readonly body: unknown;
  readonly headers: Record<string, string | string[] | undefined>;
}

export interface ApiClientOptions {
  readonly baseUrl: string;
  readonly key: string;
  readonly dispatcher?: Dispatcher;
  /** One line per request, never with the key: "POST /v1/x → 200 (120 ms)". */
  readonly log?: (line: string) => void;
  readonly userAgent?: string;
}

export interface CallOptions {
  readonly query?: Record<string, string>;
  readonly json?: unknown;
  readonly form?: MultipartBody;
  /** Largest body accepted; JSON bombs and runaway answers stop here. */
  readonly maxBytes?: number;
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
  /** Statuses returned as a response rather than thrown (e.g. redirects the caller follows itself). */
  readonly acceptStatuses?: readonly number[];
}

const DEFAULT_MAX_BYTES = 4 * 1024 * 1024;
const DEFAULT_TIMEOUT_MS = 60_000;

export class ApiClient {
  readonly origin: string;
  private readonly basePath: string;

  constructor(private readonly options: ApiClientOptions) {
    const base = new URL(options.baseUrl);
    this.origin = base.origin;
    this.basePath = base.pathname.replace(/\/+$/, '');
  }

  url(path: string, query?: Record<string, string>): URL {
    const url = new URL(this.origin + this.basePath + path);
    for (const [name, value] of Object.entries(query ?? {})) url.searchParams.set(name, value);
    if (url.origin !== this.origin) throw new Error(`Refusing to send an API key outside ${this.origin}.`);
    return url;
  }

  async call(method: 'GET' | 'POST', path: string, options: CallOptions = {}): Promise<ApiResponse> {
    const url = this.url(path, options.query);
    const headers: Record<string, string> = {
      authorization: `Bearer ${this.options.key}`,
      accept: 'application/json',
      'user-agent': this.options.userAgent ?? 'media-studio',
    };
    // The body is handed over as a stream that notes when undici first pulls from it: from then on the server
    // may have the request, so no connection error can prove it never arrived (see toNetworkError).
    let bodyStarted = false;
    const tracked = async function* (source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>): AsyncIterable<Uint8Array> {
      bodyStarted = true;
      yield* source;
    };
    let body: Readable | undefined;
    if (options.json !== undefined) {
      const bytes = Buffer.from(JSON.stringify(options.json));
      headers['content-type'] = 'application/json';
      headers['content-length'] = String(bytes.length);
      body = Readable.from(tracked([bytes]), { objectMode: false });
    } else if (options.form) {
      headers['content-type'] = options.form.contentType;
      headers['content-length'] = String(options.form.contentLength);
      body = Readable.from(tracked(options.form.body), { objectMode: false });
    }
    const started = Date.now();
    const what = `${method} ${url.pathname}`;
    let response: Dispatcher.ResponseData;
    try {
      response = await loadUndici().request(url, {
        method,
        headers,
        body,
        dispatcher: this.options.dispatcher,
        headersTimeout: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
        bodyTimeout: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
        signal: options.signal,
      });
    } catch (error) {
      const failure = toNetworkError(error, what, bodyStarted);
      this.options.log?.(`${what} → ${failure.code ?? 'network error'} (${Date.now() - started} ms)`);
      throw failure;
    }
    this.options.log?.(`${what} → ${response.statusCode} (${Date.now() - started} ms)`);
    const accepted = options.acceptStatuses?.includes(response.statusCode) ?? false;
    let bytes: Buffer;
    try {
      bytes = response.statusCode >= 400 && !accepted
        ? await readErrorBody(response.body)
        : await readLimited(response.body, options.maxBytes ?? DEFAULT_MAX_BYTES, `The answer to ${what}`);
    } catch (error) {
      response.body.on('error', () => undefined);
      response.body.destroy();
      if (error instanceof ProtocolError) throw error;
      throw toNetworkError(error, `Reading the answer to ${what}`, true);
    }
    const retryAfterMs = parseRetryAfter(response.headers['retry-after']);
    const isJson = /json/i.test(String(response.headers['content-type'] ?? '')) || /^\s*[{[]/.test(bytes.subarray(0, 16).toString());
    const key = this.options.key;
    if (response.statusCode >= 400 && !accepted) {
      // Redacted before the cut, so no tail of a key survives it.
      let parsed: unknown = redactSecret(bytes.toString('utf8'), key).slice(0, 2000);
      if (isJson) {
        try {
          parsed = JSON.parse(bytes.toString('utf8'));
        } catch {
          // A broken error body is still an error; keep its text.
        }
      }
      throw new HttpError(response.statusCode, redactSecret(parsed, key), retryAfterMs, method, url.pathname);
    }
    const parsedBody =
      bytes.length === 0 ? undefined : accepted && !isJson ? bytes.toString('utf8') : parseJson(bytes, `The answer to ${what}`);
    // Answers are kept too (a failed task's body, an envelope's error), so an echoed key is removed here;
    // from the parsed value, so no JSON escape can hide it.
    return { status: response.statusCode, body: redactSecret(parsedBody, key), headers: response.headers };
  }
}

export function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

/** Small readers for untrusted JSON: they return undefined instead of trusting a shape. */
export function obj(value: unknown): Record<string, unknown> | undefined {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}
export function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}
export function num(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}
export function arr(value: unknown): unknown[] | undefined {
  return Array.isArray(value) ? value : undefined;
}
