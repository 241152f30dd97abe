/** Getting a provider's client for a task's request, and reading a failed request's Retry-After. */
import { type ApiClient, HttpError } from '../http';
import type { ProviderId } from '../providers';
import { withChanges } from '../task';
import { boundedRetryAfter } from '../waits';
import type { EngineDeps } from './types';

export class Clients {
  /** Failed with a reason (a bad base URL), not for want of a key. */
  private readonly problems = new Set<string>();

  constructor(private readonly deps: Pick<EngineDeps, 'api' | 'store'>) {}

  /** Undefined with the reason recorded on the task. */
  async client(id: string, provider: ProviderId): Promise<ApiClient | undefined> {
    this.problems.delete(id);
    try {
      return await this.deps.api(provider);
    } catch (error) {
      this.problems.add(id);
      await this.deps.store.update(id, (t) =>
        withChanges(t, { error: { message: error instanceof Error ? error.message : String(error) } }),
      );
      return undefined;
    }
  }

  failed(id: string): boolean {
    return this.problems.has(id);
  }
}

/** At most an hour; a longer one is logged, then cut. */
export function retryAfterOf(error: unknown, id: string, log: EngineDeps['log']): number | undefined {
  if (!(error instanceof HttpError)) return undefined;
  const bounded = boundedRetryAfter(error.retryAfterMs);
  if (bounded.clamped)
    log?.(
      `Task ${id}: the provider asked to wait ${Math.round((error.retryAfterMs ?? Infinity) / 1000)} s (Retry-After); waiting at most an hour.`,
      'warn',
    );
  return bounded.ms;
}
