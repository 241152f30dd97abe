/** Sending a queued task, and what a failed submit does to it (see transitions.ts). */
import { nextPollDelay, DEFAULT_TUNING } from '../backoff';
import { applyRemoteStatus, clampProgress, type Task, withChanges } from '../task';
import type { SlotHold } from './admission';
import { messages } from './messages';
import type { EngineRuntime } from './runtime';
import { onSubmitError } from './transitions';

export class Submitter {
  private readonly submitRetries = new Map<string, number>();

  constructor(private readonly rt: EngineRuntime) {}

  /** The slot is released once the provider answered, unless a refused submit waits to go again. */
  async send(id: string): Promise<void> {
    const hold = this.rt.admission.holdOf(id);
    let keepSlot = false;
    try {
      keepSlot = await this.sendNow(id, hold);
    } finally {
      if (!keepSlot) hold.release();
    }
  }

  /** True when the task keeps its slot (a refused submit waiting to go again). */
  private async sendNow(id: string, hold: SlotHold): Promise<boolean> {
    const { deps, scheduler } = this.rt;
    scheduler.unschedule(id);
    const queued = deps.store.get(id);
    if (!queued || queued.state !== 'queued') return false;
    // Paid work: the claim is read back from disk first, so two windows can never both send one task.
    if (deps.ownership && !(await deps.ownership.confirm(id))) {
      deps.log?.(`Task ${id}: another window holds it now; not sending it from here.`);
      return false;
    }
    const provider = queued.request.provider;
    const api = await this.rt.client(id, provider);
    if (!api) {
      // The reason is already on the task when the client could not be made (a bad base URL setting); else it is the key.
      if (!this.rt.clientFailed(id))
        await deps.store.update(id, (t) => withChanges(t, { error: { message: messages.waitingForKey(provider) } }));
      return false;
    }
    const task = await deps.store.update(id, (t) => withChanges(t, { state: 'submitting', error: undefined }));
    if (!task) return false;
    const adapter = this.rt.adapter(provider);
    let result;
    try {
      result = await adapter.submit({ api, openImage: (uri) => deps.openImage(uri) }, task.request);
    } catch (error) {
      deps.log?.(`Submitting task ${id} failed: ${error instanceof Error ? error.message : String(error)}`, 'warn');
      return this.submitFailed(task, error, hold);
    }
    const now = this.rt.clock.now();
    this.submitRetries.delete(id);
    if (result.kind === 'accepted') {
      // Persisted before anything else happens: from here on the paid task can always be found again.
      const accepted = await deps.store.update(id, (t) =>
        withChanges(t, {
          state: 'submitted',
          remoteId: result.remoteId,
          remoteState: result.status?.remoteState,
          progress: clampProgress(result.status?.progress) ?? 0,
          submittedAt: now,
        }),
      );
      hold.release();
      if (accepted) {
        const wait = nextPollDelay(
          adapter.policy,
          { kind: accepted.request.kind, ageMs: 0, checks: 0, errorStreak: 0 },
          this.rt.random,
          deps.tuning ?? DEFAULT_TUNING,
        );
        scheduler.schedule(id, { at: now + wait, action: 'poll', checks: 0, errorStreak: 0, since: now });
      }
    } else {
      const done = await deps.store.update(id, (t) => applyRemoteStatus(withChanges(t, { submittedAt: now }), result.status, now));
      // Saved in the download pool: the submit's work (and its provider slot) ends with the provider's answer.
      if (done?.state === 'succeeded') this.rt.saveResults(done, result.inline);
      hold.release();
      this.rt.pump(provider);
    }
    return false;
  }

  private async submitFailed(task: Task, error: unknown, hold: SlotHold): Promise<boolean> {
    const provider = task.request.provider;
    const outcome = onSubmitError(provider, error, this.submitRetries.get(task.id) ?? 0);
    switch (outcome.kind) {
      case 'requeue': {
        this.submitRetries.set(task.id, outcome.tries);
        const { failure, tries } = outcome;
        await this.rt.deps.store.update(task.id, (t) =>
          withChanges(t, { state: 'queued', error: { message: failure.message, status: failure.status } }),
        );
        const wait = nextPollDelay(this.rt.adapter(provider).policy, {
          kind: task.request.kind, ageMs: 0, checks: 0, errorStreak: tries, retryAfterMs: this.rt.retryAfterOf(error, task.id),
        }, this.rt.random);
        const now = this.rt.clock.now();
        this.rt.scheduler.schedule(task.id, { at: now + wait, action: 'submit', checks: 0, errorStreak: tries, since: now });
        return true;
      }
      case 'unconfirmed':
        await this.rt.deps.store.update(task.id, (t) => withChanges(t, { state: 'unconfirmed', error: outcome.error }));
        hold.release();
        this.rt.pump(provider);
        return false;
      case 'failed':
        this.submitRetries.delete(task.id);
        hold.release();
        await this.rt.finish(task.id, 'failed', outcome.message, outcome.failure);
        return false;
    }
  }
}
