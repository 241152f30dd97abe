import * as assert from 'assert';
import type { SpendingGate } from '../../../../src/core/spending/gate';
import type { TaskRequest } from '../../../../src/core/task';
import { engineSetup, imageRequest, settle } from '../fakes';

/** A gate that records what the engine asks, and refuses when told to. */
function recordingGate(refuse = false) {
  const calls: string[] = [];
  let next = 0;
  const gate: SpendingGate = {
    async admit(requests: readonly TaskRequest[], origin) {
      calls.push(`admit ${requests.map((r) => r.prompt).join(',')} ${origin}`);
      if (refuse) throw new Error('Not sent: the daily spending limit is $0.20');
      return requests.map(() => `r${++next}`);
    },
    async bind(reservation, taskId) { calls.push(`bind ${reservation} ${taskId}`); },
    async release(reservation) { calls.push(`release ${reservation}`); },
  };
  return { gate, calls };
}

describe('engine: one spending check before anything is stored or sent', () => {
  it('admits each request and binds its reservation to the task before storing it', async () => {
    const { gate, calls } = recordingGate();
    const { engine, store } = engineSetup({ deps: { spending: gate, newId: () => 'task-1' } });
    const task = await engine.submit(imageRequest('one'), 'agent');
    assert.deepStrictEqual(calls, ['admit one agent', 'bind r1 task-1']);
    assert.strictEqual(store.get(task.id)?.state, 'queued');
  });

  it('a refused request stores and sends nothing', async () => {
    const { gate } = recordingGate(true);
    const { engine, store, adapter } = engineSetup({ deps: { spending: gate } });
    await assert.rejects(engine.submit(imageRequest('two')), /daily spending limit/);
    await settle();
    assert.strictEqual(store.size, 0);
    assert.strictEqual(adapter.submits.length, 0);
  });

  it('a batch admits its set once and hands each submit its reservation; a failed store releases it', async () => {
    const { gate, calls } = recordingGate();
    let id = 0;
    const { engine, persistence } = engineSetup({ deps: { spending: gate, newId: () => `t${++id}` } });
    const reservations = await engine.admit([imageRequest('a'), imageRequest('b')], 'user');
    assert.deepStrictEqual(reservations, ['r1', 'r2']);
    await engine.submit(imageRequest('a'), 'user', reservations[0]);
    persistence.save = async () => { throw new Error('disk full'); };
    await assert.rejects(engine.submit(imageRequest('b'), 'user', reservations[1]));
    assert.deepStrictEqual(calls, ['admit a,b user', 'bind r1 t1', 'bind r2 t2', 'release r2']);
  });
});
