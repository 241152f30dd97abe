/** The task engine façade. Paid work is never resubmitted unless the submit certainly never reached the provider. */
import { randomUUID } from 'crypto';
import type { InlineResult, ProviderAdapter } from '../adapters/adapter';
import type { ProviderId } from '../providers';
import { DEFAULT_DEADLINES_MS, isPolled, isTerminal, type Task, type TaskError, type TaskRequest, withChanges } from '../task';
import { Admission, storedSince } from './admission';
import { Cancellation } from './cancellation';
import { Clients, retryAfterOf } from './clients';
import { Downloads } from './downloads';
import { messages } from './messages';
import { Ownership } from './ownership';
import { Poller } from './polling';
import type { EngineRuntime } from './runtime';
import { Scheduler } from './scheduler';
import { Submitter } from './submission';
import { type Clock, type EngineDeps, RequestProblem, systemClock } from './types';
import { preparedRequest } from './validation';

export class TaskEngine {
  private readonly clock: Clock;
  private readonly admission: Admission;
  private readonly scheduler: Scheduler;
  private readonly ownership: Ownership;
  private readonly downloads: Downloads;
  private readonly poller: Poller;
  private readonly cancellation: Cancellation;
  private readonly waiters = new Map<string, ((task: Task) => void)[]>();
  private readonly storeSubscription;
  private disposed = false;

  constructor(private readonly deps: EngineDeps) {
    const clock = (this.clock = deps.clock ?? systemClock);
    const { store, adapters, log } = deps;
    this.admission = new Admission({ clock, store, adapters, deadlineMs: (task) => this.deadlineMs(task), requestLog: deps.requestLog });
    const working = (id: string) => this.working(id);
    this.scheduler = new Scheduler({
      clock, store, adapters, log, admission: this.admission, maxParallelChecks: deps.maxParallelChecks, working,
      run: (id, due) => (due.action === 'poll' ? this.poller.check(id, due) : submitter.send(id)),
      ran: (id) => {
        const task = store.get(id);
        if (task && isTerminal(task.state)) this.settleWaiters(task);
        this.ownership.releaseIfDone(id);
      },
    });
    this.downloads = new Downloads({
      saveResults: deps.saveResults, maxParallelDownloads: deps.maxParallelDownloads, log,
      saved: (id) => {
        const current = store.get(id);
        if (current) this.settleWaiters(current);
        this.ownership.releaseIfDone(id);
      },
    });
    const saveResults = (task: Task, inline?: readonly InlineResult[]) => void this.downloads.save(task, inline);
    const pump = (provider: ProviderId) => this.pump(provider);
    this.ownership = new Ownership({
      clock, store, log, scheduler: this.scheduler, ownership: deps.ownership, takeoverIntervalMs: deps.takeoverIntervalMs,
      working, sending: (id) => this.admission.sending(id), saveResults, pump,
    });
    const clients = new Clients(deps);
    const runtime: EngineRuntime = {
      deps, clock, random: deps.random ?? Math.random, scheduler: this.scheduler, admission: this.admission, saveResults, pump,
      adapter: (provider) => this.adapter(provider),
      client: (id, provider) => clients.client(id, provider),
      clientFailed: (id) => clients.failed(id),
      deadlineMs: (task) => this.deadlineMs(task),
      mine: (id) => this.ownership.mine(id),
      finish: (id, state, message, failure) => this.finish(id, state, message, failure),
      retryAfterOf: (error, id) => retryAfterOf(error, id, log),
    };
    this.cancellation = new Cancellation(runtime);
    const submitter = new Submitter(runtime);
    this.poller = new Poller(runtime);
    this.storeSubscription = store.onDidChange((change) => {
      const removed = change.kind === 'removed';
      if (!removed && isTerminal(change.task.state)) this.settleWaiters(change.task);
      if (removed) {
        this.scheduler.forget(change.task.id);
        this.poller.forget(change.task.id);
        // A stale or unconfirmed task held a provider slot; removing it (the user's decision) frees the slot.
        if (!isTerminal(change.task.state)) queueMicrotask(() => this.pump(change.task.request.provider));
      }
      this.ownership.changed(change.task, removed);
    });
  }

  /** Whether anything is in flight for the task: a check, a submit or a download of its results. */
  private working(id: string): boolean {
    return this.scheduler.inWork(id) || this.downloads.has(id) || this.cancellation.has(id);
  }

  /** Checks a request as submit does (spec, adapter, key), storing and sending nothing; batches check every task first. */
  async checkRequest(asked: TaskRequest): Promise<TaskRequest> {
    const adapter = this.adapter(asked.provider);
    const request = preparedRequest(asked);
    const problem = adapter.validate(request);
    if (problem) throw new RequestProblem(problem);
    if (!(await this.deps.api(request.provider))) throw new RequestProblem(messages.noKeySet(request.provider), request.provider);
    return request;
  }

  /** Stored before anything is sent. `reservation`: one the caller already has from `admit` (a batch's). */
  async submit(asked: TaskRequest, origin: Task['origin'] = 'user', reservation?: string): Promise<Task> {
    const request = await this.checkRequest(asked);
    const spending = this.deps.spending;
    reservation ??= spending ? (await spending.admit([request], origin))[0] : undefined;
    const task: Task = {
      id: this.deps.newId?.() ?? randomUUID(),
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

  /** Admits a batch against the spending limits: all or nothing, one reservation per request (none without limits). */
  async admit(requests: readonly TaskRequest[], origin: Task['origin'] = 'user'): Promise<readonly (string | undefined)[]> {
    return this.deps.spending ? this.deps.spending.admit(requests, origin) : requests.map(() => undefined);
  }

  async releaseReservations(reservations: readonly (string | undefined)[]): Promise<void> {
    for (const id of reservations) if (id !== undefined) await this.deps.spending?.release(id);
  }

  async resume(): Promise<void> {
    const providers = new Set<ProviderId>();
    for (const task of this.deps.store.list()) {
      if (await this.ownership.adopt(task)) providers.add(task.request.provider);
    }
    for (const provider of providers) this.pump(provider);
    const elsewhere = this.ownership.heldElsewhereCount();
    this.deps.log?.(
      `Resumed: ${this.scheduler.size} task(s) to check or send${elsewhere ? `; ${elsewhere} tracked by another window` : ''} (${this.deps.store.size} stored).`,
    );
    this.ownership.armTakeover();
  }

  /** False when another live window tracks the task. One nobody needs to track (finished, unconfirmed) is free to anyone. */
  take(id: string): Promise<boolean> {
    return this.ownership.take(id);
  }

  /** Whether another open window tracks the task (commands then point the user there). */
  heldElsewhere(id: string): Promise<boolean> {
    return this.ownership.heldElsewhere(id);
  }

  /** A key or base URL changed: tasks waiting for one, or whose checks were refused, are checked at once. */
  keyChanged(provider: ProviderId): void {
    for (const task of this.deps.store.values()) {
      if (task.request.provider !== provider || !isPolled(task.state) || !this.ownership.mine(task.id)) continue;
      const due = this.scheduler.get(task.id);
      const now = this.clock.now();
      if (!due) {
        this.scheduler.schedule(task.id, { at: now, action: 'poll', checks: 1, errorStreak: 0, since: storedSince(task, now) });
      } else if (due.blocked) {
        this.scheduler.schedule(task.id, { ...due, at: now });
      }
    }
    this.pump(provider);
  }

  /** A stale task starts being polled again. */
  async refresh(id: string): Promise<void> {
    const task = this.deps.store.get(id);
    if (!task || !task.remoteId || isTerminal(task.state)) return;
    if (task.state === 'stale') await this.deps.store.update(id, (t) => withChanges(t, { state: 'running', error: undefined }));
    this.scheduler.schedule(id, { at: this.clock.now(), action: 'poll', checks: 1, errorStreak: 0, since: this.clock.now() });
  }

  /** A provider that cannot cancel only drops the task from tracking, and only with `stopTracking` (the user confirmed). */
  cancel(id: string, stopTracking = false): Promise<'cancelled' | 'notCancellable'> {
    return this.cancellation.cancel(id, stopTracking);
  }

  /** Only ever on request: a new task with the same request. */
  retry(id: string): Promise<Task> {
    const task = this.deps.store.get(id);
    if (!task) throw new RequestProblem(messages.taskGone());
    return this.submit(task.request, task.origin);
  }

  /** When a task shows as stale (and a chat tool stops waiting): the one place that decides. */
  deadlineMs(task: Pick<Task, 'request'>): number {
    const policy = this.deps.adapters.get(task.request.provider)?.policy;
    const kind = task.request.kind;
    return this.deps.deadlines?.[kind] ?? policy?.deadlinesMs?.[kind] ?? DEFAULT_DEADLINES_MS[kind];
  }

  waitFor(id: string): Promise<Task> {
    const task = this.deps.store.get(id);
    if (!task) return Promise.reject(new Error(`No task ${id}.`));
    if (isTerminal(task.state) && !this.working(id)) return Promise.resolve(task);
    return new Promise((resolve) => this.waiters.set(id, [...(this.waiters.get(id) ?? []), resolve]));
  }

  /** Tasks the provider may be working on for us (or is about to be), counted against its cap (see Admission). */
  activeCount(provider: ProviderId): number {
    return this.admission.activeCount(provider);
  }

  dispose(): void {
    this.disposed = true;
    this.scheduler.dispose();
    this.ownership.dispose();
    this.admission.dispose();
    this.storeSubscription.dispose();
  }

  private pump(provider: ProviderId): void {
    if (this.disposed || !this.deps.adapters.has(provider)) return;
    const queued = [...this.deps.store.values()]
      .filter(
        (t) =>
          t.request.provider === provider &&
          t.state === 'queued' &&
          !this.admission.sending(t.id) &&
          !this.working(t.id) &&
          this.ownership.mine(t.id),
      )
      .sort((a, b) => a.createdAt - b.createdAt);
    const cap = this.deps.maxActiveTasks?.(provider) ?? this.adapter(provider).policy.maxActiveTasks ?? Infinity;
    let free = cap - this.admission.activeCount(provider);
    for (const task of queued) {
      if (free <= 0) break;
      free -= 1;
      this.admission.acquire(task.id);
      this.scheduler.schedule(task.id, { at: this.clock.now(), action: 'submit', checks: 0, errorStreak: 0, since: this.clock.now() });
    }
    if (queued.length > 0 && free <= 0) this.admission.whenSlotLapses(provider, () => this.pump(provider));
  }

  private async finish(id: string, state: 'failed' | 'cancelled', message: string, failure?: Omit<TaskError, 'message'>): Promise<void> {
    this.scheduler.unschedule(id);
    this.admission.holdOf(id).release();
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

  private adapter(provider: ProviderId): ProviderAdapter {
    const adapter = this.deps.adapters.get(provider);
    if (!adapter) throw new RequestProblem(messages.noSupport(provider));
    return adapter;
  }
}
