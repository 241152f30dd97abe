/**
 * The byte path of a result download: each chunk is checked (size limit, media type), then written. Shared with the
 * benchmark. Chunks are written synchronously: into the page cache that costs tens of µs, less than a trip through a
 * busy libuv pool (createWriteStream ran at half the speed; 1 MiB writev batches did not help). After two writes
 * slower than SLOW_WRITE_MS (a slow or network disk) the rest goes asynchronously, so the host is never held long.
 */
import * as l10n from '@vscode/l10n';
import { writeSync } from 'fs';
import { open, type FileHandle } from 'fs/promises';
import { sniffMediaType, type SniffedMedia } from './sniff';

/** The message is for the user. */
export class DownloadRefused extends Error {}

/** Two writes slower than this mean a slow or network disk (one may just be the process losing the CPU). */
const SLOW_WRITE_MS = 20;

export interface ResultInspector {
  inspect(chunk: Buffer): void;
  readonly received: number;
  /** Known once 64 bytes (or the whole body) have arrived. */
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
      if (received > maxBytes)
        throw new DownloadRefused(
          l10n.t('The result is larger than the {0} limit (setting "mediaStudio.maxDownloadSizeMB"); the download was stopped.', limit),
        );
      if (media) return;
      head = Buffer.concat([head, chunk]);
      if (head.length >= 64 || received === contentLength) {
        media = sniffMediaType(head, contentType);
        if (!media)
          throw new DownloadRefused(
            l10n.t('The result URL did not return an image or a video (Content-Type {0}).', contentType ?? 'missing'),
          );
      }
    },
    get received() { return received; },
    media: () => media ?? (received > 0 ? sniffMediaType(head, contentType) : undefined),
  };
}

function writeAllSync(fd: number, chunk: Buffer): void {
  let offset = 0;
  while (offset < chunk.length) offset += writeSync(fd, chunk, offset, chunk.length - offset);
}

async function writeAll(handle: FileHandle, chunk: Buffer): Promise<void> {
  let offset = 0;
  while (offset < chunk.length) offset += (await handle.write(chunk, offset, chunk.length - offset)).bytesWritten;
}

/**
 * `file` must not exist yet ('wx'). A throw from `inspect` stops the download and is rethrown (the partial file is the
 * caller's to delete). Resolves with the bytes written once the file is complete and closed.
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
