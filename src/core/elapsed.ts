/** The one elapsed time, shown alike everywhere: from submit (creation before it) to the end; provider phases never restart it. */
import { formatDuration } from './task';

export interface TaskTimes {
  readonly createdAt: number;
  /** The task exists at the provider from then on. */
  readonly submittedAt?: number;
  readonly startedAt?: number;
  readonly endedAt?: number;
}

export function elapsedMs(task: TaskTimes, now: number): number {
  return Math.max(0, (task.endedAt ?? now) - (task.submittedAt ?? task.createdAt));
}

/** Undefined before it started. */
export function runningMs(task: TaskTimes, now: number): number | undefined {
  return task.startedAt === undefined ? undefined : Math.max(0, (task.endedAt ?? now) - task.startedAt);
}

/** "7 s", "2 min 5 s". */
export function formatElapsed(task: TaskTimes, now: number): string {
  return formatDuration(elapsedMs(task, now));
}
