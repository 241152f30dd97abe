import type { Batch, BatchSummary } from './core/batch/batch';
import type { BatchArgs } from './core/batch/batchArgs';
import type { EditArgs, ImageArgs, VideoArgs } from './core/commandArgs';
import type { ProviderId } from './core/providers';
import type { Task } from './core/task';

export type { Task, TaskState, TaskRequest, ResultItem } from './core/task';
export type { Batch, BatchSummary } from './core/batch/batch';
export type { BatchArgs } from './core/batch/batchArgs';

/** One request, as the generate/edit commands take it, tagged with its operation. */
export type SubmitRequest =
  | ({ readonly operation: 'generate' } & ImageArgs)
  | ({ readonly operation: 'edit' } & EditArgs)
  | ({ readonly operation: 'video' } & VideoArgs);

/** Milliseconds from the start of `activate()` (also logged at debug level); later fields stay unset until reached. */
export interface StartupTimings {
  /** Time spent inside `activate()`. */
  readonly activateMs: number;
  /** And how many tasks there were. */
  readonly tasksLoadedMs?: number;
  readonly tasksLoaded?: number;
  /**
   * When the workbench had answered activate()'s first calls (the API keys read from secret storage, then a context
   * key set): two round trips to it, so about the soonest a view's first request can come.
   */
  readonly workbenchAnsweredMs?: number;
  /** When the task index (the first screen's rows, see core/taskIndex.ts) had been read, and how many tasks it held. */
  readonly indexReadMs?: number;
  readonly indexTasks?: number;
  /** When the index had been checked against the task files once they were read (and rewritten if it differed). */
  readonly indexCheckedMs?: number;
  /**
   * When VS Code first asked the Tasks view for rows it could answer with stored tasks (the view must be visible):
   * from the task index, or without one, once the task files were read…
   */
  readonly viewAskedMs?: number;
  /** …and when those rows had been built and handed back to VS Code, and from where. */
  readonly viewListedMs?: number;
  readonly viewListedFrom?: 'index' | 'store';
}

/** What `activate()` returns to other extensions. */
export interface MediaStudioApi {
  /** The key itself is never exposed. */
  hasApiKey(provider: ProviderId): Promise<boolean>;
  /** Without asking anything; resolves with the created task ids. */
  submit(request: SubmitRequest): Promise<string[]>;
  /** Resolves once stored tasks are loaded (shortly after activation). */
  getTask(id: string): Promise<Task | undefined>;
  /** All tasks, newest first; resolves once stored tasks are loaded. */
  listTasks(): Promise<Task[]>;
  readonly onDidChangeTask: (listener: (task: Task) => void) => { dispose(): void };
  /** Resolves once the task is finished and its results are saved (or failed to save). */
  waitForTask(id: string): Promise<Task>;
  readonly startup: StartupTimings;
  /** Submits a batch (the mediaStudio.generateBatch argument object) without asking anything. */
  submitBatch(args: BatchArgs): Promise<{ batchId: string; taskIds: string[] }>;
  /** A stored batch with its progress, and its cells' current task ids (index = cell); undefined when unknown. */
  getBatch(
    id: string,
  ): Promise<(Batch & { readonly summary: BatchSummary; readonly cellTaskIds: readonly (string | undefined)[] }) | undefined>;
}
