/**
 * When to check a task next. Exponential backoff (×1.5 from the provider's first-check delay), bounded so
 * the wait never exceeds a tenth of the task's age: a finished task is noticed within about 10 % of its
 * run time while a long video costs a few dozen requests rather than hundreds.
 */
import type { PollPolicy } from './adapters/adapter';
import type { MediaKind } from './task';

export interface PollTuning {
  readonly growth: number;        // multiplier per check
  readonly maxIntervalMs: number; // cap on any single wait
  readonly ageFraction: number;   // the wait never exceeds this share of the task's age…
  readonly jitter: number;        // …and is shortened by up to this share, so timers do not align
}

export const DEFAULT_TUNING: PollTuning = { growth: 1.5, maxIntervalMs: 30_000, ageFraction: 0.1, jitter: 0.1 };

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

export function nextPollDelay(policy: PollPolicy, moment: PollMoment, random: () => number, tuning: PollTuning = DEFAULT_TUNING): number {
  const floor = Math.max(policy.floorMs, 0);
  if (moment.errorStreak > 0) {
    // Errors: the backoff Pixapi documents (0.5 s·2^n plus up to 250 ms), growing on to the cap in a long outage.
    const wait = Math.min(tuning.maxIntervalMs, 500 * 2 ** moment.errorStreak + random() * 250);
    return Math.round(Math.max(floor, wait, moment.retryAfterMs ?? 0));
  }
  let wait: number;
  if (moment.checks === 0) {
    wait = policy.firstCheckMs[moment.kind];
  } else {
    const exponential = policy.firstCheckMs[moment.kind] * tuning.growth ** moment.checks;
    const ageBound = Math.max(policy.minIntervalMs[moment.kind], tuning.ageFraction * moment.ageMs);
    // Jitter only shortens a wait, and never below the provider's minimum interval.
    wait = Math.max(policy.minIntervalMs[moment.kind], Math.min(exponential, ageBound, tuning.maxIntervalMs) * (1 - tuning.jitter * random()));
  }
  return Math.max(floor, Math.round(wait), moment.retryAfterMs ?? 0);
}
