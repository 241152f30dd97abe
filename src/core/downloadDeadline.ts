/**
 * A download may take a fixed minimum plus its size at a minimum throughput, so a CDN dripping a byte a minute cannot
 * hold a slot for ever; with no announced size the bytes so far count, so a stalled stream still ends.
 */
import * as l10n from '@vscode/l10n';

export interface DownloadPace {
  /** However small. */
  readonly minMs: number;
  /** Bytes a second. */
  readonly minBytesPerSecond: number;
}

export const DEFAULT_DOWNLOAD_PACE: DownloadPace = { minMs: 2 * 60_000, minBytesPerSecond: 64 * 1024 };

/** Worth another attempt (code ETIMEDOUT, like a socket timeout). */
export class DownloadTooSlowError extends Error {
  readonly code = 'ETIMEDOUT';
}

export function downloadDeadlineMs(
  contentLength: number | undefined,
  received: number,
  pace: DownloadPace = DEFAULT_DOWNLOAD_PACE,
): number {
  const bytes = contentLength !== undefined && Number.isFinite(contentLength) ? Math.max(contentLength, received) : received;
  return pace.minMs + Math.ceil((bytes / pace.minBytesPerSecond) * 1000);
}

/** Calls `late` once past the deadline (looked at again then: bytes received meanwhile may move it). */
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
      options.late(
        new DownloadTooSlowError(
          l10n.t(
            'The download was slower than {0} KiB/s and was stopped after {1} s.',
            Math.round(pace.minBytesPerSecond / 1024),
            Math.round(elapsed / 1000),
          ),
        ),
      );
      return;
    }
    timer = setTimeout(look, allowed - elapsed);
  };
  timer = setTimeout(look, downloadDeadlineMs(options.contentLength, 0, pace));
  return { stop: () => { if (timer) clearTimeout(timer); timer = undefined; } };
}
