/**
 * The task index: a compact copy of what the Tasks view's first screen shows (every unfinished task, the newest
 * finished ones, and how many more there are), kept in one small file beside the task files so a new window lists
 * its rows before it has read thousands of task files. Only a cache: the task files stay the truth, and a missing,
 * corrupt or stale index only means the rows wait for them (or show an older copy until they are read).
 */
import { isTerminal, type Task } from './task';
import { storedTask } from './taskJson';
import { parseJsonObject } from './json';

const DAY_MS = 86_400_000;
/** A row shows the prompt's first line, cut to 60 characters; its accessible label the whole first line. */
const PROMPT_HEAD = 200;

export interface TaskIndex {
  readonly version: 1;
  /** Every unfinished task, then the newest finished ones that are not archived, compacted (see compactTask). */
  readonly tasks: readonly Task[];
  /** Finished tasks in the hot list (listed or not), and finished tasks archived out of it. */
  readonly finished: number;
  readonly archived: number;
}

/** Finished longer ago than `archiveAfterDays` (0: never archived): out of the hot list, under "Archived". */
export function isArchived(task: Task, now: number, archiveAfterDays: number): boolean {
  return archiveAfterDays > 0 && isTerminal(task.state) && (task.endedAt ?? task.createdAt) < now - archiveAfterDays * DAY_MS;
}

/** What a row needs of a task: its prompt's first line, no parameters or reference images, no raw provider answer. */
export function compactTask(task: Task): Task {
  const { params: _params, extra: _extra, images: _images, imageUrls: _urls, ...request } = task.request;
  const prompt = task.request.prompt.split('\n')[0].slice(0, PROMPT_HEAD);
  const error = task.error && { message: task.error.message.slice(0, PROMPT_HEAD), ...(task.error.code ? { code: task.error.code } : {}) };
  return { ...task, request: { ...request, prompt, params: {} }, ...(error ? { error } : {}) };
}

/** Newest end (or creation) first, the order finished tasks are listed in; ties (a batch's cells) by id, so every list agrees. */
const byEndDescending = (a: Task, b: Task) =>
  (b.endedAt ?? b.createdAt) - (a.endedAt ?? a.createdAt) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** The index of `tasks` as the view would list them now, with at most `finishedKept` finished tasks. */
export function buildIndex(tasks: Iterable<Task>, now: number, archiveAfterDays: number, finishedKept: number): TaskIndex {
  const active: Task[] = [];
  const finished: Task[] = [];
  let archived = 0;
  for (const task of tasks) {
    if (!isTerminal(task.state)) active.push(task);
    else if (isArchived(task, now, archiveAfterDays)) archived += 1;
    else finished.push(task);
  }
  finished.sort(byEndDescending);
  const kept = [...active.sort(byEndDescending), ...finished.slice(0, finishedKept)].map(compactTask);
  return { version: 1, tasks: kept, finished: finished.length, archived };
}

export function serializeIndex(index: TaskIndex): string {
  return JSON.stringify(index);
}

/** The index in `text`, or undefined when any part of it is not what this version writes (it is then rebuilt). */
export function parseIndex(text: string): TaskIndex | undefined {
  const value = parseJsonObject(text);
  if (!value) return undefined;
  const index = value as Partial<Record<keyof TaskIndex, unknown>>;
  const count = (n: unknown) => typeof n === 'number' && Number.isInteger(n) && n >= 0;
  if (index.version !== 1 || !Array.isArray(index.tasks) || !count(index.finished) || !count(index.archived)) return undefined;
  const tasks: Task[] = [];
  for (const record of index.tasks) {
    const task = storedTask(record);
    if (!task) return undefined;
    tasks.push(task);
  }
  return { version: 1, tasks, finished: index.finished as number, archived: index.archived as number };
}
