/**
 * Who gets the next request when a provider's per-minute budget is tight (Apixo: Pro 60, Free 10, submits and
 * checks together). A queued task waits in full, a just-started one cannot be done, and one long unseen may be:
 * 1. submits first — a task waiting for a slot gains nothing while the budget goes to checks;
 * 2. then tasks past their kind's earliest ready time, largest share of their age unseen first: a finish noticed
 *    late costs in proportion to the task's duration, and that share is how late it would be noticed;
 * 3. then the rest, and ties, in due order.
 * A paced place nothing due would take goes to the task that ranks first, once it is worth a request (EARLY_CHECK_SHARE).
 */
import { DEFAULT_TUNING } from './backoff';
import type { MediaKind } from './task';

/**
 * A tight budget's free paced place goes to a task not yet due only once it has gone unseen for this share of its age:
 * half of what the schedule lets build up (a check at most every tenth of the age). Lower spends places on tasks just
 * checked, which a due task may need a moment later.
 */
export const EARLY_CHECK_SHARE = DEFAULT_TUNING.ageFraction / 2;

export interface BudgetCandidate {
  readonly action: 'poll' | 'submit';
  readonly kind: MediaKind;
  /** Since it was sent, or refreshed. */
  readonly ageMs: number;
  /** 0 when never checked. */
  readonly checkedAtAgeMs: number;
  /** The tie-break. */
  readonly dueAt: number;
}

/** The share of the task's age since last seen, 0 while it cannot be done yet. Higher goes first. */
export function checkPriority(candidate: BudgetCandidate, earliestReadyMs: number): number {
  if (candidate.ageMs <= earliestReadyMs || candidate.ageMs <= 0) return 0;
  const unseen = candidate.ageMs - Math.min(candidate.ageMs, Math.max(0, candidate.checkedAtAgeMs));
  return unseen / candidate.ageMs;
}

/** Whether a check not yet due is worth a paced place that would otherwise go unused. */
export function worthCheckingEarly(candidate: BudgetCandidate, earliestReadyMs: number): boolean {
  return candidate.action === 'poll' && candidate.ageMs >= worthCheckingFromAgeMs(candidate.checkedAtAgeMs, earliestReadyMs);
}

/** The age from which a task last seen at `checkedAtAgeMs` is worth checking early: (age − seen) / age ≥ the share. */
export function worthCheckingFromAgeMs(checkedAtAgeMs: number, earliestReadyMs: number): number {
  return Math.max(earliestReadyMs + 1, Math.ceil(Math.max(0, checkedAtAgeMs) / (1 - EARLY_CHECK_SHARE)));
}

/** Without earliest ready times checks keep their due order; submits still go first. */
export function orderForBudget<T>(
  items: readonly T[],
  describe: (item: T) => BudgetCandidate,
  earliestReadyMs?: Readonly<Record<MediaKind, number>>,
): T[] {
  const keyed = items.map((item) => {
    const c = describe(item);
    const priority = c.action === 'submit' ? Infinity : earliestReadyMs ? checkPriority(c, earliestReadyMs[c.kind]) : 0;
    return { item, priority, dueAt: c.dueAt };
  });
  keyed.sort((a, b) => (a.priority === b.priority ? a.dueAt - b.dueAt : b.priority - a.priority));
  return keyed.map((k) => k.item);
}
