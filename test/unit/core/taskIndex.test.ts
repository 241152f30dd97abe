import * as assert from 'assert';
import type { Task, TaskState } from '../../../src/core/task';
import { buildIndex, compactTask, isArchived, parseIndex, serializeIndex } from '../../../src/core/taskIndex';
import { imageRequest } from './fakes';

const NOW = 1_700_000_000_000;
const DAY = 86_400_000;

function task(id: string, state: TaskState, endedDaysAgo: number, prompt = `prompt ${id}`): Task {
  const endedAt = NOW - endedDaysAgo * DAY;
  return {
    id, state, origin: 'user', revision: 3, createdAt: endedAt - 60_000,
    request: { ...imageRequest(prompt), params: { size: '1024x1024' }, images: ['file:///ws/ref.png'] },
    ...(['succeeded', 'failed', 'cancelled'].includes(state) ? { endedAt } : {}),
    ...(state === 'succeeded' ? { results: [{ url: 'https://cdn.example/a.png', file: 'file:///ws/generated/a.png' }] } : {}),
    ...(state === 'failed' ? { error: { message: 'The provider reported a failure.', code: 'failed' } } : {}),
  };
}

describe('task index', () => {
  it('round-trips: what it writes it reads back, compacted, with its counts', () => {
    const tasks = [task('a', 'running', 0), task('b', 'succeeded', 1, 'first line\nsecond line'), task('c', 'failed', 2)];
    const index = buildIndex(tasks, NOW, 30, 200);
    const read = parseIndex(serializeIndex(index));
    assert.ok(read);
    assert.deepStrictEqual(read, index);
    assert.deepStrictEqual(read.tasks.map((t) => t.id), ['a', 'b', 'c'], 'unfinished first, then newest finished first');
    assert.deepStrictEqual([read.finished, read.archived], [2, 0]);
    const b = read.tasks[1];
    assert.strictEqual(b.request.prompt, 'first line', 'only the first line of the prompt');
    assert.deepStrictEqual([b.request.params, b.request.images], [{}, undefined], 'no parameters or references');
    assert.deepStrictEqual(
      [b.results, b.state, b.endedAt, b.revision],
      [tasks[1].results, 'succeeded', tasks[1].endedAt, 3],
      'what a row shows is kept',
    );
    assert.deepStrictEqual(read.tasks[2].error, { message: 'The provider reported a failure.', code: 'failed' });
  });

  it('counts finished tasks older than the setting as archived and leaves them out; unfinished ones never are', () => {
    const tasks = [task('old-done', 'succeeded', 40), task('old-running', 'running', 0), task('new-done', 'cancelled', 3)];
    const stale = { ...tasks[1], createdAt: NOW - 90 * DAY };
    const index = buildIndex([tasks[0], stale, tasks[2]], NOW, 30, 200);
    assert.deepStrictEqual(index.tasks.map((t) => t.id), ['old-running', 'new-done']);
    assert.deepStrictEqual([index.finished, index.archived], [1, 1]);
    assert.strictEqual(isArchived(tasks[0], NOW, 0), false, '0 days: never archived');
    assert.strictEqual(isArchived(tasks[0], NOW, 41), false);
    assert.strictEqual(isArchived(tasks[0], NOW, 39), true);
  });

  it('keeps every unfinished task but only the newest finished ones, counting the rest', () => {
    const tasks = [...Array.from({ length: 500 }, (_, i) => task(`done-${i}`, 'succeeded', i / 100)), task('q', 'queued', 0)];
    const index = buildIndex(tasks, NOW, 30, 200);
    assert.strictEqual(index.tasks.length, 201);
    assert.deepStrictEqual([index.tasks[0].id, index.tasks[1].id, index.tasks[200].id], ['q', 'done-0', 'done-199']);
    assert.deepStrictEqual([index.finished, index.archived], [500, 0]);
    assert.ok(serializeIndex(index).length < 200 * 1024, `a few hundred bytes a task (${serializeIndex(index).length} bytes)`);
  });

  it('reads a corrupt or foreign index as no index at all', () => {
    const good = JSON.parse(serializeIndex(buildIndex([task('a', 'succeeded', 1)], NOW, 30, 200))) as Record<string, unknown>;
    assert.ok(parseIndex(JSON.stringify(good)));
    for (const bad of [
      '', '{"version":1,"tasks":[', 'null', '[]',
      JSON.stringify({ ...good, version: 2 }),
      JSON.stringify({ ...good, archived: -1 }),
      JSON.stringify({ ...good, tasks: [{ id: 'x' }] }),
      JSON.stringify({ ...good, tasks: 'a' }),
    ]) assert.strictEqual(parseIndex(bad), undefined, bad.slice(0, 60));
  });

  it('compacts a long prompt to a bounded head', () => {
    const long = compactTask(task('a', 'succeeded', 1, 'x'.repeat(5000)));
    assert.strictEqual(long.request.prompt.length, 200);
  });
});
