import * as assert from 'assert';
import * as fs from 'fs';
import * as vscode from 'vscode';
import { TaskStore, type TaskPersistence } from '../../src/core/store';
import type { Task } from '../../src/core/task';
import { buildIndex, parseIndex } from '../../src/core/taskIndex';
import { TasksView } from '../../src/host/tasksView';
import { testHooksOf } from '../../src/host/testHooks';
import { activateExtension, EXTENSION_ID, workspaceFolder } from './helpers';

describe('startup timings (the API field the activation benchmark reads)', () => {
  it('reports the time in activate() and when the stored tasks were read, in order', async () => {
    const api = await activateExtension();
    await api.listTasks(); // resolves once the stored tasks are read
    const { activateMs, tasksLoadedMs, tasksLoaded } = api.startup;
    assert.ok(Number.isFinite(activateMs) && activateMs > 0, `activateMs ${activateMs}`);
    assert.ok(tasksLoadedMs !== undefined && tasksLoadedMs >= activateMs, `tasksLoadedMs ${tasksLoadedMs} after activateMs ${activateMs}`);
    assert.ok(Number.isInteger(tasksLoaded) && (tasksLoaded as number) >= 0, `tasksLoaded ${tasksLoaded}`);
  });
});

const DAY = 86_400_000;

function stored(id: string, state: Task['state'], endedDaysAgo: number): Task {
  const endedAt = Date.now() - endedDaysAgo * DAY;
  return {
    id,
    state,
    origin: 'user',
    revision: 2,
    createdAt: endedAt - 60_000,
    ...(state === 'running' ? {} : { endedAt }),
    request: {
      provider: 'pixapi',
      model: 'gpt-image-1',
      operation: 'generate',
      kind: 'image',
      prompt: `stored task ${id}\nmore`,
      params: {},
      workspaceFolder: workspaceFolder().toString(),
    },
  };
}

/** Task files whose reading finishes only when the test says so. */
class SlowFiles implements TaskPersistence {
  private release: () => void = () => undefined;
  private readonly gate = new Promise<void>((resolve) => (this.release = resolve));
  constructor(private readonly tasks: Task[]) {}
  finish(): void { this.release(); }
  async load(): Promise<Task[]> { await this.gate; return this.tasks; }
  async save(): Promise<void> {}
  async remove(): Promise<void> {}
}

describe('the Tasks view before the task files are read', () => {
  it('lists the first rows from the task index at once, then every task from the files, none lost', async () => {
    const tasks = [stored('r', 'running', 0), stored('new', 'succeeded', 1), stored('mid', 'failed', 2), stored('old', 'succeeded', 40)];
    // The index was written before the last task was added (by another window, say): it has three of the four.
    const index = buildIndex(tasks.slice(0, 3), Date.now(), 30, 200);
    const files = new SlowFiles(tasks);
    const store = new TaskStore(files);
    const view = new TasksView(store, () => 30);
    try {
      view.showIndex(Promise.resolve(index));
      const loading = store.load();
      assert.deepStrictEqual(await view.getChildren(), ['r', 'new', 'mid'], 'the index\'s rows while the files are read');
      const item = view.getTreeItem('new');
      assert.strictEqual(item.label, 'stored task new');
      assert.match(String(item.description), /Pixapi gpt-image-1/);
      assert.strictEqual(store.size, 0, 'the task files are still being read');
      const pageUnder = view.getChildren('mediaStudio.archivedTasks:0');
      files.finish();
      await loading;
      view.showLoaded();
      assert.deepStrictEqual(
        await view.getChildren(),
        ['r', 'new', 'mid', 'mediaStudio.archivedTasks:0'],
        'from the files: the archived task has its row',
      );
      assert.deepStrictEqual(await pageUnder, ['old'], 'a page asked for early waited for the files');
      assert.strictEqual(view.getTreeItem('mediaStudio.archivedTasks:0').label, 'Archived (1)');
      assert.strictEqual(view.getParent('old'), 'mediaStudio.archivedTasks:0', 'Search Tasks can reveal it');
    } finally {
      view.dispose();
      store.dispose();
    }
  });

  it('without an index waits for the files, as before', async () => {
    const files = new SlowFiles([stored('a', 'succeeded', 0)]);
    const store = new TaskStore(files);
    const view = new TasksView(store, () => 30);
    try {
      view.showIndex(Promise.resolve(undefined));
      assert.deepStrictEqual(await view.getChildren(), []);
      files.finish();
      await store.load();
      view.showLoaded();
      assert.deepStrictEqual(await view.getChildren(), ['a']);
    } finally {
      view.dispose();
      store.dispose();
    }
  });

  it('keeps the index beside the task files in step with the store, and Search Tasks finds a task by its prompt', async () => {
    const api = await activateExtension();
    const hooks = testHooksOf(vscode.extensions.getExtension(EXTENSION_ID)?.exports);
    assert.ok(hooks?.taskIndex, 'the task folder is on this host\'s disk');
    const all = await api.listTasks();
    await hooks.taskIndex.flush();
    const index = parseIndex(fs.readFileSync(hooks.taskIndex.file, 'utf8'));
    assert.ok(index, 'the index is there and readable');
    const expected = buildIndex(all, Date.now(), 30, 200);
    assert.deepStrictEqual(index.tasks.map((t) => t.id), expected.tasks.map((t) => t.id));
    assert.deepStrictEqual([index.finished, index.archived], [expected.finished, expected.archived]);
    const target = all[0];
    if (target) {
      const found = await vscode.commands.executeCommand<string[]>('mediaStudio.searchTasks', {
        query: target.request.prompt.split(/\s+/).slice(0, 3).join(' '),
      });
      assert.ok(found?.includes(target.id), `found ${found?.length} tasks`);
    }
  });
});
