/**
 * The one elapsed time of a task, shown alike in the Tasks view (row and tooltip), the panel's cards, the
 * result's sidecar and the "ready" notification: the time since the task was submitted (its request sent to
 * the provider), until it ended. A task not yet sent counts from when it was created. The provider's own
 * phases (waiting, running) never restart the clock; how long it has been running may be shown beside it.
 */
import { formatDuration } from './task';

export interface TaskTimes {
  readonly createdAt: number;
  /** When the submit was sent (the task exists at the provider from then on). */
  readonly submittedAt?: number;
  /** When the provider first reported it running. */
  readonly startedAt?: number;
  readonly endedAt?: number;
}

export function elapsedMs(task: TaskTimes, now: number): number {
  return Math.max(0, (task.endedAt ?? now) - (task.submittedAt ?? task.createdAt));
}

/** How long the provider has been running it (until it ended), or undefined before it started. */
export function runningMs(task: TaskTimes, now: number): number | undefined {
  return task.startedAt === undefined ? undefined : Math.max(0, (task.endedAt ?? now) - task.startedAt);
}

/** The elapsed time in words ("7 s", "2 min 5 s"). */
export function formatElapsed(task: TaskTimes, now: number): string {
  return formatDuration(elapsedMs(task, now));
}
