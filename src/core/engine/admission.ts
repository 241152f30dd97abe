/** The provider slots a task holds from being picked to send until the provider answered, and request budgets. */
import type { ProviderAdapter } from '../adapters/adapter';
import type { ProviderId } from '../providers';
import type { TaskStore } from '../store';
import type { Task } from '../task';
import { pastMoment, timerDelay } from '../waits';
import { budgetIsTight, budgetWaitFor, MemoryRequestLog, pacedIntervalMs, type RequestLog } from './requestLog';
import type { Clock } from './types';

/** Looks at a shared budget before giving up a turn to the windows that keep taking its places first. */
const TAKE_ATTEMPTS = 4;
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
  /** Every window's requests to providers with a budget; without it, this window's only. */
  readonly requestLog?: RequestLog;
}

/** A damaged or future time read from disk counts as now. */
export function storedSince(task: Task, now: number): number {
  return pastMoment(task.submittedAt ?? task.createdAt, now) ?? now;
}

export class Admission {
  private readonly holds = new Map<string, SlotHold>();
  /** Requests to providers with a budget, shared with the other windows on the workspace when the host gives one. */
  private readonly requests: RequestLog;
  /** Per provider: a look at the queue when a stale or unconfirmed task's hold on a slot lapses (see activeCount). */
  private readonly slotTimers = new Map<ProviderId, { at: number; handle: unknown }>();

  constructor(private readonly deps: AdmissionDeps) {
    this.requests = deps.requestLog ?? new MemoryRequestLog();
  }

  /** Held until released (the task is on its way to the provider). */
  acquire(id: string): SlotHold {
    const hold: SlotHold = {
      release: () => {
        if (this.holds.get(id) === hold) this.holds.delete(id);
      },
    };
    this.holds.set(id, hold);
    return hold;
  }

  /** Releasing a task without a hold does nothing. */
  holdOf(id: string): SlotHold {
    return this.holds.get(id) ?? { release: () => undefined };
  }

  sending(id: string): boolean {
    return this.holds.has(id);
  }

  /**
   * Stale and unconfirmed tasks count too, for a while: one may still run there (PixAI refuses an 11th task). Their slot
   * frees on a terminal state, when the user stops tracking or removes them, or at twice the deadline after sending — a
   * provider that has neither finished nor failed it by then is not holding it, and longer would stall the queue for good.
   */
  activeCount(provider: ProviderId): number {
    const now = this.deps.clock.now();
    let count = 0;
    for (const t of this.deps.store.values()) {
      if (t.request.provider === provider && (this.holds.has(t.id) || (HOLDS_SLOT.includes(t.state) && now < this.slotHeldUntil(t))))
        count += 1;
    }
    return count;
  }

  private slotHeldUntil(task: Task): number {
    if (task.state !== 'stale' && task.state !== 'unconfirmed') return Infinity;
    return storedSince(task, this.deps.clock.now()) + 2 * this.deps.deadlineMs(task);
  }

  /** A stale or unconfirmed task holds its slot only for a while: `lapsed` runs when it lapses. */
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

  /** Half of the budget or more went out in the last minute. */
  budgetTight(provider: ProviderId, now: number): boolean {
    const limit = this.limit(provider);
    return limit !== undefined && budgetIsTight(this.requests.read(provider, limit).times, limit, now);
  }

  /** Undefined when a request may go now, else the moment one may. */
  budgetWait(provider: ProviderId, now: number): number | undefined {
    const limit = this.limit(provider);
    return limit === undefined ? undefined : budgetWaitFor(this.requests.read(provider, limit).times, limit, now);
  }

  /**
   * Takes a request from the provider's budget if one may go now (undefined), else says when one may. The look
   * and the taking are one step against the shared log: a window that lost its place to another reads again.
   */
  take(provider: ProviderId, now: number): number | undefined {
    const limit = this.limit(provider);
    if (limit === undefined) return undefined;
    for (let attempt = 0; attempt < TAKE_ATTEMPTS; attempt++) {
      const view = this.requests.read(provider, limit);
      const wait = budgetWaitFor(view.times, limit, now);
      if (wait !== undefined) return wait;
      if (this.requests.record(provider, view.next, now)) return undefined;
    }
    // Other windows keep taking the places first: look again after one paced interval.
    return now + pacedIntervalMs(limit);
  }

  /** Counts a request that goes whatever the budget says (a cancel the user asked for). */
  spend(provider: ProviderId): void {
    const limit = this.limit(provider);
    if (limit === undefined) return;
    for (let attempt = 0; attempt < TAKE_ATTEMPTS; attempt++) {
      if (this.requests.record(provider, this.requests.read(provider, 1).next, this.deps.clock.now())) return;
    }
  }

  dispose(): void {
    for (const { handle } of this.slotTimers.values()) this.deps.clock.clearTimer(handle);
  }
}
