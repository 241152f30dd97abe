import * as assert from 'assert';
import { RequestProblem } from '../../../src/core/engine';
import { HttpError, NetworkError } from '../../../src/core/http';
import type { Task } from '../../../src/core/task';
import { engineSetup as setup, imageRequest, settle } from './fakes';

describe('TaskEngine', () => {
  it('persists a task as queued before sending it, then stores the provider id at once', async () => {
    const { engine, persistence, adapter, clock } = setup();
    const task = await engine.submit(imageRequest());
    assert.deepStrictEqual(persistence.log, [`${task.id}:queued`]);
    assert.strictEqual(adapter.submits.length, 0, 'nothing is sent before the task is stored');
    await clock.advance(0);
    assert.deepStrictEqual(persistence.log, [`${task.id}:queued`, `${task.id}:submitting`, `${task.id}:submitted`]);
    assert.strictEqual(persistence.saved.get(task.id)?.remoteId, 'r1');
  });

  it('runs a task through running to succeeded and hands it to the result writer', async () => {
    const { engine, adapter, clock, saved, store } = setup();
    adapter.statuses.set('r1', [
      { state: 'running', remoteState: 'processing', progress: 40 },
      { state: 'succeeded', remoteState: 'completed', results: [{ url: 'https://cdn/x.png' }], cost: { amount: 4, unit: 'credits' } },
    ]);
    const task = await engine.submit(imageRequest());
    const done = engine.waitFor(task.id);
    await clock.advance(1000);
    assert.strictEqual(store.get(task.id)?.state, 'running');
    assert.strictEqual(store.get(task.id)?.progress, 40);
    await clock.advance(10_000);
    const finished = await done;
    assert.strictEqual(finished.state, 'succeeded');
    assert.deepStrictEqual(finished.cost, { amount: 4, unit: 'credits' });
    assert.strictEqual(saved.length, 1);
    assert.strictEqual(clock.pending, 0, 'no timer is left once nothing is running');
  });

  it('refuses an empty prompt or a missing key without storing anything', async () => {
    const { engine, store } = setup();
    await assert.rejects(
      engine.submit(imageRequest('   ')),
      (e: Error) => e instanceof RequestProblem && /prompt is empty/.test(e.message),
    );
    await assert.rejects(engine.submit(imageRequest('an invalid one')), /invalid prompt/);
    await assert.rejects(engine.submit(imageRequest('x'.repeat(32_001))), /32,001 characters long; m takes at most 32,000\. Shorten it\./);
    await engine.submit(imageRequest('z'.repeat(32_000))).then((task) => store.remove(task.id));
    const noKey = setup({ key: false });
    await assert.rejects(
      noKey.engine.submit(imageRequest()),
      (e: RequestProblem) => e.needsKey === 'pixapi' && /Set API Key/.test(e.message),
    );
    assert.strictEqual(store.size + noKey.store.size, 0);
  });

  it('never resends a submit that may have reached the provider (5xx, reset)', async () => {
    for (const error of [
      new HttpError(500, { error: { message: 'boom' } }, undefined, 'POST', '/x'),
      new NetworkError('reset', 'ECONNRESET', false),
    ]) {
      const { engine, adapter, clock, store } = setup();
      adapter.nextSubmit = async () => {
        throw error;
      };
      const task = await engine.submit(imageRequest());
      await clock.advance(10 * 60_000);
      assert.strictEqual(adapter.submits.length, 1, `sent once only after ${error.message}`);
      assert.strictEqual(store.get(task.id)?.state, 'unconfirmed');
      assert.match(store.get(task.id)?.error?.message ?? '', /will not send it again/);
    }
  });

  it('sends again after a 429 (refused) once Retry-After has passed, and after a refused connection', async () => {
    const { engine, adapter, clock, store } = setup();
    let calls = 0;
    adapter.nextSubmit = async () => {
      calls += 1;
      if (calls === 1) throw new HttpError(429, {}, 7000, 'POST', '/x');
      if (calls === 2) throw new NetworkError('refused', 'ECONNREFUSED', true);
      return { kind: 'accepted', remoteId: 'ok' };
    };
    const task = await engine.submit(imageRequest());
    await clock.advance(6900);
    assert.strictEqual(calls, 1, 'waits for Retry-After');
    await clock.advance(200);
    assert.strictEqual(calls, 2);
    await clock.advance(5000);
    assert.strictEqual(calls, 3);
    assert.strictEqual(store.get(task.id)?.remoteId, 'ok');
  });

  it('keeps tasks queued beyond the provider cap and sends them as slots free up', async () => {
    const { engine, adapter, clock, store } = setup({ maxActive: 2 });
    const tasks = [];
    for (let i = 0; i < 5; i++) tasks.push(await engine.submit(imageRequest(`p${i}`)));
    await clock.advance(0);
    assert.strictEqual(adapter.submits.length, 2);
    assert.deepStrictEqual(tasks.map((t) => store.get(t.id)?.state), ['submitted', 'submitted', 'queued', 'queued', 'queued']);
    adapter.statuses.set('r1', [{ state: 'succeeded', remoteState: 'completed', results: [{ url: 'https://cdn/x.png' }] }]);
    await clock.advance(1000);
    assert.strictEqual(adapter.submits.length, 3, 'a slot freed, one more was sent');
    assert.strictEqual(store.get(tasks[2].id)?.state, 'submitted');
  });

  it('never checks one task more often than the provider floor, with growing waits', async () => {
    const { engine, adapter, clock } = setup();
    adapter.policy = {
      ...adapter.policy,
      floorMs: 1500,
      firstCheckMs: { image: 100, video: 100 },
      minIntervalMs: { image: 100, video: 100 },
    };
    await engine.submit(imageRequest());
    await clock.advance(120_000);
    const gaps = adapter.polls.slice(1).map((p, i) => p.at - adapter.polls[i].at);
    assert.ok(gaps.length > 10);
    assert.ok(Math.min(...gaps) >= 1500, `smallest gap ${Math.min(...gaps)}`);
    assert.ok(gaps[gaps.length - 1] > gaps[0], 'waits grow with the task age');
    assert.ok(Math.max(...gaps) <= 30_000);
  });

  it('retries a failing check with backoff and honours Retry-After', async () => {
    const { engine, adapter, clock, store } = setup();
    adapter.statuses.set('r1', [
      new HttpError(503, {}, undefined, 'GET', '/t'),
      new HttpError(429, {}, 20_000, 'GET', '/t'),
      { state: 'succeeded', remoteState: 'completed', results: [{ url: 'https://cdn/x.png' }] },
    ]);
    const task = await engine.submit(imageRequest());
    await clock.advance(1000);
    assert.match(store.get(task.id)?.error?.message ?? '', /unavailable.*Retrying/);
    await clock.advance(1500);
    assert.strictEqual(adapter.polls.length, 2);
    await clock.advance(19_000);
    assert.strictEqual(adapter.polls.length, 2, 'Retry-After is honoured');
    await clock.advance(2000);
    assert.strictEqual(store.get(task.id)?.state, 'succeeded');
    assert.strictEqual(store.get(task.id)?.error, undefined);
  });

  it('marks a task stale past its deadline, and Refresh checks it again', async () => {
    const { engine, adapter, clock, store } = setup();
    const task = await engine.submit(imageRequest());
    await clock.advance(11 * 60_000);
    assert.strictEqual(store.get(task.id)?.state, 'stale');
    const polls = adapter.polls.length;
    await clock.advance(60 * 60_000);
    assert.strictEqual(adapter.polls.length, polls, 'a stale task is not polled by itself');
    adapter.statuses.set('r1', [{ state: 'succeeded', remoteState: 'completed', results: [{ url: 'https://cdn/x.png' }] }]);
    await engine.refresh(task.id);
    await clock.advance(0);
    assert.strictEqual(store.get(task.id)?.state, 'succeeded');
  });

  it('gives one deadline per task (the default per kind, or the configured one), and marks the task stale by it', async () => {
    assert.strictEqual(setup().engine.deadlineMs({ request: imageRequest() }), 10 * 60_000);
    assert.strictEqual(setup().engine.deadlineMs({ request: { ...imageRequest(), kind: 'video' } }), 45 * 60_000);
    const withPolicy = setup();
    withPolicy.adapter.policy = { ...withPolicy.adapter.policy, deadlinesMs: { image: 120_000, video: 600_000 } };
    assert.strictEqual(
      withPolicy.engine.deadlineMs({ request: imageRequest() }),
      120_000,
      'the provider policy decides when it has deadlines',
    );
    const { engine, clock, store } = setup({ deps: { deadlines: { image: 90_000, video: 300_000 } } });
    const task = await engine.submit(imageRequest());
    assert.strictEqual(engine.deadlineMs(task), 90_000);
    assert.strictEqual(engine.deadlineMs({ request: { ...imageRequest(), kind: 'video' } }), 300_000);
    await clock.advance(60_000);
    assert.notStrictEqual(store.get(task.id)?.state, 'stale', 'not before its deadline');
    await clock.advance(60_000);
    assert.strictEqual(store.get(task.id)?.state, 'stale', 'past its own deadline, not the default one');
  });

  it('stops asking a provider that keeps failing past the deadline, and marks the task stale', async () => {
    const { engine, adapter, clock, store } = setup();
    adapter.statuses.set('r1', [new HttpError(500, {}, undefined, 'GET', '/t')]);
    const task = await engine.submit(imageRequest());
    await clock.advance(11 * 60_000);
    assert.strictEqual(store.get(task.id)?.state, 'stale');
    const polls = adapter.polls.length;
    await clock.advance(30 * 60_000);
    assert.strictEqual(adapter.polls.length, polls, 'no more checks once stale');
    assert.strictEqual(clock.pending, 0);
  });

  it('resumes after a reload: polls submitted tasks, marks a mid-submit task unconfirmed, sends queued ones', async () => {
    const first = setup({ maxActive: 1 });
    const a = await first.engine.submit(imageRequest('a'));
    const b = await first.engine.submit(imageRequest('b'));
    await first.clock.advance(0);
    first.engine.dispose();
    // A third task was mid-submit when the window closed.
    const mid: Task = { ...imageRequestTask('mid'), state: 'submitting', createdAt: first.clock.now() };
    await first.persistence.save(mid);

    const second = setup({ maxActive: 1 });
    for (const task of first.persistence.saved.values()) await second.persistence.save(task);
    await second.store.load();
    second.adapter.statuses.set('r1', [{ state: 'succeeded', remoteState: 'completed', results: [{ url: 'https://cdn/x.png' }] }]);
    await second.engine.resume();
    await second.clock.advance(0);
    assert.strictEqual(second.store.get(mid.id)?.state, 'unconfirmed');
    assert.strictEqual(second.store.get(a.id)?.state, 'succeeded', 'resumed task was checked, not resubmitted');
    await second.clock.advance(0);
    assert.strictEqual(second.adapter.submits.length, 0, 'the unconfirmed task may be at the provider: it keeps the only slot');
    assert.strictEqual(second.store.get(b.id)?.state, 'queued');
    assert.strictEqual(await second.engine.cancel(mid.id), 'cancelled', 'stopping tracking is the user\'s decision');
    await second.clock.advance(0);
    assert.strictEqual(second.adapter.submits.length, 1, 'only the queued task was sent');
    assert.strictEqual(second.store.get(b.id)?.state, 'submitted');
  });

  it('cancels a queued task locally and asks before dropping one the provider cannot cancel', async () => {
    const { engine, clock, store } = setup({ maxActive: 1 });
    const running = await engine.submit(imageRequest('a'));
    const queued = await engine.submit(imageRequest('b'));
    await clock.advance(0);
    assert.strictEqual(await engine.cancel(queued.id), 'cancelled');
    assert.strictEqual(store.get(queued.id)?.state, 'cancelled');
    assert.strictEqual(await engine.cancel(running.id), 'notCancellable');
    assert.strictEqual(store.get(running.id)?.state, 'submitted');
    assert.strictEqual(await engine.cancel(running.id, true), 'cancelled');
    assert.match(store.get(running.id)?.error?.message ?? '', /may still finish/);
    await settle();
  });
});

function imageRequestTask(prompt: string): Task {
  return { id: `id-${prompt}`, request: imageRequest(prompt), state: 'queued', createdAt: 1, origin: 'user', revision: 1 };
}
