/** A task's state in words and groups, the same in the Tasks view, the panel's cards and the batch grid. */
import * as l10n from '@vscode/l10n';
import type { TaskState } from './task';

/** A function, not a table built at load time, so every word goes through the bundle configured by then. */
export function stateWord(state: TaskState): string {
  switch (state) {
    case 'queued': return l10n.t('queued');
    case 'submitting': return l10n.t('sending');
    case 'submitted': return l10n.t('waiting');
    case 'running': return l10n.t('running');
    case 'unconfirmed': return l10n.t('unconfirmed');
    case 'stale': return l10n.t('stale');
    case 'succeeded': return l10n.t('done');
    case 'failed': return l10n.t('failed');
    case 'cancelled': return l10n.t('cancelled');
  }
}

/** Out with the provider now: counted as running, their elapsed times tick. */
export const IN_FLIGHT_STATES: readonly TaskState[] = ['submitting', 'submitted', 'running'];

export function isInFlight(state: TaskState): boolean {
  return IN_FLIGHT_STATES.includes(state);
}

/** Meaningful only while the provider has the task. */
export function showsProgress(state: TaskState, progress: number | undefined): progress is number {
  return (state === 'running' || state === 'submitted') && progress !== undefined;
}
