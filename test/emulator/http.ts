/** Small HTTP vocabulary shared by the origin handlers: one request in, one Reply out. */
import { type IncomingHttpHeaders } from 'http';
import { type Readable } from 'stream';
import { type Origin } from './types';

/** One request as a handler sees it (body already read). */
export interface Exchange {
  origin: Origin;
  method: string;
  url: URL;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** Set by a handler so the request log names the task involved. */
  taskId?: string;
  /** An 'expire' fault applies to this request (CDN only). */
  forceExpired: boolean;
}

/** A body produced on demand, for large downloads that must not be buffered. */
export interface StreamedBody {
  length: number;
  /** Opens a stream of exactly `length` bytes, or only the first `limit` bytes when given. */
  open(limit?: number): Readable;
}

export interface Reply {
  status: number;
  headers: Record<string, string>;
  body: Buffer | StreamedBody;
}

export function isStreamedBody(body: Buffer | StreamedBody): body is StreamedBody {
  return !Buffer.isBuffer(body);
}

export function jsonReply(status: number, value: unknown, headers: Record<string, string> = {}): Reply {
  return {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
    body: Buffer.from(JSON.stringify(value)),
  };
}

export function textReply(status: number, text: string, contentType = 'text/plain; charset=utf-8'): Reply {
  return { status, headers: { 'content-type': contentType }, body: Buffer.from(text) };
}

/** The key from `Authorization: Bearer <key>`: undefined when the header is absent or empty. */
export function bearerKey(headers: IncomingHttpHeaders): string | undefined {
  const value = headers.authorization;
  if (!value) return undefined;
  const match = /^Bearer\s+(.*)$/i.exec(value.trim());
  const key = match ? match[1].trim() : '';
  return key === '' ? undefined : key;
}

/** Parse a JSON body; undefined when it is not valid JSON. */
export function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function isHttpUrl(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

export function contentTypeOf(headers: IncomingHttpHeaders): string {
  return (headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
}

/** Image formats accepted as uploads, told apart by their magic bytes. */
export function imageFormatOf(bytes: Uint8Array): 'png' | 'jpeg' | 'webp' | undefined {
  const startsWith = (sig: number[], at = 0) => sig.every((b, i) => bytes[at + i] === b);
  if (startsWith([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'png';
  if (startsWith([0xff, 0xd8, 0xff])) return 'jpeg';
  if (startsWith([0x52, 0x49, 0x46, 0x46]) && startsWith([0x57, 0x45, 0x42, 0x50], 8)) return 'webp';
  return undefined;
}
