/**
 * When to check a task next: ×1.5 from the first-check delay, never more than a tenth of the task's age, so a finish
 * is noticed within ~10 % of its run time while a long video costs a few dozen requests rather than hundreds.
 */
import type { ErrorBackoff, PollPolicy } from './adapters/adapter';
import type { MediaKind } from './task';
import { boundedRetryAfter } from './waits';

export interface PollTuning {
  readonly growth: number;        // multiplier per check
  readonly maxIntervalMs: number; // cap on any single wait
  readonly ageFraction: number;   // the wait never exceeds this share of the task's age…
  readonly jitter: number;        // …and is shortened by up to this share, so timers do not align
  /** Test runs only: so a suite need not sit out Apixo's minute before each video's first check. */
  readonly firstCheckCapMs?: number;
}

export const DEFAULT_TUNING: PollTuning = { growth: 1.5, maxIntervalMs: 30_000, ageFraction: 0.1, jitter: 0.1 };

/** Waits after failed checks for a provider that documents none: 1 s, 2 s, 4 s… plus up to 250 ms. */
export const DEFAULT_ERROR_BACKOFF: ErrorBackoff = { firstMs: 1000, growth: 2, jitterMs: 250 };

export function maxIntervalOf(policy: PollPolicy, tuning: PollTuning = DEFAULT_TUNING): number {
  return Math.max(policy.floorMs, policy.maxIntervalMs ?? tuning.maxIntervalMs);
}

/**
 * While checks keep failing in a way retrying cannot fix (a rejected key): the longest interval less jitter, so the
 * task is still checked now and then (it may finish, and its deadline still makes it stale) without hammering.
 */
export function slowPollDelay(policy: PollPolicy, random: () => number, tuning: PollTuning = DEFAULT_TUNING): number {
  return Math.round(Math.max(policy.floorMs, maxIntervalOf(policy, tuning) * (1 - tuning.jitter * random())));
}

export interface PollMoment {
  readonly kind: MediaKind;
  /** Since submitted. */
  readonly ageMs: number;
  /** In this run of polling. */
  readonly checks: number;
  /** Network, 5xx, 429. */
  readonly errorStreak: number;
  readonly retryAfterMs?: number;
}

/** Never more than the longest interval or an hour of Retry-After, and always finite (a damaged stored time gives NaN). */
export function nextPollDelay(policy: PollPolicy, moment: PollMoment, random: () => number, tuning: PollTuning = DEFAULT_TUNING): number {
  const floor = Math.max(policy.floorMs, 0);
  const maxInterval = maxIntervalOf(policy, tuning);
  const wait = unboundedPollDelay(policy, { ...moment, retryAfterMs: boundedRetryAfter(moment.retryAfterMs).ms }, random, tuning);
  return Number.isFinite(wait) ? wait : Math.max(floor, maxInterval);
}

function unboundedPollDelay(policy: PollPolicy, moment: PollMoment, random: () => number, tuning: PollTuning): number {
  const floor = Math.max(policy.floorMs, 0);
  const maxInterval = maxIntervalOf(policy, tuning);
  if (moment.errorStreak > 0) {
    // Errors: the provider's backoff, growing on to the longest interval in a long outage.
    const backoff = policy.errorBackoff ?? DEFAULT_ERROR_BACKOFF;
    const wait = Math.min(maxInterval, backoff.firstMs * backoff.growth ** (moment.errorStreak - 1) + random() * backoff.jitterMs);
    return Math.round(Math.max(floor, wait, moment.retryAfterMs ?? 0));
  }
  let wait: number;
  if (moment.checks === 0) {
    wait = Math.min(policy.firstCheckMs[moment.kind], tuning.firstCheckCapMs ?? Infinity);
  } else {
    const exponential = policy.firstCheckMs[moment.kind] * (policy.growth ?? tuning.growth) ** moment.checks;
    const ageBound = Math.max(policy.minIntervalMs[moment.kind], tuning.ageFraction * moment.ageMs);
    // Jitter only shortens a wait, and never below the provider's minimum interval.
    wait = Math.max(policy.minIntervalMs[moment.kind], Math.min(exponential, ageBound, maxInterval) * (1 - tuning.jitter * random()));
  }
  return Math.max(floor, Math.round(wait), moment.retryAfterMs ?? 0);
}
