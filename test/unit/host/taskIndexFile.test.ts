/** The task index file: rebuilt when missing, corrupt or stale, kept up to date, shared by two windows' stores. */
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { TaskStore } from '../../../src/core/store';
import type { Task } from '../../../src/core/task';
import { parseIndex } from '../../../src/core/taskIndex';
import type { Log } from '../../../src/host/log';
import { TaskIndexFile } from '../../../src/host/taskIndexFile';
import { imageRequest, MemoryPersistence } from '../core/fakes';

const log = { info: () => undefined, warn: () => undefined } as unknown as Log;

function task(id: string, state: Task['state'] = 'succeeded'): Task {
  const now = Date.now();
  return {
    id,
    state,
    origin: 'user',
    revision: 1,
    createdAt: now - 1000,
    endedAt: state === 'succeeded' ? now : undefined,
    request: imageRequest(id),
  };
}

/** A window: its store over the shared task files, and its index file keeper. */
async function window(storage: string, files: MemoryPersistence) {
  const index = new TaskIndexFile(storage, path.join(storage, 'tasks'), log);
  const read = await index.read();
  const store = new TaskStore(files);
  await store.load();
  const kept = index.keep(store, () => 30, read);
  return { index, read, store, kept };
}

async function indexedIds(storage: string): Promise<string[] | undefined> {
  const text = await fs.promises.readFile(path.join(storage, 'tasks-index.json'), 'utf8');
  return parseIndex(text)?.tasks.map((t) => t.id).sort();
}

describe('task index file', () => {
  let storage: string;
  beforeEach(() => {
    storage = fs.mkdtempSync(path.join(os.tmpdir(), 'media-studio-index-'));
  });
  afterEach(() => fs.rmSync(storage, { recursive: true, force: true }));

  it('is built from the task files when missing, then read back by the next window', async () => {
    const files = new MemoryPersistence();
    for (const id of ['a', 'b', 'c']) await files.save(task(id));
    const first = await window(storage, files);
    assert.strictEqual(first.read.index, undefined, 'no index yet');
    await first.index.flush();
    first.kept.dispose();
    assert.deepStrictEqual(await indexedIds(storage), ['a', 'b', 'c']);
    const next = await new TaskIndexFile(storage, path.join(storage, 'tasks'), log).read();
    assert.deepStrictEqual(next.index?.tasks.map((t) => t.id).sort(), ['a', 'b', 'c']);
    assert.deepStrictEqual(fs.readdirSync(path.join(storage, 'tasks')), [], 'no temporary file left');
  });

  it('reads a corrupt index as none and rebuilds it; no task is lost', async () => {
    fs.writeFileSync(path.join(storage, 'tasks-index.json'), '{"version":1,"tasks":[{"id":');
    const files = new MemoryPersistence();
    for (const id of ['a', 'b']) await files.save(task(id));
    const w = await window(storage, files);
    assert.strictEqual(w.read.index, undefined);
    assert.strictEqual(w.store.size, 2, 'the tasks come from their files');
    await w.index.flush();
    w.kept.dispose();
    assert.deepStrictEqual(await indexedIds(storage), ['a', 'b']);
  });

  it('rewrites a stale index (another window changed the tasks after writing it) once the task files are read', async () => {
    const files = new MemoryPersistence();
    await files.save(task('a'));
    const first = await window(storage, files);
    await first.index.flush();
    first.kept.dispose();
    // Another window adds a task and removes one, and closes before its index write.
    await files.save(task('b', 'running'));
    await files.remove('a');
    const next = await window(storage, files);
    assert.deepStrictEqual(next.read.index?.tasks.map((t) => t.id), ['a'], 'the stale index as it was');
    await next.index.flush();
    next.kept.dispose();
    assert.deepStrictEqual(await indexedIds(storage), ['b']);
  });

  it('follows every change of the store, and two windows writing it leave every task of both in it', async () => {
    const files = new MemoryPersistence();
    const a = await window(storage, files);
    const b = await window(storage, files);
    await a.store.add(task('from-a', 'queued'));
    b.store.acceptExternal(task('from-a', 'queued')); // what b's watcher does with a's task file
    await b.store.add(task('from-b', 'queued'));
    a.store.acceptExternal(task('from-b', 'queued'));
    await Promise.all([a.index.flush(), b.index.flush()]);
    assert.deepStrictEqual(await indexedIds(storage), ['from-a', 'from-b']);
    await a.store.update('from-a', (t) => ({ ...t, state: 'succeeded', endedAt: Date.now(), revision: t.revision + 1 }));
    await a.index.flush();
    const text = fs.readFileSync(path.join(storage, 'tasks-index.json'), 'utf8');
    assert.strictEqual(parseIndex(text)?.tasks.find((t) => t.id === 'from-a')?.state, 'succeeded');
    a.kept.dispose();
    b.kept.dispose();
  });
});
