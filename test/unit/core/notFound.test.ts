/** A 404 on a status check: kept and checked like any refused check; failed only when documented and lasting. */
import * as assert from 'assert';
import { HttpError } from '../../../src/core/http';
import type { RemoteStatus } from '../../../src/core/task';
import { engineSetup, imageRequest } from './fakes';

const DONE: RemoteStatus = { state: 'succeeded', remoteState: 'completed', results: [{ url: 'https://cdn.example/done.png' }] };
const notFound = () => new HttpError(404, { error: { message: 'Task not found' } }, undefined, 'GET', '/v1/tasks/r1');

describe('TaskEngine: a 404 on a status check', () => {
  it('one 404 does not fail a paid task: it is checked again and finishes', async () => {
    const { engine, adapter, clock, store } = engineSetup();
    adapter.statuses.set('r1', [notFound(), DONE]);
    const task = await engine.submit(imageRequest());
    await clock.advance(1000);
    assert.strictEqual(adapter.polls.length, 1);
    assert.strictEqual(store.get(task.id)?.state, 'submitted', 'kept after a 404');
    assert.strictEqual(store.get(task.id)?.error?.status, 404);
    await clock.advance(31_000);
    assert.strictEqual(store.get(task.id)?.state, 'succeeded');
  });

  it('a provider that does not document 404 as "no such task": repeated 404s make the task stale past its deadline, never failed', async () => {
    const { engine, adapter, clock, store } = engineSetup();
    adapter.statuses.set('r1', [notFound()]);
    const task = await engine.submit(imageRequest());
    await clock.advance(9 * 60_000);
    assert.strictEqual(store.get(task.id)?.state, 'submitted');
    await clock.advance(2 * 60_000);
    assert.strictEqual(store.get(task.id)?.state, 'stale');
  });

  it('where 404 is documented as "no such task", the task fails only once 404s have lasted five minutes', async () => {
    const { engine, adapter, clock, store } = engineSetup();
    adapter.policy = { ...adapter.policy, notFoundMeansNoTask: true };
    adapter.statuses.set('r1', [notFound()]);
    const task = await engine.submit(imageRequest());
    await clock.advance(4 * 60_000);
    assert.strictEqual(store.get(task.id)?.state, 'submitted', 'four minutes of 404s: still kept');
    await clock.advance(90_000);
    const failed = store.get(task.id);
    assert.strictEqual(failed?.state, 'failed');
    assert.match(failed?.error?.message ?? '', /404 for several minutes/);
  });

  it('where 404 is documented, an answer in between starts the five minutes over', async () => {
    const { engine, adapter, clock, store } = engineSetup();
    adapter.policy = { ...adapter.policy, notFoundMeansNoTask: true };
    const running: RemoteStatus = { state: 'running', remoteState: 'processing' };
    adapter.statuses.set('r1', [notFound(), notFound(), notFound(), running, notFound()]);
    const task = await engine.submit(imageRequest());
    await clock.advance(6 * 60_000);
    assert.strictEqual(store.get(task.id)?.state, 'running', 'the 404s after the answer have lasted less than five minutes');
  });
});
