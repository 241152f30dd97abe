import * as assert from 'assert';
import {
  type Batch,
  cellTasks,
  describeProgress,
  isBatchRef,
  parseStoredBatch,
  retryableCells,
  summarizeBatch,
} from '../../../../src/core/batch/batch';
import { type BatchPersistence, BatchStore } from '../../../../src/core/batch/batchStore';
import { estimateBatch, modelProblem } from '../../../../src/core/batch/modelFacts';
import type { Task, TaskState } from '../../../../src/core/task';

function batch(): Batch {
  return {
    id: 'b1',
    slug: 'a-colour-20260101-000000',
    createdAt: 1,
    template: 'a {colour}',
    variables: { colour: ['red', 'blue'] },
    rows: [{ colour: 'red' }, { colour: 'blue' }],
    models: [
      { provider: 'pixapi', model: 'gpt-image-1' },
      { provider: 'pixai', model: '1' },
    ],
    params: {},
    operation: 'generate',
    workspaceFolder: 'file:///ws',
    outputFolder: 'generated/a-colour',
    taskIds: [],
    origin: 'user',
    revision: 1,
  };
}

function task(id: string, cell: number, state: TaskState, createdAt: number, cost?: Task['cost']): Task {
  return {
    id,
    state,
    createdAt,
    origin: 'user',
    revision: 1,
    cost,
    request: {
      provider: 'pixapi',
      model: 'm',
      operation: 'generate',
      kind: 'image',
      prompt: 'p',
      params: {},
      workspaceFolder: 'file:///ws',
      batch: { id: 'b1', cell, values: {} },
    },
  };
}

describe('batches', () => {
  it('summarises the newest task of each cell: done, failed, active, not sent, and costs per unit', () => {
    const tasks = [
      task('t0', 0, 'succeeded', 1, { amount: 4, unit: 'credits' }),
      task('t1', 1, 'failed', 1),
      task('t1b', 1, 'running', 5), // a retry of cell 1: the newest stands for the cell
      task('t2', 2, 'failed', 2, { amount: 2, unit: 'credits' }),
      {
        ...task('other', 3, 'succeeded', 1),
        request: { ...task('x', 3, 'succeeded', 1).request, batch: { id: 'b2', cell: 3, values: {} } },
      },
    ];
    const summary = summarizeBatch(batch(), tasks);
    assert.deepStrictEqual(summary, {
      cells: 4,
      done: 1,
      failed: 1,
      cancelled: 0,
      active: 1,
      notSent: 1,
      cost: [{ unit: 'credits', amount: 6 }],
      finished: false,
    });
    assert.strictEqual(describeProgress(summary), '1/4 done, 1 failed, 1 not sent');
    assert.strictEqual(cellTasks(batch(), tasks).get(1)?.id, 't1b');
    assert.deepStrictEqual(retryableCells(batch(), tasks), [2, 3]);
  });

  it('reads a stored batch back and refuses a malformed one', () => {
    const stored = batch();
    assert.deepStrictEqual(parseStoredBatch(JSON.stringify(stored)), stored);
    assert.strictEqual(parseStoredBatch('{'), undefined);
    assert.strictEqual(parseStoredBatch(JSON.stringify({ ...stored, models: [{ provider: 'nope', model: 'x' }] })), undefined);
    assert.strictEqual(parseStoredBatch(JSON.stringify({ ...stored, rows: [{ colour: 3 }] })), undefined);
    assert.ok(isBatchRef({ id: 'b', cell: 0, values: { a: 'x' } }));
    assert.ok(!isBatchRef({ id: 'b', cell: -1, values: {} }));
  });

  it('persists a batch before announcing it, and each change in order', async () => {
    const saved: Batch[] = [];
    const persistence: BatchPersistence = { load: async () => [], save: async (b) => void saved.push(b), remove: async () => undefined };
    const store = new BatchStore(persistence);
    const seen: string[] = [];
    store.onDidChange((c) => seen.push(`${c.kind}:${c.batch.revision}:${saved.length}`));
    await store.add(batch());
    await Promise.all([
      store.update('b1', (b) => ({ ...b, taskIds: ['a'] })),
      store.update('b1', (b) => ({ ...b, taskIds: [...b.taskIds, 'b'] })),
    ]);
    assert.deepStrictEqual(store.get('b1')?.taskIds, ['a', 'b']);
    assert.deepStrictEqual(seen, ['added:1:1', 'changed:2:2', 'changed:3:3']);
    await store.remove('b1');
    assert.strictEqual(store.get('b1'), undefined);
  });

  it('says which models cannot do the operation', () => {
    assert.strictEqual(modelProblem('pixapi', 'gpt-image-1', 'generate'), undefined);
    assert.match(modelProblem('apixo', 'veo-3-1', 'generate') ?? '', /makes videos/);
    assert.match(modelProblem('openai', 'dall-e-3', 'edit') ?? '', /only generates from text/);
    assert.strictEqual(modelProblem('openai', 'gpt-image-1', 'edit'), undefined);
  });

  it('estimates the total, leaving tasks without a documented price out and saying so', () => {
    const priced = { provider: 'pixapi' as const, model: 'gpt-image-2', kind: 'image' as const, params: { n: 2 } };
    const unpriced = { provider: 'pixai' as const, model: '1', kind: 'image' as const, params: {} };
    const mixed = estimateBatch([priced, priced, unpriced]);
    assert.deepStrictEqual(
      [mixed.minUSD, mixed.maxUSD, mixed.unknown],
      [0.56, 0.56, 1],
      'gpt-image-2 at its default size and quality (auto: 1K, billed as high) is 14 credits an image',
    );
    assert.strictEqual(mixed.text, 'estimate: $0.56 for 2 of 3 tasks, plus 1 unknown');
    assert.strictEqual(estimateBatch([unpriced]).text, 'estimate: unknown (no documented price for these models)');
  });
});
