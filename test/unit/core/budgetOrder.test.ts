/** Who gets the next request under a tight per-minute budget: the ordering logic, not its timing. */
import * as assert from 'assert';
import { apixoPolicy } from '../../../src/core/adapters/apixo';
import {
  type BudgetCandidate,
  checkPriority,
  EARLY_CHECK_SHARE,
  orderForBudget,
  worthCheckingEarly,
  worthCheckingFromAgeMs,
} from '../../../src/core/budgetOrder';
import { MemoryRequestLog } from '../../../src/core/engine/requestLog';
import type { RemoteStatus } from '../../../src/core/task';
import { engineSetup, imageRequest } from './fakes';

const EARLIEST = { image: 5000, video: 60_000 } as const;
const check = (
  name: string,
  kind: 'image' | 'video',
  ageMs: number,
  checkedAtAgeMs: number,
  dueAt = 0,
): BudgetCandidate & { name: string } => ({ name, action: 'poll', kind, ageMs, checkedAtAgeMs, dueAt });
const names = (items: readonly { name: string }[]) => items.map((i) => i.name);

describe('budget order', () => {
  it('sends a submit before any check, however overdue', () => {
    const submit = { name: 'submit', action: 'submit' as const, kind: 'image' as const, ageMs: 0, checkedAtAgeMs: 0, dueAt: 50 };
    const ordered = orderForBudget(
      [check('old video', 'video', 590_000, 500_000, 1), submit, check('image', 'image', 60_000, 30_000, 2)],
      (c) => c,
      EARLIEST,
    );
    assert.strictEqual(ordered[0].name, 'submit');
  });

  it('checks a task that could be done before one that has just started, even if the young one was due first', () => {
    const ordered = orderForBudget(
      [check('video just started', 'video', 30_000, 0, 1), check('video near its end', 'video', 400_000, 370_000, 2)],
      (c) => c,
      EARLIEST,
    );
    assert.deepStrictEqual(names(ordered), ['video near its end', 'video just started']);
    assert.strictEqual(
      checkPriority(check('image at 4 s', 'image', 4000, 0), EARLIEST.image),
      0,
      "an image younger than Apixo's ~5 s cannot be done yet",
    );
  });

  it('among tasks that could be done, the one unseen for the largest share of its age goes first', () => {
    // 30 s unseen of 300 s (10 %) beats 3 s unseen of 60 s (5 %), and 15 s of 100 s (15 %) beats both.
    const ordered = orderForBudget(
      [
        check('image 60 s', 'image', 60_000, 57_000),
        check('video 300 s', 'video', 300_000, 270_000),
        check('video 100 s', 'video', 100_000, 85_000),
      ],
      (c) => c,
      EARLIEST,
    );
    assert.deepStrictEqual(names(ordered), ['video 100 s', 'video 300 s', 'image 60 s']);
  });

  it('keeps due order for equal ranks, and for a provider that documents no ready times', () => {
    const items = [check('b', 'image', 60_000, 30_000, 2), check('a', 'video', 400_000, 0, 1), check('c', 'image', 1000, 0, 3)];
    assert.deepStrictEqual(names(orderForBudget(items, (c) => c)), ['a', 'b', 'c']);
    assert.deepStrictEqual(
      names(orderForBudget([check('late', 'image', 2000, 0, 9), check('early', 'image', 3000, 0, 4)], (c) => c, EARLIEST)),
      ['early', 'late'],
      'neither can be done yet: due order',
    );
  });

  it('a check not yet due is worth a free place once the task has gone unseen for 5 % of its age', () => {
    assert.strictEqual(EARLY_CHECK_SHARE, 0.05);
    // Seen at 300 s: worth it from 300 / 0.95 ≈ 315.8 s, when 15.8 s of its 315.8 s are unseen.
    assert.strictEqual(worthCheckingFromAgeMs(300_000, EARLIEST.video), 315_790);
    assert.strictEqual(worthCheckingEarly(check('video', 'video', 315_789, 300_000), EARLIEST.video), false);
    assert.strictEqual(worthCheckingEarly(check('video', 'video', 315_790, 300_000), EARLIEST.video), true);
    assert.strictEqual(
      worthCheckingEarly(check('young video', 'video', 59_000, 0), EARLIEST.video),
      false,
      'never before the kind can be ready, however long unseen',
    );
    const submit = { action: 'submit' as const, kind: 'image' as const, ageMs: 60_000, checkedAtAgeMs: 0, dueAt: 0 };
    assert.strictEqual(worthCheckingEarly(submit, EARLIEST.image), false, 'a submit is never sent early');
  });

  describe('in the engine, with a tight budget and nothing due', () => {
    const RUNNING: RemoteStatus = { state: 'running', remoteState: 'processing' };
    const video = { ...imageRequest('a video'), kind: 'video' as const, operation: 'video' as const };

    /** A video whose first check (at ~60 s) goes while another window has spent half of the budget; the next check's time. */
    async function secondCheckAfterFirst(plan: 'pro' | 'free'): Promise<{ first: number; second: number }> {
      const requestLog = new MemoryRequestLog();
      const s = engineSetup({ deps: { requestLog } });
      s.adapter.policy = apixoPolicy(plan);
      const checks: number[] = [];
      s.adapter.poll = async () => { checks.push(s.clock.now()); return RUNNING; };
      const start = s.clock.now();
      await s.engine.submit(video);
      await s.clock.advance(59_000);
      // Another window on the workspace spends half of the plan's minute just before the first check.
      const limit = apixoPolicy(plan).requestsPerMinute ?? 0;
      for (let i = 0; i < limit / 2; i++) assert.ok(requestLog.record('pixapi', requestLog.read('pixapi', 1).next, s.clock.now()));
      await s.clock.advance(40_000);
      assert.ok(checks.length >= 2, `checked twice by 99 s: ${checks.map((t) => t - start).join(', ')}`);
      return { first: checks[0] - start, second: checks[1] - start };
    }

    it('on Apixo Pro (paced 1 s), spends a free place on a video unseen for 5 % of its age before its due time', async () => {
      const { first, second } = await secondCheckAfterFirst('pro');
      // Due 15 s after the first check (Apixo's video interval); worth a free place at first / 0.95, past the 3 s floor.
      assert.ok(second >= first + 3000 && second >= Math.ceil(first / (1 - EARLY_CHECK_SHARE)), `second check at ${second} ms`);
      assert.ok(second < first + 5000, `second check at ${second} ms, not at its due ${first + 15_000} ms`);
    });

    it("on Apixo Free (paced 6 s, beyond the 3 s floor), leaves the place to the due checks: the video waits for its time", async () => {
      const { first, second } = await secondCheckAfterFirst('free');
      assert.ok(second >= first + 15_000, `second check at ${second} ms, first at ${first} ms`);
    });
  });

  describe('in the engine, on Apixo Free (10 requests a minute)', () => {
    const RUNNING: RemoteStatus = { state: 'running', remoteState: 'processing' };
    const DONE: RemoteStatus = { state: 'succeeded', remoteState: 'success', results: [{ url: 'https://cdn.example/done.png' }] };

    it('sends a queued task as soon as a slot frees, before the checks that are waiting for the budget', async () => {
      const { engine, adapter, clock } = setup(3);
      const log: string[] = [];
      // The first task (r1) is done at its first check; r2 and r3 keep running.
      adapter.poll = async (_api, task) => { log.push(`check ${task.remoteId}`); return task.remoteId === 'r1' ? DONE : RUNNING; };
      const submit = adapter.submit.bind(adapter);
      adapter.submit = async (context, request) => { log.push(`submit ${request.prompt}`); return submit(context, request); };
      for (let i = 0; i < 4; i++) await engine.submit(imageRequest(`p${i}`));
      await clock.advance(60_000);
      // At 5 s all three first checks are due; the budget lets r1's and r2's go, r3's waits for the budget.
      // r1 is done, its slot frees, and the fourth task's submit goes ahead of r3's waiting check.
      assert.deepStrictEqual(log.slice(0, 5), ['submit p0', 'submit p1', 'submit p2', 'check r1', 'check r2']);
      assert.ok(
        log.indexOf('submit p3') >= 0 && log.indexOf('submit p3') < log.indexOf('check r3'),
        `the submit went before the waiting check: ${log.join(', ')}`,
      );
      assert.ok(log.slice(log.indexOf('submit p3')).includes('check r2'), 'the running tasks are still checked after it');
    });

    it('with the budget tight, spends the next request on a task that could be done rather than one that cannot be yet', async () => {
      // 30 a minute: one task checked every 3 s keeps it past half (tight, so paced) without exhausting it.
      const { engine, adapter, clock } = setup(3, 30);
      const checks: { prompt: string; at: number }[] = [];
      adapter.poll = async (_api, task) => { checks.push({ prompt: task.request.prompt, at: clock.now() }); return RUNNING; };
      await engine.submit(imageRequest('older'));
      await clock.advance(40_000);
      await engine.submit(imageRequest('younger'));
      const sent = clock.now();
      await clock.advance(5000);
      // Apixo's images are not ready before ~5 s: for that long the younger task never takes a request from the older.
      const during = checks.filter((c) => c.at > sent && c.at < sent + 5000);
      assert.ok(during.length >= 1, `the older task was still checked (${checks.map((c) => c.prompt).join(', ')})`);
      assert.deepStrictEqual([...new Set(during.map((c) => c.prompt))], ['older']);
      await clock.advance(10_000);
      assert.ok(checks.some((c) => c.prompt === 'younger'), 'and the younger one is checked once it could be done');
    });
  });
});

function setup(maxActive: number, requestsPerMinute?: number) {
  const s = engineSetup({ maxActive });
  s.adapter.policy = { ...apixoPolicy('free'), ...(requestsPerMinute ? { requestsPerMinute } : {}) };
  return s;
}
