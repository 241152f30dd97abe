/**
 * Task records. State is never advanced by timers: every read computes the phase from the time
 * elapsed since creation (queued for queueMs, running for runMs, then terminal).
 */
import { type EmulatedTask, type MediaKind, type ProviderName, type TaskPhase } from './types';

/** Outcome switches written into a prompt, e.g. "a cat [fail:SensitiveContentDetected]". */
export interface OutcomeSwitches {
  fail: boolean;
  /** Code chosen with [fail:CODE]. */
  failCode?: string;
  reject: boolean;
  slow: boolean;
  noUrl: boolean;
  mediaIdsOnly: boolean;
  legacy: boolean;
  batch: boolean;
  /** [empty]: the task completes with no media at all. */
  empty: boolean;
}

export function parseOutcomeSwitches(prompt: string): OutcomeSwitches {
  const failMatch = /\[fail(?::([A-Za-z0-9_.-]+))?\]/.exec(prompt);
  return {
    fail: failMatch !== null,
    failCode: failMatch?.[1],
    reject: prompt.includes('[reject]'),
    slow: prompt.includes('[slow]'),
    noUrl: prompt.includes('[nourl]'),
    mediaIdsOnly: prompt.includes('[mediaIdsOnly]'),
    legacy: prompt.includes('[legacy]'),
    batch: prompt.includes('[batch]'),
    empty: prompt.includes('[empty]'),
  };
}

/** The provider's own word for each phase. */
const STATUS_WORDS: Record<ProviderName, Record<TaskPhase, string>> = {
  pixapi: { queued: 'submitted', running: 'processing', succeeded: 'completed', failed: 'failed', cancelled: 'cancelled' },
  pixai: { queued: 'waiting', running: 'running', succeeded: 'completed', failed: 'failed', cancelled: 'cancelled' },
  apixo: { queued: 'pending', running: 'processing', succeeded: 'success', failed: 'failed', cancelled: 'cancelled' },
};

export interface TaskInit {
  provider: ProviderName;
  id: string;
  model: string;
  kind: MediaKind;
  prompt: string;
  key: string;
  request: unknown;
  sync?: boolean;
  createdAt: number;
  queueMs: number;
  runMs: number;
  switches: OutcomeSwitches;
  cost: number;
  failCode?: string;
  failMessage?: string;
}

export class TaskRecord {
  readonly provider: ProviderName;
  readonly id: string;
  readonly model: string;
  readonly kind: MediaKind;
  readonly prompt: string;
  readonly key: string;
  readonly request: unknown;
  readonly sync: boolean;
  readonly createdAt: number;
  readonly queueMs: number;
  readonly runMs: number;
  readonly switches: OutcomeSwitches;
  readonly cost: number;
  /** Whether `cost` has been taken from the balance (Pixapi charges at completion). */
  charged = false;
  readonly failCode?: string;
  readonly failMessage?: string;
  resultUrls: string[] = [];
  mediaIds: string[] = [];
  cancelledAt?: number;
  readonly polls: number[] = [];

  constructor(init: TaskInit) {
    this.provider = init.provider;
    this.id = init.id;
    this.model = init.model;
    this.kind = init.kind;
    this.prompt = init.prompt;
    this.key = init.key;
    this.request = init.request;
    this.sync = init.sync ?? false;
    this.createdAt = init.createdAt;
    this.queueMs = init.queueMs;
    this.runMs = init.runMs;
    this.switches = init.switches;
    this.cost = init.cost;
    this.failCode = init.failCode;
    this.failMessage = init.failMessage;
  }

  get willFail(): boolean {
    return this.switches.fail;
  }

  /** When the task leaves the queue. */
  get startsAt(): number {
    return this.createdAt + this.queueMs;
  }

  /** When the task reaches its terminal state (unless cancelled before). */
  get endsAt(): number {
    return this.createdAt + this.queueMs + this.runMs;
  }

  phaseAt(now: number): TaskPhase {
    if (this.cancelledAt !== undefined && now >= this.cancelledAt) return 'cancelled';
    if (now < this.startsAt) return 'queued';
    if (now < this.endsAt) return 'running';
    return this.willFail ? 'failed' : 'succeeded';
  }

  /** Integer 0..100: 0 while queued, rising while running, 100 once terminal (failed included). */
  progressAt(now: number): number {
    const phase = this.phaseAt(now);
    if (phase === 'queued' || phase === 'cancelled') return 0;
    if (phase === 'running') return Math.min(99, Math.floor(((now - this.startsAt) / Math.max(1, this.runMs)) * 100));
    return 100;
  }

  statusAt(now: number): string {
    return STATUS_WORDS[this.provider][this.phaseAt(now)];
  }

  /** Pending or running (counts against concurrency caps). */
  isActiveAt(now: number): boolean {
    const phase = this.phaseAt(now);
    return phase === 'queued' || phase === 'running';
  }

  /** Time the current state began (PixAI's updatedAt). */
  lastChangeAt(now: number): number {
    switch (this.phaseAt(now)) {
      case 'queued':
        return this.createdAt;
      case 'running':
        return this.startsAt;
      case 'cancelled':
        return this.cancelledAt as number;
      default:
        return this.endsAt;
    }
  }

  snapshot(now: number): EmulatedTask {
    const phase = this.phaseAt(now);
    const started = phase === 'running' || phase === 'succeeded' || phase === 'failed';
    const ended = phase === 'succeeded' || phase === 'failed';
    return {
      provider: this.provider,
      id: this.id,
      model: this.model,
      kind: this.kind,
      prompt: this.prompt,
      key: this.key,
      request: this.request,
      sync: this.sync,
      createdAt: this.createdAt,
      queueMs: this.queueMs,
      runMs: this.runMs,
      phase,
      status: this.statusAt(now),
      progress: this.progressAt(now),
      ...(started ? { startedAt: this.startsAt } : {}),
      ...(ended ? { endedAt: this.endsAt } : phase === 'cancelled' ? { endedAt: this.cancelledAt } : {}),
      ...(this.cancelledAt !== undefined ? { cancelledAt: this.cancelledAt } : {}),
      resultUrls: [...this.resultUrls],
      mediaIds: [...this.mediaIds],
      cost: this.cost,
      ...(this.failCode !== undefined ? { failCode: this.failCode } : {}),
      polls: [...this.polls],
    };
  }
}

export class TaskStore {
  private readonly byProvider: Record<ProviderName, Map<string, TaskRecord>> = {
    pixapi: new Map(),
    pixai: new Map(),
    apixo: new Map(),
  };

  add(task: TaskRecord): void {
    this.byProvider[task.provider].set(task.id, task);
  }

  get(provider: ProviderName, id: string): TaskRecord | undefined {
    return this.byProvider[provider].get(id);
  }

  list(provider?: ProviderName): TaskRecord[] {
    const providers: ProviderName[] = provider ? [provider] : ['pixapi', 'pixai', 'apixo'];
    return providers.flatMap((p) => [...this.byProvider[p].values()]);
  }

  /** Tasks of this key still queued or running. */
  activeCount(provider: ProviderName, key: string, now: number): number {
    let count = 0;
    for (const task of this.byProvider[provider].values()) {
      if (task.key === key && task.isActiveAt(now)) count++;
    }
    return count;
  }

  clear(): void {
    for (const map of Object.values(this.byProvider)) map.clear();
  }
}
