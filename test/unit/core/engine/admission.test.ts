import * as assert from 'assert';
import type { ProviderAdapter } from '../../../../src/core/adapters/adapter';
import { Admission } from '../../../../src/core/engine/admission';
import { budgetWaitFor, MemoryRequestLog, type RequestLog } from '../../../../src/core/engine/requestLog';
import { TaskStore } from '../../../../src/core/store';
import { ManualClock, MemoryPersistence, ScriptedAdapter } from '../fakes';

function admission(requestsPerMinute?: number, shared?: { clock: ManualClock; requestLog: RequestLog }) {
  const clock = shared?.clock ?? new ManualClock();
  const adapter = new ScriptedAdapter(clock);
  adapter.policy = { ...adapter.policy, requestsPerMinute } as ProviderAdapter['policy'];
  const store = new TaskStore(new MemoryPersistence());
  return {
    clock,
    admission: new Admission({
      clock,
      store,
      adapters: new Map([['pixapi', adapter]]),
      deadlineMs: () => 60_000,
      requestLog: shared?.requestLog,
    }),
  };
}

describe('engine admission', () => {
  it('a slot hold releases itself once, and an old hold never releases a newer one', () => {
    const { admission: slots } = admission();
    const first = slots.acquire('t1');
    assert.strictEqual(slots.sending('t1'), true);
    first.release();
    first.release();
    assert.strictEqual(slots.sending('t1'), false);
    slots.acquire('t1');
    first.release();
    assert.strictEqual(slots.sending('t1'), true, 'the stale hold left the new one alone');
    slots.holdOf('t1').release();
    assert.strictEqual(slots.sending('t1'), false);
    slots.holdOf('never-held').release();
    assert.strictEqual(slots.sending('never-held'), false);
  });

  it('paces requests past half the budget and stops them at the budget until the oldest ages out', () => {
    const { clock, admission: budget } = admission(4);
    const start = clock.now();
    assert.strictEqual(budget.budgetWait('pixapi', start), undefined);
    budget.spend('pixapi');
    budget.spend('pixapi');
    assert.strictEqual(budget.budgetTight('pixapi', start), true);
    assert.strictEqual(budget.budgetWait('pixapi', start), start + Math.ceil(61_000 / 4), 'paced at the budget\'s own rate');
    budget.spend('pixapi');
    budget.spend('pixapi');
    assert.strictEqual(budget.budgetWait('pixapi', start), start + 61_000, 'full: the oldest request of the window must age out');
  });

  it('tracks no budget for a provider without one', () => {
    const { clock, admission: budget } = admission(undefined);
    for (let i = 0; i < 100; i++) budget.spend('pixapi');
    assert.strictEqual(budget.budgetTight('pixapi', clock.now()), false);
    assert.strictEqual(budget.budgetWait('pixapi', clock.now()), undefined);
  });

  it('counts every window\'s requests in the sliding minute: two windows on one log never pass the budget together', async () => {
    const clock = new ManualClock();
    const shared = { clock, requestLog: new MemoryRequestLog() };
    const windows = [admission(10, shared).admission, admission(10, shared).admission];
    const sent: number[] = [];
    // Both windows try to send every 500 ms for three minutes, taking turns on who looks first.
    for (let step = 0; step < 360; step++) {
      for (const window of step % 2 ? windows : [...windows].reverse())
        if (window.take('pixapi', clock.now()) === undefined) sent.push(clock.now());
      await clock.advance(500);
    }
    const busiest = Math.max(...sent.map((at) => sent.filter((t) => t >= at && t < at + 60_000).length));
    assert.ok(busiest <= 10, `at most 10 requests in any minute, over both windows (${busiest})`);
    assert.ok(sent.length >= 25, `the budget is used, not wasted (${sent.length} in three minutes)`);
  });

  it('a window that lost the place it read to another window reads again and is refused or paced', () => {
    const requestLog = new MemoryRequestLog();
    const seen = requestLog.read('apixo', 10);
    assert.strictEqual(requestLog.record('apixo', seen.next, 1), true);
    assert.strictEqual(requestLog.record('apixo', seen.next, 2), false, 'the place is taken: the second window must look again');
    assert.deepStrictEqual(requestLog.read('apixo', 10), { times: [1], next: 1 });
  });

  it('budgetWaitFor: free below half, paced from half, full at the limit until the oldest ages out', () => {
    const now = 1_000_000;
    assert.strictEqual(budgetWaitFor([], 10, now), undefined);
    assert.strictEqual(
      budgetWaitFor([now - 61_000, now - 61_000, now - 61_000, now - 61_000, now - 61_000], 10, now),
      undefined,
      'older than the window',
    );
    assert.strictEqual(budgetWaitFor([now - 9000, now - 8000, now - 7000, now - 6000, now - 5000], 10, now), now - 5000 + 6100);
    assert.strictEqual(
      budgetWaitFor([now - 20_000, now - 19_000, now - 18_000, now - 17_000, now - 10_000], 10, now),
      undefined,
      'paced interval already past',
    );
    const full = Array.from({ length: 10 }, (_, i) => now - 30_000 + i * 1000);
    assert.strictEqual(budgetWaitFor(full, 10, now), now - 30_000 + 61_000);
  });
});
