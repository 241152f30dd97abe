/** Status checks, and what a failed one does to the task (see transitions.ts). */
import type { ProviderAdapter } from '../adapters/adapter';
import { nextPollDelay, slowPollDelay } from '../backoff';
import { applyRemoteStatus, isPastDeadline, isPolled, isTerminal, withChanges } from '../task';
import { messages } from './messages';
import type { EngineRuntime } from './runtime';
import { isNotFound, onCheckError } from './transitions';
import type { Due } from './types';

/** Only where 404 is documented as "no such task", and only after this long: one 404 may be a lagging replica. */
const NOT_FOUND_FOR_GOOD_MS = 5 * 60_000;

export class Poller {
  /** Cleared by any other answer. */
  private readonly notFoundSince = new Map<string, number>();

  constructor(private readonly rt: EngineRuntime) {}

  forget(id: string): void {
    this.notFoundSince.delete(id);
  }

  async check(id: string, due: Due): Promise<void> {
    const { deps, scheduler } = this.rt;
    scheduler.unschedule(id);
    const task = deps.store.get(id);
    if (!task || !isPolled(task.state) || !this.rt.mine(id)) return;
    const provider = task.request.provider;
    const adapter = this.rt.adapter(provider);
    const api = await this.rt.client(id, provider);
    const now = () => this.rt.clock.now();
    const slowly = () => now() + slowPollDelay(adapter.policy, this.rt.random, deps.tuning);
    if (!api) {
      if (!deps.store.get(id)?.error)
        await deps.store.update(id, (t) => withChanges(t, { error: { message: messages.noKeyToCheck(provider) } }));
      // keyChanged() checks it at once when a key comes; until then its deadline still makes it stale.
      if (!(await this.staleIfLate(id, due, deps.store.get(id)?.error?.message)))
        scheduler.schedule(id, { ...due, at: slowly(), blocked: true });
      return;
    }
    let status;
    scheduler.checkSentAt.set(id, now());
    try {
      status = await adapter.poll(api, task);
    } catch (error) {
      if (!isNotFound(error)) this.notFoundSince.delete(id);
      const outcome = onCheckError(provider, error, {
        notFoundForGood: isNotFound(error) && this.unknownForGood(id, adapter),
        pastDeadline: isPastDeadline({ ...task, submittedAt: due.since }, now(), this.rt.deadlineMs(task)),
      });
      switch (outcome.kind) {
        case 'failed':
          this.notFoundSince.delete(id);
          await this.rt.finish(id, 'failed', outcome.message, outcome.failure);
          return;
        case 'slow':
          deps.log?.(`Checking task ${id} failed: ${outcome.reason}`, 'warn');
          await deps.store.update(id, (t) => withChanges(t, { error: outcome.error, lastCheckedAt: now() }));
          if (!(await this.staleIfLate(id, due, outcome.reason))) {
            scheduler.schedule(id, { ...due, at: slowly(), errorStreak: due.errorStreak + 1, blocked: true });
          }
          return;
        case 'stale':
          await deps.store.update(id, (t) => withChanges(t, { state: 'stale', error: outcome.error }));
          this.rt.pump(provider);
          return;
        case 'retry': {
          await deps.store.update(id, (t) => withChanges(t, { error: outcome.error, lastCheckedAt: now() }));
          const errorStreak = due.errorStreak + 1;
          const retryAfterMs = this.rt.retryAfterOf(error, id);
          const wait = nextPollDelay(
            adapter.policy,
            { kind: task.request.kind, ageMs: now() - due.since, checks: due.checks, errorStreak, retryAfterMs },
            this.rt.random,
            deps.tuning,
          );
          scheduler.schedule(id, { ...due, at: now() + wait, errorStreak, blocked: false });
          return;
        }
      }
    }
    this.notFoundSince.delete(id);
    const updated = await deps.store.update(id, (t) => applyRemoteStatus(t, status, now()));
    if (!updated) return;
    if (isTerminal(updated.state)) {
      // Saved in the download pool, so a slow download never holds a status-check slot.
      if (updated.state === 'succeeded') this.rt.saveResults(updated);
      this.rt.pump(provider);
      return;
    }
    if (isPastDeadline({ ...updated, submittedAt: due.since }, now(), this.rt.deadlineMs(updated))) {
      await deps.store.update(id, (t) => withChanges(t, { state: 'stale', error: { message: messages.noResultInTime(t.request.kind) } }));
      this.rt.pump(provider);
      return;
    }
    const checks = due.checks + 1;
    const wait = nextPollDelay(
      adapter.policy,
      { kind: task.request.kind, ageMs: now() - due.since, checks, errorStreak: 0 },
      this.rt.random,
      deps.tuning,
    );
    scheduler.schedule(id, { ...due, at: now() + wait, checks, errorStreak: 0, blocked: false });
  }

  private unknownForGood(id: string, adapter: ProviderAdapter): boolean {
    const now = this.rt.clock.now();
    const since = this.notFoundSince.get(id);
    if (since === undefined) this.notFoundSince.set(id, now);
    return adapter.policy.notFoundMeansNoTask === true && since !== undefined && now - since >= NOT_FOUND_FOR_GOOD_MS;
  }

  /** True when it marked the task stale. */
  private async staleIfLate(id: string, due: Due, reason: string | undefined): Promise<boolean> {
    const task = this.rt.deps.store.get(id);
    if (!task || !isPastDeadline({ ...task, submittedAt: due.since }, this.rt.clock.now(), this.rt.deadlineMs(task))) return false;
    await this.rt.deps.store.update(id, (t) => withChanges(t, {
      state: 'stale',
      error: { ...t.error, message: messages.stillNoAnswer(reason) },
    }));
    this.rt.pump(task.request.provider);
    return true;
  }
}
