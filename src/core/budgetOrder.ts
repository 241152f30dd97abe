/**
 * Who gets the next request when a provider's per-minute budget is tight (Apixo: Pro 60, Free 10 a minute,
 * submits and checks together). Waiting costs differently: a queued task that is not sent waits in full, a
 * task that has just started cannot be done yet, and one that has gone unseen for a long stretch of its life
 * may well be finished. So, among the requests that may go:
 *
 * 1. submits first — a task waiting for a slot gains nothing while the budget goes to checks;
 * 2. then checks of tasks that could be done (older than the provider's documented earliest ready time for
 *    their kind), the one unseen for the largest share of its age first: a finish noticed late costs the user
 *    in proportion to the task's own duration, and that share is how late it would be noticed if it had just
 *    finished;
 * 3. then checks of tasks that cannot be done yet, and ties, in due order.
 */
import type { MediaKind } from './task';

export interface BudgetCandidate {
  readonly action: 'poll' | 'submit';
  readonly kind: MediaKind;
  /** How long the task has been running at the provider (since it was sent, or refreshed). */
  readonly ageMs: number;
  /** Its age at its last check (0 when never checked). */
  readonly checkedAtAgeMs: number;
  /** When it was due: the tie-break. */
  readonly dueAt: number;
}

/** A check's rank: the share of the task's age since it was last seen, 0 while it cannot be done yet. Higher goes first. */
export function checkPriority(candidate: BudgetCandidate, earliestReadyMs: number): number {
  if (candidate.ageMs <= earliestReadyMs || candidate.ageMs <= 0) return 0;
  const unseen = candidate.ageMs - Math.min(candidate.ageMs, Math.max(0, candidate.checkedAtAgeMs));
  return unseen / candidate.ageMs;
}

/**
 * Orders the requests that may go to a provider whose budget is tight (see the module comment). Without
 * earliest ready times (a provider that documents none) checks keep their due order; submits still go first.
 */
export function orderForBudget<T>(items: readonly T[], describe: (item: T) => BudgetCandidate, earliestReadyMs?: Readonly<Record<MediaKind, number>>): T[] {
  const keyed = items.map((item) => {
    const c = describe(item);
    const priority = c.action === 'submit' ? Infinity : earliestReadyMs ? checkPriority(c, earliestReadyMs[c.kind]) : 0;
    return { item, priority, dueAt: c.dueAt };
  });
  keyed.sort((a, b) => (a.priority === b.priority ? a.dueAt - b.dueAt : b.priority - a.priority));
  return keyed.map((k) => k.item);
}
