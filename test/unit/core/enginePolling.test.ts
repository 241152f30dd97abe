/** The poller's pace: refused checks, the provider floor, slots held by unsure tasks, per-minute request budgets. */
import * as assert from 'assert';
import { apixoPolicy } from '../../../src/core/adapters/apixo';
import { HttpError } from '../../../src/core/http';
import { KeyRejectionNotices } from '../../../src/core/keyNotices';
import type { RemoteStatus, Task } from '../../../src/core/task';
import { engineSetup as setup, imageRequest } from './fakes';

const RUNNING: RemoteStatus = { state: 'running', remoteState: 'processing' };
const DONE: RemoteStatus = { state: 'succeeded', remoteState: 'completed', results: [{ url: 'https://cdn/x.png' }] };
const refused = (status: number) => new HttpError(status, { error: { message: `refused ${status}` } }, undefined, 'GET', '/v1/tasks/r1');

/** The most requests in any window of `windowMs` starting at a request. */
function busiestWindow(times: readonly number[], windowMs = 60_000): number {
  return Math.max(0, ...times.map((start) => times.filter((t) => t >= start && t < start + windowMs).length));
}

describe('TaskEngine pacing', () => {
  describe('a check refused with 401 (or 400, 402, 403, 422)', () => {
    it('keeps the task running, checks it slowly, and at once (after the floor) when the key changes', async () => {
      const { engine, adapter, clock, store } = setup();
      adapter.statuses.set('r1', [refused(401), refused(401), DONE]);
      const task = await engine.submit(imageRequest());
      await clock.advance(1000);
      assert.strictEqual(adapter.polls.length, 1);
      let current = store.get(task.id);
      assert.strictEqual(current?.state, 'submitted', 'not failed: the task may still finish at the provider');
      assert.strictEqual(current?.error?.status, 401);
      assert.match(current?.error?.message ?? '', /rejected the API key.*Set API Key.*may still finish/);
      await clock.advance(25_000);
      assert.strictEqual(adapter.polls.length, 1, 'a refused check is not repeated at the normal pace');
      // The slowest pace: 30 s, shortened by the jitter (random 0.5 × 10 %) to 28.5 s.
      await clock.advance(3500);
      assert.strictEqual(adapter.polls.length, 2, 'but it is repeated at the slowest pace');
      assert.strictEqual(adapter.polls[1].at - adapter.polls[0].at, 28_500);
      engine.keyChanged('pixapi');
      await clock.advance(900);
      assert.strictEqual(adapter.polls.length, 2, 'a new key does not bypass the provider floor (1 s)');
      await clock.advance(200);
      assert.strictEqual(adapter.polls.length, 3, 'a new key is tried at once after the floor');
      current = store.get(task.id);
      assert.strictEqual(current?.state, 'succeeded');
      assert.strictEqual(current?.error, undefined);
    });

    it('never fails the task; past the deadline it shows stale, still checkable', async () => {
      for (const status of [400, 401, 402, 403, 422]) {
        const { engine, adapter, clock, store } = setup();
        adapter.statuses.set('r1', [refused(status)]);
        const task = await engine.submit(imageRequest());
        await clock.advance(9 * 60_000);
        assert.strictEqual(store.get(task.id)?.state, 'submitted', `${status}: still tracked`);
        const polls = adapter.polls.length;
        assert.ok(polls >= 15 && polls <= 22, `${status}: ${polls} checks in 9 minutes (about one every 30 s)`);
        await clock.advance(2 * 60_000);
        const stale = store.get(task.id);
        assert.strictEqual(stale?.state, 'stale', `${status}: stale past the 10-minute deadline`);
        assert.match(stale?.error?.message ?? '', /Still no answer after the usual time/);
        assert.strictEqual(stale?.error?.status, status);
        const at = adapter.polls.length;
        await clock.advance(60 * 60_000);
        assert.strictEqual(adapter.polls.length, at, 'a stale task waits for Refresh');
        assert.strictEqual(clock.pending, 0);
      }
    });

    it('keeps checking slowly while no key is set, and goes on at once when one is', async () => {
      const { engine, adapter, clock, store, setKey } = setup();
      adapter.statuses.set('r1', [DONE]);
      const task = await engine.submit(imageRequest());
      await clock.advance(0);
      setKey(false);
      await clock.advance(60_000);
      assert.strictEqual(adapter.polls.length, 0);
      assert.match(store.get(task.id)?.error?.message ?? '', /No Pixapi API key/);
      setKey(true);
      engine.keyChanged('pixapi');
      await clock.advance(0);
      assert.strictEqual(store.get(task.id)?.state, 'succeeded');
    });
  });

  describe('the provider floor', () => {
    it('holds for Refresh, a new key and a resumed task, whatever asked for the check', async () => {
      const { engine, adapter, clock } = setup();
      adapter.policy = {
        ...adapter.policy,
        floorMs: 1500,
        firstCheckMs: { image: 1500, video: 1500 },
        minIntervalMs: { image: 2000, video: 2000 },
      };
      const task = await engine.submit(imageRequest());
      await clock.advance(1500);
      assert.strictEqual(adapter.polls.length, 1);
      await engine.refresh(task.id);
      engine.keyChanged('pixapi');
      await clock.advance(1400);
      assert.strictEqual(adapter.polls.length, 1, 'Refresh waits for the floor');
      await clock.advance(100);
      assert.strictEqual(adapter.polls.length, 2);
      await engine.refresh(task.id);
      await clock.advance(1499);
      assert.strictEqual(adapter.polls.length, 2);
      await clock.advance(1);
      assert.strictEqual(adapter.polls.length, 3);

      // Another window checked it 500 ms ago and closed: this one waits the remaining second.
      const second = setup();
      second.adapter.policy = adapter.policy;
      const checkedAt = second.clock.now() - 500;
      await second.persistence.save({
        id: 'held',
        request: imageRequest(),
        state: 'running',
        remoteId: 'r9',
        createdAt: checkedAt - 10_000,
        submittedAt: checkedAt - 10_000,
        lastCheckedAt: checkedAt,
        origin: 'user',
        revision: 3,
      });
      await second.store.load();
      await second.engine.resume();
      await second.clock.advance(900);
      assert.strictEqual(second.adapter.polls.length, 0, 'a resumed task is not checked within the floor of its last check');
      await second.clock.advance(100);
      assert.strictEqual(second.adapter.polls.length, 1);
    });
  });

  describe('provider slots', () => {
    it('a stale task keeps its slot until the user stops tracking it', async () => {
      const { engine, adapter, clock, store } = setup({ maxActive: 1 });
      const first = await engine.submit(imageRequest('slow'));
      const next = await engine.submit(imageRequest('next'));
      await clock.advance(11 * 60_000);
      assert.strictEqual(store.get(first.id)?.state, 'stale');
      assert.strictEqual(engine.activeCount('pixapi'), 1, 'it may still be waiting or running at the provider');
      assert.strictEqual(store.get(next.id)?.state, 'queued');
      assert.strictEqual(adapter.submits.length, 1);
      assert.strictEqual(await engine.cancel(first.id, true), 'cancelled');
      await clock.advance(0);
      assert.strictEqual(adapter.submits.length, 2, 'stopping tracking frees the slot');
      assert.strictEqual(store.get(next.id)?.state, 'submitted');
    });

    it('a stale task holds its slot for at most twice its deadline, then the queue moves on by itself', async () => {
      const { engine, adapter, clock, store } = setup({ maxActive: 1 });
      const first = await engine.submit(imageRequest('slow'));
      const next = await engine.submit(imageRequest('next'));
      await clock.advance(11 * 60_000);
      assert.strictEqual(store.get(first.id)?.state, 'stale');
      await clock.advance(8 * 60_000);
      assert.strictEqual(adapter.submits.length, 1, 'still held 19 min after it was sent (deadline 10 min)');
      await clock.advance(60_000 + 1);
      assert.strictEqual(adapter.submits.length, 2, 'released 20 min after it was sent, with no one asking');
      assert.strictEqual(store.get(next.id)?.state, 'submitted');
      assert.strictEqual(store.get(first.id)?.state, 'stale', 'the stale task itself is kept, still checkable');
    });

    it('removing a stale task frees its slot', async () => {
      const { engine, adapter, clock, store } = setup({ maxActive: 1 });
      const first = await engine.submit(imageRequest('slow'));
      await engine.submit(imageRequest('next'));
      await clock.advance(11 * 60_000);
      assert.strictEqual(adapter.submits.length, 1);
      await store.remove(first.id);
      await clock.advance(0);
      assert.strictEqual(adapter.submits.length, 2);
    });
  });

  describe('per-minute request budget', () => {
    /** Three Apixo-paced image tasks that each take 90 s; returns every request time. */
    async function threeSlowTasks(
      requestsPerMinute: number | undefined,
    ): Promise<{ times: number[]; states: (Task['state'] | undefined)[] }> {
      const { engine, adapter, clock, store } = setup();
      adapter.policy = { ...apixoPolicy('free'), requestsPerMinute };
      adapter.poll = async (_api, task) => {
        adapter.requestTimes.push(clock.now());
        return clock.now() - (task.submittedAt ?? 0) >= 90_000 ? DONE : RUNNING;
      };
      const tasks = [];
      for (let i = 0; i < 3; i++) tasks.push(await engine.submit(imageRequest(`p${i}`)));
      await clock.advance(8 * 60_000);
      return { times: adapter.requestTimes, states: tasks.map((t) => store.get(t.id)?.state) };
    }

    it('never sends more than 10 Apixo requests in a minute on the Free plan, and all three tasks finish', async () => {
      const { times, states } = await threeSlowTasks(apixoPolicy('free').requestsPerMinute);
      assert.deepStrictEqual(states, ['succeeded', 'succeeded', 'succeeded']);
      const busiest = busiestWindow(times);
      assert.ok(busiest <= 10, `${busiest} requests in one minute`);
      assert.ok(busiest >= 9, `the budget is used, not wasted (${busiest})`);
    });

    it('(control) the same three tasks without a budget send far more', async () => {
      const { times, states } = await threeSlowTasks(undefined);
      assert.deepStrictEqual(states, ['succeeded', 'succeeded', 'succeeded']);
      assert.ok(busiestWindow(times) > 20, `${busiestWindow(times)} requests in one minute`);
    });
  });
});

describe('KeyRejectionNotices', () => {
  const base: Task = { id: 'a', request: imageRequest(), state: 'running', remoteId: 'r', createdAt: 1, origin: 'user', revision: 1 };
  const rejected: Task = {
    ...base,
    error: { message: 'Pixapi rejected the API key. Set a valid key with "Media Studio: Set API Key".', status: 401 },
    revision: 2,
  };

  it('announces a rejected key once per provider, again after a check worked or the key changed', () => {
    const notices = new KeyRejectionNotices();
    assert.strictEqual(notices.shouldAnnounce({ kind: 'changed', task: rejected, previous: base }), true);
    assert.strictEqual(
      notices.shouldAnnounce({ kind: 'changed', task: { ...rejected, revision: 3 }, previous: rejected }),
      false,
      'not once per check',
    );
    assert.strictEqual(
      notices.shouldAnnounce({ kind: 'changed', task: { ...rejected, id: 'b' }, previous: { ...base, id: 'b' } }),
      false,
      'not once per task',
    );
    assert.strictEqual(notices.shouldAnnounce({ kind: 'changed', task: { ...base, revision: 4 }, previous: rejected }), false);
    assert.strictEqual(
      notices.shouldAnnounce({ kind: 'changed', task: rejected, previous: base }),
      true,
      'news again after a check worked',
    );
    notices.keyChanged('pixapi');
    assert.strictEqual(
      notices.shouldAnnounce({ kind: 'changed', task: { ...rejected, revision: 5 }, previous: rejected }),
      true,
      'news again after a new key',
    );
    assert.strictEqual(
      notices.shouldAnnounce({ kind: 'changed', task: { ...rejected, state: 'failed' }, previous: base }),
      false,
      'failed tasks have their own message',
    );
  });
});
