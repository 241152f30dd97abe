/** What the engine's submitting and polling parts share of it. */
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
  /** Undefined with the reason recorded on the task (bad base URL setting). */
  client(id: string, provider: ProviderId): Promise<ApiClient | undefined>;
  /** Failed with a reason, not for want of a key. */
  clientFailed(id: string): boolean;
  deadlineMs(task: Pick<Task, 'request'>): number;
  mine(id: string): boolean;
  pump(provider: ProviderId): void;
  finish(id: string, state: 'failed' | 'cancelled', message: string, failure?: Omit<TaskError, 'message'>): Promise<void>;
  /** In the download pool. */
  saveResults(task: Task, inline?: readonly InlineResult[]): void;
  /** At most an hour. */
  retryAfterOf(error: unknown, id: string): number | undefined;
}
