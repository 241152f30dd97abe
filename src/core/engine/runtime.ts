/** What the engine's submitting and polling parts share of it: its dependencies, its parts and a few of its acts. */
import type { InlineResult, ProviderAdapter } from '../adapters/adapter';
import type { ApiClient } from '../http';
import type { ProviderId } from '../providers';
import type { Task, TaskError } from '../task';
import type { Admission } from './admission';
import type { Scheduler } from './scheduler';
import type { Clock, EngineDeps } from './types';

export interface EngineRuntime {
  readonly deps: EngineDeps;
  readonly clock: Clock;
  readonly random: () => number;
  readonly scheduler: Scheduler;
  readonly admission: Admission;
  adapter(provider: ProviderId): ProviderAdapter;
  /** The provider's client, or undefined with the reason recorded on the task (bad base URL setting). */
  client(id: string, provider: ProviderId): Promise<ApiClient | undefined>;
  /** Whether the task's last `client` failed with a reason, not for want of a key. */
  clientFailed(id: string): boolean;
  deadlineMs(task: Pick<Task, 'request'>): number;
  mine(id: string): boolean;
  /** Sends queued tasks of a provider while it has free slots. */
  pump(provider: ProviderId): void;
  finish(id: string, state: 'failed' | 'cancelled', message: string, failure?: Omit<TaskError, 'message'>): Promise<void>;
  /** Saves a succeeded task's results in the download pool. */
  saveResults(task: Task, inline?: readonly InlineResult[]): void;
  /** The provider's Retry-After of a failed request, at most an hour. */
  retryAfterOf(error: unknown, id: string): number | undefined;
}
