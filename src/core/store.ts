/** The one source of truth for tasks: every change is persisted before it is announced; a task's writes stay in order. */
import { Emitter } from './events';
import type { Task } from './task';
import { WriteChain } from './writeChain';

export interface TaskPersistence {
  load(): Promise<Task[]>;
  save(task: Task): Promise<void>;
  remove(id: string): Promise<void>;
}

export type TaskChange =
  | { readonly kind: 'added' | 'changed'; readonly task: Task; readonly previous?: Task }
  | { readonly kind: 'removed'; readonly task: Task };

export class TaskStore {
  /** The newest copy, which the next change builds on. */
  private readonly tasks = new Map<string, Task>();
  /** Only copies that have reached storage, so nothing unsaved is ever acted on. */
  private readonly committed = new Map<string, Task>();
  private readonly writes = new WriteChain();
  private readonly changed = new Emitter<TaskChange>();
  readonly onDidChange = this.changed.event;

  constructor(private readonly persistence: TaskPersistence) {}

  async load(): Promise<void> {
    for (const task of await this.persistence.load()) {
      const known = this.tasks.get(task.id);
      if (!known || known.revision < task.revision) {
        this.tasks.set(task.id, task);
        this.committed.set(task.id, task);
      }
    }
  }

  get(id: string): Task | undefined {
    return this.committed.get(id);
  }

  /** Unsorted, for the engine's hot paths. */
  values(): IterableIterator<Task> {
    return this.committed.values();
  }

  /** Newest first. */
  list(): Task[] {
    return [...this.committed.values()].sort((a, b) => b.createdAt - a.createdAt);
  }

  get size(): number {
    return this.committed.size;
  }

  async add(task: Task): Promise<Task> {
    if (this.tasks.has(task.id)) throw new Error(`Task ${task.id} exists already.`);
    this.tasks.set(task.id, task);
    await this.persist(task);
    this.commit(task);
    this.changed.fire({ kind: 'added', task });
    return task;
  }

  /** Undefined when the task is gone. */
  async update(id: string, change: (task: Task) => Task): Promise<Task | undefined> {
    const previous = this.tasks.get(id);
    if (!previous) return undefined;
    const next = change(previous);
    if (next === previous) return previous;
    this.tasks.set(id, next);
    try {
      await this.persist(next);
    } catch (error) {
      if (this.tasks.get(id) === next) this.tasks.set(id, previous); // not saved, so it did not happen
      throw error;
    }
    if (!this.tasks.has(id)) return undefined; // removed while it was being written
    this.commit(next);
    this.changed.fire({ kind: 'changed', task: next, previous });
    return next;
  }

  async remove(id: string): Promise<void> {
    const task = this.tasks.get(id);
    if (!task) return;
    this.tasks.delete(id);
    await this.chain(id, () => this.persistence.remove(id));
    this.committed.delete(id);
    this.changed.fire({ kind: 'removed', task });
  }

  /** Written by another window: taken only when newer than ours. */
  acceptExternal(task: Task): void {
    const known = this.tasks.get(task.id);
    if (known && known.revision >= task.revision) return;
    this.tasks.set(task.id, task);
    this.committed.set(task.id, task);
    this.changed.fire(known ? { kind: 'changed', task, previous: known } : { kind: 'added', task });
  }

  forgetExternal(id: string): void {
    const task = this.tasks.get(id);
    if (!task) return;
    this.tasks.delete(id);
    this.committed.delete(id);
    this.changed.fire({ kind: 'removed', task });
  }

  /** Unless a newer one was published already (writes can finish out of order across tasks). */
  private commit(task: Task): void {
    const shown = this.committed.get(task.id);
    if (!shown || shown.revision <= task.revision) this.committed.set(task.id, task);
  }

  private persist(task: Task): Promise<void> {
    return this.chain(task.id, () => this.persistence.save(task));
  }

  private chain(id: string, write: () => Promise<void>): Promise<void> {
    return this.writes.run(id, write);
  }

  dispose(): void {
    this.changed.dispose();
  }
}
