import * as assert from 'assert';
import { TaskClaims } from '../../../src/core/claims';
import { TaskEngine, type TaskOwnership } from '../../../src/core/engine';
import { ApiClient } from '../../../src/core/http';
import { TaskStore } from '../../../src/core/store';
import type { Task } from '../../../src/core/task';
import { liveness, MemoryClaimFiles } from './claims.test';
import { imageRequest, ManualClock, MemoryPersistence, ScriptedAdapter } from './fakes';

/** One task folder shared by two windows: each save reaches the other window's store, as the watcher does. */
class SharedFolder extends MemoryPersistence {
  readonly stores: TaskStore[] = [];
  override async save(task: Task): Promise<void> {
    await super.save(task);
    for (const store of this.stores) store.acceptExternal(JSON.parse(JSON.stringify(task)) as Task);
  }
}

function window(
  folder: SharedFolder,
  files: MemoryClaimFiles,
  probe: ReturnType<typeof liveness>,
  pid: number,
  clock: ManualClock,
  adapter: ScriptedAdapter,
) {
  const store = new TaskStore(folder);
  folder.stores.push(store);
  const claims = new TaskClaims(files, { pid, window: `w${pid}`, at: clock.now() }, probe);
  const ownership: TaskOwnership = {
    claim: async (id) => {
      const won = await claims.claim(id);
      const stored = folder.saved.get(id);
      if (won && stored) store.acceptExternal(stored);
      return won;
    },
    owns: (id) => claims.owns(id),
    confirm: (id) => claims.confirm(id),
    release: (id) => claims.release(id),
    heldElsewhere: async (id) => (await claims.liveOwner(id)) !== undefined,
  };
  const saved: string[] = [];
  const api = new ApiClient({ baseUrl: 'http://127.0.0.1:9', key: 'k' });
  const engine = new TaskEngine({
    store,
    adapters: new Map([['pixapi', adapter]]),
    api: async () => api,
    openImage: async () => {
      throw new Error('no images here');
    },
    saveResults: async (task) => {
      saved.push(task.id);
      await store.update(task.id, (t) => ({
        ...t,
        results: t.results?.map((r) => ({ ...r, file: `file:///ws/${t.id}.png` })),
        revision: t.revision + 1,
      }));
    },
    clock,
    random: () => 0.5,
    ownership,
    takeoverIntervalMs: 15_000,
  });
  return { store, engine, saved, claims };
}

describe('two windows on one workspace (engine)', () => {
  it('leaves a live window\'s tasks alone, then takes them over when that window has gone', async () => {
    const clock = new ManualClock();
    const folder = new SharedFolder();
    const files = new MemoryClaimFiles();
    const probe = liveness(1, 2);
    const adapterA = new ScriptedAdapter(clock);
    const adapterB = new ScriptedAdapter(clock);
    const a = window(folder, files, probe, 1, clock, adapterA);
    const tasks = [];
    for (let i = 0; i < 3; i++) tasks.push(await a.engine.submit(imageRequest(`t${i}`)));
    await clock.advance(0);
    assert.strictEqual(adapterA.submits.length, 3);

    const b = window(folder, files, probe, 2, clock, adapterB);
    await b.store.load();
    await b.engine.resume();
    await clock.advance(20_000);
    assert.strictEqual(adapterB.submits.length + adapterB.polls.length, 0, 'B neither sends nor checks what A tracks');
    assert.ok(adapterA.polls.length > 0);
    assert.deepStrictEqual(b.store.list().map((t) => t.state), ['running', 'running', 'running'], 'B sees A\'s progress');
    assert.strictEqual(await b.engine.take(tasks[0].id), false, 'a command in B is refused while A tracks the task');
    assert.strictEqual(await b.engine.heldElsewhere(tasks[0].id), true);

    // B submits one of its own; A sees it and leaves it alone.
    const mine = await b.engine.submit(imageRequest('from b'));
    await clock.advance(0);
    assert.strictEqual(adapterB.submits.length, 1);
    assert.strictEqual(a.store.get(mine.id)?.state, 'submitted');

    // A's window closes mid-task (its engine stops, its process is gone, its claims stay on disk).
    a.engine.dispose();
    probe.alive.delete(1);
    for (const task of tasks)
      adapterB.statuses.set(task.remoteId ?? a.store.get(task.id)?.remoteId ?? '', [
        { state: 'succeeded', remoteState: 'completed', results: [{ url: `https://cdn/${task.id}.png` }] },
      ]);
    adapterB.statuses.set('r1', [{ state: 'succeeded', remoteState: 'completed', results: [{ url: 'https://cdn/b.png' }] }]);
    await clock.advance(16_000);
    await clock.advance(30_000);
    assert.deepStrictEqual(
      b.store.list().map((t) => t.state),
      ['succeeded', 'succeeded', 'succeeded', 'succeeded'],
      "B finished A's orphans and its own",
    );
    assert.deepStrictEqual(b.saved.sort(), [...tasks.map((t) => t.id), mine.id].sort(), 'each result saved once, by B');
    assert.strictEqual(adapterA.submits.length + adapterB.submits.length, 4, 'each task sent once in all');
    assert.deepStrictEqual([...files.files.keys()], [], 'every claim released once the work was done');
  });

  it('never sends a queued task whose claim another window took meanwhile', async () => {
    const clock = new ManualClock();
    const folder = new SharedFolder();
    const files = new MemoryClaimFiles();
    const probe = liveness(1, 2);
    const adapter = new ScriptedAdapter(clock);
    const a = window(folder, files, probe, 1, clock, adapter);
    const task = await a.engine.submit(imageRequest('q'));
    // The claim file now names another window (A stalled and was taken over): A must not pay for it again.
    files.files.set(encodeURIComponent(task.id), JSON.stringify({ pid: 2, window: 'w2', at: clock.now() }));
    await clock.advance(0);
    assert.strictEqual(adapter.submits.length, 0);
    assert.strictEqual(a.store.get(task.id)?.state, 'queued');
  });
});
