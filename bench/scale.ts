/**
 * Scale: the real TaskStore over a file persistence that mirrors src/host/persistence.ts (one JSON file per
 * task, written to a temporary name, flushed (fsync) and renamed; loaded with synchronous reads, 64 files between two yields,
 * as the host does for storage on disk) — repeated here because that file imports vscode. The tree's order is src/host/tasksView.ts
 * sortTasks, replicated here because that file imports vscode.
 */
import { randomBytes } from 'crypto';
import { promises as fsp, readFileSync } from 'fs';
import * as os from 'os';
import * as path from 'path';
import { writeFileDurably } from '../src/core/files/durableWrite';
import { TaskStore, type TaskPersistence } from '../src/core/store';
import { parseStoredTask } from '../src/core/taskJson';
import type { Task, TaskState } from '../src/core/task';
import { withChanges } from '../src/core/task';
import { seededRandom } from '../test/support/random';
import { quantile } from './polling';

const LOAD_CHUNK = 64;

class NodeFileTaskPersistence implements TaskPersistence {
  /** durable: as the extension writes (fsync of the file and its folder, writeFileDurably); false: without them, for comparison. */
  constructor(readonly folder: string, private readonly durable = true) {}
  fileOf(id: string): string { return path.join(this.folder, `${encodeURIComponent(id)}.json`); }
  async load(): Promise<Task[]> {
    const names = (await fsp.readdir(this.folder, { withFileTypes: true }))
      .filter((e) => e.isFile() && e.name.endsWith('.json'))
      .map((e) => e.name);
    const tasks: Task[] = [];
    for (let i = 0; i < names.length; i += LOAD_CHUNK) {
      for (const name of names.slice(i, i + LOAD_CHUNK)) {
        const task = parseStoredTask(readFileSync(path.join(this.folder, name), 'utf8'));
        if (task) tasks.push(task);
      }
      await new Promise((resolve) => setImmediate(resolve));
    }
    return tasks;
  }
  async save(task: Task): Promise<void> {
    const temp = path.join(this.folder, `.${encodeURIComponent(task.id)}.${randomBytes(4).toString('hex')}.tmp`);
    if (this.durable) return writeFileDurably(temp, this.fileOf(task.id), JSON.stringify(task), this.folder);
    await fsp.writeFile(temp, JSON.stringify(task));
    await fsp.rename(temp, this.fileOf(task.id));
  }
  async remove(id: string): Promise<void> { await fsp.rm(this.fileOf(id), { force: true }); }
}

const ACTIVE: readonly TaskState[] = ['submitting', 'running', 'submitted', 'queued', 'unconfirmed', 'stale'];
function sortTasks(tasks: Task[]): Task[] {
  const rank = (t: Task) => (ACTIVE.includes(t.state) ? 0 : 1);
  return tasks.sort((a, b) => rank(a) - rank(b) || (b.endedAt ?? b.createdAt) - (a.endedAt ?? a.createdAt));
}

function makeTask(i: number, random: () => number): Task {
  const created = 1_700_000_000_000 + i * 60_000;
  const done = random() < 0.97;
  const video = random() < 0.3;
  return {
    id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    request: {
      provider: 'pixapi',
      model: video ? 'veo' : 'gpt-image-2',
      operation: video ? 'video' : 'generate',
      kind: video ? 'video' : 'image',
      prompt: `a bench prompt number ${i}: a lighthouse on a cliff at dusk, oil painting, warm light`,
      params: video ? { duration: 8 } : { size: '1024x1024', n: 1 },
      workspaceFolder: 'file:///ws',
    },
    state: done ? 'succeeded' : 'running',
    remoteId: `task_${i}`,
    remoteState: done ? 'completed' : 'processing',
    progress: done ? 100 : 40,
    createdAt: created,
    submittedAt: created + 300,
    ...(done
      ? {
          endedAt: created + 20_000,
          results: [{ url: `https://cdn.example/r/${i}.png`, file: `file:///ws/generated/result-${i}.png`, savedAt: created + 21_000 }],
          cost: { amount: 4, unit: 'credits' as const },
        }
      : {}),
    origin: 'user',
    revision: 5,
  };
}

export interface ScaleResult {
  tasks: number;
  loadMs: number;
  persistMedianMs: number;
  persistP95Ms: number;
  /** The same change without the fsyncs: what flushing costs. */
  persistNoSyncMedianMs: number;
  sortMedianMs: number;
}

function median(values: number[]): number { return quantile([...values].sort((a, b) => a - b), 0.5); }
function ms(since: bigint): number { return Number(process.hrtime.bigint() - since) / 1e6; }

export async function runScale(count: number, changes = 200): Promise<ScaleResult> {
  const folder = await fsp.mkdtemp(path.join(os.tmpdir(), 'media-studio-bench-tasks-'));
  try {
    const random = seededRandom(count);
    const writer = new NodeFileTaskPersistence(folder, false);
    for (let i = 0; i < count; i += 256) {
      await Promise.all(Array.from({ length: Math.min(256, count - i) }, (_, j) => writer.save(makeTask(i + j, random))));
    }
    // Load: a fresh store over the folder, as at window start.
    const store = new TaskStore(new NodeFileTaskPersistence(folder));
    let start = process.hrtime.bigint();
    await store.load();
    const loadMs = ms(start);
    if (store.size !== count) throw new Error(`loaded ${store.size} of ${count}`);
    // One task's change, persisted (store.update awaits the write before it resolves).
    const running = store.list().filter((t) => t.state === 'running');
    const persist: number[] = [];
    for (let i = 0; i < changes; i++) {
      const task = running[i % running.length] ?? store.list()[0];
      start = process.hrtime.bigint();
      await store.update(task.id, (t) => withChanges(t, { progress: (i % 99) + 1, lastCheckedAt: Date.now() }));
      persist.push(ms(start));
    }
    const unsynced = new TaskStore(new NodeFileTaskPersistence(folder, false));
    await unsynced.load();
    const persistNoSync: number[] = [];
    for (let i = 0; i < changes; i++) {
      const task = running[i % running.length] ?? store.list()[0];
      start = process.hrtime.bigint();
      await unsynced.update(task.id, (t) => withChanges(t, { progress: (i % 99) + 1, lastCheckedAt: Date.now() }));
      persistNoSync.push(ms(start));
    }
    // The tree's children: the store's list and the view's order (what getChildren does for the root).
    const sorts: number[] = [];
    for (let i = 0; i < 30; i++) {
      start = process.hrtime.bigint();
      const ids = sortTasks(store.list()).map((t) => t.id);
      sorts.push(ms(start));
      if (ids.length !== count) throw new Error('sort lost tasks');
    }
    return {
      tasks: count,
      loadMs,
      persistMedianMs: median(persist),
      persistP95Ms: quantile(
        persist.sort((a, b) => a - b),
        0.95,
      ),
      persistNoSyncMedianMs: median(persistNoSync),
      sortMedianMs: median(sorts),
    };
  } finally {
    await fsp.rm(folder, { recursive: true, force: true });
  }
}
