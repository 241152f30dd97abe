/**
 * An overall deadline for a result download, scaled to its size: a CDN that drips one byte a minute must not
 * hold a download slot for ever. The download may take a fixed minimum plus its size at a minimum throughput;
 * when the size is not announced, the bytes received so far count, so a stalled stream still ends.
 */
import * as l10n from '@vscode/l10n';

export interface DownloadPace {
  /** Time any download may take, however small. */
  readonly minMs: number;
  /** The slowest throughput accepted, in bytes a second. */
  readonly minBytesPerSecond: number;
}

export const DEFAULT_DOWNLOAD_PACE: DownloadPace = { minMs: 2 * 60_000, minBytesPerSecond: 64 * 1024 };

/** A download stopped for being too slow; worth another attempt (code ETIMEDOUT, like a socket timeout). */
export class DownloadTooSlowError extends Error {
  readonly code = 'ETIMEDOUT';
}

/** How long a download of `contentLength` bytes (or, unknown, of the bytes so far) may take in all. */
export function downloadDeadlineMs(contentLength: number | undefined, received: number, pace: DownloadPace = DEFAULT_DOWNLOAD_PACE): number {
  const bytes = contentLength !== undefined && Number.isFinite(contentLength) ? Math.max(contentLength, received) : received;
  return pace.minMs + Math.ceil((bytes / pace.minBytesPerSecond) * 1000);
}

/**
 * Watches a running download and calls `late` once it has run past its deadline (looked at again when the
 * deadline comes, since bytes received meanwhile may have moved it). `stop` when the download ends.
 */
export function watchDownload(options: {
  readonly contentLength: number | undefined;
  readonly received: () => number;
  readonly late: (error: DownloadTooSlowError) => void;
  readonly pace?: DownloadPace;
}): { stop(): void } {
  const pace = options.pace ?? DEFAULT_DOWNLOAD_PACE;
  const started = Date.now();
  let timer: NodeJS.Timeout | undefined;
  const look = () => {
    const allowed = downloadDeadlineMs(options.contentLength, options.received(), pace);
    const elapsed = Date.now() - started;
    if (elapsed >= allowed) {
      timer = undefined;
      options.late(new DownloadTooSlowError(l10n.t('The download was slower than {0} KiB/s and was stopped after {1} s.', Math.round(pace.minBytesPerSecond / 1024), Math.round(elapsed / 1000))));
      return;
    }
    timer = setTimeout(look, allowed - elapsed);
  };
  timer = setTimeout(look, downloadDeadlineMs(options.contentLength, 0, pace));
  return { stop: () => { if (timer) clearTimeout(timer); timer = undefined; } };
}
