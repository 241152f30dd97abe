/**
 * When to check a task next. Exponential backoff (×1.5 from the provider's first-check delay), bounded so
 * the wait never exceeds a tenth of the task's age: a finished task is noticed within about 10 % of its
 * run time while a long video costs a few dozen requests rather than hundreds.
 */
import type { ErrorBackoff, PollPolicy } from './adapters/adapter';
import type { MediaKind } from './task';
import { boundedRetryAfter } from './waits';

export interface PollTuning {
  readonly growth: number;        // multiplier per check
  readonly maxIntervalMs: number; // cap on any single wait
  readonly ageFraction: number;   // the wait never exceeds this share of the task's age…
  readonly jitter: number;        // …and is shortened by up to this share, so timers do not align
  /** Test runs only: a shorter first wait, so a suite need not sit out Apixo's minute before each video's first check. */
  readonly firstCheckCapMs?: number;
}

export const DEFAULT_TUNING: PollTuning = { growth: 1.5, maxIntervalMs: 30_000, ageFraction: 0.1, jitter: 0.1 };

/** Waits after failed checks for a provider that documents none: 1 s, 2 s, 4 s… plus up to 250 ms. */
export const DEFAULT_ERROR_BACKOFF: ErrorBackoff = { firstMs: 1000, growth: 2, jitterMs: 250 };

/** The longest wait between two checks of one task for this provider. */
export function maxIntervalOf(policy: PollPolicy, tuning: PollTuning = DEFAULT_TUNING): number {
  return Math.max(policy.floorMs, policy.maxIntervalMs ?? tuning.maxIntervalMs);
}

/**
 * The wait while checks keep failing in a way retrying cannot fix by itself (a rejected key, a refused
 * request): the longest interval, shortened by jitter, so the task is still checked now and then (it may
 * finish at the provider, and its deadline still makes it stale) without hammering the provider.
 */
export function slowPollDelay(policy: PollPolicy, random: () => number, tuning: PollTuning = DEFAULT_TUNING): number {
  return Math.round(Math.max(policy.floorMs, maxIntervalOf(policy, tuning) * (1 - tuning.jitter * random())));
}

export interface PollMoment {
  readonly kind: MediaKind;
  /** How long ago the task was submitted. */
  readonly ageMs: number;
  /** Checks made so far in this run of polling. */
  readonly checks: number;
  /** Consecutive failed checks (network, 5xx, 429). */
  readonly errorStreak: number;
  readonly retryAfterMs?: number;
}

/**
 * The wait before the next check (or resend of a refused submit): never more than the longest interval or an
 * hour of Retry-After, and always a finite number, whatever the moment holds (an age computed from a damaged
 * stored time is NaN).
 */
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
