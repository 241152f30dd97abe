/** Test doubles for the pure core: a manual clock, an in-memory persistence, a scriptable adapter. */
import type { ProviderAdapter, SubmitResult } from '../../../src/core/adapters/adapter';
import { type Clock, type EngineDeps, TaskEngine } from '../../../src/core/engine';
import { ApiClient } from '../../../src/core/http';
import { type TaskPersistence, TaskStore } from '../../../src/core/store';
import type { RemoteStatus, Task, TaskRequest } from '../../../src/core/task';

export class ManualClock implements Clock {
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

  /** Moves time forward, firing due timers in order and letting their promises settle. */
  async advance(ms: number): Promise<void> {
    const end = this.time + ms;
    for (;;) {
      await settle();
      const next = this.timers.filter((t) => t.at <= end).sort((a, b) => a.at - b.at)[0];
      if (!next) break;
      this.time = Math.max(this.time, next.at);
      this.timers = this.timers.filter((t) => t !== next);
      next.callback();
    }
    this.time = end;
    await settle();
  }
}

/** Lets chains of resolved promises run (adapter calls, store writes) without real time passing. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
}

export class MemoryPersistence implements TaskPersistence {
  readonly saved = new Map<string, Task>();
  readonly log: string[] = [];
  async load(): Promise<Task[]> { return [...this.saved.values()]; }
  async save(task: Task): Promise<void> {
    this.saved.set(task.id, JSON.parse(JSON.stringify(task)) as Task);
    this.log.push(`${task.id}:${task.state}`);
  }
  async remove(id: string): Promise<void> { this.saved.delete(id); }
}

export type Script = (request: TaskRequest) => Promise<SubmitResult>;

/** An adapter whose submit and poll answers the test decides; it records every call. */
export class ScriptedAdapter implements ProviderAdapter {
  readonly id = 'pixapi' as const;
  policy = {
    floorMs: 1000,
    firstCheckMs: { image: 1000, video: 5000 },
    minIntervalMs: { image: 2000, video: 3000 },
  } as ProviderAdapter['policy'];
  submits: TaskRequest[] = [];
  polls: { remoteId: string; at: number }[] = [];
  /** When each submit and status check was made, in order. */
  requestTimes: number[] = [];
  nextSubmit: Script = async () => ({ kind: 'accepted', remoteId: `r${this.submits.length}` });
  /** remoteId → the statuses to answer, in order; the last one repeats. */
  statuses = new Map<string, (RemoteStatus | Error)[]>();

  constructor(private readonly clock: Clock) {}

  validate(request: TaskRequest): string | undefined {
    return request.prompt.includes('invalid') ? 'invalid prompt' : undefined;
  }
  async submit(_context: unknown, request: TaskRequest): Promise<SubmitResult> {
    this.submits.push(request);
    this.requestTimes.push(this.clock.now());
    return this.nextSubmit(request);
  }
  async poll(_api: unknown, task: Task): Promise<RemoteStatus> {
    const id = task.remoteId ?? '';
    this.polls.push({ remoteId: id, at: this.clock.now() });
    this.requestTimes.push(this.clock.now());
    const queue = this.statuses.get(id) ?? [{ state: 'running', remoteState: 'processing' }];
    const next = queue.length > 1 ? queue.shift()! : queue[0];
    if (next instanceof Error) throw next;
    return next;
  }
}

export function imageRequest(prompt = 'a cup'): TaskRequest {
  return { provider: 'pixapi', model: 'm', operation: 'generate', kind: 'image', prompt, params: {}, workspaceFolder: 'file:///ws' };
}

/** A Pixapi gpt-image-2 task as stored, submitted at `createdAt` + 100 ms; `partial` overrides any field. */
export function sampleTask(partial: Partial<Task> = {}, createdAt = 1_700_000_000_000): Task {
  return {
    id: 't1',
    request: { ...imageRequest('a cat'), model: 'gpt-image-2' },
    state: 'submitted',
    remoteId: 'r1',
    createdAt,
    submittedAt: createdAt + 100,
    origin: 'user',
    revision: 3,
    ...partial,
  };
}

/** An engine over the scripted adapter (as 'pixapi') with a manual clock; `key: false` has no key set. */
export function engineSetup(options: { key?: boolean; maxActive?: number; deps?: Partial<EngineDeps> } = {}) {
  const clock = new ManualClock();
  const persistence = new MemoryPersistence();
  const store = new TaskStore(persistence);
  const adapter = new ScriptedAdapter(clock);
  const saved: Task[] = [];
  const api = new ApiClient({ baseUrl: 'http://127.0.0.1:9', key: 'k' });
  let key = options.key !== false;
  const engine = new TaskEngine({
    store,
    adapters: new Map([['pixapi', adapter]]),
    api: async () => (key ? api : undefined),
    openImage: async () => { throw new Error('no images here'); },
    saveResults: async (task) => { saved.push(task); },
    maxActiveTasks: () => options.maxActive,
    clock,
    random: () => 0.5,
    ...options.deps,
  });
  const setKey = (present: boolean) => { key = present; };
  return { clock, persistence, store, adapter, engine, saved, setKey };
}
