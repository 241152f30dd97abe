/** Every task's next due work under one self-rescheduling timer, checks capped by the pool, budgets in budget order. */
import type { ProviderAdapter } from '../adapters/adapter';
import { type BudgetCandidate, orderForBudget, worthCheckingEarly, worthCheckingFromAgeMs } from '../budgetOrder';
import type { ProviderId } from '../providers';
import type { TaskStore } from '../store';
import type { MediaKind } from '../task';
import { dueTime, pastMoment, timerDelay } from '../waits';
import type { Admission } from './admission';
import { pacedIntervalMs } from './requestLog';
import type { Clock, Due } from './types';

const DEFAULT_PARALLEL_CHECKS = 8;

export interface SchedulerDeps {
  readonly clock: Clock;
  readonly store: TaskStore;
  readonly adapters: ReadonlyMap<ProviderId, ProviderAdapter>;
  readonly admission: Admission;
  readonly maxParallelChecks?: number;
  /** A due task in work is not started again. */
  working(id: string): boolean;
  run(id: string, due: Due): Promise<void>;
  /** However it ended. */
  ran(id: string): void;
  readonly log?: (line: string, level?: 'info' | 'warn') => void;
}

export class Scheduler {
  private readonly due = new Map<string, Due>();
  /** One piece of work per task at a time. */
  private readonly busy = new Set<string>();
  /** The check pool, which submits and downloads never take. */
  private readonly checking = new Set<string>();
  /** Sent from this window (the stored lastCheckedAt is when it was answered). */
  readonly checkSentAt = new Map<string, number>();
  private timer: unknown;
  private timerAt = Infinity;
  private disposed = false;

  constructor(private readonly deps: SchedulerDeps) {}

  get size(): number {
    return this.due.size;
  }

  get(id: string): Due | undefined {
    return this.due.get(id);
  }

  has(id: string): boolean {
    return this.due.has(id);
  }

  inWork(id: string): boolean {
    return this.busy.has(id);
  }

  unschedule(id: string): void {
    this.due.delete(id);
  }

  forget(id: string): void {
    this.due.delete(id);
    this.checkSentAt.delete(id);
  }

  /** By the stored answer or a check sent from here. */
  lastCheck(id: string, storedCheckedAt: number | undefined): number {
    return Math.max(storedCheckedAt ?? -Infinity, this.checkSentAt.get(id) ?? -Infinity);
  }

  /** Clamped to the provider's floor after the last check, whoever asked (Refresh, a new key, a resume). */
  schedule(id: string, due: Due): void {
    const requested = dueTime(due.at, this.deps.clock.now());
    const at = due.action === 'poll' ? Math.max(requested, this.earliestCheck(id)) : requested;
    this.due.set(id, { ...due, at });
    this.arm();
  }

  private earliestCheck(id: string): number {
    const task = this.deps.store.get(id);
    const adapter = task && this.deps.adapters.get(task.request.provider);
    if (!task || !adapter) return -Infinity;
    // lastCheckedAt is read from disk: a damaged or future value must not hold the task back for good.
    return this.lastCheck(id, pastMoment(task.lastCheckedAt, this.deps.clock.now())) + adapter.policy.floorMs;
  }

  /**
   * Within a provider with a request budget, due requests go in budget order (see budgetOrder.ts) as one group at its
   * earliest entry's place. While the budget is tight, a task past its floor but not due competes too: the next paced
   * request may be better spent on a video near its end than on an image just started. A loser keeps its due time.
   * A tight provider with nothing due still gets a group of those (see nextEarlyCheck).
   */
  private budgetOrdered(ready: [string, Due][], now: number): [string, Due][] {
    const groups = new Map<ProviderId, [string, Due][]>();
    for (const entry of ready) {
      const provider = this.providerOf(entry[0]);
      if (provider && this.deps.adapters.get(provider)?.policy.requestsPerMinute !== undefined)
        groups.set(provider, [...(groups.get(provider) ?? []), entry]);
    }
    for (const [provider, adapter] of this.deps.adapters)
      if (!groups.has(provider) && this.fillsUnusedPlaces(provider, adapter, now)) groups.set(provider, []);
    if (!groups.size) return ready;
    for (const [provider, entries] of groups) {
      const policy = this.deps.adapters.get(provider)?.policy;
      const earliestReadyMs = policy?.earliestReadyMs;
      if (earliestReadyMs && this.ranksEarlyChecks(provider, this.deps.adapters.get(provider), now)) {
        // With nothing due, only a check worth a request goes (the place is else left to the next due one).
        const nothingDue = !entries.length;
        for (const [id, due] of this.earlyChecks(provider, now)) {
          if (!nothingDue || worthCheckingEarly(this.candidate(id, due, now), earliestReadyMs[this.kindOf(id)])) entries.push([id, due]);
        }
      }
      groups.set(provider, orderForBudget(entries, ([id, due]) => this.candidate(id, due, now), earliestReadyMs));
    }
    const ordered: [string, Due][] = [];
    // A group with nothing due has no place among the due entries: nothing due is ahead of it.
    for (const [provider, group] of groups)
      if (!ready.some((entry) => this.providerOf(entry[0]) === provider)) ordered.push(...group.splice(0));
    for (const entry of ready) {
      const provider = this.providerOf(entry[0]);
      const group = provider && groups.get(provider);
      if (!group) ordered.push(entry);
      else if (group.length) ordered.push(...group.splice(0));
    }
    return ordered;
  }

  private providerOf(id: string): ProviderId | undefined {
    return this.deps.store.get(id)?.request.provider;
  }

  private kindOf(id: string): MediaKind {
    return this.deps.store.get(id)?.request.kind ?? 'image';
  }

  /** A provider whose budget is tight and which documents ready times, so checks not yet due can be ranked. */
  private ranksEarlyChecks(provider: ProviderId, adapter: ProviderAdapter | undefined, now: number): boolean {
    return (
      adapter?.policy.requestsPerMinute !== undefined &&
      adapter.policy.earliestReadyMs !== undefined &&
      this.deps.admission.budgetTight(provider, now)
    );
  }

  /**
   * Whether the provider's paced places that nothing due takes go to checks not yet due. A place taken early holds the
   * next due request back by up to one paced interval: only where that is within the floor (the least time between two
   * checks of a task) is it small beside any check's interval. Apixo Pro: 1 s within 3 s; Free's 6 s is not, and its
   * due checks need every place.
   */
  private fillsUnusedPlaces(provider: ProviderId, adapter: ProviderAdapter | undefined, now: number): boolean {
    const policy = adapter?.policy;
    return (
      policy?.requestsPerMinute !== undefined &&
      pacedIntervalMs(policy.requestsPerMinute) <= policy.floorMs &&
      this.ranksEarlyChecks(provider, adapter, now)
    );
  }

  /** Checks of the provider's tasks not due at `at` but past their floor, so they may go at `at`. */
  private *earlyChecks(provider: ProviderId, at: number): Generator<[string, Due]> {
    for (const [id, due] of this.waitingChecks(provider)) if (due.at > at && this.earliestCheck(id) <= at) yield [id, due];
  }

  /** Checks of the provider's tasks that wait for their time (not in work, not blocked). */
  private *waitingChecks(provider: ProviderId): Generator<[string, Due]> {
    for (const [id, due] of this.due)
      if (due.action === 'poll' && !due.blocked && !this.deps.working(id) && this.providerOf(id) === provider) yield [id, due];
  }

  private candidate(id: string, due: Due, at: number): BudgetCandidate {
    const task = this.deps.store.get(id);
    const last = this.lastCheck(id, task?.lastCheckedAt);
    return {
      action: due.action,
      kind: this.kindOf(id),
      ageMs: at - due.since,
      checkedAtAgeMs: Math.max(0, last - due.since),
      dueAt: due.at,
    };
  }

  /**
   * While a budget is tight, the moment its next paced place may go to a check not yet due (the first moment one is
   * worth it): spacing at the budget's rate leaves places unused in a quiet stretch, and a finish is then seen that
   * much sooner, while the checks that are due still rank with it at their turns (budgetOrdered).
   */
  private nextEarlyCheck(now: number): number {
    if (this.checking.size >= (this.deps.maxParallelChecks ?? DEFAULT_PARALLEL_CHECKS)) return Infinity;
    let earliest = Infinity;
    for (const [provider, adapter] of this.deps.adapters) {
      const earliestReadyMs = adapter.policy.earliestReadyMs;
      if (!earliestReadyMs || !this.fillsUnusedPlaces(provider, adapter, now)) continue;
      const budgetAt = Math.max(now, this.deps.admission.budgetWait(provider, now) ?? now);
      for (const [id, due] of this.waitingChecks(provider)) {
        const { checkedAtAgeMs } = this.candidate(id, due, now);
        const worthFromAge = worthCheckingFromAgeMs(checkedAtAgeMs, earliestReadyMs[this.kindOf(id)]);
        const worthAt = Math.max(due.since + worthFromAge, this.earliestCheck(id));
        if (worthAt < due.at) earliest = Math.min(earliest, Math.max(budgetAt, worthAt));
        // None can go before the budget's place.
        if (earliest <= budgetAt) break;
      }
    }
    return earliest;
  }

  arm(): void {
    if (this.disposed) return;
    let earliest = Infinity;
    for (const [id, due] of this.due) if (!this.deps.working(id)) earliest = Math.min(earliest, due.at);
    earliest = Math.min(earliest, this.nextEarlyCheck(this.deps.clock.now()));
    if (earliest === this.timerAt) return;
    if (this.timer !== undefined) this.deps.clock.clearTimer(this.timer);
    this.timer = undefined;
    this.timerAt = earliest;
    if (earliest === Infinity) return;
    this.timer = this.deps.clock.setTimer(() => {
      this.timer = undefined;
      this.timerAt = Infinity;
      this.tick();
    }, timerDelay(earliest - this.deps.clock.now()));
  }

  private tick(): void {
    if (this.disposed) return;
    const now = this.deps.clock.now();
    const ready = this.budgetOrdered(
      [...this.due].filter(([id, due]) => due.at <= now && !this.deps.working(id)).sort((a, b) => a[1].at - b[1].at),
      now,
    );
    // Only status checks count against the check pool: a long synchronous submit or a slow download never stops them.
    let room = (this.deps.maxParallelChecks ?? DEFAULT_PARALLEL_CHECKS) - this.checking.size;
    for (const [id, due] of ready) {
      if (due.action === 'poll' && room <= 0) continue;
      const provider = this.deps.store.get(id)?.request.provider;
      // Taken from the budget here (every window's, when shared): the look and the taking are one step.
      const wait = provider ? this.deps.admission.take(provider, now) : undefined;
      if (provider && wait !== undefined) {
        // Over the provider's requests-a-minute: this one goes when the oldest request of the window has aged out.
        this.due.set(id, { ...due, at: Math.max(due.at, wait) });
        continue;
      }
      if (due.action === 'poll') {
        room -= 1;
        this.checking.add(id);
      }
      this.busy.add(id);
      void this.deps
        .run(id, due)
        .catch((error) => this.deps.log?.(`Task ${id}: ${error instanceof Error ? error.message : String(error)}`, 'warn'))
        .finally(() => {
          this.busy.delete(id);
          this.checking.delete(id);
          this.deps.ran(id);
          this.arm();
        });
    }
    // Anything left over (no room) is picked up when a check finishes.
    this.arm();
  }

  dispose(): void {
    this.disposed = true;
    if (this.timer !== undefined) this.deps.clock.clearTimer(this.timer);
  }
}
