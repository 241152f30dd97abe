/** The engine's public types. */
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

/** Nothing was stored. */
export class RequestProblem extends Error {
  constructor(message: string, readonly needsKey?: ProviderId) {
    super(message);
  }
}

export interface EngineDeps {
  readonly store: TaskStore;
  readonly adapters: ReadonlyMap<ProviderId, ProviderAdapter>;
  /** Undefined when no key is set. */
  api(provider: ProviderId): Promise<ApiClient | undefined>;
  openImage(uri: string): Promise<UploadImage>;
  /** Inline bytes from synchronous answers too. */
  saveResults(task: Task, inline?: readonly InlineResult[]): Promise<void>;
  /** Overrides the provider's documented cap. */
  maxActiveTasks?(provider: ProviderId): number | undefined;
  readonly clock?: Clock;
  readonly random?: () => number;
  readonly newId?: () => string;
  /** Log lines; failures say 'warn' so the log's level setting can separate them from routine lines. */
  readonly log?: (line: string, level?: 'info' | 'warn') => void;
  readonly tuning?: PollTuning;
  readonly deadlines?: Readonly<Partial<Record<MediaKind, number>>>;
  /** Over all providers; submits and downloads are not counted. */
  readonly maxParallelChecks?: number;
  /** A pool of its own, apart from the checks. */
  readonly maxParallelDownloads?: number;
  /** See claims.ts; without it this engine acts on every task. */
  readonly ownership?: TaskOwnership;
  /** For an owner that has gone away. */
  readonly takeoverIntervalMs?: number;
  /** Requests-a-minute budgets shared with the other windows on the workspace (see requestLog.ts); else this window's own. */
  readonly requestLog?: RequestLog;
  /** Spending limits: each request is admitted, and its estimate reserved, before it is stored (see spending/gate.ts). */
  readonly spending?: SpendingGate;
}

/** This engine acts on a task only while it holds its claim. */
export interface TaskOwnership {
  /** False while another live window holds it. */
  claim(id: string): Promise<boolean>;
  owns(id: string): boolean;
  /** Checked on disk right before paid work. */
  confirm(id: string): Promise<boolean>;
  release(id: string): Promise<void>;
  heldElsewhere(id: string): Promise<boolean>;
}

export interface Due {
  at: number;
  action: 'poll' | 'submit';
  checks: number;
  errorStreak: number;
  /** Submit time, or when a stale task was refreshed. */
  since: number;
  /** Failing in a way waiting will not fix (a rejected key): checked slowly, at once on a new key. */
  blocked?: boolean;
}
