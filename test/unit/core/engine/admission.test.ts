import * as assert from 'assert';
import type { ProviderAdapter } from '../../../../src/core/adapters/adapter';
import { Admission } from '../../../../src/core/engine/admission';
import { TaskStore } from '../../../../src/core/store';
import { ManualClock, MemoryPersistence, ScriptedAdapter } from '../fakes';

function admission(requestsPerMinute?: number) {
  const clock = new ManualClock();
  const adapter = new ScriptedAdapter(clock);
  adapter.policy = { ...adapter.policy, requestsPerMinute } as ProviderAdapter['policy'];
  const store = new TaskStore(new MemoryPersistence());
  return { clock, admission: new Admission({ clock, store, adapters: new Map([['pixapi', adapter]]), deadlineMs: () => 60_000 }) };
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
});
