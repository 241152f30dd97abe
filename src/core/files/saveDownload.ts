/**
 * The byte path of a result download: every chunk is checked as it arrives (size limit, media type from the
 * first bytes), then written. Used by the extension (src/host/results.ts) and, unchanged, by the benchmark.
 *
 * Each chunk (64 KiB from undici) is written synchronously as it arrives: into the page cache that takes tens
 * of microseconds, less than a trip through libuv's thread pool costs on a busy machine, where the pool's
 * thread waits to be scheduled at every write (fs.createWriteStream ran at about half the speed in the
 * benchmark, and batching writes into 1 MiB writev calls did not help). Nothing is buffered beyond the chunk
 * in hand. Once two writes have taken longer than SLOW_WRITE_MS (a slow or network disk), the rest of the
 * file is written asynchronously, so the extension host is never held up for long.
 */
import * as l10n from '@vscode/l10n';
import { writeSync } from 'fs';
import { open, FileHandle } from 'fs/promises';
import { sniffMediaType, SniffedMedia } from './sniff';

/** Why a download was stopped while its bytes arrived; the message is for the user. */
export class DownloadRefused extends Error {}

/** Two writes slower than this mean a slow or network disk (one may just be the process losing the CPU). */
const SLOW_WRITE_MS = 20;

export interface ResultInspector {
  /** Throws DownloadRefused when the bytes so far are too many or not media. */
  inspect(chunk: Buffer): void;
  readonly received: number;
  /** The media type, known once 64 bytes (or the whole body) have arrived. */
  media(): SniffedMedia | undefined;
}

export function resultInspector(maxBytes: number, contentLength: number | undefined, contentType: string | undefined): ResultInspector {
  let received = 0;
  let head = Buffer.alloc(0);
  let media: SniffedMedia | undefined;
  const limit = `${(maxBytes / 1048576).toFixed(0)} MB`;
  return {
    inspect(chunk) {
      received += chunk.length;
      if (received > maxBytes) throw new DownloadRefused(l10n.t('The result is larger than the {0} limit (setting "mediaStudio.maxDownloadSizeMB"); the download was stopped.', limit));
      if (media) return;
      head = Buffer.concat([head, chunk]);
      if (head.length >= 64 || received === contentLength) {
        media = sniffMediaType(head, contentType);
        if (!media) throw new DownloadRefused(l10n.t('The result URL did not return an image or a video (Content-Type {0}).', contentType ?? 'missing'));
      }
    },
    get received() { return received; },
    media: () => media ?? (received > 0 ? sniffMediaType(head, contentType) : undefined),
  };
}

/** Writes all of `chunk` at the file's current position. */
function writeAllSync(fd: number, chunk: Buffer): void {
  let offset = 0;
  while (offset < chunk.length) offset += writeSync(fd, chunk, offset, chunk.length - offset);
}

async function writeAll(handle: FileHandle, chunk: Buffer): Promise<void> {
  let offset = 0;
  while (offset < chunk.length) offset += (await handle.write(chunk, offset, chunk.length - offset)).bytesWritten;
}

/**
 * Streams `source` into `file`, which must not exist yet ('wx'), calling `inspect` on every chunk before it
 * is written (a throw stops the download and is rethrown; the partial file is the caller's to delete).
 * Resolves with the number of bytes written once the file is complete and closed.
 */
export async function streamToNewFile(
  source: AsyncIterable<Uint8Array> & { destroy?(): void; on?(event: 'error', listener: () => void): unknown },
  file: string,
  inspect?: (chunk: Buffer) => void,
  slowWriteMs = SLOW_WRITE_MS,
): Promise<number> {
  let handle: FileHandle;
  try {
    handle = await open(file, 'wx');
  } catch (error) {
    // Not read, so let its connection go; undici reports that abort as an 'error' event, which must be heard.
    source.on?.('error', () => undefined);
    source.destroy?.();
    throw error;
  }
  let written = 0;
  let slowWrites = 0;
  try {
    for await (const data of source) {
      const chunk = Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
      inspect?.(chunk);
      if (slowWrites >= 2) {
        await writeAll(handle, chunk);
      } else {
        const started = performance.now();
        writeAllSync(handle.fd, chunk);
        if (performance.now() - started > slowWriteMs) slowWrites++;
      }
      written += chunk.length;
    }
    return written;
  } finally {
    await handle.close();
  }
}
