/** Everything the origin handlers share: options, tasks, CDN files, balances, rate windows. */
import { CdnFiles } from './cdn';
import { TaskStore } from './tasks';
import { type EmulatorOptions, type Endpoint, type MediaKind, type ProviderName, type Timing } from './types';

export const PROVIDERS: readonly ProviderName[] = ['pixapi', 'pixai', 'apixo'];
export const ENDPOINTS: readonly Endpoint[] = ['pixapi', 'pixai', 'apixo', 'cdn', 'control'];

export interface ResolvedOptions {
  host: string;
  ports: Record<Endpoint, number>;
  timing: Record<MediaKind, Timing>;
  keys: Record<ProviderName, string[]>;
  acceptAnyKey: boolean;
  resultTtlMs: number;
  apixoPlan: 'free' | 'pro';
  enforceRateLimits: boolean;
  credits: Record<ProviderName, number>;
}

export const DEFAULT_OPTIONS: ResolvedOptions = {
  host: '127.0.0.1',
  ports: { pixapi: 0, pixai: 0, apixo: 0, cdn: 0, control: 0 },
  timing: { image: { queueMs: 150, runMs: 600 }, video: { queueMs: 300, runMs: 1500 } },
  keys: { pixapi: ['test-pixapi-key'], pixai: ['test-pixai-key'], apixo: ['test-apixo-key'] },
  acceptAnyKey: false,
  resultTtlMs: 24 * 60 * 60 * 1000,
  apixoPlan: 'pro',
  enforceRateLimits: false,
  credits: { pixapi: 10000, pixai: 0, apixo: 74.87 },
};

/** Apixo plan limits as documented: Free 10 requests/min and 3 concurrent tasks, Pro 60/min and 10. */
export const APIXO_PLAN_LIMITS = {
  free: { requestsPerMinute: 10, concurrentTasks: 3 },
  pro: { requestsPerMinute: 60, concurrentTasks: 10 },
} as const;

/** Options merged over `base`; absent fields keep their value. */
export function mergeOptions(base: ResolvedOptions, partial: EmulatorOptions = {}): ResolvedOptions {
  return {
    host: partial.host ?? base.host,
    ports: { ...base.ports, ...partial.ports },
    timing: {
      image: { ...base.timing.image, ...partial.timing?.image },
      video: { ...base.timing.video, ...partial.timing?.video },
    },
    keys: { ...base.keys, ...partial.keys },
    acceptAnyKey: partial.acceptAnyKey ?? base.acceptAnyKey,
    resultTtlMs: partial.resultTtlMs ?? base.resultTtlMs,
    apixoPlan: partial.apixoPlan ?? base.apixoPlan,
    enforceRateLimits: partial.enforceRateLimits ?? base.enforceRateLimits,
    credits: { ...base.credits, ...partial.credits },
  };
}

/** Throws a TypeError naming the first field of the wrong type (options also arrive as JSON). */
export function validateOptions(value: unknown): asserts value is EmulatorOptions {
  const fail = (what: string) => {
    throw new TypeError(`invalid emulator option ${what}`);
  };
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail('object');
  const options = value as Record<string, unknown>;
  const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  const isCount = (v: unknown) => typeof v === 'number' && Number.isFinite(v) && v >= 0;
  if (options.host !== undefined && typeof options.host !== 'string') fail('host');
  for (const flag of ['acceptAnyKey', 'enforceRateLimits']) {
    if (options[flag] !== undefined && typeof options[flag] !== 'boolean') fail(flag);
  }
  if (options.resultTtlMs !== undefined && !isCount(options.resultTtlMs)) fail('resultTtlMs');
  if (options.apixoPlan !== undefined && options.apixoPlan !== 'free' && options.apixoPlan !== 'pro') fail('apixoPlan');
  const table = (name: string, allowed: readonly string[], check: (v: unknown) => boolean) => {
    const field = options[name];
    if (field === undefined) return;
    if (!isRecord(field)) fail(name);
    for (const [entry, v] of Object.entries(field as Record<string, unknown>)) {
      if (!allowed.includes(entry) || !check(v)) fail(`${name}.${entry}`);
    }
  };
  table('ports', ENDPOINTS, (v) => Number.isInteger(v) && (v as number) >= 0 && (v as number) < 65536);
  table('timing', ['image', 'video'], (v) => isRecord(v) && Object.values(v).every(isCount));
  table('keys', PROVIDERS, (v) => Array.isArray(v) && v.every((key) => typeof key === 'string'));
  table('credits', PROVIDERS, isCount);
}

/** Money is kept to 1/10000 so repeated charges do not drift. */
export function roundMoney(value: number): number {
  return Math.round(value * 10000) / 10000;
}

export class EmulatorState {
  options: ResolvedOptions;
  readonly tasks = new TaskStore();
  readonly files: CdnFiles;
  /** Pixapi credits and Apixo USD left. */
  balances: Record<ProviderName, number>;
  /** Accepted Apixo request times per key, for the per-minute limit. */
  private readonly apixoRequestTimes = new Map<string, number[]>();
  private readonly pendingSleeps = new Set<{ timer: NodeJS.Timeout; reject: (error: Error) => void }>();

  constructor(
    readonly initialOptions: ResolvedOptions,
    readonly urls: Record<Endpoint, string>,
  ) {
    this.options = initialOptions;
    this.balances = { ...initialOptions.credits };
    this.files = new CdnFiles(urls.cdn);
  }

  now(): number {
    return Date.now();
  }

  acceptsKey(provider: ProviderName, key: string | undefined): key is string {
    if (key === undefined || key === '') return false;
    return this.options.acceptAnyKey || this.options.keys[provider].includes(key);
  }

  /** Queue and run time for a new task; [slow] multiplies the run time by 10. */
  timingFor(kind: MediaKind, slow: boolean): Timing {
    const timing = this.options.timing[kind];
    return { queueMs: timing.queueMs, runMs: slow ? timing.runMs * 10 : timing.runMs };
  }

  /** Take `amount` from the provider's balance; false (and nothing taken) when it is not enough. */
  charge(provider: ProviderName, amount: number): boolean {
    if (this.balances[provider] < amount) return false;
    this.balances[provider] = roundMoney(this.balances[provider] - amount);
    return true;
  }

  /**
   * Pixapi charges credits after a task completes (documented): each task's cost is taken once, the first
   * time anything looks at the balance after the task has finished. State is never advanced by timers, so
   * this runs whenever the balance is read or a new task is weighed against it.
   */
  settlePixapiCharges(now: number): void {
    for (const task of this.tasks.list('pixapi')) {
      if (task.charged || task.cost <= 0 || task.phaseAt(now) !== 'succeeded') continue;
      task.charged = true;
      // A balance spent meanwhile by other tasks goes no lower than zero (what Pixapi does here is not documented).
      this.balances.pixapi = roundMoney(Math.max(0, this.balances.pixapi - task.cost));
    }
  }

  /**
   * Apixo per-minute limit (sliding 60 s window per key). Returns false when the request must be
   * refused; accepted requests are counted.
   */
  admitApixoRequest(key: string, now: number): boolean {
    const limit = APIXO_PLAN_LIMITS[this.options.apixoPlan].requestsPerMinute;
    const recent = (this.apixoRequestTimes.get(key) ?? []).filter((t) => now - t < 60_000);
    if (recent.length >= limit) {
      this.apixoRequestTimes.set(key, recent);
      return false;
    }
    recent.push(now);
    this.apixoRequestTimes.set(key, recent);
    return true;
  }

  /** A timer that close() can cut short (the promise then rejects). */
  sleep(ms: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const entry = {
        timer: setTimeout(() => {
          this.pendingSleeps.delete(entry);
          resolve();
        }, Math.max(0, ms)),
        reject,
      };
      this.pendingSleeps.add(entry);
    });
  }

  cancelSleeps(): void {
    for (const entry of this.pendingSleeps) {
      clearTimeout(entry.timer);
      entry.reject(new Error('emulator closed'));
    }
    this.pendingSleeps.clear();
  }

  configure(partial: EmulatorOptions): void {
    validateOptions(partial);
    // host and ports cannot change while listening
    const { host: _host, ports: _ports, ...rest } = partial;
    this.options = mergeOptions(this.options, rest);
    for (const provider of PROVIDERS) {
      const credits = partial.credits?.[provider];
      if (credits !== undefined) this.balances[provider] = credits;
    }
  }

  reset(): void {
    this.options = this.initialOptions;
    this.balances = { ...this.initialOptions.credits };
    this.tasks.clear();
    this.files.clear();
    this.apixoRequestTimes.clear();
  }
}
