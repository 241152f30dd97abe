/**
 * Admission: the provider slots a task holds on its way out (from being picked to send until the provider
 * answered) and each provider's per-minute request budget.
 */
import type { ProviderAdapter } from '../adapters/adapter';
import type { ProviderId } from '../providers';
import type { TaskStore } from '../store';
import type { Task } from '../task';
import { pastMoment, timerDelay } from '../waits';
import type { Clock } from './types';

/**
 * Headroom on a provider's per-minute request budget: our clock and the provider's see a request at slightly
 * different moments, so a window is taken as this much longer than a minute.
 */
const BUDGET_MARGIN_MS = 1000;
const MINUTE_MS = 60_000;
const BUDGET_WINDOW_MS = MINUTE_MS + BUDGET_MARGIN_MS;
/** States in which a task may hold one of the provider's slots (see activeCount). */
const HOLDS_SLOT: readonly Task['state'][] = ['submitting', 'submitted', 'running', 'stale', 'unconfirmed'];

/** A task's hold on a provider slot while it is being sent; releasing it twice is harmless. */
export interface SlotHold {
  release(): void;
}

export interface AdmissionDeps {
  readonly clock: Clock;
  readonly store: TaskStore;
  readonly adapters: ReadonlyMap<ProviderId, ProviderAdapter>;
  deadlineMs(task: Task): number;
}

/** When a stored task was sent, as a usable number: a damaged or future time read from disk counts as now. */
export function storedSince(task: Task, now: number): number {
  return pastMoment(task.submittedAt ?? task.createdAt, now) ?? now;
}

export class Admission {
  private readonly holds = new Map<string, SlotHold>();
  /** Start times of this window's requests per provider within the last minute, for providers with a request budget. */
  private readonly requestTimes = new Map<ProviderId, number[]>();
  /** Per provider: a look at the queue when a stale or unconfirmed task's hold on a slot lapses (see activeCount). */
  private readonly slotTimers = new Map<ProviderId, { at: number; handle: unknown }>();

  constructor(private readonly deps: AdmissionDeps) {}

  /** Takes a slot for the task until the hold is released (the task is on its way to the provider). */
  acquire(id: string): SlotHold {
    const hold: SlotHold = {
      release: () => {
        if (this.holds.get(id) === hold) this.holds.delete(id);
      },
    };
    this.holds.set(id, hold);
    return hold;
  }

  /** The task's hold, if it has one; releasing a task without one does nothing. */
  holdOf(id: string): SlotHold {
    return this.holds.get(id) ?? { release: () => undefined };
  }

  sending(id: string): boolean {
    return this.holds.has(id);
  }

  /**
   * Tasks the provider may be working on for us (or is about to be), counted against its cap. Stale and
   * unconfirmed tasks count too, for a while: one may still be waiting or running there (PixAI refuses an 11th
   * task). Their slot is freed when a terminal state is known, when the user stops tracking or removes them, or
   * at the latest twice the task's deadline after it was sent — a provider that has neither finished nor failed
   * it by then is not holding it, and holding it longer would stall the local queue for good (a submit the
   * provider still refuses with 429 is sent again later anyway).
   */
  activeCount(provider: ProviderId): number {
    const now = this.deps.clock.now();
    let count = 0;
    for (const t of this.deps.store.values()) {
      if (t.request.provider === provider && (this.holds.has(t.id) || (HOLDS_SLOT.includes(t.state) && now < this.slotHeldUntil(t)))) count += 1;
    }
    return count;
  }

  /** Until when a task in a slot-holding state keeps its slot (see activeCount). */
  private slotHeldUntil(task: Task): number {
    if (task.state !== 'stale' && task.state !== 'unconfirmed') return Infinity;
    return storedSince(task, this.deps.clock.now()) + 2 * this.deps.deadlineMs(task);
  }

  /** Tasks wait for a slot that a stale or unconfirmed task holds only for a while: `lapsed` runs when it lapses. */
  whenSlotLapses(provider: ProviderId, lapsed: () => void): void {
    const now = this.deps.clock.now();
    let lapses = Infinity;
    for (const t of this.deps.store.values()) {
      const until = t.request.provider === provider && HOLDS_SLOT.includes(t.state) ? this.slotHeldUntil(t) : Infinity;
      if (until > now) lapses = Math.min(lapses, until);
    }
    const pending = this.slotTimers.get(provider);
    if (lapses === Infinity || pending?.at === lapses) return;
    if (pending) this.deps.clock.clearTimer(pending.handle);
    const handle = this.deps.clock.setTimer(() => {
      this.slotTimers.delete(provider);
      lapsed();
    }, timerDelay(lapses - now));
    this.slotTimers.set(provider, { at: lapses, handle });
  }

  private limit(provider: ProviderId): number | undefined {
    return this.deps.adapters.get(provider)?.policy.requestsPerMinute;
  }

  /** Whether the provider's budget is being paced: half of it or more went out in the last minute. */
  budgetTight(provider: ProviderId, now: number): boolean {
    const limit = this.limit(provider);
    if (limit === undefined) return false;
    return (this.requestTimes.get(provider) ?? []).filter((t) => now - t < BUDGET_WINDOW_MS).length >= Math.ceil(limit / 2);
  }

  /** The provider's request budget: undefined when a request may go now, else the moment one may. */
  budgetWait(provider: ProviderId, now: number): number | undefined {
    const limit = this.limit(provider);
    if (limit === undefined) return undefined;
    const recent = (this.requestTimes.get(provider) ?? []).filter((t) => now - t < BUDGET_WINDOW_MS);
    this.requestTimes.set(provider, recent);
    if (recent.length >= limit) return recent[recent.length - limit] + BUDGET_WINDOW_MS;
    // Past half the budget, requests are paced at the budget's own rate: a burst that spent the whole minute
    // would come back a minute later as the same burst, leaving the rest of every minute without a check.
    if (recent.length >= Math.ceil(limit / 2)) {
      const paced = recent[recent.length - 1] + Math.ceil(BUDGET_WINDOW_MS / limit);
      if (paced > now) return paced;
    }
    return undefined;
  }

  /** Counts a request against its provider's budget (only providers that have one are tracked). */
  spend(provider: ProviderId): void {
    if (this.limit(provider) === undefined) return;
    this.requestTimes.set(provider, [...(this.requestTimes.get(provider) ?? []), this.deps.clock.now()]);
  }

  dispose(): void {
    for (const { handle } of this.slotTimers.values()) this.deps.clock.clearTimer(handle);
  }
}
