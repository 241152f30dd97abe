/** The task model. No editor here. */
import type { BatchRef } from './batch/batch';
import { PROVIDERS, type ProviderId } from './providers';
import type { TargetPlan } from './targets/target';
import * as l10n from '@vscode/l10n';

export type MediaKind = 'image' | 'video';
export type Operation = 'generate' | 'edit' | 'video';

export const TASK_STATES = [
  'queued', // created locally, not yet sent (waiting for a concurrency slot)
  'submitting', // the submit request is under way
  'unconfirmed', // the submit may or may not have reached the provider: never resent automatically
  'submitted', // the provider has it and has not started
  'running',
  'succeeded',
  'failed',
  'cancelled',
  'stale', // past its deadline without an answer; still checkable
] as const;

export type TaskState = (typeof TASK_STATES)[number];

export const TERMINAL_STATES: readonly TaskState[] = ['succeeded', 'failed', 'cancelled'];
/** States the poller checks with the provider. */
export const POLLED_STATES: readonly TaskState[] = ['submitted', 'running'];

/** A parameter's value: JSON, since some fields are objects or lists (PixAI's `lora`, ltx-2-19b's `loras`). */
export type ParamValue = string | number | boolean | readonly ParamValue[] | { readonly [name: string]: ParamValue };

export interface TaskRequest {
  readonly provider: ProviderId;
  readonly model: string;
  readonly operation: Operation;
  readonly kind: MediaKind;
  readonly prompt: string;
  /** By the provider's own field names. */
  readonly params: Readonly<Record<string, ParamValue>>;
  /** Undocumented fields the caller asked for by name in an explicit `extra` object, sent as given. */
  readonly extra?: Readonly<Record<string, ParamValue>>;
  /** URI strings of workspace files. */
  readonly images?: readonly string[];
  /** For providers that take URLs only. */
  readonly imageUrls?: readonly string[];
  readonly sync?: boolean;
  /** URI string; its output folder receives the results. */
  readonly workspaceFolder: string;
  /** Instead of the `mediaStudio.outputFolder` setting. */
  readonly outputFolder?: string;
  readonly batch?: BatchRef;
  /** Also write the first result exactly there, resized and converted. */
  readonly target?: TargetPlan;
}

export interface TaskError {
  readonly message: string;
  readonly status?: number;
  readonly code?: string;
  /** Shown as it came. */
  readonly raw?: unknown;
}

export interface ResultItem {
  readonly url?: string;
  readonly inline?: boolean;
  /** Keeps an inline result's bytes in extension storage until saved: what Save Again and a resumed window write from. */
  readonly inlineFile?: string;
  readonly expiresAt?: number;
  readonly file?: string;
  readonly savedAt?: number;
  readonly saveError?: string;
  /** See TaskRequest.target. */
  readonly targets?: readonly string[];
  /** The result itself is saved. */
  readonly targetError?: string;
  /**
   * The final name a save is about to give the file, recorded first: a save cut short (crash, closed window) finds its
   * file there by size and mtime instead of saving a copy.
   */
  readonly placing?: { readonly file: string; readonly size: number; readonly mtime: number };
  /** The result is saved but its sidecar could not be written; Save Again writes it. */
  readonly sidecarError?: string;
}

/** It has somewhere to come from and has neither a file nor an error yet. */
export function awaitsSave(item: ResultItem): boolean {
  return !item.file && !item.saveError && (item.url !== undefined || item.inlineFile !== undefined);
}

/** Not in the workspace yet, with its URL or its kept bytes. */
export function canSaveAgain(item: ResultItem): boolean {
  return (!item.file && (item.url !== undefined || item.inlineFile !== undefined)) || (!!item.file && item.sidecarError !== undefined);
}

export interface Cost { readonly amount: number; readonly unit: 'credits' | 'USD' }

export interface Task {
  readonly id: string;
  readonly request: TaskRequest;
  readonly state: TaskState;
  readonly remoteId?: string;
  /** As last seen (e.g. "processing", "waiting"). */
  readonly remoteState?: string;
  readonly progress?: number;
  readonly createdAt: number;
  readonly submittedAt?: number;
  readonly startedAt?: number;
  readonly endedAt?: number;
  readonly lastCheckedAt?: number;
  readonly cost?: Cost;
  readonly error?: TaskError;
  readonly results?: readonly ResultItem[];
  readonly origin: 'user' | 'agent' | 'api';
  /** Bumped on every change; lets two windows tell which copy is newer. */
  readonly revision: number;
}

export function isTerminal(state: TaskState): boolean {
  return TERMINAL_STATES.includes(state);
}

export function isPolled(state: TaskState): boolean {
  return POLLED_STATES.includes(state);
}

/** The tree turns these into context-menu tokens. */
export function taskActions(task: Task): Set<'cancel' | 'retry' | 'open' | 'reveal' | 'refresh' | 'remove' | 'saveAgain' | 'copyPrompt'> {
  const actions = new Set<'cancel' | 'retry' | 'open' | 'reveal' | 'refresh' | 'remove' | 'saveAgain' | 'copyPrompt'>(['copyPrompt']);
  if (['queued', 'submitted', 'running', 'stale', 'unconfirmed'].includes(task.state)) actions.add('cancel');
  if (['failed', 'cancelled', 'unconfirmed'].includes(task.state)) actions.add('retry');
  if (['submitted', 'running', 'stale'].includes(task.state)) actions.add('refresh');
  if (!['submitting'].includes(task.state)) actions.add('remove');
  const saved = task.results?.some((r) => r.file) ?? false;
  if (saved) {
    actions.add('open');
    actions.add('reveal');
  }
  if (task.state === 'succeeded' && task.results?.some(canSaveAgain)) actions.add('saveAgain');
  return actions;
}

export interface RemoteStatus {
  readonly state: 'submitted' | 'running' | 'succeeded' | 'failed' | 'cancelled';
  readonly remoteState: string;
  readonly progress?: number;
  readonly results?: readonly ResultItem[];
  readonly cost?: Cost;
  readonly error?: TaskError;
  readonly startedAt?: number;
  /** For a task that ends failed because of it. */
  readonly raw?: unknown;
}

function namesMedia(results: readonly ResultItem[] | undefined): boolean {
  return (results ?? []).some((r) => r.url !== undefined || r.inline === true);
}

/** Anything that is not a finite number is no progress report. */
export function clampProgress(progress: number | undefined): number | undefined {
  if (progress === undefined || !Number.isFinite(progress)) return undefined;
  return Math.min(100, Math.max(0, progress));
}

/** Terminal tasks never change state again. */
export function applyRemoteStatus(task: Task, reported: RemoteStatus, now: number): Task {
  if (isTerminal(task.state)) return task;
  // "Completed" with nothing to save is no success: shown as failed, with what the provider said.
  const status: RemoteStatus =
    reported.state === 'succeeded' && !namesMedia(reported.results)
      ? {
          ...reported,
          state: 'failed',
          error: {
            message: l10n.t('{0} reported the task complete but returned no results', PROVIDERS[task.request.provider].label),
            raw: reported.raw,
          },
        }
      : reported;
  const terminal = isTerminal(status.state);
  const progress = status.state === 'succeeded' ? 100 : clampProgress(status.progress) ?? task.progress;
  return {
    ...task,
    state: status.state,
    remoteState: status.remoteState,
    progress,
    startedAt: task.startedAt ?? (status.state === 'running' || terminal ? status.startedAt ?? now : undefined),
    endedAt: terminal ? now : undefined,
    lastCheckedAt: now,
    cost: status.cost ?? task.cost,
    error: status.error ?? (status.state === 'failed' ? task.error : undefined),
    results: status.results ?? task.results,
    revision: task.revision + 1,
  };
}

export function withChanges(task: Task, changes: Partial<Omit<Task, 'id' | 'request' | 'revision'>>): Task {
  return { ...task, ...changes, revision: task.revision + 1 };
}

/** A task not finished by then shows as stale (still checkable). */
export const DEFAULT_DEADLINES_MS: Readonly<Record<MediaKind, number>> = { image: 10 * 60_000, video: 45 * 60_000 };

export function isPastDeadline(task: Task, now: number, deadlineMs: number = DEFAULT_DEADLINES_MS[task.request.kind]): boolean {
  const since = task.submittedAt ?? task.createdAt;
  return now - since > deadlineMs;
}

/** A short human summary of elapsed time: "4 s", "2 min 5 s", "1 h 3 min". */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return l10n.t('{0} s', s);
  const m = Math.floor(s / 60);
  if (m < 60) return s % 60 ? l10n.t('{0} min {1} s', m, s % 60) : l10n.t('{0} min', m);
  const h = Math.floor(m / 60);
  return m % 60 ? l10n.t('{0} h {1} min', h, m % 60) : l10n.t('{0} h', h);
}
