/**
 * What an Apixo user sees on each plan: a batch of tasks queued at once, run through the real TaskEngine with
 * the plan's real limits — its concurrent tasks (Pro 10, Free 3; the rest wait in the local queue) and its
 * request budget (Pro 60, Free 10 a minute, submits and checks together) — on a virtual clock.
 *
 * Run times follow Apixo's documented polling advice (PROVIDERS.md): an image is ready between its first
 * check (~5 s) and ~3 min, a video between ~60 s and ~10 min; drawn uniformly, seeded. Beside Media Studio's
 * policy runs Apixo's documented schedule (images 5 s then every 3 s, videos 60 s then every 15 s) under the
 * same limits, through the same engine, in due order (it knows no run times, so it cannot rank).
 */
import type { PollPolicy, ProviderAdapter, SubmitResult } from '../src/core/adapters/adapter';
import { APIXO_PLANS, type ApixoPlan, apixoPolicy } from '../src/core/adapters/apixo';
import { DEFAULT_TUNING, type PollTuning } from '../src/core/backoff';
import type { Clock } from '../src/core/engine';
import { TaskEngine } from '../src/core/engine';
import { ApiClient } from '../src/core/http';
import { TaskStore } from '../src/core/store';
import type { MediaKind, RemoteStatus, Task, TaskRequest } from '../src/core/task';
import { seededRandom } from '../test/support/random';
import { NullPersistence, quantile, VirtualClock } from './polling';

/** The documented ready windows the run times are drawn from (ms). */
export const APIXO_RUN_TIMES: Readonly<Record<MediaKind, readonly [number, number]>> = {
  image: [5_000, 180_000],
  video: [60_000, 600_000],
};

interface PlanSim { kind: MediaKind; durationMs: number; queuedAt?: number; submittedAt?: number; polls: number[]; noticedAt?: number }

/** Answers like Apixo: pending/processing until the task's run time has passed, then success; logs every request. */
class PlanAdapter implements ProviderAdapter {
  readonly id = 'apixo' as const;
  private next = 0;
  private readonly byRemote = new Map<string, PlanSim>();
  readonly requestTimes: number[] = [];
  constructor(readonly policy: PollPolicy, private readonly clock: Clock, private readonly sims: PlanSim[]) {}
  validate(): string | undefined { return undefined; }
  async submit(_context: unknown, request: TaskRequest): Promise<SubmitResult> {
    const index = Number(/#(\d+)$/.exec(request.prompt)?.[1]);
    const sim = this.sims[index];
    const remoteId = `apixo-${this.next++}`;
    sim.submittedAt = this.clock.now();
    this.requestTimes.push(sim.submittedAt);
    this.byRemote.set(remoteId, sim);
    return { kind: 'accepted', remoteId, status: { state: 'submitted', remoteState: 'pending', progress: 0 } };
  }
  async poll(_api: unknown, task: Task): Promise<RemoteStatus> {
    const sim = this.byRemote.get(task.remoteId ?? '')!;
    const now = this.clock.now();
    sim.polls.push(now);
    this.requestTimes.push(now);
    if (now >= (sim.submittedAt ?? 0) + sim.durationMs) {
      sim.noticedAt ??= now;
      return { state: 'succeeded', remoteState: 'success', results: [{ url: 'https://cdn.example/x.png' }] };
    }
    return { state: 'running', remoteState: 'processing' };
  }
}

export interface PlanKindStats {
  tasks: number;
  requestsPerTask: number;
  delayP50Ms: number; delayP95Ms: number; delayMaxMs: number;
  /** Notice delay as a share of the task's own run time. */
  ratioP50: number; ratioP95: number; ratioMax: number;
  /** Time from being queued to being sent (waiting for one of the plan's concurrent slots). */
  queueP50Ms: number; queueP95Ms: number; queueMaxMs: number;
  unnoticed: number;
}

export interface PlanResult {
  scheme: string; plan: ApixoPlan; tasks: number; batches: number; concurrentTasks: number; requestsPerMinute: number;
  /**
   * The most requests in any 60 s window, and how many requests Apixo's sliding-minute check (as the emulator applies
   * it) would have refused.
   */
  busiestMinute: number; refused: number;
  /** Virtual time until a batch's last task was noticed (the longest batch). */
  makespanMs: number;
  byKind: Record<MediaKind, PlanKindStats>;
}

function kindStats(sims: PlanSim[]): PlanKindStats {
  const delays: number[] = [];
  const ratios: number[] = [];
  const queue: number[] = [];
  let requests = 0;
  let unnoticed = 0;
  for (const sim of sims) {
    requests += sim.polls.length + (sim.submittedAt === undefined ? 0 : 1);
    if (sim.submittedAt !== undefined && sim.queuedAt !== undefined) queue.push(sim.submittedAt - sim.queuedAt);
    if (sim.noticedAt === undefined || sim.submittedAt === undefined) { unnoticed++; continue; }
    const delay = sim.noticedAt - (sim.submittedAt + sim.durationMs);
    delays.push(delay);
    ratios.push(delay / sim.durationMs);
  }
  for (const list of [delays, ratios, queue]) list.sort((a, b) => a - b);
  return {
    tasks: sims.length,
    requestsPerTask: requests / sims.length,
    delayP50Ms: quantile(delays, 0.5), delayP95Ms: quantile(delays, 0.95), delayMaxMs: delays[delays.length - 1] ?? NaN,
    ratioP50: quantile(ratios, 0.5), ratioP95: quantile(ratios, 0.95), ratioMax: ratios[ratios.length - 1] ?? NaN,
    queueP50Ms: quantile(queue, 0.5), queueP95Ms: quantile(queue, 0.95), queueMaxMs: queue[queue.length - 1] ?? NaN,
    unnoticed,
  };
}

/** Requests the emulator's rule (at most `limit` in the 60 s before each one) would refuse, and the busiest minute. */
function budgetCheck(times: number[], limit: number): { busiest: number; refused: number } {
  const sorted = [...times].sort((a, b) => a - b);
  let busiest = 0;
  let refused = 0;
  const admitted: number[] = [];
  for (const t of sorted) {
    while (admitted.length && t - admitted[0] >= 60_000) admitted.shift();
    if (admitted.length >= limit) refused++;
    else admitted.push(t);
    busiest = Math.max(busiest, sorted.filter((x) => x > t - 60_000 && x <= t).length);
  }
  return { busiest, refused };
}

const FIXED: PollTuning = { growth: 1, maxIntervalMs: 3_600_000, ageFraction: 0, jitter: 0 };

export interface PlanScheme { readonly name: string; policy(plan: ApixoPlan): PollPolicy; readonly tuning: PollTuning }

export function planSchemes(): PlanScheme[] {
  return [
    { name: 'Media Studio', policy: (plan) => apixoPolicy(plan), tuning: DEFAULT_TUNING },
    {
      name: "Apixo's documented schedule",
      policy: (plan) => {
        const limits = APIXO_PLANS[plan];
        return {
          floorMs: 3000,
          firstCheckMs: { image: 5000, video: 60_000 },
          minIntervalMs: { image: 3000, video: 15_000 },
          maxActiveTasks: limits.concurrentTasks,
          requestsPerMinute: limits.requestsPerMinute,
        };
      },
      tuning: FIXED,
    },
  ];
}

export function planTasks(count: number, seed: number): PlanSim[] {
  const random = seededRandom(seed);
  return Array.from({ length: count }, (_, i) => {
    const kind: MediaKind = i % 2 === 0 ? 'image' : 'video';
    const [min, max] = APIXO_RUN_TIMES[kind];
    return { kind, durationMs: Math.round(min + random() * (max - min)), polls: [] };
  });
}

/** One batch: `count` tasks queued at once (alternately image and video), run to the end. */
async function runBatch(
  scheme: PlanScheme,
  plan: ApixoPlan,
  count: number,
  seed: number,
): Promise<{ sims: PlanSim[]; requestTimes: number[]; makespanMs: number; policy: PollPolicy }> {
  const sims = planTasks(count, seed);
  const clock = new VirtualClock();
  const policy = scheme.policy(plan);
  const adapter = new PlanAdapter(policy, clock, sims);
  const api = new ApiClient({ baseUrl: 'http://127.0.0.1:9', key: 'k' });
  const engine = new TaskEngine({
    store: new TaskStore(new NullPersistence()),
    adapters: new Map([['apixo', adapter]]),
    api: async () => api,
    openImage: async () => {
      throw new Error('no images');
    },
    saveResults: async () => undefined,
    clock,
    random: seededRandom(seed + 1),
    tuning: scheme.tuning,
    newId: (() => {
      let n = 0;
      return () => `t${n++}`;
    })(),
  });
  const start = clock.now();
  for (let i = 0; i < sims.length; i++) {
    sims[i].queuedAt = clock.now();
    const kind = sims[i].kind;
    await engine.submit({
      provider: 'apixo',
      model: kind === 'video' ? 'wan-2-5' : 'nano-banana',
      operation: kind === 'video' ? 'video' : 'generate',
      kind,
      prompt: `bench #${i}`,
      params: {},
      workspaceFolder: 'file:///ws',
    });
  }
  await clock.runUntilIdle(48 * 3600_000);
  engine.dispose();
  return { sims, requestTimes: adapter.requestTimes, makespanMs: Math.max(...sims.map((s) => s.noticedAt ?? NaN)) - start, policy };
}

/**
 * One plan, one scheme: `batches` separate batches of `count` tasks each (seeds seed, seed+1, …), pooled —
 * a percentile over 1,000 tasks is steadier than over 100, while each batch stays a size a user queues.
 */
export async function runPlan(scheme: PlanScheme, plan: ApixoPlan, count: number, batches = 1, seed = 20240611): Promise<PlanResult> {
  const sims: PlanSim[] = [];
  let busiest = 0;
  let refused = 0;
  let makespan = 0;
  let policy: PollPolicy | undefined;
  for (let b = 0; b < batches; b++) {
    const run = await runBatch(scheme, plan, count, seed + 7919 * b);
    policy = run.policy;
    sims.push(...run.sims);
    const check = budgetCheck(run.requestTimes, run.policy.requestsPerMinute ?? Infinity);
    busiest = Math.max(busiest, check.busiest);
    refused += check.refused;
    makespan = Math.max(makespan, run.makespanMs);
  }
  return {
    scheme: scheme.name, plan, tasks: count, batches,
    concurrentTasks: policy?.maxActiveTasks ?? Infinity, requestsPerMinute: policy?.requestsPerMinute ?? Infinity,
    busiestMinute: busiest, refused, makespanMs: makespan,
    byKind: { image: kindStats(sims.filter((s) => s.kind === 'image')), video: kindStats(sims.filter((s) => s.kind === 'video')) },
  };
}

/** Tasks a user queues at once on each plan in the bench. */
export const PLAN_BATCH: Readonly<Record<ApixoPlan, { tasks: number; batches: number }>> = {
  pro: { tasks: 100, batches: 10 },
  free: { tasks: 30, batches: 10 },
};

if (require.main === module) {
  void (async () => {
    for (const plan of ['pro', 'free'] as const) {
      for (const scheme of planSchemes()) {
        const r = await runPlan(scheme, plan, PLAN_BATCH[plan].tasks, PLAN_BATCH[plan].batches);
        const k = (x: PlanKindStats) =>
          `req/task ${x.requestsPerTask.toFixed(1)} delay p50 ${(x.delayP50Ms / 1000).toFixed(1)} p95 ${(x.delayP95Ms / 1000).toFixed(1)} max ${(x.delayMaxMs / 1000).toFixed(1)} s; ratio p50 ${(x.ratioP50 * 100).toFixed(1)} p95 ${(x.ratioP95 * 100).toFixed(1)} max ${(x.ratioMax * 100).toFixed(1)} %; queue p50 ${(x.queueP50Ms / 1000).toFixed(0)} p95 ${(x.queueP95Ms / 1000).toFixed(0)} s; unnoticed ${x.unnoticed}`;
        console.log(
          `${plan} ${scheme.name}: busiest ${r.busiestMinute}/${r.requestsPerMinute} refused ${r.refused} makespan ${(r.makespanMs / 60000).toFixed(1)} min\n  image ${k(r.byKind.image)}\n  video ${k(r.byKind.video)}`,
        );
      }
    }
  })();
}
