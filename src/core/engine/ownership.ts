/** Adopting stored tasks that need work, taking over tasks whose window has gone, releasing claims when done. */
import { needsOwner } from '../claims';
import type { ProviderId } from '../providers';
import type { TaskStore } from '../store';
import { awaitsSave, isPolled, type Task, withChanges } from '../task';
import { storedSince } from './admission';
import { messages } from './messages';
import type { Scheduler } from './scheduler';
import type { Clock, TaskOwnership } from './types';

const DEFAULT_TAKEOVER_INTERVAL_MS = 15_000;

export interface OwnershipDeps {
  readonly clock: Clock;
  readonly store: TaskStore;
  readonly scheduler: Scheduler;
  /** Without it this engine acts on every task. */
  readonly ownership?: TaskOwnership;
  readonly takeoverIntervalMs?: number;
  readonly log?: (line: string, level?: 'info' | 'warn') => void;
  working(id: string): boolean;
  sending(id: string): boolean;
  saveResults(task: Task): void;
  pump(provider: ProviderId): void;
}

export class Ownership {
  /** A claim is a few file operations. */
  private readonly claiming = new Set<string>();
  private takeoverTimer: unknown;
  private disposed = false;

  constructor(private readonly deps: OwnershipDeps) {}

  /** It holds the claim, or there are no other windows to ask. */
  mine(id: string): boolean {
    return this.deps.ownership?.owns(id) ?? true;
  }

  /** Finished and saved, or removed. */
  releaseIfDone(id: string): void {
    const ownership = this.deps.ownership;
    if (!ownership?.owns(id) || this.deps.working(id) || this.deps.sending(id)) return;
    const task = this.deps.store.get(id);
    if (task && needsOwner(task)) return;
    void ownership.release(id).catch(() => undefined);
  }

  /** A claim goes when the task needs no owner; another window's task is watched. */
  changed(task: Task, removed: boolean): void {
    const ownership = this.deps.ownership;
    if (!ownership) return;
    if (removed || !needsOwner(task)) {
      this.releaseIfDone(task.id);
    } else if (!ownership.owns(task.id)) {
      this.armTakeover(); // another window's task: watch for that window going away
    }
  }

  heldElsewhereCount(): number {
    return [...this.deps.store.values()].filter((t) => needsOwner(t) && !this.mine(t.id)).length;
  }

  /** Schedules its check, saves its results, or (sent by a window that closed mid-submit) marks it unconfirmed. */
  async adopt(listed: Task): Promise<boolean> {
    if (!needsOwner(listed) || this.deps.scheduler.has(listed.id) || this.deps.working(listed.id) || this.claiming.has(listed.id))
      return false;
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
        error: { message: messages.closedMidSubmit(t.request.provider) },
      }));
    } else if (isPolled(task.state)) {
      const now = this.deps.clock.now();
      this.deps.scheduler.schedule(task.id, { at: now, action: 'poll', checks: 1, errorStreak: 0, since: storedSince(task, now) });
    } else if (task.state === 'succeeded' && task.results?.some(awaitsSave)) {
      this.deps.saveResults(task);
    }
    return true;
  }

  /** Once the holding window has gone (closed, crashed) mid-task. */
  armTakeover(): void {
    if (!this.deps.ownership || this.disposed || this.takeoverTimer !== undefined) return;
    if (!this.heldElsewhereCount()) return;
    this.takeoverTimer = this.deps.clock.setTimer(() => {
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
    for (const provider of providers) this.deps.pump(provider);
  }

  async take(id: string): Promise<boolean> {
    if (!this.deps.ownership || this.mine(id)) return true;
    const task = this.deps.store.get(id);
    if (!task) return true;
    // A finished task is claimed too (Save Again downloads): the claim goes with the task's next change.
    if (!needsOwner(task)) return this.deps.ownership.claim(id);
    return (await this.adopt(task)) || this.mine(id);
  }

  async heldElsewhere(id: string): Promise<boolean> {
    return !this.mine(id) && (await this.deps.ownership?.heldElsewhere(id) ?? false);
  }

  dispose(): void {
    this.disposed = true;
    if (this.takeoverTimer !== undefined) this.deps.clock.clearTimer(this.takeoverTimer);
  }
}
