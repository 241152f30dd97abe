/** The download pool: saving tasks' results, with a cap of its own apart from the status checks. */
import type { InlineResult } from '../adapters/adapter';
import type { Task } from '../task';

const DEFAULT_PARALLEL_DOWNLOADS = 4;

export interface DownloadDeps {
  saveResults(task: Task, inline?: readonly InlineResult[]): Promise<void>;
  readonly maxParallelDownloads?: number;
  readonly log?: (line: string, level?: 'info' | 'warn') => void;
  /** Called once the task's results were saved or failed to save. */
  saved(id: string): void;
}

export class Downloads {
  /** Tasks whose results are being saved. */
  private readonly saving = new Set<string>();
  private active = 0;
  private readonly queue: (() => void)[] = [];

  constructor(private readonly deps: DownloadDeps) {}

  has(id: string): boolean {
    return this.saving.has(id);
  }

  async save(task: Task, inline?: readonly InlineResult[]): Promise<void> {
    if (this.saving.has(task.id)) return;
    this.saving.add(task.id);
    try {
      await this.slot();
      try {
        await this.deps.saveResults(task, inline);
      } finally {
        this.freeSlot();
      }
    } catch (error) {
      this.deps.log?.(`Saving the results of ${task.id} failed: ${error instanceof Error ? error.message : String(error)}`, 'warn');
    } finally {
      this.saving.delete(task.id);
      this.deps.saved(task.id);
    }
  }

  /** Waits for room in the pool. */
  private slot(): Promise<void> {
    if (this.active < (this.deps.maxParallelDownloads ?? DEFAULT_PARALLEL_DOWNLOADS)) {
      this.active += 1;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.queue.push(() => {
      this.active += 1;
      resolve();
    }));
  }

  private freeSlot(): void {
    this.active -= 1;
    this.queue.shift()?.();
  }
}
