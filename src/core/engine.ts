/**
 * The task engine: submits queued tasks as provider slots free up and keeps running tasks current with one
 * poller — a single self-rescheduling timer over every task's next due time. Paid work is never resubmitted
 * unless the submit certainly never reached the provider.
 */
import { randomUUID } from 'crypto';
import type { InlineResult, ProviderAdapter, UploadImage } from './adapters/adapter';
import { nextPollDelay, PollTuning, DEFAULT_TUNING, slowPollDelay } from './backoff';
import { orderForBudget } from './budgetOrder';
import { describeFailure } from './errors';
import { boundedRetryAfter, dueTime, pastMoment, timerDelay } from './waits';
import { maxPromptLength } from './catalog';
import { checkRequest as checkAgainstSpec } from './spec/validate';
import { ApiClient, HttpError, NetworkError, ProtocolError } from './http';
import { PROVIDERS, ProviderId } from './providers';
import { needsOwner } from './claims';
import type { SpendingGate } from './spending/gate';
import type { TaskStore } from './store';
import {
  applyRemoteStatus, awaitsSave, clampProgress, DEFAULT_DEADLINES_MS, isPastDeadline, isPolled, isTerminal, MediaKind, Task, TaskRequest, withChanges,
} from './task';
import * as l10n from '@vscode/l10n';

export interface Clock {
  now(): number;
  setTimer(callback: () => void, ms: number): unknown;
  clearTimer(handle: unknown): void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimer: (callback, ms) => setTimeout(callback, timerDelay(ms)),
  clearTimer: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/** A request the user must fix before anything is sent; nothing was stored. */
export class RequestProblem extends Error {
  constructor(message: string, readonly needsKey?: ProviderId) {
    super(message);
  }
}

export interface EngineDeps {
  readonly store: TaskStore;
  readonly adapters: ReadonlyMap<ProviderId, ProviderAdapter>;
  /** A client bound to the provider's base URL and key; undefined when no key is set. */
  api(provider: ProviderId): Promise<ApiClient | undefined>;
  openImage(uri: string): Promise<UploadImage>;
  /** Called once a task has succeeded, to save its results (inline bytes from synchronous answers too). */
  saveResults(task: Task, inline?: readonly InlineResult[]): Promise<void>;
  /** Active-task cap from settings, overriding the provider's documented one. */
  maxActiveTasks?(provider: ProviderId): number | undefined;
  readonly clock?: Clock;
  readonly random?: () => number;
  readonly newId?: () => string;
  /** Log lines; failures say 'warn' so the log's level setting can separate them from routine lines. */
  readonly log?: (line: string, level?: 'info' | 'warn') => void;
  readonly tuning?: PollTuning;
  readonly deadlines?: Readonly<Partial<Record<MediaKind, number>>>;
  /** How many status checks may be in flight at once, over all providers (submits and downloads are not counted). */
  readonly maxParallelChecks?: number;
  /** How many tasks' results may be downloading at once (a pool of its own, apart from the checks). */
  readonly maxParallelDownloads?: number;
  /** Other windows on the same workspace (see claims.ts); without it this engine acts on every task. */
  readonly ownership?: TaskOwnership;
  /** How often tasks held by other windows are checked for an owner that has gone away. */
  readonly takeoverIntervalMs?: number;
  /** Spending limits: each request is admitted, and its estimate reserved, before it is stored (see spending/gate.ts). */
  readonly spending?: SpendingGate;
}

/** Claims on tasks shared with other windows: this engine acts on a task only while it holds its claim. */
export interface TaskOwnership {
  /** True when the task is (now) this window's; false while another live window holds it. */
  claim(id: string): Promise<boolean>;
  owns(id: string): boolean;
  /** Whether the claim is still this window's on disk: checked right before paid work. */
  confirm(id: string): Promise<boolean>;
  release(id: string): Promise<void>;
  /** Whether another window that is still open holds the task's claim. */
  heldElsewhere(id: string): Promise<boolean>;
}

const DEFAULT_TAKEOVER_INTERVAL_MS = 15_000;
const DEFAULT_PARALLEL_DOWNLOADS = 4;

interface Due {
  at: number;
  action: 'poll' | 'submit';
  checks: number;
  errorStreak: number;
  /** Polling runs from here: submit time, or the moment a stale task was refreshed. */
  since: number;
  /** Checks fail in a way waiting alone will not fix (a rejected key, a refused request): checked slowly, at once on a new key. */
  blocked?: boolean;
}

/**
 * Headroom on a provider's per-minute request budget: our clock and the provider's see a request at slightly
 * different moments, so a window is taken as this much longer than a minute.
 */
const BUDGET_MARGIN_MS = 1000;
const MINUTE_MS = 60_000;

const MAX_NEVER_REACHED_RETRIES = 5;
/**
 * How long status checks must keep answering 404 before a task is failed as unknown to the provider (only
 * where the provider documents 404 as "no such task"): one 404 may be a gateway or a replica that lags.
 */
const NOT_FOUND_FOR_GOOD_MS = 5 * 60_000;
/** States in which a task may hold one of the provider's slots (see activeCount). */
const HOLDS_SLOT: readonly Task['state'][] = ['submitting', 'submitted', 'running', 'stale', 'unconfirmed'];

export class TaskEngine {
  private readonly clock: Clock;
  private readonly random: () => number;
  private readonly due = new Map<string, Due>();
  /** Tasks with a check or a submit in flight (one piece of work per task at a time). */
  private readonly busy = new Set<string>();
  /** Tasks whose status check is in flight: the check pool, which submits and downloads never take. */
  private readonly checking = new Set<string>();
  /** Tasks whose results are being saved (downloads have a pool of their own, see saveResults). */
  private readonly downloading = new Set<string>();
  /** Tasks the provider is being asked to cancel (the poller waits). */
  private readonly cancelling = new Set<string>();
  private activeDownloads = 0;
  private readonly downloadQueue: (() => void)[] = [];
  private readonly submitRetries = new Map<string, number>();
  /** Tasks holding a provider slot on their way out: from being picked to send until the provider answered. */
  private readonly sending = new Set<string>();
  private timer: unknown;
  private timerAt = Infinity;
  private disposed = false;
  private readonly waiters = new Map<string, ((task: Task) => void)[]>();
  private readonly storeSubscription;
  private takeoverTimer: unknown;
  /** Per provider: a look at the queue when a stale or unconfirmed task's hold on a slot lapses (see activeCount). */
  private readonly slotTimers = new Map<ProviderId, { at: number; handle: unknown }>();
  /** Tasks being claimed right now (a claim is a few file operations). */
  private readonly claiming = new Set<string>();
  /** When each task's last status check was sent from this window (the stored lastCheckedAt is when it was answered). */
  private readonly checkSentAt = new Map<string, number>();
  /** Start times of this window's requests per provider within the last minute, for providers with a request budget. */
  private readonly requestTimes = new Map<ProviderId, number[]>();
  /** Tasks whose last attempt to get their provider's client failed with a reason (a bad base URL), not for want of a key. */
  private readonly clientProblems = new Set<string>();
  /** When each task's checks started answering 404 (cleared by any other answer). */
  private readonly notFoundSince = new Map<string, number>();

  constructor(private readonly deps: EngineDeps) {
    this.clock = deps.clock ?? systemClock;
    this.random = deps.random ?? Math.random;
    this.storeSubscription = deps.store.onDidChange((change) => {
      if (change.kind !== 'removed' && isTerminal(change.task.state)) this.settleWaiters(change.task);
      if (change.kind === 'removed') {
        this.due.delete(change.task.id);
        this.checkSentAt.delete(change.task.id);
        this.notFoundSince.delete(change.task.id);
        // A stale or unconfirmed task held a provider slot; removing it (the user's decision) frees the slot.
        if (!isTerminal(change.task.state)) queueMicrotask(() => this.pump(change.task.request.provider));
      }
      const ownership = this.deps.ownership;
      if (!ownership) return;
      if (change.kind === 'removed' || !needsOwner(change.task)) {
        this.releaseIfDone(change.task.id);
      } else if (!ownership.owns(change.task.id)) {
        this.armTakeover(); // another window's task: watch for that window going away
      }
    });
  }

  /** Gives up the claim of a task that needs no more work here (finished and saved, or removed). */
  private releaseIfDone(id: string): void {
    const ownership = this.deps.ownership;
    if (!ownership?.owns(id) || this.working(id) || this.sending.has(id)) return;
    const task = this.deps.store.get(id);
    if (task && needsOwner(task)) return;
    void ownership.release(id).catch(() => undefined);
  }

  /** Whether anything is in flight for the task: a check, a submit or a download of its results. */
  private working(id: string): boolean {
    return this.busy.has(id) || this.downloading.has(id) || this.cancelling.has(id);
  }

  /** Whether this engine may act on the task (it holds the claim, or there are no other windows to ask). */
  private mine(id: string): boolean {
    return this.deps.ownership?.owns(id) ?? true;
  }

  /**
   * Checks a request as submit does (the model's spec first: fields, values, reference counts, its rules; then the
   * adapter and the key), storing and sending nothing; returns it prepared, as it would be sent. Batches check
   * every task this way before any is stored.
   */
  async checkRequest(asked: TaskRequest): Promise<TaskRequest> {
    const adapter = this.adapter(asked.provider);
    const generic = genericProblem(asked);
    if (generic) throw new RequestProblem(generic);
    const checked = checkAgainstSpec(asked);
    if (checked.problem !== undefined) throw new RequestProblem(checked.problem);
    const request = checked.request;
    const problem = adapter.validate(request);
    if (problem) throw new RequestProblem(problem);
    if (!(await this.deps.api(request.provider))) {
      throw new RequestProblem(l10n.t('No {0} API key is set. Run "Media Studio: Set API Key" first.', PROVIDERS[request.provider].label), request.provider);
    }
    return request;
  }

  /**
   * Checks, admits against the spending limits, stores (before anything is sent) and queues a request; returns
   * the queued task. The stored request is the prepared one, as sent. `reservation`: one the caller already has
   * from `admit` (a batch admits its set at once).
   */
  async submit(asked: TaskRequest, origin: Task['origin'] = 'user', reservation?: string): Promise<Task> {
    const request = await this.checkRequest(asked);
    const spending = this.deps.spending;
    reservation ??= spending ? (await spending.admit([request], origin))[0] : undefined;
    const task: Task = {
      id: this.deps.newId?.() ?? randomId(),
      request,
      state: 'queued',
      createdAt: this.clock.now(),
      origin,
      revision: 1,
    };
    try {
      // Bound before the task is stored, so its end always finds its reservation.
      if (spending && reservation !== undefined) await spending.bind(reservation, task.id);
      // Claimed before it is stored, so another window never sees it unclaimed. A new id cannot be held elsewhere.
      if (this.deps.ownership && !(await this.deps.ownership.claim(task.id))) throw new Error(`Task ${task.id} is claimed already.`);
      try {
        await this.deps.store.add(task);
      } catch (error) {
        await this.deps.ownership?.release(task.id);
        throw error;
      }
    } catch (error) {
      if (spending && reservation !== undefined) await spending.release(reservation).catch(() => undefined);
      throw error;
    }
    this.pump(request.provider);
    return task;
  }

  /**
   * Admits a set of requests at once against the spending limits (a batch): all or nothing, one reservation
   * per request, in order, each to be passed to `submit`. Without spending limits, no reservations.
   */
  async admit(requests: readonly TaskRequest[], origin: Task['origin'] = 'user'): Promise<readonly (string | undefined)[]> {
    return this.deps.spending ? this.deps.spending.admit(requests, origin) : requests.map(() => undefined);
  }

  /** Gives back reservations from `admit` that will not be submitted after all. */
  async releaseReservations(reservations: readonly (string | undefined)[]): Promise<void> {
    for (const id of reservations) if (id !== undefined) await this.deps.spending?.release(id);
  }

  /** Picks up where a previous window left off. */
  async resume(): Promise<void> {
    const providers = new Set<ProviderId>();
    for (const task of this.deps.store.list()) {
      if (await this.adopt(task)) providers.add(task.request.provider);
    }
    for (const provider of providers) this.pump(provider);
    const elsewhere = [...this.deps.store.values()].filter((t) => needsOwner(t) && !this.mine(t.id)).length;
    this.deps.log?.(`Resumed: ${this.due.size} task(s) to check or send${elsewhere ? `; ${elsewhere} tracked by another window` : ''} (${this.deps.store.size} stored).`);
    this.armTakeover();
  }

  /**
   * Takes a stored task on when it needs work and no live window holds it: schedules its check, saves its
   * results, or (sent by a window that closed mid-submit) marks it unconfirmed. True when it is now ours.
   */
  private async adopt(listed: Task): Promise<boolean> {
    if (!needsOwner(listed) || this.due.has(listed.id) || this.working(listed.id) || this.claiming.has(listed.id)) return false;
    if (this.deps.ownership) {
      this.claiming.add(listed.id);
      try {
        if (!(await this.deps.ownership.claim(listed.id))) return false;
      } finally {
        this.claiming.delete(listed.id);
      }
    }
    // The claim reads the newest stored copy, so act on what the store holds now.
    const task = this.deps.store.get(listed.id);
    if (!task) return false;
    if (task.state === 'submitting') {
      // The window closed mid-submit: the provider may have the task. Never send it again by ourselves.
      await this.deps.store.update(task.id, (t) => withChanges(t, {
        state: 'unconfirmed',
        error: { message: l10n.t('The window closed while this task was being sent; {0} may or may not have it. Check your provider dashboard, then Retry or Remove.', PROVIDERS[t.request.provider].label) },
      }));
    } else if (isPolled(task.state)) {
      this.schedule(task.id, { at: this.clock.now(), action: 'poll', checks: 1, errorStreak: 0, since: this.storedSince(task) });
    } else if (task.state === 'succeeded' && task.results?.some(awaitsSave)) {
      void this.saveResults(task);
    }
    return true;
  }

  /** Tasks another window held are taken over once that window has gone (closed, crashed) mid-task. */
  private armTakeover(): void {
    if (!this.deps.ownership || this.disposed || this.takeoverTimer !== undefined) return;
    if (![...this.deps.store.values()].some((t) => needsOwner(t) && !this.mine(t.id))) return;
    this.takeoverTimer = this.clock.setTimer(() => {
      this.takeoverTimer = undefined;
      void this.takeOver().finally(() => this.armTakeover());
    }, this.deps.takeoverIntervalMs ?? DEFAULT_TAKEOVER_INTERVAL_MS);
  }

  private async takeOver(): Promise<void> {
    const providers = new Set<ProviderId>();
    for (const task of [...this.deps.store.values()]) {
      if (this.disposed) return;
      if (needsOwner(task) && !this.mine(task.id) && (await this.adopt(task))) {
        this.deps.log?.(`Took over task ${task.id}: the window that was tracking it has gone.`);
        providers.add(task.request.provider);
      }
    }
    for (const provider of providers) this.pump(provider);
  }

  /**
   * Makes the task this window's before a command acts on it; false when another live window tracks it.
   * A task nobody needs to track (finished, unconfirmed) is free to anyone.
   */
  async take(id: string): Promise<boolean> {
    if (!this.deps.ownership || this.mine(id)) return true;
    const task = this.deps.store.get(id);
    if (!task) return true;
    // A finished task is claimed too (Save Again downloads): the claim goes with the task's next change.
    if (!needsOwner(task)) return this.deps.ownership.claim(id);
    return (await this.adopt(task)) || this.mine(id);
  }

  /** Whether another open window tracks the task (commands then point the user there). */
  async heldElsewhere(id: string): Promise<boolean> {
    return !this.mine(id) && (await this.deps.ownership?.heldElsewhere(id) ?? false);
  }

  /**
   * A key or the provider's base URL was set or changed: tasks that were waiting for one, or whose checks were
   * refused, are checked at once, and queued tasks are sent.
   */
  keyChanged(provider: ProviderId): void {
    for (const task of this.deps.store.values()) {
      if (task.request.provider !== provider || !isPolled(task.state) || !this.mine(task.id)) continue;
      const due = this.due.get(task.id);
      if (!due) {
        this.schedule(task.id, { at: this.clock.now(), action: 'poll', checks: 1, errorStreak: 0, since: this.storedSince(task) });
      } else if (due.blocked) {
        this.schedule(task.id, { ...due, at: this.clock.now() });
      }
    }
    this.pump(provider);
  }

  /** Checks a task now (a stale one starts being polled again). */
  async refresh(id: string): Promise<void> {
    const task = this.deps.store.get(id);
    if (!task || !task.remoteId || isTerminal(task.state)) return;
    if (task.state === 'stale') await this.deps.store.update(id, (t) => withChanges(t, { state: 'running', error: undefined }));
    this.schedule(id, { at: this.clock.now(), action: 'poll', checks: 1, errorStreak: 0, since: this.clock.now() });
  }

  /**
   * Cancels a task. Queued tasks were never sent and just stop. A provider that can cancel is asked to;
   * otherwise the task is only dropped from tracking when `stopTracking` is set (the user confirmed).
   */
  async cancel(id: string, stopTracking = false): Promise<'cancelled' | 'notCancellable'> {
    const task = this.deps.store.get(id);
    if (!task || isTerminal(task.state)) return 'cancelled';
    if (task.state === 'submitting') return 'notCancellable';
    const label = PROVIDERS[task.request.provider].label;
    if (task.state === 'queued' || task.state === 'unconfirmed') {
      await this.finish(id, 'cancelled', task.state === 'queued' ? l10n.t('Cancelled before it was sent.') : l10n.t('Stopped tracking.'));
      return 'cancelled';
    }
    const adapter = this.adapter(task.request.provider);
    const api = await this.deps.api(task.request.provider);
    if (adapter.cancel && api) {
      this.spend(task.request.provider);
      // The poller leaves the task alone meanwhile, and the adapter knows its latest check (a read-back keeps the floor).
      this.cancelling.add(id);
      let outcome;
      try {
        const last = Math.max(task.lastCheckedAt ?? -Infinity, this.checkSentAt.get(id) ?? -Infinity);
        outcome = await adapter.cancel(api, { ...task, lastCheckedAt: Number.isFinite(last) ? last : undefined });
      } finally {
        this.cancelling.delete(id);
        this.arm();
      }
      if (outcome === 'cancelled') {
        await this.finish(id, 'cancelled', l10n.t('Cancelled at {0}.', label));
        return 'cancelled';
      }
    }
    if (!stopTracking) return 'notCancellable';
    await this.finish(id, 'cancelled', l10n.t('Stopped tracking. {0} cannot cancel it, so it may still finish and be charged.', label));
    return 'cancelled';
  }

  /** Submits a failed, cancelled or unconfirmed task's request again as a new task (only ever on request). */
  retry(id: string): Promise<Task> {
    const task = this.deps.store.get(id);
    if (!task) throw new RequestProblem(l10n.t('That task no longer exists.'));
    return this.submit(task.request, task.origin);
  }

  /**
   * How long a task may run before it is shown as stale (and a chat tool stops waiting for it): the one place
   * that decides, so a per-provider deadline needs changing only here.
   */
  deadlineMs(task: Pick<Task, 'request'>): number {
    const policy = this.deps.adapters.get(task.request.provider)?.policy;
    const kind = task.request.kind;
    return this.deps.deadlines?.[kind] ?? policy?.deadlinesMs?.[kind] ?? DEFAULT_DEADLINES_MS[kind];
  }

  /** Resolves with the task once it is terminal and its results have been handled. */
  waitFor(id: string): Promise<Task> {
    const task = this.deps.store.get(id);
    if (!task) return Promise.reject(new Error(`No task ${id}.`));
    if (isTerminal(task.state) && !this.working(id)) return Promise.resolve(task);
    return new Promise((resolve) => this.waiters.set(id, [...(this.waiters.get(id) ?? []), resolve]));
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
    const now = this.clock.now();
    let count = 0;
    for (const t of this.deps.store.values()) {
      if (t.request.provider === provider && (this.sending.has(t.id) || (HOLDS_SLOT.includes(t.state) && now < this.slotHeldUntil(t)))) count += 1;
    }
    return count;
  }

  /** Until when a task in a slot-holding state keeps its slot (see activeCount). */
  private slotHeldUntil(task: Task): number {
    if (task.state !== 'stale' && task.state !== 'unconfirmed') return Infinity;
    return this.storedSince(task) + 2 * this.deadlineMs(task);
  }

  /** When a stored task was sent, as a usable number: a damaged or future time read from disk counts as now. */
  private storedSince(task: Task): number {
    const now = this.clock.now();
    return pastMoment(task.submittedAt ?? task.createdAt, now) ?? now;
  }

  /** The provider's Retry-After of a failed request, at most an hour; a longer one is logged, then cut. */
  private retryAfterOf(error: unknown, id: string): number | undefined {
    if (!(error instanceof HttpError)) return undefined;
    const bounded = boundedRetryAfter(error.retryAfterMs);
    if (bounded.clamped) this.deps.log?.(`Task ${id}: the provider asked to wait ${Math.round((error.retryAfterMs ?? Infinity) / 1000)} s (Retry-After); waiting at most an hour.`, 'warn');
    return bounded.ms;
  }

  dispose(): void {
    this.disposed = true;
    if (this.timer !== undefined) this.clock.clearTimer(this.timer);
    if (this.takeoverTimer !== undefined) this.clock.clearTimer(this.takeoverTimer);
    for (const { handle } of this.slotTimers.values()) this.clock.clearTimer(handle);
    this.storeSubscription.dispose();
  }

  // ---- scheduling: one timer for everything that is due ----

  /** Every check is clamped to the provider's floor after the task's last check, whoever asked for it (Refresh, a new key, a resume). */
  private schedule(id: string, due: Due): void {
    const requested = dueTime(due.at, this.clock.now());
    const at = due.action === 'poll' ? Math.max(requested, this.earliestCheck(id)) : requested;
    this.due.set(id, { ...due, at });
    this.arm();
  }

  private earliestCheck(id: string): number {
    const task = this.deps.store.get(id);
    const adapter = task && this.deps.adapters.get(task.request.provider);
    if (!task || !adapter) return -Infinity;
    // lastCheckedAt is read from disk: a damaged or future value must not hold the task back for good.
    const last = Math.max(pastMoment(task.lastCheckedAt, this.clock.now()) ?? -Infinity, this.checkSentAt.get(id) ?? -Infinity);
    return last + adapter.policy.floorMs;
  }

  /** Whether the provider's budget is being paced: half of it or more went out in the last minute. */
  private budgetTight(provider: ProviderId, now: number): boolean {
    const limit = this.deps.adapters.get(provider)?.policy.requestsPerMinute;
    if (limit === undefined) return false;
    const window = MINUTE_MS + BUDGET_MARGIN_MS;
    return (this.requestTimes.get(provider) ?? []).filter((t) => now - t < window).length >= Math.ceil(limit / 2);
  }

  /** The provider's request budget: undefined when a request may go now, else the moment one may. */
  private budgetWait(provider: ProviderId, now: number): number | undefined {
    const limit = this.deps.adapters.get(provider)?.policy.requestsPerMinute;
    if (limit === undefined) return undefined;
    const window = MINUTE_MS + BUDGET_MARGIN_MS;
    const recent = (this.requestTimes.get(provider) ?? []).filter((t) => now - t < window);
    this.requestTimes.set(provider, recent);
    if (recent.length >= limit) return recent[recent.length - limit] + window;
    // Past half the budget, requests are paced at the budget's own rate: a burst that spent the whole minute
    // would come back a minute later as the same burst, leaving the rest of every minute without a check.
    if (recent.length >= Math.ceil(limit / 2)) {
      const paced = recent[recent.length - 1] + Math.ceil(window / limit);
      if (paced > now) return paced;
    }
    return undefined;
  }

  /** Counts a request against its provider's budget (only providers that have one are tracked). */
  private spend(provider: ProviderId): void {
    if (this.deps.adapters.get(provider)?.policy.requestsPerMinute === undefined) return;
    this.requestTimes.set(provider, [...(this.requestTimes.get(provider) ?? []), this.clock.now()]);
  }

  /**
   * Within each provider that has a request budget, its due requests go in budget order (submits, then tasks
   * that could be done, least recently seen for their age first: see budgetOrder.ts), as one group at its earliest entry's place; other providers keep due
   * order. While the budget is tight (requests are being paced), a task not yet due but past its floor
   * competes too: the next paced request may be better spent on a video near its end than on an image that
   * has just started. One that loses keeps its own due time.
   */
  private budgetOrdered(ready: [string, Due][], now: number): [string, Due][] {
    const providerOf = (id: string) => this.deps.store.get(id)?.request.provider;
    const groups = new Map<ProviderId, [string, Due][]>();
    for (const entry of ready) {
      const provider = providerOf(entry[0]);
      if (provider && this.deps.adapters.get(provider)?.policy.requestsPerMinute !== undefined) groups.set(provider, [...(groups.get(provider) ?? []), entry]);
    }
    if (!groups.size) return ready;
    for (const [provider, entries] of groups) {
      const policy = this.deps.adapters.get(provider)?.policy;
      if (policy?.earliestReadyMs && this.budgetTight(provider, now)) {
        for (const [id, due] of this.due) {
          if (due.at > now && due.action === 'poll' && !due.blocked && !this.working(id) && providerOf(id) === provider && this.earliestCheck(id) <= now) entries.push([id, due]);
        }
      }
      groups.set(provider, orderForBudget(entries, ([id, due]) => {
        const task = this.deps.store.get(id);
        const last = Math.max(task?.lastCheckedAt ?? -Infinity, this.checkSentAt.get(id) ?? -Infinity);
        return { action: due.action, kind: task?.request.kind ?? 'image', ageMs: now - due.since, checkedAtAgeMs: Math.max(0, last - due.since), dueAt: due.at };
      }, policy?.earliestReadyMs));
    }
    const ordered: [string, Due][] = [];
    for (const entry of ready) {
      const provider = providerOf(entry[0]);
      const group = provider && groups.get(provider);
      if (!group) ordered.push(entry);
      else if (group.length) ordered.push(...group.splice(0));
    }
    return ordered;
  }

  private arm(): void {
    if (this.disposed) return;
    let earliest = Infinity;
    for (const [id, due] of this.due) if (!this.working(id)) earliest = Math.min(earliest, due.at);
    if (earliest === this.timerAt) return;
    if (this.timer !== undefined) this.clock.clearTimer(this.timer);
    this.timer = undefined;
    this.timerAt = earliest;
    if (earliest === Infinity) return;
    this.timer = this.clock.setTimer(() => {
      this.timer = undefined;
      this.timerAt = Infinity;
      this.tick();
    }, timerDelay(earliest - this.clock.now()));
  }

  private tick(): void {
    if (this.disposed) return;
    const now = this.clock.now();
    const ready = this.budgetOrdered([...this.due].filter(([id, due]) => due.at <= now && !this.working(id)).sort((a, b) => a[1].at - b[1].at), now);
    // Only status checks count against the check pool: a long synchronous submit or a slow download never stops them.
    let room = (this.deps.maxParallelChecks ?? 8) - this.checking.size;
    for (const [id, due] of ready) {
      if (due.action === 'poll' && room <= 0) continue;
      const provider = this.deps.store.get(id)?.request.provider;
      const wait = provider && this.budgetWait(provider, now);
      if (provider && wait !== undefined) {
        // Over the provider's requests-a-minute: this one goes when the oldest request of the window has aged out.
        this.due.set(id, { ...due, at: Math.max(due.at, wait) });
        continue;
      }
      if (provider) this.spend(provider);
      if (due.action === 'poll') {
        room -= 1;
        this.checking.add(id);
      }
      this.busy.add(id);
      const work = due.action === 'poll' ? this.check(id, due) : this.send(id);
      void work.catch((error) => this.deps.log?.(`Task ${id}: ${error instanceof Error ? error.message : String(error)}`, 'warn')).finally(() => {
        this.busy.delete(id);
        this.checking.delete(id);
        const task = this.deps.store.get(id);
        if (task && isTerminal(task.state)) this.settleWaiters(task);
        this.releaseIfDone(id);
        this.arm();
      });
    }
    // Anything left over (no room) is picked up when a check finishes.
    this.arm();
  }

  // ---- submitting ----

  private maxActive(provider: ProviderId): number {
    return this.deps.maxActiveTasks?.(provider) ?? this.adapter(provider).policy.maxActiveTasks ?? Infinity;
  }

  /** Sends queued tasks of a provider, oldest first, while it has free slots. */
  private pump(provider: ProviderId): void {
    if (this.disposed || !this.deps.adapters.has(provider)) return;
    const queued = [...this.deps.store.values()]
      .filter((t) => t.request.provider === provider && t.state === 'queued' && !this.sending.has(t.id) && !this.working(t.id) && this.mine(t.id))
      .sort((a, b) => a.createdAt - b.createdAt);
    let free = this.maxActive(provider) - this.activeCount(provider);
    for (const task of queued) {
      if (free <= 0) break;
      free -= 1;
      this.sending.add(task.id);
      this.schedule(task.id, { at: this.clock.now(), action: 'submit', checks: 0, errorStreak: 0, since: this.clock.now() });
    }
    if (queued.length > 0 && free <= 0) this.pumpWhenSlotExpires(provider);
  }

  /** Tasks wait for a slot that a stale or unconfirmed task holds only for a while: look again when it lapses. */
  private pumpWhenSlotExpires(provider: ProviderId): void {
    const now = this.clock.now();
    let lapses = Infinity;
    for (const t of this.deps.store.values()) {
      const until = t.request.provider === provider && HOLDS_SLOT.includes(t.state) ? this.slotHeldUntil(t) : Infinity;
      if (until > now) lapses = Math.min(lapses, until);
    }
    const pending = this.slotTimers.get(provider);
    if (lapses === Infinity || pending?.at === lapses) return;
    if (pending) this.clock.clearTimer(pending.handle);
    const handle = this.clock.setTimer(() => {
      this.slotTimers.delete(provider);
      this.pump(provider);
    }, timerDelay(lapses - now));
    this.slotTimers.set(provider, { at: lapses, handle });
  }

  private async send(id: string): Promise<void> {
    let keepSlot = false;
    try {
      keepSlot = await this.sendNow(id);
    } finally {
      if (!keepSlot) this.sending.delete(id);
    }
  }

  /** Returns true when the task keeps its slot (a refused submit waiting to be sent again). */
  private async sendNow(id: string): Promise<boolean> {
    this.due.delete(id);
    const queued = this.deps.store.get(id);
    if (!queued || queued.state !== 'queued') return false;
    // Paid work: the claim is read back from disk first, so two windows can never both send one task.
    if (this.deps.ownership && !(await this.deps.ownership.confirm(id))) {
      this.deps.log?.(`Task ${id}: another window holds it now; not sending it from here.`);
      return false;
    }
    const provider = queued.request.provider;
    const api = await this.clientOrProblem(id, provider);
    if (!api) {
      // The reason is already on the task when the client could not be made (a bad base URL setting); else it is the key.
      if (!this.clientProblems.has(id)) await this.deps.store.update(id, (t) => withChanges(t, { error: { message: l10n.t('Waiting for a {0} API key.', PROVIDERS[provider].label) } }));
      return false;
    }
    const task = await this.deps.store.update(id, (t) => withChanges(t, { state: 'submitting', error: undefined }));
    if (!task) return false;
    const adapter = this.adapter(provider);
    let result;
    try {
      result = await adapter.submit({ api, openImage: (uri) => this.deps.openImage(uri) }, task.request);
    } catch (error) {
      this.deps.log?.(`Submitting task ${id} failed: ${error instanceof Error ? error.message : String(error)}`, 'warn');
      return this.submitFailed(task, error);
    }
    const now = this.clock.now();
    this.submitRetries.delete(id);
    if (result.kind === 'accepted') {
      // Persisted before anything else happens: from here on the paid task can always be found again.
      const accepted = await this.deps.store.update(id, (t) => withChanges(t, {
        state: 'submitted', remoteId: result.remoteId, remoteState: result.status?.remoteState, progress: clampProgress(result.status?.progress) ?? 0, submittedAt: now,
      }));
      this.sending.delete(id);
      if (accepted) {
        this.schedule(id, { at: now + nextPollDelay(adapter.policy, { kind: accepted.request.kind, ageMs: 0, checks: 0, errorStreak: 0 }, this.random, this.deps.tuning ?? DEFAULT_TUNING), action: 'poll', checks: 0, errorStreak: 0, since: now });
      }
    } else {
      const done = await this.deps.store.update(id, (t) => applyRemoteStatus(withChanges(t, { submittedAt: now }), result.status, now));
      // Saved in the download pool: the submit's work (and its provider slot) ends with the provider's answer.
      if (done?.state === 'succeeded') void this.saveResults(done, result.inline);
      this.sending.delete(id);
      this.pump(provider);
    }
    return false;
  }

  private async submitFailed(task: Task, error: unknown): Promise<boolean> {
    const failure = describeFailure(task.request.provider, error);
    const provider = task.request.provider;
    const refused = error instanceof HttpError && error.status === 429;
    const neverReached = error instanceof NetworkError && error.neverReached;
    if (refused || neverReached) {
      const tries = (this.submitRetries.get(task.id) ?? 0) + 1;
      this.submitRetries.set(task.id, tries);
      if (neverReached && tries > MAX_NEVER_REACHED_RETRIES) {
        this.submitRetries.delete(task.id);
        this.sending.delete(task.id);
        await this.finish(task.id, 'failed', l10n.t('{0} Tried {1} times; nothing was sent. Retry when the connection is back.', failure.message, MAX_NEVER_REACHED_RETRIES), failure);
        return false;
      }
      // Certainly not accepted (refused, or never reached): safe to send again after a pause.
      await this.deps.store.update(task.id, (t) => withChanges(t, { state: 'queued', error: { message: failure.message, status: failure.status } }));
      const wait = nextPollDelay(this.adapter(provider).policy, { kind: task.request.kind, ageMs: 0, checks: 0, errorStreak: tries, retryAfterMs: this.retryAfterOf(error, task.id) }, this.random);
      this.schedule(task.id, { at: this.clock.now() + wait, action: 'submit', checks: 0, errorStreak: tries, since: this.clock.now() });
      return true;
    }
    if (!(error instanceof HttpError || error instanceof NetworkError || error instanceof ProtocolError)) {
      // Failed here, before a request went out (reading a reference image, building the body): nothing was sent.
      this.sending.delete(task.id);
      await this.finish(task.id, 'failed', l10n.t('Nothing was sent: {0}', failure.message));
      return false;
    }
    if (failure.transient || !(error instanceof HttpError)) {
      // A timeout, reset, 5xx or unreadable answer: the provider may have accepted (and charged) it.
      await this.deps.store.update(task.id, (t) => withChanges(t, {
        state: 'unconfirmed',
        error: { ...failure, message: l10n.t('{0} The task may have reached {1}; Media Studio will not send it again by itself. Check your dashboard, then Retry or Remove.', failure.message, PROVIDERS[provider].label) },
      }));
      this.sending.delete(task.id);
      this.pump(provider);
      return false;
    }
    this.sending.delete(task.id);
    await this.finish(task.id, 'failed', failure.message, failure);
    return false;
  }

  // ---- polling ----

  private async check(id: string, due: Due): Promise<void> {
    this.due.delete(id);
    const task = this.deps.store.get(id);
    if (!task || !isPolled(task.state) || !this.mine(id)) return;
    const provider = task.request.provider;
    const adapter = this.adapter(provider);
    const api = await this.clientOrProblem(id, provider);
    const now = () => this.clock.now();
    if (!api) {
      if (!this.deps.store.get(id)?.error) await this.deps.store.update(id, (t) => withChanges(t, { error: { message: l10n.t('No {0} API key: set one to keep checking this task.', PROVIDERS[provider].label) } }));
      // keyChanged() checks it at once when a key comes; until then its deadline still makes it stale.
      if (!(await this.staleIfLate(id, due, this.deps.store.get(id)?.error?.message))) this.schedule(id, { ...due, at: now() + slowPollDelay(adapter.policy, this.random, this.deps.tuning), blocked: true });
      return;
    }
    let status;
    this.checkSentAt.set(id, now());
    try {
      status = await adapter.poll(api, task);
    } catch (error) {
      const failure = describeFailure(provider, error);
      if (!(error instanceof HttpError && error.status === 404)) this.notFoundSince.delete(id);
      if (!failure.transient) {
        if (error instanceof HttpError && error.status === 404 && this.unknownForGood(id, adapter)) {
          this.notFoundSince.delete(id);
          await this.finish(id, 'failed', l10n.t('{0} Its status checks answered 404 for several minutes.', failure.message), failure);
          return;
        }
        // 401, 400, 402, 403, 422…: the task may still finish (and be charged) at the provider, so it is not
        // failed. It is checked again slowly (at once when a key is set), and still goes stale past its deadline.
        this.deps.log?.(`Checking task ${id} failed: ${failure.message}`, 'warn');
        await this.deps.store.update(id, (t) => withChanges(t, {
          error: { message: l10n.t('{0} Checking on now and then, as the task may still finish at {1}.', failure.message, PROVIDERS[provider].label), status: failure.status, code: failure.code, raw: failure.raw },
          lastCheckedAt: now(),
        }));
        if (!(await this.staleIfLate(id, due, failure.message))) {
          this.schedule(id, { ...due, at: now() + slowPollDelay(adapter.policy, this.random, this.deps.tuning), errorStreak: due.errorStreak + 1, blocked: true });
        }
        return;
      }
      if (isPastDeadline({ ...task, submittedAt: due.since }, now(), this.deadlineMs(task))) {
        // A provider that keeps failing past the deadline is not asked forever: the task waits for Refresh.
        await this.deps.store.update(id, (t) => withChanges(t, { state: 'stale', error: { message: l10n.t('{0} Still no answer after the usual time; use Refresh to check again.', failure.message), status: failure.status } }));
        this.pump(provider);
        return;
      }
      await this.deps.store.update(id, (t) => withChanges(t, { error: { message: l10n.t('{0} Retrying.', failure.message), status: failure.status }, lastCheckedAt: now() }));
      const errorStreak = due.errorStreak + 1;
      const wait = nextPollDelay(adapter.policy, { kind: task.request.kind, ageMs: now() - due.since, checks: due.checks, errorStreak, retryAfterMs: this.retryAfterOf(error, id) }, this.random, this.deps.tuning);
      this.schedule(id, { ...due, at: now() + wait, errorStreak, blocked: false });
      return;
    }
    this.notFoundSince.delete(id);
    const updated = await this.deps.store.update(id, (t) => applyRemoteStatus(t, status, now()));
    if (!updated) return;
    if (isTerminal(updated.state)) {
      // Saved in the download pool, so a slow download never holds a status-check slot.
      if (updated.state === 'succeeded') void this.saveResults(updated);
      this.pump(provider);
      return;
    }
    if (isPastDeadline({ ...updated, submittedAt: due.since }, now(), this.deadlineMs(updated))) {
      await this.deps.store.update(id, (t) => withChanges(t, { state: 'stale', error: { message: t.request.kind === 'video' ? l10n.t('No result after the usual time for a video. Use Refresh to check again.') : l10n.t('No result after the usual time for an image. Use Refresh to check again.') } }));
      this.pump(provider);
      return;
    }
    const checks = due.checks + 1;
    const wait = nextPollDelay(adapter.policy, { kind: task.request.kind, ageMs: now() - due.since, checks, errorStreak: 0 }, this.random, this.deps.tuning);
    this.schedule(id, { ...due, at: now() + wait, checks, errorStreak: 0, blocked: false });
  }

  /**
   * A check answered 404. True only when the provider documents 404 as "no such task" and its checks have kept
   * answering 404 for several minutes; until then the task is kept and checked like any refused check.
   */
  private unknownForGood(id: string, adapter: ProviderAdapter): boolean {
    const now = this.clock.now();
    const since = this.notFoundSince.get(id);
    if (since === undefined) this.notFoundSince.set(id, now);
    return adapter.policy.notFoundMeansNoTask === true && since !== undefined && now - since >= NOT_FOUND_FOR_GOOD_MS;
  }

  /** Marks a task whose checks keep being refused stale once past its deadline; true when it did. */
  private async staleIfLate(id: string, due: Due, reason: string | undefined): Promise<boolean> {
    const task = this.deps.store.get(id);
    if (!task || !isPastDeadline({ ...task, submittedAt: due.since }, this.clock.now(), this.deadlineMs(task))) return false;
    await this.deps.store.update(id, (t) => withChanges(t, {
      state: 'stale',
      error: { ...t.error, message: reason ? l10n.t('{0} Still no answer after the usual time; use Refresh to check again.', reason) : l10n.t('Still no answer after the usual time; use Refresh to check again.') },
    }));
    this.pump(task.request.provider);
    return true;
  }

  private async saveResults(task: Task, inline?: readonly InlineResult[]): Promise<void> {
    if (this.downloading.has(task.id)) return;
    this.downloading.add(task.id);
    try {
      await this.downloadSlot();
      try {
        await this.deps.saveResults(task, inline);
      } finally {
        this.freeDownloadSlot();
      }
    } catch (error) {
      this.deps.log?.(`Saving the results of ${task.id} failed: ${error instanceof Error ? error.message : String(error)}`, 'warn');
    } finally {
      this.downloading.delete(task.id);
      const current = this.deps.store.get(task.id);
      if (current) this.settleWaiters(current);
      this.releaseIfDone(task.id);
    }
  }

  /** Waits for room in the download pool (its own cap, apart from the status checks). */
  private downloadSlot(): Promise<void> {
    if (this.activeDownloads < (this.deps.maxParallelDownloads ?? DEFAULT_PARALLEL_DOWNLOADS)) {
      this.activeDownloads += 1;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.downloadQueue.push(() => {
      this.activeDownloads += 1;
      resolve();
    }));
  }

  private freeDownloadSlot(): void {
    this.activeDownloads -= 1;
    this.downloadQueue.shift()?.();
  }

  private async finish(id: string, state: 'failed' | 'cancelled', message: string, failure?: { status?: number; code?: string; raw?: unknown }): Promise<void> {
    this.due.delete(id);
    this.sending.delete(id);
    const done = await this.deps.store.update(id, (t) => withChanges(t, {
      state, endedAt: this.clock.now(), error: { message, status: failure?.status, code: failure?.code, raw: failure?.raw },
    }));
    if (done) this.pump(done.request.provider);
  }

  private settleWaiters(task: Task): void {
    if (!isTerminal(task.state) || this.working(task.id)) return;
    const waiting = this.waiters.get(task.id);
    if (!waiting) return;
    this.waiters.delete(task.id);
    for (const resolve of waiting) resolve(task);
  }

  /** The provider's client, or undefined with the reason recorded on the task (bad base URL setting). */
  private async clientOrProblem(id: string, provider: ProviderId): Promise<ApiClient | undefined> {
    this.clientProblems.delete(id);
    try {
      return await this.deps.api(provider);
    } catch (error) {
      this.clientProblems.add(id);
      await this.deps.store.update(id, (t) => withChanges(t, { error: { message: error instanceof Error ? error.message : String(error) } }));
      return undefined;
    }
  }

  private adapter(provider: ProviderId): ProviderAdapter {
    const adapter = this.deps.adapters.get(provider);
    if (!adapter) throw new RequestProblem(l10n.t('Media Studio has no support for the provider "{0}".', provider));
    return adapter;
  }
}

function genericProblem(request: TaskRequest): string | undefined {
  if (!request.prompt.trim()) return l10n.t('The prompt is empty. Describe what to generate.');
  if (!request.model.trim()) return l10n.t('Choose a model.');
  const limit = maxPromptLength(request.provider, request.model);
  if (request.prompt.length > limit) {
    return l10n.t('The prompt is {0} characters long; {1} takes at most {2}. Shorten it.', request.prompt.length.toLocaleString('en-US'), request.model, limit.toLocaleString('en-US'));
  }
  return undefined;
}

function randomId(): string {
  return randomUUID();
}
