/**
 * The task store: the one source of truth for tasks. Every change is persisted before it is announced, and
 * the writes of one task are kept in order.
 */
import { Emitter } from './events';
import type { Task } from './task';

export interface TaskPersistence {
  load(): Promise<Task[]>;
  save(task: Task): Promise<void>;
  remove(id: string): Promise<void>;
}

export type TaskChange =
  | { readonly kind: 'added' | 'changed'; readonly task: Task; readonly previous?: Task }
  | { readonly kind: 'removed'; readonly task: Task };

export class TaskStore {
  private readonly tasks = new Map<string, Task>();
  private readonly writes = new Map<string, Promise<void>>();
  private readonly changed = new Emitter<TaskChange>();
  readonly onDidChange = this.changed.event;

  constructor(private readonly persistence: TaskPersistence) {}

  async load(): Promise<void> {
    for (const task of await this.persistence.load()) {
      const known = this.tasks.get(task.id);
      if (!known || known.revision < task.revision) this.tasks.set(task.id, task);
    }
  }

  get(id: string): Task | undefined {
    return this.tasks.get(id);
  }

  /** All tasks, newest first. */
  list(): Task[] {
    return [...this.tasks.values()].sort((a, b) => b.createdAt - a.createdAt);
  }

  get size(): number {
    return this.tasks.size;
  }

  async add(task: Task): Promise<Task> {
    if (this.tasks.has(task.id)) throw new Error(`Task ${task.id} exists already.`);
    this.tasks.set(task.id, task);
    await this.persist(task);
    this.changed.fire({ kind: 'added', task });
    return task;
  }

  /** Applies `change` to the current copy; returns undefined when the task is gone. */
  async update(id: string, change: (task: Task) => Task): Promise<Task | undefined> {
    const previous = this.tasks.get(id);
    if (!previous) return undefined;
    const next = change(previous);
    if (next === previous) return previous;
    this.tasks.set(id, next);
    await this.persist(next);
    this.changed.fire({ kind: 'changed', task: next, previous });
    return next;
  }

  async remove(id: string): Promise<void> {
    const task = this.tasks.get(id);
    if (!task) return;
    this.tasks.delete(id);
    await this.chain(id, () => this.persistence.remove(id));
    this.changed.fire({ kind: 'removed', task });
  }

  /** A copy written by another window: taken only when it is newer than ours. */
  acceptExternal(task: Task): void {
    const known = this.tasks.get(task.id);
    if (known && known.revision >= task.revision) return;
    this.tasks.set(task.id, task);
    this.changed.fire(known ? { kind: 'changed', task, previous: known } : { kind: 'added', task });
  }

  forgetExternal(id: string): void {
    const task = this.tasks.get(id);
    if (!task) return;
    this.tasks.delete(id);
    this.changed.fire({ kind: 'removed', task });
  }

  /** Resolves when every write started so far has finished. */
  async flush(): Promise<void> {
    await Promise.all([...this.writes.values()]);
  }

  private persist(task: Task): Promise<void> {
    return this.chain(task.id, () => this.persistence.save(task));
  }

  private chain(id: string, write: () => Promise<void>): Promise<void> {
    const next = (this.writes.get(id) ?? Promise.resolve()).catch(() => undefined).then(write);
    this.writes.set(id, next);
    void next.finally(() => {
      if (this.writes.get(id) === next) this.writes.delete(id);
    }).catch(() => undefined);
    return next;
  }

  dispose(): void {
    this.changed.dispose();
  }
}
