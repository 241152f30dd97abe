/** The task model: applying provider status, allowed actions, deadlines, durations. */
import * as assert from 'assert';
import {
  applyRemoteStatus,
  formatDuration,
  isPastDeadline,
  isPolled,
  isTerminal,
  type RemoteStatus,
  type Task,
  taskActions,
  TASK_STATES,
  type TaskState,
  withChanges,
} from '../../../src/core/task';
import { sampleTask } from './fakes';

const T0 = 1_700_000_000_000;

function task(partial: Partial<Task> = {}): Task {
  return sampleTask(partial, T0);
}


describe('core/task', () => {
  describe('applyRemoteStatus', () => {
    it('a "completed" answer with no media ends the task failed, naming the provider and keeping its raw answer', () => {
      const raw = { status: 'completed', result: { data: [] } };
      for (const results of [[], undefined, [{ saveError: 'Pixapi returned this item without a URL.' }]]) {
        const after = applyRemoteStatus(task(), { state: 'succeeded', remoteState: 'completed', results, raw }, T0 + 5000);
        assert.strictEqual(after.state, 'failed', JSON.stringify(results));
        assert.strictEqual(after.error?.message, 'Pixapi reported the task complete but returned no results');
        assert.deepStrictEqual(after.error?.raw, raw);
        assert.strictEqual(after.endedAt, T0 + 5000);
      }
      const inline = applyRemoteStatus(task(), { state: 'succeeded', remoteState: 'completed', results: [{ inline: true }] }, T0);
      assert.strictEqual(inline.state, 'succeeded', 'inline bytes are media');
      assert.strictEqual(
        applyRemoteStatus(task(), { state: 'succeeded', remoteState: 'completed', results: [{ url: 'https://cdn/a.png' }] }, T0).state,
        'succeeded',
      );
    });

    it('never changes a terminal task', () => {
      for (const state of ['succeeded', 'failed', 'cancelled'] as const) {
        const before = task({ state, progress: 40 });
        const statuses: RemoteStatus[] = [
          { state: 'running', remoteState: 'processing', progress: 50 },
          { state: 'succeeded', remoteState: 'completed', results: [{ url: 'https://x/1.png' }] },
          { state: 'failed', remoteState: 'failed', error: { message: 'late failure' } },
        ];
        for (const status of statuses)
          assert.strictEqual(applyRemoteStatus(before, status, T0 + 9000), before, `${state} ← ${status.state}`);
      }
    });

    it('moves a submitted task to running, with startedAt, progress and a revision bump', () => {
      const now = T0 + 2000;
      const after = applyRemoteStatus(task(), { state: 'running', remoteState: 'processing', progress: 35 }, now);
      assert.strictEqual(after.state, 'running');
      assert.strictEqual(after.remoteState, 'processing');
      assert.strictEqual(after.progress, 35);
      assert.strictEqual(after.startedAt, now);
      assert.strictEqual(after.endedAt, undefined);
      assert.strictEqual(after.lastCheckedAt, now);
      assert.strictEqual(after.revision, 4);
      assert.strictEqual(after.remoteId, 'r1', 'unrelated fields are kept');
    });

    it("prefers the provider's start time and keeps the first one seen", () => {
      const started = applyRemoteStatus(task(), { state: 'running', remoteState: 'running', startedAt: T0 + 500 }, T0 + 3000);
      assert.strictEqual(started.startedAt, T0 + 500);
      const later = applyRemoteStatus(started, { state: 'running', remoteState: 'running', startedAt: T0 + 900 }, T0 + 5000);
      assert.strictEqual(later.startedAt, T0 + 500);
    });

    it('has no startedAt while still submitted, and keeps the last progress when none is given', () => {
      const queued = applyRemoteStatus(task({ progress: 0 }), { state: 'submitted', remoteState: 'waiting' }, T0 + 1000);
      assert.strictEqual(queued.startedAt, undefined);
      assert.strictEqual(queued.progress, 0);
      const running = applyRemoteStatus(
        task({ state: 'running', progress: 60, startedAt: T0 + 200 }),
        { state: 'running', remoteState: 'processing' },
        T0 + 1000,
      );
      assert.strictEqual(running.progress, 60);
    });

    it('sets progress 100, endedAt, results and cost on success, and clears an earlier error', () => {
      const now = T0 + 8000;
      const before = task({ state: 'running', progress: 80, startedAt: T0 + 1000, error: { message: 'a check failed: ECONNRESET' } });
      const after = applyRemoteStatus(
        before,
        {
          state: 'succeeded',
          remoteState: 'completed',
          progress: 99,
          results: [{ url: 'https://cdn.example/1.png' }],
          cost: { amount: 8, unit: 'credits' },
        },
        now,
      );
      assert.strictEqual(after.state, 'succeeded');
      assert.strictEqual(after.progress, 100);
      assert.strictEqual(after.endedAt, now);
      assert.strictEqual(after.startedAt, T0 + 1000);
      assert.deepStrictEqual(after.results, [{ url: 'https://cdn.example/1.png' }]);
      assert.deepStrictEqual(after.cost, { amount: 8, unit: 'credits' });
      assert.strictEqual(after.error, undefined);
    });

    it('gives a task that finished before it was ever seen running a start time', () => {
      const after = applyRemoteStatus(task(), { state: 'succeeded', remoteState: 'completed' }, T0 + 4000);
      assert.strictEqual(after.startedAt, T0 + 4000);
      assert.strictEqual(after.endedAt, T0 + 4000);
    });

    it("records the provider's error on failure, and keeps an earlier one when the status has none", () => {
      const failed = applyRemoteStatus(
        task({ state: 'running' }),
        { state: 'failed', remoteState: 'failed', error: { message: 'Pixapi: upstream failed', code: 'generation_failed' } },
        T0 + 5000,
      );
      assert.strictEqual(failed.state, 'failed');
      assert.deepStrictEqual(failed.error, { message: 'Pixapi: upstream failed', code: 'generation_failed' });
      assert.strictEqual(failed.endedAt, T0 + 5000);

      const earlier = { message: 'the last check said: content violation' };
      const kept = applyRemoteStatus(task({ state: 'running', error: earlier }), { state: 'failed', remoteState: 'failed' }, T0 + 5000);
      assert.strictEqual(kept.error, earlier);
    });

    it('keeps earlier results and cost when a status brings none', () => {
      const before = task({ state: 'running', results: [{ url: 'https://x/partial.png' }], cost: { amount: 1, unit: 'USD' } });
      const after = applyRemoteStatus(before, { state: 'running', remoteState: 'processing' }, T0 + 1000);
      assert.deepStrictEqual(after.results, before.results);
      assert.deepStrictEqual(after.cost, before.cost);
    });

    it('does not modify the task it was given', () => {
      const before = task();
      const copy = JSON.parse(JSON.stringify(before)) as Task;
      applyRemoteStatus(before, { state: 'succeeded', remoteState: 'completed', results: [{ url: 'https://x/1.png' }] }, T0 + 1);
      assert.deepStrictEqual(before, copy);
    });
  });

  describe('taskActions', () => {
    const expected: Record<TaskState, string[]> = {
      queued: ['cancel', 'copyPrompt', 'remove'],
      submitting: ['copyPrompt'],
      unconfirmed: ['cancel', 'copyPrompt', 'remove', 'retry'],
      submitted: ['cancel', 'copyPrompt', 'refresh', 'remove'],
      running: ['cancel', 'copyPrompt', 'refresh', 'remove'],
      stale: ['cancel', 'copyPrompt', 'refresh', 'remove'],
      succeeded: ['copyPrompt', 'remove'],
      failed: ['copyPrompt', 'remove', 'retry'],
      cancelled: ['copyPrompt', 'remove', 'retry'],
    };
    for (const state of TASK_STATES) {
      it(`${state}: ${expected[state].join(', ')}`, () => {
        assert.deepStrictEqual([...taskActions(task({ state }))].sort(), expected[state]);
      });
    }

    it('offers open and reveal once a result is saved, and save again for an unsaved URL', () => {
      const saved = taskActions(task({ state: 'succeeded', results: [{ url: 'https://x/1.png', file: 'file:///ws/generated/1.png' }] }));
      assert.deepStrictEqual([...saved].sort(), ['copyPrompt', 'open', 'remove', 'reveal']);
      const partly = taskActions(
        task({
          state: 'succeeded',
          results: [
            { url: 'https://x/1.png', file: 'file:///ws/1.png' },
            { url: 'https://x/2.png', saveError: 'disk full' },
          ],
        }),
      );
      assert.deepStrictEqual([...partly].sort(), ['copyPrompt', 'open', 'remove', 'reveal', 'saveAgain']);
      const none = taskActions(task({ state: 'succeeded', results: [{ url: 'https://x/1.png' }] }));
      assert.deepStrictEqual([...none].sort(), ['copyPrompt', 'remove', 'saveAgain']);
    });

    it('does not offer save again for an inline result without a URL, nor for unfinished tasks', () => {
      assert.ok(!taskActions(task({ state: 'succeeded', results: [{ inline: true, saveError: 'disk full' }] })).has('saveAgain'));
      assert.ok(!taskActions(task({ state: 'running', results: [{ url: 'https://x/1.png' }] })).has('saveAgain'));
    });
  });

  describe('states', () => {
    it('isTerminal and isPolled', () => {
      assert.deepStrictEqual(TASK_STATES.filter(isTerminal), ['succeeded', 'failed', 'cancelled']);
      assert.deepStrictEqual(TASK_STATES.filter(isPolled), ['submitted', 'running']);
    });

    it('withChanges bumps the revision and keeps id and request', () => {
      const before = task();
      const after = withChanges(before, { state: 'stale' });
      assert.strictEqual(after.state, 'stale');
      assert.strictEqual(after.revision, before.revision + 1);
      assert.strictEqual(after.request, before.request);
      assert.strictEqual(before.state, 'submitted');
    });
  });

  describe('isPastDeadline', () => {
    it('counts from the submit time: 10 min for images, 45 min for videos', () => {
      const image = task({ submittedAt: T0 });
      assert.strictEqual(isPastDeadline(image, T0 + 10 * 60_000), false, 'exactly at the deadline');
      assert.strictEqual(isPastDeadline(image, T0 + 10 * 60_000 + 1), true);
      const video = task({ submittedAt: T0, request: { ...task().request, kind: 'video', operation: 'video', model: 'veo' } });
      assert.strictEqual(isPastDeadline(video, T0 + 30 * 60_000), false);
      assert.strictEqual(isPastDeadline(video, T0 + 45 * 60_000 + 1), true);
    });

    it('falls back to the creation time and takes other deadlines', () => {
      const unsent = task({ submittedAt: undefined, createdAt: T0 });
      assert.strictEqual(isPastDeadline(unsent, T0 + 10 * 60_000 + 1), true);
      assert.strictEqual(isPastDeadline(task({ submittedAt: T0 }), T0 + 2000, 1000), true);
      assert.strictEqual(
        isPastDeadline(task({ submittedAt: T0 + 60 * 60_000, createdAt: T0 }), T0 + 61 * 60_000),
        false,
        'submit time wins',
      );
    });
  });

  describe('formatDuration', () => {
    const cases: ReadonlyArray<[number, string]> = [
      [0, '0 s'],
      [-5000, '0 s'],
      [400, '0 s'],
      [4000, '4 s'],
      [4600, '5 s'],
      [59_000, '59 s'],
      [59_600, '1 min'],
      [60_000, '1 min'],
      [125_000, '2 min 5 s'],
      [3_599_000, '59 min 59 s'],
      [3_600_000, '1 h'],
      [3_780_000, '1 h 3 min'],
      [3_785_000, '1 h 3 min'],
      [26 * 3_600_000, '26 h'],
    ];
    for (const [ms, text] of cases) {
      it(`${ms} ms → "${text}"`, () => assert.strictEqual(formatDuration(ms), text));
    }
  });
});
