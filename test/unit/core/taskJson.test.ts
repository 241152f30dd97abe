/** parseStoredTask: task files on disk are untrusted and must read back exactly or not at all. */
import * as assert from 'assert';
import type { Task } from '../../../src/core/task';
import { parseStoredTask } from '../../../src/core/taskJson';

function validTask(): Task {
  return {
    id: 'task-1',
    request: {
      provider: 'pixapi',
      model: 'gpt-image-2',
      operation: 'generate',
      kind: 'image',
      prompt: 'a red bicycle',
      params: { size: '1024x1024', n: 2, hd: true },
      sync: false,
      workspaceFolder: 'file:///ws',
    },
    state: 'succeeded',
    remoteId: 'task_01HZ',
    remoteState: 'completed',
    progress: 100,
    createdAt: 1_700_000_000_000,
    submittedAt: 1_700_000_000_100,
    startedAt: 1_700_000_001_000,
    endedAt: 1_700_000_005_000,
    lastCheckedAt: 1_700_000_005_000,
    cost: { amount: 8, unit: 'credits' },
    results: [{ url: 'https://cdn.example/r/1.png', file: 'file:///ws/generated/a.png', savedAt: 1_700_000_006_000 }],
    origin: 'agent',
    revision: 7,
  };
}

/** The stored request object of a stored task (a plain JSON object in these tests). */
function req(task: Record<string, unknown>): Record<string, unknown> {
  return task.request as Record<string, unknown>;
}

/** The valid task as a plain JSON object, with `change` applied (undefined values are dropped by JSON). */
function storedText(change: (task: Record<string, unknown>) => void): string {
  const task = JSON.parse(JSON.stringify(validTask())) as Record<string, unknown>;
  change(task);
  return JSON.stringify(task);
}

describe('core/taskJson: parseStoredTask', () => {
  it('round-trips a valid task', () => {
    const task = validTask();
    assert.deepStrictEqual(parseStoredTask(JSON.stringify(task)), task);
    assert.deepStrictEqual(parseStoredTask(JSON.stringify(task, null, 2)), task, 'pretty-printed too');
  });

  it('reads every state', () => {
    for (const state of ['queued', 'submitting', 'unconfirmed', 'submitted', 'running', 'succeeded', 'failed', 'cancelled', 'stale']) {
      assert.strictEqual(parseStoredTask(storedText((t) => { t.state = state; }))?.state, state);
    }
  });

  it('rejects truncated or non-JSON text', () => {
    const text = JSON.stringify(validTask());
    for (const cut of [0, 1, 10, Math.floor(text.length / 2), text.length - 1]) {
      assert.strictEqual(parseStoredTask(text.slice(0, cut)), undefined, `cut at ${cut}`);
    }
    assert.strictEqual(parseStoredTask('not json'), undefined);
  });

  it('rejects JSON that is not a task object', () => {
    for (const text of ['null', '42', '"task"', '[]', '[{"id":"task-1"}]', '{}', 'true']) {
      assert.strictEqual(parseStoredTask(text), undefined, text);
    }
  });

  it('rejects malformed result items, times, cost and error (each would break resume or the poller)', () => {
    const broken: ReadonlyArray<[string, (t: Record<string, unknown>) => void]> = [
      ['results: [null]', (t) => { t.results = [null]; }],
      ['a result item that is a string', (t) => { t.results = ['https://cdn/x.png']; }],
      ['a result url that is a number', (t) => { t.results = [{ url: 5 }]; }],
      ['a result placing without a file', (t) => { t.results = [{ url: 'https://cdn/x.png', placing: { size: 1 } }]; }],
      ['lastCheckedAt a string', (t) => { t.lastCheckedAt = 'soon'; }],
      ['submittedAt a string', (t) => { t.submittedAt = '2024'; }],
      ['endedAt null', (t) => { t.endedAt = null; }],
      ['cost a number', (t) => { t.cost = 8; }],
      ['cost with an unknown unit', (t) => { t.cost = { amount: 8, unit: 'EUR' }; }],
      ['error a string', (t) => { t.error = 'boom'; }],
      ['images not a list of strings', (t) => { req(t).images = [1]; }],
    ];
    for (const [label, change] of broken) assert.strictEqual(parseStoredTask(storedText(change)), undefined, label);
  });

  it('rejects wrong types and missing fields', () => {
    const broken: ReadonlyArray<[string, (t: Record<string, unknown>) => void]> = [
      ['id missing', (t) => { delete t.id; }],
      ['id empty', (t) => { t.id = ''; }],
      ['id a number', (t) => { t.id = 1; }],
      ['createdAt a string', (t) => { t.createdAt = '2024-01-01'; }],
      ['revision missing', (t) => { delete t.revision; }],
      ['request missing', (t) => { delete t.request; }],
      ['request a string', (t) => { t.request = 'pixapi'; }],
      ['model a number', (t) => { req(t).model = 2; }],
      ['prompt missing', (t) => { delete req(t).prompt; }],
      ['kind audio', (t) => { req(t).kind = 'audio'; }],
      ['workspaceFolder missing', (t) => { delete req(t).workspaceFolder; }],
      ['results an object', (t) => { t.results = { url: 'x' }; }],
      ['remoteId a number', (t) => { t.remoteId = 12; }],
    ];
    for (const [what, change] of broken) assert.strictEqual(parseStoredTask(storedText(change)), undefined, what);
  });

  it('rejects unknown states and providers', () => {
    assert.strictEqual(parseStoredTask(storedText((t) => { t.state = 'done'; })), undefined);
    assert.strictEqual(parseStoredTask(storedText((t) => { t.state = 3; })), undefined);
    assert.strictEqual(parseStoredTask(storedText((t) => { req(t).provider = 'midjourney'; })), undefined);
    assert.strictEqual(parseStoredTask(storedText((t) => { delete req(t).provider; })), undefined);
  });

  it('fills defaults: params {} and origin "user"', () => {
    const task = parseStoredTask(storedText((t) => {
      delete req(t).params;
      delete t.origin;
    }));
    assert.ok(task);
    assert.deepStrictEqual(task.request.params, {});
    assert.strictEqual(task.origin, 'user');
    assert.strictEqual(task.request.prompt, 'a red bicycle', 'the rest is kept');
    const nullParams = parseStoredTask(storedText((t) => { req(t).params = null; }));
    assert.deepStrictEqual(nullParams?.request.params, {});
  });

  it('keeps a stored origin and optional fields that are absent', () => {
    const task = parseStoredTask(storedText((t) => {
      delete t.results;
      delete t.remoteId;
    }));
    assert.ok(task);
    assert.strictEqual(task.origin, 'agent');
    assert.strictEqual(task.results, undefined);
    assert.strictEqual(task.remoteId, undefined);
  });

  describe('found by review', () => {
  it('rejects an unknown or missing operation', () => {
    assert.strictEqual(parseStoredTask(storedText((t) => { req(t).operation = 'upscale'; })), undefined);
    assert.strictEqual(parseStoredTask(storedText((t) => { delete req(t).operation; })), undefined);
  });

  it('rejects params that are not an object of JSON values, and keeps objects and lists (PixAI lora)', () => {
    for (const params of ['size=1024x1024', ['1024x1024'], 7, { nested: { a: null } }]) {
      assert.strictEqual(parseStoredTask(storedText((t) => { req(t).params = params; })), undefined, JSON.stringify(params));
    }
    assert.deepStrictEqual(
      parseStoredTask(
        storedText((t) => {
          req(t).params = { loras: [{ path: 'a', scale: 1 }] };
        }),
      )?.request.params,
      { loras: [{ path: 'a', scale: 1 }] },
    );
    assert.deepStrictEqual(
      parseStoredTask(
        storedText((t) => {
          req(t).extra = { lora: { '7': 0.5 } };
        }),
      )?.request.extra,
      { lora: { '7': 0.5 } },
    );
    assert.strictEqual(parseStoredTask(storedText((t) => { req(t).extra = 'seed=1'; })), undefined);
  });

  it('rejects an unknown origin', () => {
    assert.strictEqual(parseStoredTask(storedText((t) => { t.origin = 'somebody'; })), undefined);
  });
  });
});
