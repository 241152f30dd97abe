/**
 * Drives a real TaskEngine with a real ApiClient against the in-process provider emulator: what the adapters
 * are tested through. Tasks are awaited with engine.waitFor or store events, never with sleeps.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import type { InlineResult, PollPolicy, ProviderAdapter, UploadImage } from '../../../src/core/adapters/adapter';
import { TaskEngine } from '../../../src/core/engine';
import { ApiClient } from '../../../src/core/http';
import type { ProviderId } from '../../../src/core/providers';
import { TaskStore } from '../../../src/core/store';
import type { Task, TaskRequest } from '../../../src/core/task';
import { ProviderEmulator } from '../../emulator';
import type { ProviderName, RecordedRequest } from '../../emulator';
import { MemoryPersistence } from '../core/fakes';

export const KEYS: Record<ProviderName, string> = { pixapi: 'test-pixapi-key', pixai: 'test-pixai-key', apixo: 'test-apixo-key' };

/** A whole image task takes 200 ms at the emulator, a video 350 ms. */
export const SHORT_TIMING = { image: { queueMs: 50, runMs: 150 }, video: { queueMs: 50, runMs: 300 } };

export function startEmulator(): Promise<ProviderEmulator> {
  return ProviderEmulator.start({ timing: SHORT_TIMING });
}

export interface Saved {
  readonly task: Task;
  readonly inline?: readonly InlineResult[];
}

export interface Harness {
  readonly engine: TaskEngine;
  readonly store: TaskStore;
  readonly api: ApiClient;
  /** Every hand-over to the result writer, in order. */
  readonly saved: Saved[];
  /** Submits, then resolves with the task once it is terminal. */
  run(request: TaskRequest): Promise<Task>;
  /** Resolves once the task is in one of `states` (now or later). */
  reaches(id: string, states: readonly Task['state'][]): Promise<Task>;
  dispose(): void;
}

export interface HarnessOptions {
  readonly provider: ProviderId;
  readonly adapter: ProviderAdapter;
  readonly baseUrl: string;
  readonly key: string;
}

const FIXTURE_IMAGES = path.resolve(__dirname, '../../../../test/fixtures/workspace/images');

/** Opens a file of test/fixtures/workspace/images named by a `fixture:NAME` URI. */
async function openFixture(uri: string): Promise<UploadImage> {
  const name = uri.replace(/^fixture:/, '');
  const file = path.join(FIXTURE_IMAGES, name);
  const size = (await fs.promises.stat(file)).size;
  const mime = name.endsWith('.png') ? 'image/png' : name.endsWith('.webp') ? 'image/webp' : 'image/jpeg';
  return { name, mime, size, open: () => fs.createReadStream(file) };
}

export function harness(options: HarnessOptions): Harness {
  const store = new TaskStore(new MemoryPersistence());
  const api = new ApiClient({ baseUrl: options.baseUrl, key: options.key });
  const saved: Saved[] = [];
  const engine = new TaskEngine({
    store,
    adapters: new Map([[options.provider, options.adapter]]),
    api: async () => api,
    openImage: openFixture,
    saveResults: async (task, inline) => {
      saved.push({ task, inline });
    },
    random: () => 0.5,
  });
  const reaches = (id: string, states: readonly Task['state'][]): Promise<Task> => new Promise((resolve) => {
    const now = store.get(id);
    if (now && states.includes(now.state)) {
      resolve(now);
      return;
    }
    const subscription = store.onDidChange((change) => {
      if (change.kind !== 'removed' && change.task.id === id && states.includes(change.task.state)) {
        subscription.dispose();
        resolve(change.task);
      }
    });
  });
  return {
    engine,
    store,
    api,
    saved,
    reaches,
    run: async (request) => engine.waitFor((await engine.submit(request)).id),
    dispose: () => engine.dispose(),
  };
}

/** The same adapter with another polling policy, for tests about results rather than timing. */
export function withPolicy(adapter: ProviderAdapter, policy: PollPolicy): ProviderAdapter {
  return {
    id: adapter.id,
    policy,
    validate: (request) => adapter.validate(request),
    submit: (context, request) => adapter.submit(context, request),
    poll: (api, task) => adapter.poll(api, task),
    cancel: adapter.cancel ? (api, task) => adapter.cancel!(api, task) : undefined,
  };
}

export function request(provider: ProviderId, model: string, prompt: string, extra: Partial<TaskRequest> = {}): TaskRequest {
  return { provider, model, operation: 'generate', kind: 'image', prompt, params: {}, workspaceFolder: 'file:///ws', ...extra };
}

/** Requests the emulator logged for one origin and path pattern, oldest first. */
export function logged(
  requests: readonly RecordedRequest[],
  origin: RecordedRequest['origin'],
  pathPattern: RegExp,
  method?: string,
): RecordedRequest[] {
  return requests
    .filter((r) => r.origin === origin && pathPattern.test(r.path) && (!method || r.method === method))
    .sort((a, b) => a.time - b.time);
}

/**
 * Fails unless every two status reads of one task (same path and query) are at least `floorMs` apart, by the
 * arrival times in the emulator's request log (faulted reads included). Returns how many gaps it measured.
 */
export function assertCheckSpacing(
  requests: readonly RecordedRequest[],
  origin: RecordedRequest['origin'],
  statusPath: RegExp,
  floorMs: number,
): number {
  const byTask = new Map<string, number[]>();
  for (const r of logged(requests, origin, statusPath, 'GET')) {
    const key = `${r.path}?${r.query}`;
    byTask.set(key, [...(byTask.get(key) ?? []), r.time]);
  }
  let gaps = 0;
  for (const [key, times] of byTask) {
    for (let i = 1; i < times.length; i++) {
      const gap = times[i] - times[i - 1];
      assert.ok(gap >= floorMs, `${key}: two checks only ${gap} ms apart (floor ${floorMs} ms)`);
      gaps += 1;
    }
  }
  return gaps;
}

export const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
