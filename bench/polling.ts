/**
 * Polling efficiency: 1,000 tasks with seeded completion times driven through the real TaskEngine and the real
 * nextPollDelay, on a virtual clock (a ManualClock-style timer list), so hours of virtual time take seconds.
 * Every policy — Media Studio's and the baselines — runs through the same engine; a baseline is a PollPolicy
 * plus a tuning without growth, age bound or jitter, which makes nextPollDelay return a fixed interval.
 */
import type { PollPolicy, ProviderAdapter, SubmitResult } from '../src/core/adapters/adapter';
import { ApixoAdapter } from '../src/core/adapters/apixo';
import { PixaiAdapter } from '../src/core/adapters/pixai';
import { PixapiAdapter } from '../src/core/adapters/pixapi';
import { DEFAULT_TUNING, type PollTuning } from '../src/core/backoff';
import type { Clock } from '../src/core/engine';
import { TaskEngine } from '../src/core/engine';
import { ApiClient } from '../src/core/http';
import { TaskStore, type TaskPersistence } from '../src/core/store';
import type { MediaKind, RemoteStatus, Task, TaskRequest } from '../src/core/task';
import { seededRandom } from '../test/support/random';


/** ManualClock (test/unit/core/fakes.ts) with a cheaper settle: the engine's work is all promise chains. */
export class VirtualClock implements Clock {
  private time = 1_700_000_000_000;
  private timers: { at: number; callback: () => void; id: number }[] = [];
  private nextId = 1;
  now(): number { return this.time; }
  setTimer(callback: () => void, ms: number): unknown {
    const id = this.nextId++;
    this.timers.push({ at: this.time + ms, callback, id });
    return id;
  }
  clearTimer(handle: unknown): void { this.timers = this.timers.filter((t) => t.id !== handle); }
  get pending(): number { return this.timers.length; }
  /** Fires timers in order until none is left (or `limit` virtual ms have passed). */
  async runUntilIdle(limit: number): Promise<void> {
    const end = this.time + limit;
    for (;;) {
      await settle();
      if (!this.timers.length) break;
      let next = this.timers[0];
      for (const t of this.timers) if (t.at < next.at) next = t;
      if (next.at > end) break;
      this.time = Math.max(this.time, next.at);
      this.timers = this.timers.filter((t) => t !== next);
      next.callback();
    }
    await settle();
  }
}

async function settle(): Promise<void> {
  for (let i = 0; i < 3; i++) await new Promise((resolve) => setImmediate(resolve));
}

export class NullPersistence implements TaskPersistence {
  async load(): Promise<Task[]> { return []; }
  async save(): Promise<void> { /* in memory only */ }
  async remove(): Promise<void> { /* in memory only */ }
}

interface SimTask { kind: MediaKind; durationMs: number; submittedAt?: number; polls: number[]; noticedAt?: number }

/** Answers "running" until the task's completion time, then "succeeded"; records every check. */
class BenchAdapter implements ProviderAdapter {
  readonly id = 'pixapi' as const;
  private next = 0;
  readonly byRemote = new Map<string, SimTask>();
  constructor(readonly policy: PollPolicy, private readonly clock: Clock, private readonly sims: SimTask[]) {}
  validate(): string | undefined { return undefined; }
  async submit(_context: unknown, _request: TaskRequest): Promise<SubmitResult> {
    const sim = this.sims[this.next];
    const remoteId = `r${this.next++}`;
    sim.submittedAt = this.clock.now();
    this.byRemote.set(remoteId, sim);
    return { kind: 'accepted', remoteId };
  }
  async poll(_api: unknown, task: Task): Promise<RemoteStatus> {
    const sim = this.byRemote.get(task.remoteId ?? '')!;
    const now = this.clock.now();
    sim.polls.push(now);
    if (now >= (sim.submittedAt ?? 0) + sim.durationMs) {
      sim.noticedAt ??= now;
      return { state: 'succeeded', remoteState: 'completed', results: [{ url: 'https://cdn.example/x.png' }] };
    }
    return { state: 'running', remoteState: 'processing' };
  }
}

export function makeTasks(count: number, seed: number): SimTask[] {
  const random = seededRandom(seed);
  const sims: SimTask[] = [];
  for (let i = 0; i < count; i++) {
    const kind: MediaKind = random() < 0.5 ? 'image' : 'video';
    const durationMs = Math.round(kind === 'image' ? 5_000 + random() * 55_000 : 30_000 + random() * 570_000);
    sims.push({ kind, durationMs, polls: [] });
  }
  return sims;
}

export interface Scheme { readonly name: string; readonly policy: PollPolicy; readonly tuning: PollTuning; readonly note?: string }

const FIXED: PollTuning = { growth: 1, maxIntervalMs: 3_600_000, ageFraction: 0, jitter: 0 };
const fixed = (ms: number): PollPolicy => ({
  floorMs: ms,
  firstCheckMs: { image: ms, video: ms },
  minIntervalMs: { image: ms, video: ms },
});

export function schemes(): Scheme[] {
  return [
    { name: 'Media Studio (Pixapi policy)', policy: new PixapiAdapter().policy, tuning: DEFAULT_TUNING },
    {
      name: 'Media Studio (PixAI policy)',
      policy: new PixaiAdapter().policy,
      tuning: DEFAULT_TUNING,
      note: 'PixAI has no video API; its video row is hypothetical',
    },
    // The plan's limits (10 tasks at once, 60 requests a minute on Pro) make no sense for 1,000 tasks at once: here
    // the schedule alone; bench/apixoPlans.ts runs it under each plan's real limits.
    {
      name: 'Media Studio (Apixo schedule, plan limits in 1b)',
      policy: { ...new ApixoAdapter().policy, requestsPerMinute: undefined, maxActiveTasks: undefined },
      tuning: DEFAULT_TUNING,
    },
    { name: 'Baseline: fixed 500 ms', policy: fixed(500), tuning: FIXED },
    { name: 'Baseline: fixed 5 s', policy: fixed(5000), tuning: FIXED },
    {
      name: "Baseline: Apixo's documented schedule",
      policy: { floorMs: 3000, firstCheckMs: { image: 5000, video: 60_000 }, minIntervalMs: { image: 3000, video: 15_000 } },
      tuning: FIXED,
    },
  ];
}

export interface KindStats {
  tasks: number;
  requestsPerTask: number;
  delayP50Ms: number;
  delayP95Ms: number;
  delayMaxMs: number;
  /** p95 of (notice delay / task duration). */
  ratioP95: number;
  /** Share of tasks noticed within max(10 % of their duration, 2 s). */
  withinBound: number;
  /** Gaps under 1.5 s between two checks of one task (PixAI's documented floor). */
  gapsUnder1500: number;
  minGapMs: number;
  unnoticed: number;
}

export interface SchemeResult { name: string; note?: string; seconds: number; byKind: Record<MediaKind | 'all', KindStats> }

export function quantile(sorted: number[], q: number): number {
  if (!sorted.length) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[i];
}

function stats(sims: SimTask[]): KindStats {
  const delays: number[] = [];
  const ratios: number[] = [];
  let requests = 0;
  let within = 0;
  let gaps = 0;
  let minGap = Infinity;
  let unnoticed = 0;
  for (const sim of sims) {
    requests += sim.polls.length;
    for (let i = 1; i < sim.polls.length; i++) {
      const gap = sim.polls[i] - sim.polls[i - 1];
      minGap = Math.min(minGap, gap);
      if (gap < 1500) gaps++;
    }
    if (sim.noticedAt === undefined || sim.submittedAt === undefined) { unnoticed++; continue; }
    const delay = sim.noticedAt - (sim.submittedAt + sim.durationMs);
    delays.push(delay);
    ratios.push(delay / sim.durationMs);
    if (delay <= Math.max(0.1 * sim.durationMs, 2000)) within++;
  }
  delays.sort((a, b) => a - b);
  ratios.sort((a, b) => a - b);
  return {
    tasks: sims.length,
    requestsPerTask: requests / sims.length,
    delayP50Ms: quantile(delays, 0.5),
    delayP95Ms: quantile(delays, 0.95),
    delayMaxMs: delays[delays.length - 1] ?? NaN,
    ratioP95: quantile(ratios, 0.95),
    withinBound: within / sims.length,
    gapsUnder1500: gaps,
    minGapMs: minGap,
    unnoticed,
  };
}

export async function runScheme(scheme: Scheme, count = 1000, seed = 20240611): Promise<SchemeResult> {
  const started = process.hrtime.bigint();
  const sims = makeTasks(count, seed);
  const clock = new VirtualClock();
  const store = new TaskStore(new NullPersistence());
  const adapter = new BenchAdapter(scheme.policy, clock, sims);
  const api = new ApiClient({ baseUrl: 'http://127.0.0.1:9', key: 'k' });
  const engine = new TaskEngine({
    store,
    adapters: new Map([['pixapi', adapter]]),
    api: async () => api,
    openImage: async () => { throw new Error('no images'); },
    saveResults: async () => undefined,
    maxActiveTasks: () => Number.MAX_SAFE_INTEGER, // all 1,000 in flight at once: the per-task schedule does not depend on the cap
    clock,
    random: seededRandom(seed + 1),
    tuning: scheme.tuning,
    newId: (() => { let n = 0; return () => `t${n++}`; })(),
  });
  for (const sim of sims) {
    await engine.submit({
      provider: 'pixapi',
      model: 'm',
      operation: sim.kind === 'video' ? 'video' : 'generate',
      kind: sim.kind,
      prompt: 'bench',
      params: {},
      workspaceFolder: 'file:///ws',
    });
  }
  await clock.runUntilIdle(24 * 3600_000);
  engine.dispose();
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return {
    name: scheme.name,
    note: scheme.note,
    seconds,
    byKind: {
      image: stats(sims.filter((s) => s.kind === 'image')),
      video: stats(sims.filter((s) => s.kind === 'video')),
      all: stats(sims),
    },
  };
}

if (require.main === module) {
  void (async () => {
    const count = Number(process.argv[2] ?? 1000);
    for (const scheme of schemes()) console.log(JSON.stringify(await runScheme(scheme, count), null, 1));
  })();
}
