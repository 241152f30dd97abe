/** The engine's public types: its clock, its dependencies, the claims it asks of other windows, its request error. */
import type { InlineResult, ProviderAdapter, UploadImage } from '../adapters/adapter';
import type { PollTuning } from '../backoff';
import type { ApiClient } from '../http';
import type { ProviderId } from '../providers';
import type { SpendingGate } from '../spending/gate';
import type { TaskStore } from '../store';
import type { MediaKind, Task } from '../task';
import { timerDelay } from '../waits';
import type { RequestLog } from './requestLog';

export interface Clock {
  now(): number;
  setTimer(callback: () => void, ms: number): unknown;
  clearTimer(handle: unknown): void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimer: (callback, ms) => setTimeout(callback, timerDelay(ms)),
  clearTimer: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/** A request the user must fix before anything is sent; nothing was stored. */
export class RequestProblem extends Error {
  constructor(message: string, readonly needsKey?: ProviderId) {
    super(message);
  }
}

export interface EngineDeps {
  readonly store: TaskStore;
  readonly adapters: ReadonlyMap<ProviderId, ProviderAdapter>;
  /** A client bound to the provider's base URL and key; undefined when no key is set. */
  api(provider: ProviderId): Promise<ApiClient | undefined>;
  openImage(uri: string): Promise<UploadImage>;
  /** Called once a task has succeeded, to save its results (inline bytes from synchronous answers too). */
  saveResults(task: Task, inline?: readonly InlineResult[]): Promise<void>;
  /** Active-task cap from settings, overriding the provider's documented one. */
  maxActiveTasks?(provider: ProviderId): number | undefined;
  readonly clock?: Clock;
  readonly random?: () => number;
  readonly newId?: () => string;
  /** Log lines; failures say 'warn' so the log's level setting can separate them from routine lines. */
  readonly log?: (line: string, level?: 'info' | 'warn') => void;
  readonly tuning?: PollTuning;
  readonly deadlines?: Readonly<Partial<Record<MediaKind, number>>>;
  /** How many status checks may be in flight at once, over all providers (submits and downloads are not counted). */
  readonly maxParallelChecks?: number;
  /** How many tasks' results may be downloading at once (a pool of its own, apart from the checks). */
  readonly maxParallelDownloads?: number;
  /** Other windows on the same workspace (see claims.ts); without it this engine acts on every task. */
  readonly ownership?: TaskOwnership;
  /** How often tasks held by other windows are checked for an owner that has gone away. */
  readonly takeoverIntervalMs?: number;
  /** Requests-a-minute budgets shared with the other windows on the workspace (see requestLog.ts); else this window's own. */
  readonly requestLog?: RequestLog;
  /** Spending limits: each request is admitted, and its estimate reserved, before it is stored (see spending/gate.ts). */
  readonly spending?: SpendingGate;
}

/** Claims on tasks shared with other windows: this engine acts on a task only while it holds its claim. */
export interface TaskOwnership {
  /** True when the task is (now) this window's; false while another live window holds it. */
  claim(id: string): Promise<boolean>;
  owns(id: string): boolean;
  /** Whether the claim is still this window's on disk: checked right before paid work. */
  confirm(id: string): Promise<boolean>;
  release(id: string): Promise<void>;
  /** Whether another window that is still open holds the task's claim. */
  heldElsewhere(id: string): Promise<boolean>;
}

/** A task's next piece of work and the state its polling has reached. */
export interface Due {
  at: number;
  action: 'poll' | 'submit';
  checks: number;
  errorStreak: number;
  /** Polling runs from here: submit time, or the moment a stale task was refreshed. */
  since: number;
  /** Checks fail in a way waiting alone will not fix (a rejected key, a refused request): checked slowly, at once on a new key. */
  blocked?: boolean;
}
