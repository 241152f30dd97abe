/**
 * Bounds on every wait the engine computes. A provider's Retry-After, a backoff or a time read back from
 * disk can be absurd (years, NaN); Node runs a timer of more than 2³¹−1 ms after 1 ms instead, so one such
 * value would make the poller's single timer fire every millisecond. Every wait goes through here first.
 */

/** The longest Retry-After honoured: a provider asking for more is asked again after an hour. */
export const MAX_RETRY_AFTER_MS = 60 * 60_000;
/** The longest delay a Node timer takes as given. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** A provider's Retry-After, at most an hour; `clamped` says it asked for more (worth a log line). */
export function boundedRetryAfter(ms: number | undefined): { ms: number | undefined; clamped: boolean } {
  if (ms === undefined) return { ms: undefined, clamped: false };
  if (!Number.isFinite(ms) || ms > MAX_RETRY_AFTER_MS) return { ms: MAX_RETRY_AFTER_MS, clamped: true };
  return { ms: Math.max(0, ms), clamped: false };
}

/** A wait as a timer may take it: not a number or negative is 0, longer than a timer can hold is cut. */
export function timerDelay(ms: number): number {
  if (Number.isNaN(ms) || ms <= 0) return 0;
  return Math.min(ms, MAX_TIMER_MS);
}

/** A due time: one that is not a finite number (read back from a damaged file, say) means "now". */
export function dueTime(at: number, now: number): number {
  return Number.isFinite(at) ? at : now;
}

/** A past moment read from disk (last check, submit time): not finite or in the future counts as now. */
export function pastMoment(at: number | undefined, now: number): number | undefined {
  if (at === undefined) return undefined;
  return Number.isFinite(at) ? Math.min(at, now) : now;
}
