/**
 * A Retry-After, backoff or time read from disk can be absurd (years, NaN), and Node runs a timer over 2³¹−1 ms after
 * 1 ms, which would make the single poller timer fire every millisecond. Every wait goes through here.
 */

/** A provider asking for more is asked again after an hour. */
export const MAX_RETRY_AFTER_MS = 60 * 60_000;
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** `clamped`: it asked for more (worth a log line). */
export function boundedRetryAfter(ms: number | undefined): { ms: number | undefined; clamped: boolean } {
  if (ms === undefined) return { ms: undefined, clamped: false };
  if (!Number.isFinite(ms) || ms > MAX_RETRY_AFTER_MS) return { ms: MAX_RETRY_AFTER_MS, clamped: true };
  return { ms: Math.max(0, ms), clamped: false };
}

/** Not a number or negative is 0, longer than a timer holds is cut. */
export function timerDelay(ms: number): number {
  if (Number.isNaN(ms) || ms <= 0) return 0;
  return Math.min(ms, MAX_TIMER_MS);
}

/** Not finite (a damaged file, say) means "now". */
export function dueTime(at: number, now: number): number {
  return Number.isFinite(at) ? at : now;
}

/** Not finite or in the future counts as now. */
export function pastMoment(at: number | undefined, now: number): number | undefined {
  if (at === undefined) return undefined;
  return Number.isFinite(at) ? Math.min(at, now) : now;
}
