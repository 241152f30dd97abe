/**
 * The result CDN: its own origin, no Authorization ever needed. Files live at unguessable paths
 * (/r/<token>/<name>), become available when their task finishes and expire resultTtlMs later
 * (403 with an object-store style XML body). /blob/<bytes> streams deterministic bytes for download
 * benchmarks without buffering them; /blob/<bytes>.mp4 sends the same bytes after an MP4 `ftyp` box, so a
 * client that checks what it saves takes them for a video.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Readable } from 'stream';
import { type Exchange, type Reply, type StreamedBody, textReply } from './http';
import { unguessableToken } from './ids';
import { jpegImage } from './jpeg';
import { videoOfDuration } from './mp4';
import { pngImage } from './png';
import type { EmulatorState } from './state';
import { type ProviderName } from './types';

export type CdnFormat = 'png' | 'jpeg' | 'mp4';

export interface CdnFile {
  token: string;
  name: string;
  format: CdnFormat;
  width: number;
  height: number;
  provider: ProviderName;
  taskId: string;
  /** What an image shows (label.ts): the task's prompt and model. */
  prompt: string;
  model: string;
  /** A video's length: the duration the task asked for. */
  seconds?: number;
  /** Served from this time on (the task's completion). */
  availableAt: number;
  /** Set by an 'expire' fault: stays expired. */
  expired: boolean;
}

/** Largest /blob/<bytes> download: 1 GiB. */
export const MAX_BLOB_BYTES = 1024 * 1024 * 1024;

const CONTENT_TYPES: Record<CdnFormat, string> = { png: 'image/png', jpeg: 'image/jpeg', mp4: 'video/mp4' };

/** Size of the committed sample video (test/emulator/fixtures/sample.mp4). */
export const SAMPLE_VIDEO = { width: 320, height: 180 };

let sampleVideo: Buffer | undefined;

/** The sample MP4, found next to the compiled file or in the source tree. */
export function sampleVideoBytes(): Buffer {
  if (!sampleVideo) {
    const candidates = [
      path.join(__dirname, 'fixtures', 'sample.mp4'),
      path.resolve(__dirname, '..', '..', '..', 'test', 'emulator', 'fixtures', 'sample.mp4'),
    ];
    const found = candidates.find((candidate) => fs.existsSync(candidate));
    if (!found) throw new Error(`sample.mp4 not found (looked in ${candidates.join(', ')})`);
    sampleVideo = fs.readFileSync(found);
  }
  return sampleVideo;
}

export class CdnFiles {
  private readonly files = new Map<string, CdnFile>();

  constructor(private readonly origin: string) {}

  /** Register a result file and return its public URL. */
  add(file: Omit<CdnFile, 'token' | 'expired'>): string {
    const token = unguessableToken();
    this.files.set(token, { ...file, token, expired: false });
    return `${this.origin}/r/${token}/${file.name}`;
  }

  get(token: string): CdnFile | undefined {
    return this.files.get(token);
  }

  /** The file behind one of our URLs; undefined for foreign or unknown URLs. */
  fileOfUrl(url: string): CdnFile | undefined {
    if (!url.startsWith(this.origin + '/')) return undefined;
    const match = /^\/r\/([0-9a-f]+)\/([^/]+)$/.exec(new URL(url).pathname);
    const file = match ? this.files.get(match[1]) : undefined;
    return file && file.name === match?.[2] ? file : undefined;
  }

  isOwnUrl(url: string): boolean {
    return url.startsWith(this.origin + '/');
  }

  isExpired(file: CdnFile, now: number, ttlMs: number): boolean {
    return file.expired || now - file.availableAt > ttlMs;
  }

  /**
   * Whether a URL given as an input image (Pixapi input_image, Apixo image_urls) could be fetched by
   * the provider: foreign URLs are assumed reachable; our own must exist, be finished and not expired.
   */
  isFetchable(url: string, now: number, ttlMs: number): boolean {
    if (!this.isOwnUrl(url)) return true;
    const file = this.fileOfUrl(url);
    return file !== undefined && now >= file.availableAt && !this.isExpired(file, now, ttlMs);
  }

  /** Forget a task's files (a cancelled task never produces them). */
  removeTask(taskId: string): void {
    for (const [token, file] of this.files) if (file.taskId === taskId) this.files.delete(token);
  }

  clear(): void {
    this.files.clear();
  }
}

function fileBytes(file: CdnFile): Buffer {
  switch (file.format) {
    case 'png':
      return pngImage(file.width, file.height, file);
    case 'jpeg':
      return jpegImage(file.width, file.height, file);
    case 'mp4':
      return file.seconds === undefined ? sampleVideoBytes() : videoOfDuration(sampleVideoBytes(), file.seconds);
  }
}

/** Object-store style error bodies (S3/GCS answer XML). */
export function cdnErrorReply(status: number, code: string, message: string): Reply {
  const xml = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message></Error>\n`;
  return textReply(status, xml, 'application/xml');
}

export function cdnDefaultErrorBody(status: number): Reply {
  switch (status) {
    case 403:
      return cdnErrorReply(403, 'AccessDenied', 'Access denied');
    case 404:
      return cdnErrorReply(404, 'NoSuchKey', 'The specified key does not exist.');
    case 503:
      return cdnErrorReply(503, 'SlowDown', 'Please reduce your request rate.');
    default:
      return cdnErrorReply(status, status >= 500 ? 'InternalError' : 'InvalidRequest', `HTTP ${status}`);
  }
}

const BLOB_PATTERN = (() => {
  // 64 KiB of pseudo-random but fixed bytes (xorshift32 with a constant seed).
  const pattern = Buffer.alloc(64 * 1024);
  let x = 0x2545f491;
  for (let i = 0; i < pattern.length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    pattern[i] = x & 0xff;
  }
  return pattern;
})();

/** The byte at `offset` of every /blob download (tests use it to check content). */
export function blobByteAt(offset: number): number {
  return BLOB_PATTERN[offset % BLOB_PATTERN.length];
}

/** What /blob/<bytes>.mp4 starts with: an ISO BMFF `ftyp` box (brand isom), so the bytes read as an MP4 video. */
const MP4_HEAD = Buffer.from('000000186674797069736f6d0000020069736f6d6d703431', 'hex');

function blobBody(length: number, head?: Buffer): StreamedBody {
  const first = head ? Buffer.concat([head, BLOB_PATTERN.subarray(head.length)]) : BLOB_PATTERN;
  return {
    length,
    open(limit?: number): Readable {
      const total = Math.min(length, limit ?? length);
      let sent = 0;
      return new Readable({
        // Called again whenever the consumer wants more: memory stays at one pattern buffer.
        read() {
          while (sent < total) {
            const size = Math.min(BLOB_PATTERN.length, total - sent);
            const pattern = sent === 0 ? first : BLOB_PATTERN;
            sent += size;
            if (!this.push(pattern.subarray(0, size))) return;
          }
          this.push(null);
        },
      });
    },
  };
}

/** `bytes=a-b`, `bytes=a-`, `bytes=-n` (one range only); null = ignore header, 'invalid' = 416. */
function parseRange(header: string | undefined, size: number): { start: number; end: number } | null | 'invalid' {
  if (!header) return null;
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match || (match[1] === '' && match[2] === '')) return null;
  let start: number;
  let end: number;
  if (match[1] === '') {
    start = Math.max(0, size - Number(match[2]));
    end = size - 1;
  } else {
    start = Number(match[1]);
    end = match[2] === '' ? size - 1 : Math.min(size - 1, Number(match[2]));
  }
  if (start >= size || start > end) return 'invalid';
  return { start, end };
}

export class CdnOrigin {
  constructor(private readonly state: EmulatorState) {}

  errorReply(status: number): Reply {
    return cdnDefaultErrorBody(status);
  }

  async handle(ex: Exchange): Promise<Reply> {
    if (ex.method !== 'GET' && ex.method !== 'HEAD') return cdnErrorReply(405, 'MethodNotAllowed', 'Method not allowed');
    const blob = /^\/blob\/(\d+)(\.mp4)?$/.exec(ex.url.pathname);
    if (blob) return this.blob(ex, Number(blob[1]), blob[2] === '.mp4');
    const file = /^\/r\/([0-9a-f]+)\/([^/]+)$/.exec(ex.url.pathname);
    if (file) return this.resultFile(ex, file[1], decodeURIComponent(file[2]));
    return cdnDefaultErrorBody(404);
  }

  private blob(ex: Exchange, bytes: number, mp4: boolean): Reply {
    if (ex.forceExpired) return cdnErrorReply(403, 'AccessDenied', 'Request has expired');
    if (!Number.isSafeInteger(bytes) || bytes > MAX_BLOB_BYTES) {
      return cdnErrorReply(400, 'InvalidArgument', `At most ${MAX_BLOB_BYTES} bytes`);
    }
    if (mp4) return { status: 200, headers: { 'content-type': 'video/mp4' }, body: blobBody(bytes, MP4_HEAD) };
    return { status: 200, headers: { 'content-type': 'application/octet-stream' }, body: blobBody(bytes) };
  }

  private resultFile(ex: Exchange, token: string, name: string): Reply {
    const file = this.state.files.get(token);
    const now = this.state.now();
    if (!file || file.name !== name || now < file.availableAt) return cdnDefaultErrorBody(404);
    if (ex.forceExpired) file.expired = true;
    if (this.state.files.isExpired(file, now, this.state.options.resultTtlMs)) {
      return cdnErrorReply(403, 'AccessDenied', 'Request has expired');
    }
    ex.taskId = file.taskId;
    const bytes = fileBytes(file);
    const headers: Record<string, string> = {
      'content-type': CONTENT_TYPES[file.format],
      'accept-ranges': 'bytes',
      'last-modified': new Date(file.availableAt).toUTCString(),
      etag: `"${file.token}"`,
    };
    const range = parseRange(ex.headers.range, bytes.length);
    if (range === 'invalid') {
      return { status: 416, headers: { 'content-range': `bytes */${bytes.length}` }, body: Buffer.alloc(0) };
    }
    if (range) {
      headers['content-range'] = `bytes ${range.start}-${range.end}/${bytes.length}`;
      return { status: 206, headers, body: bytes.subarray(range.start, range.end + 1) };
    }
    return { status: 200, headers, body: bytes };
  }
}
