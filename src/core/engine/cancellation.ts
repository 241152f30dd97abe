/** Cancelling a task: a queued one just stops; a running one is cancelled at a provider that can, or dropped on request. */
import type { ProviderAdapter } from '../adapters/adapter';
import type { ProviderId } from '../providers';
import { isTerminal } from '../task';
import type { Admission } from './admission';
import { messages } from './messages';
import type { EngineRuntime } from './runtime';
import type { Scheduler } from './scheduler';
import type { EngineDeps } from './types';

export interface CancellationDeps {
  readonly deps: Pick<EngineDeps, 'store' | 'api'>;
  readonly admission: Admission;
  readonly scheduler: Scheduler;
  adapter(provider: ProviderId): ProviderAdapter;
  finish: EngineRuntime['finish'];
}

export class Cancellation {
  /** Tasks the provider is being asked to cancel (the poller waits). */
  private readonly cancelling = new Set<string>();

  constructor(private readonly parts: CancellationDeps) {}

  has(id: string): boolean {
    return this.cancelling.has(id);
  }

  /** Otherwise the task is only dropped from tracking when `stopTracking` is set (the user confirmed). */
  async cancel(id: string, stopTracking: boolean): Promise<'cancelled' | 'notCancellable'> {
    const { deps, finish } = this.parts;
    const task = deps.store.get(id);
    if (!task || isTerminal(task.state)) return 'cancelled';
    if (task.state === 'submitting') return 'notCancellable';
    const provider = task.request.provider;
    if (task.state === 'queued' || task.state === 'unconfirmed') {
      await finish(id, 'cancelled', task.state === 'queued' ? messages.cancelledBeforeSent() : messages.stoppedTracking());
      return 'cancelled';
    }
    const adapter = this.parts.adapter(provider);
    const api = await deps.api(provider);
    if (adapter.cancel && api) {
      this.parts.admission.spend(provider);
      // The poller leaves the task alone meanwhile, and the adapter knows its latest check (a read-back keeps the floor).
      this.cancelling.add(id);
      let outcome;
      try {
        const last = this.parts.scheduler.lastCheck(id, task.lastCheckedAt);
        outcome = await adapter.cancel(api, { ...task, lastCheckedAt: Number.isFinite(last) ? last : undefined });
      } finally {
        this.cancelling.delete(id);
        this.parts.scheduler.arm();
      }
      if (outcome === 'cancelled') {
        await finish(id, 'cancelled', messages.cancelledAt(provider));
        return 'cancelled';
      }
    }
    if (!stopTracking) return 'notCancellable';
    await finish(id, 'cancelled', messages.stoppedTrackingMayCharge(provider));
    return 'cancelled';
  }
}
