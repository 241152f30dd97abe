import * as assert from 'assert';
import { TaskStore } from '../../../src/core/store';
import type { Task } from '../../../src/core/task';
import { imageRequest, MemoryPersistence } from './fakes';

function task(id: string, revision = 1): Task {
  return { id, request: imageRequest(id), state: 'queued', createdAt: revision, origin: 'user', revision };
}

/** A persistence whose writes finish only when the test says so. */
class GatedPersistence extends MemoryPersistence {
  gates: (() => void)[] = [];
  failNext = false;
  /** Lets the next pending write finish (waiting for it to start first). */
  async release(): Promise<void> {
    while (this.gates.length === 0) await new Promise((r) => setImmediate(r));
    this.gates.shift()?.();
  }
  override async save(t: Task): Promise<void> {
    await new Promise<void>((resolve) => this.gates.push(resolve));
    if (this.failNext) {
      this.failNext = false;
      throw new Error('disk full');
    }
    await super.save(t);
  }
}

describe('TaskStore', () => {
  it('shows readers a change only once it is persisted, and announces it after', async () => {
    const persistence = new GatedPersistence();
    const store = new TaskStore(persistence);
    const events: string[] = [];
    store.onDidChange((c) => events.push(`${c.kind}:${c.task.state}`));
    const adding = store.add(task('a'));
    assert.strictEqual(store.get('a'), undefined, 'not visible before it is saved');
    await persistence.release();
    await adding;
    const updating = store.update('a', (t) => ({ ...t, state: 'submitted', revision: t.revision + 1 }));
    while (persistence.gates.length === 0) await new Promise((r) => setImmediate(r));
    assert.strictEqual(store.get('a')?.state, 'queued', 'the unsaved state is not visible');
    await persistence.release();
    await updating;
    assert.strictEqual(store.get('a')?.state, 'submitted');
    assert.strictEqual(persistence.saved.get('a')?.state, 'submitted');
    assert.deepStrictEqual(events, ['added:queued', 'changed:submitted']);
  });

  it('keeps the writes of one task in order and builds each change on the previous one', async () => {
    const persistence = new MemoryPersistence();
    const store = new TaskStore(persistence);
    await store.add(task('a'));
    await Promise.all([1, 2, 3].map(() => store.update('a', (t) => ({ ...t, revision: t.revision + 1 }))));
    assert.strictEqual(store.get('a')?.revision, 4);
    assert.deepStrictEqual(persistence.log, ['a:queued', 'a:queued', 'a:queued', 'a:queued']);
    assert.strictEqual(persistence.saved.get('a')?.revision, 4);
  });

  it('forgets a change whose write failed', async () => {
    const persistence = new GatedPersistence();
    const store = new TaskStore(persistence);
    const adding = store.add(task('a'));
    await persistence.release();
    await adding;
    persistence.failNext = true;
    const failing = store.update('a', (t) => ({ ...t, state: 'failed', revision: t.revision + 1 }));
    await new Promise((r) => setImmediate(r));
    await persistence.release();
    await assert.rejects(failing, /disk full/);
    const next = store.update('a', (t) => ({ ...t, revision: t.revision + 1 }));
    await new Promise((r) => setImmediate(r));
    await persistence.release();
    const saved = await next;
    assert.strictEqual(saved?.state, 'queued', 'the failed change is not the base of the next one');
    assert.strictEqual(saved?.revision, 2);
  });

  it('takes a copy from another window only when it is newer', () => {
    const store = new TaskStore(new MemoryPersistence());
    store.acceptExternal(task('x', 3));
    store.acceptExternal({ ...task('x', 2), state: 'failed' });
    assert.strictEqual(store.get('x')?.state, 'queued');
    store.acceptExternal({ ...task('x', 4), state: 'running' });
    assert.strictEqual(store.get('x')?.state, 'running');
  });
});
