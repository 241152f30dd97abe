/** A rejected key is announced once per provider, again only after a check worked or the key changed. */
import type { ProviderId } from './providers';
import type { TaskChange } from './store';
import { isPolled, isTerminal } from './task';

export class KeyRejectionNotices {
  private readonly announced = new Set<ProviderId>();

  shouldAnnounce(change: TaskChange): boolean {
    if (change.kind !== 'changed') return false;
    const { task, previous } = change;
    const provider = task.request.provider;
    const rejected = task.error?.status === 401;
    if (rejected && isPolled(task.state)) {
      if (this.announced.has(provider)) return false;
      this.announced.add(provider);
      return true;
    }
    // A check of this provider's task worked again (or the task ended): a later rejection is news.
    if (previous?.error?.status === 401 && !rejected && (isPolled(task.state) || isTerminal(task.state))) this.announced.delete(provider);
    return false;
  }

  keyChanged(provider: ProviderId): void {
    this.announced.delete(provider);
  }
}
