/**
 * The commands on one task (as the Tasks view's context menus run them: with the task id, the tree's element),
 * the Tasks view itself (through its data provider and tree view), and the status-bar item.
 */
import * as assert from 'assert';
import * as vscode from 'vscode';
import type { MediaStudioApi, Task, TaskState } from '../../src/api';
import { testHooksOf, type TestHooks } from '../../src/host/testHooks';
import { activateExtension, DEFAULT_TIMING, emulator, freshEmulator, fileOf, run, setKeys, submitsOf, waitForTask } from './helpers';

/** Tasks that start running at once and keep running for a few seconds. */
const RUNNING_FOR_A_WHILE = { image: { queueMs: 0, runMs: 6000 }, video: { queueMs: 0, runMs: 6000 } };
/** Long enough for three providers' first checks and the assertions on them. */
const RUNNING_LONGER = { image: { queueMs: 0, runMs: 15_000 }, video: { queueMs: 0, runMs: 15_000 } };
/** States the poller is working on (a stale or unconfirmed task waits for the user and changes by itself no more). */
const POLLED: readonly TaskState[] = ['queued', 'submitting', 'submitted', 'running'];
const ACTIVE: readonly TaskState[] = ['queued', 'submitting', 'submitted', 'running', 'unconfirmed', 'stale'];
const TERMINAL: readonly TaskState[] = ['succeeded', 'failed', 'cancelled'];

function tokens(item: vscode.TreeItem): string[] {
  return (item.contextValue ?? '').split(' ');
}

function iconId(item: vscode.TreeItem): string | undefined {
  return item.iconPath instanceof vscode.ThemeIcon ? item.iconPath.id : undefined;
}

/** Resolves once `check` holds, checked now and after each event (no sleeps). */
function when<T>(event: vscode.Event<T>, check: () => boolean): Promise<void> {
  return new Promise((resolve) => {
    if (check()) return resolve();
    const subscription = event(() => {
      if (!check()) return;
      subscription.dispose();
      resolve();
    });
  });
}

describe('Task commands, the Tasks view and the status bar', function () {
  let api: MediaStudioApi;
  let hooks: TestHooks;
  const control = emulator();
  let since = 0;
  let unique = 0;
  /** A prompt no other test uses, so the emulator's log can be counted per prompt. */
  const promptFor = (text: string) => `${text} #${Date.now()}-${unique++}`;

  before(async () => {
    api = await activateExtension();
    await setKeys();
    const found = testHooksOf(api);
    assert.ok(found, 'the extension hands out its test hooks when VS Code runs extension tests');
    hooks = found;
    // Tasks an earlier suite left running would change the view, the badge and the status bar under these tests.
    await Promise.all((await api.listTasks()).filter((t) => POLLED.includes(t.state)).map((t) => api.waitForTask(t.id)));
  });
  beforeEach(async () => {
    since = await freshEmulator(control);
  });
  after(async () => {
    await control.configure({ timing: DEFAULT_TIMING });
  });

  async function finished(command: string, args: Record<string, unknown>): Promise<Task> {
    const [id] = await run(command, args);
    return api.waitForTask(id);
  }

  async function running(command: string, args: Record<string, unknown>): Promise<Task> {
    const [id] = await run(command, args);
    const task = await waitForTask(api, id, (t) => !['queued', 'submitting', 'submitted'].includes(t.state));
    assert.strictEqual(task.state, 'running', `${task.request.prompt}: ${task.error?.message ?? ''}`);
    return task;
  }

  describe('commands on one task', () => {
    it('Retry submits a failed task again as a new task with the same request, only when asked; the failed one stays as it was', async () => {
      const prompt = promptFor('retry me [fail]');
      const failed = await finished('mediaStudio.generateImage', { prompt, model: 'gpt-image-2' });
      assert.strictEqual(failed.state, 'failed');
      assert.strictEqual(await submitsOf(prompt, since), 1, 'a failed task is not sent again by itself');
      assert.strictEqual((await api.listTasks()).filter((t) => t.request.prompt === prompt).length, 1);
      assert.ok(tokens(hooks.tasksView.getTreeItem(failed.id) as vscode.TreeItem).includes('retry'), 'the failed task offers Retry');

      const ids = await vscode.commands.executeCommand<string[]>('mediaStudio.retry', failed.id);
      assert.ok(Array.isArray(ids) && ids.length === 1, `retry returned ${JSON.stringify(ids)}`);
      assert.notStrictEqual(ids[0], failed.id);
      const retried = await api.waitForTask(ids[0]);
      assert.deepStrictEqual(retried.request, failed.request);
      assert.ok(retried.remoteId && retried.remoteId !== failed.remoteId, 'a new task at the provider');
      assert.deepStrictEqual(await api.getTask(failed.id), failed, 'the failed task is untouched');
      assert.strictEqual(await submitsOf(prompt, since), 2, 'one submit for the task, one for the retry');
    });

    it('Retry refuses a task that succeeded (sends nothing)', async () => {
      const prompt = promptFor('do not retry');
      const done = await finished('mediaStudio.generateImage', { prompt });
      assert.strictEqual(done.state, 'succeeded', done.error?.message);
      // As an argument object, so the refusal comes back to the caller instead of only as a notification.
      await assert.rejects(
        Promise.resolve(vscode.commands.executeCommand('mediaStudio.retry', { id: done.id })),
        /Only failed, cancelled or unconfirmed tasks can be retried/,
      );
      assert.strictEqual(await submitsOf(prompt, since), 1);
    });

    it('Copy Prompt puts the task\'s prompt on the clipboard', async () => {
      const prompt = promptFor('a prompt to copy, with "quotes" and ünïcode');
      const task = await finished('mediaStudio.generateImage', { prompt });
      await vscode.env.clipboard.writeText('something else');
      await vscode.commands.executeCommand('mediaStudio.copyPrompt', task.id);
      assert.strictEqual(await vscode.env.clipboard.readText(), prompt);
    });

    it('Open Result opens the saved file; Reveal in Explorer finds it, and refuses a task without one', async () => {
      const task = await finished('mediaStudio.generateImage', { prompt: promptFor('open me') });
      assert.strictEqual(task.state, 'succeeded', task.error?.message);
      const file = fileOf(task.results?.[0].file);
      const item = hooks.tasksView.getTreeItem(task.id) as vscode.TreeItem;
      assert.deepStrictEqual(item.command?.command, 'mediaStudio.openResult', 'a click on the row opens the result');
      assert.deepStrictEqual(item.command?.arguments, [task.id]);

      await vscode.commands.executeCommand('mediaStudio.openResult', task.id);
      const activeUri = () => {
        const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
        return input && typeof input === 'object' && 'uri' in input ? (input as { uri: vscode.Uri }).uri.toString() : undefined;
      };
      await when(vscode.window.tabGroups.onDidChangeTabs, () => activeUri() === file.toString());
      assert.strictEqual(activeUri(), file.toString());
      await vscode.commands.executeCommand('workbench.action.closeActiveEditor');

      // As argument objects, so a failure would come back here rather than only as a notification.
      await vscode.commands.executeCommand('mediaStudio.revealResult', { id: task.id });
      const failed = await finished('mediaStudio.generateImage', { prompt: promptFor('nothing to reveal [fail]') });
      await assert.rejects(
        Promise.resolve(vscode.commands.executeCommand('mediaStudio.revealResult', { id: failed.id })),
        /no saved result/,
      );
      await assert.rejects(Promise.resolve(vscode.commands.executeCommand('mediaStudio.openResult', { id: failed.id })), /no saved result/);
    });

    it('Remove removes one task; Clear Finished removes only finished ones', async () => {
      const done = await finished('mediaStudio.generateImage', { prompt: promptFor('remove me') });
      const failed = await finished('mediaStudio.generateImage', { prompt: promptFor('clear me [fail]') });
      const alsoDone = await finished('mediaStudio.generateImage', { prompt: promptFor('clear me too') });
      await control.configure({ timing: RUNNING_FOR_A_WHILE });
      const busy = await running('mediaStudio.generateImage', { prompt: promptFor('keep me running') });

      const before = (await api.listTasks()).map((t) => t.id);
      assert.ok(!tokens(hooks.tasksView.getTreeItem(busy.id) as vscode.TreeItem).includes('open'));
      await vscode.commands.executeCommand('mediaStudio.remove', done.id);
      const afterRemove = (await api.listTasks()).map((t) => t.id);
      assert.deepStrictEqual(afterRemove, before.filter((id) => id !== done.id), 'exactly that one task is gone');

      const listed = await api.listTasks();
      const cleared = await vscode.commands.executeCommand<number>('mediaStudio.clearFinished');
      const left = await api.listTasks();
      const leftIds = left.map((t) => t.id);
      assert.ok(!leftIds.includes(failed.id) && !leftIds.includes(alsoDone.id), 'finished tasks are cleared');
      assert.ok(leftIds.includes(busy.id), 'the running task stays');
      const removed = listed.filter((t) => !leftIds.includes(t.id));
      assert.deepStrictEqual(
        removed.filter((t) => !TERMINAL.includes(t.state)).map((t) => `${t.request.prompt}: ${t.state}`),
        [],
        'only finished tasks were removed',
      );
      assert.strictEqual(cleared, removed.length);
      assert.strictEqual((await api.waitForTask(busy.id)).state, 'succeeded');
    });

    it('Refresh checks a stale task again at once', async () => {
      await control.configure({ timing: RUNNING_FOR_A_WHILE });
      const task = await running('mediaStudio.generateImage', { prompt: promptFor('gone stale') });
      // A deadline already past: the next check marks the task stale, and the poller stops asking.
      const deadline = hooks.deadlines.image;
      hooks.deadlines.image = 0;
      let stale: Task;
      try {
        stale = await waitForTask(api, task.id, (t) => t.state !== 'running');
      } finally {
        hooks.deadlines.image = deadline;
      }
      assert.strictEqual(stale.state, 'stale', stale.error?.message);
      assert.ok(tokens(hooks.tasksView.getTreeItem(task.id) as vscode.TreeItem).includes('refresh'), 'a stale task offers Refresh');
      const statusChecks = async (after: number) =>
        (await control.requests(after)).filter((r) => r.method === 'GET' && r.path === `/v1/tasks/${task.remoteId}`).length;
      const beforeRefresh = (await control.requests(since)).reduce((max, r) => Math.max(max, r.seq), since);

      await vscode.commands.executeCommand('mediaStudio.refresh', task.id);
      const done = await api.waitForTask(task.id);
      assert.strictEqual(done.state, 'succeeded', done.error?.message);
      assert.ok((await statusChecks(beforeRefresh)) >= 1, 'the provider was asked again after Refresh');
    });
  });

  describe('the Tasks view and the status bar', () => {
    it('shows all four providers side by side, running tasks first, with menus, icon and badge by state; the status bar while they run', async () => {
      const openai = await finished('mediaStudio.generateImage', {
        provider: 'openai',
        model: 'gpt-image-2',
        prompt: promptFor('view openai'),
        size: '1024x1024',
      });
      const failed = await finished('mediaStudio.generateImage', { prompt: promptFor('view failed [fail]') });
      assert.strictEqual(openai.state, 'succeeded', openai.error?.message);
      await control.configure({ timing: RUNNING_LONGER });
      const active = await Promise.all([
        running('mediaStudio.generateImage', { provider: 'pixapi', prompt: promptFor('view pixapi') }),
        running('mediaStudio.generateImage', { provider: 'pixai', model: '1983308862240288769', prompt: promptFor('view pixai') }),
        running('mediaStudio.generateImage', { provider: 'apixo', model: 'nano-banana', prompt: promptFor('view apixo') }),
      ]);

      const ids = (await hooks.tasksView.getChildren()) as string[];
      const tasks = await Promise.all(ids.map((id) => api.getTask(id)));
      const mine = [openai, failed, ...active].map((t) => t.id);
      assert.deepStrictEqual(
        mine.filter((id) => !ids.includes(id)),
        [],
        'every task is a row',
      );
      assert.deepStrictEqual(
        new Set(ids.filter((id) => mine.includes(id)).map((id) => tasks[ids.indexOf(id)]?.request.provider)),
        new Set(['openai', 'pixapi', 'pixai', 'apixo']),
      );
      const lastActive = tasks.map((t) => ACTIVE.includes(t?.state as TaskState)).lastIndexOf(true);
      const firstFinished = tasks.findIndex((t) => TERMINAL.includes(t?.state as TaskState));
      assert.ok(lastActive >= 0 && lastActive < firstFinished, `running tasks first: ${tasks.map((t) => t?.state).join(', ')}`);

      for (const task of active) {
        const item = hooks.tasksView.getTreeItem(task.id) as vscode.TreeItem;
        assert.strictEqual(iconId(item), 'loading~spin', `${task.request.provider}: spinning while running`);
        assert.deepStrictEqual(
          ['task', 'running', 'cancel'].filter((t) => !tokens(item).includes(t)),
          [],
          item.contextValue,
        );
        assert.deepStrictEqual(
          ['retry', 'open', 'reveal'].filter((t) => tokens(item).includes(t)),
          [],
          item.contextValue,
        );
      }
      const succeededItem = hooks.tasksView.getTreeItem(openai.id) as vscode.TreeItem;
      assert.deepStrictEqual(
        ['succeeded', 'open', 'reveal', 'remove'].filter((t) => !tokens(succeededItem).includes(t)),
        [],
        succeededItem.contextValue,
      );
      assert.ok(!tokens(succeededItem).includes('cancel') && !tokens(succeededItem).includes('retry'), succeededItem.contextValue);
      assert.strictEqual(iconId(succeededItem), 'pass');
      const failedItem = hooks.tasksView.getTreeItem(failed.id) as vscode.TreeItem;
      assert.deepStrictEqual(
        ['failed', 'retry', 'remove'].filter((t) => !tokens(failedItem).includes(t)),
        [],
        failedItem.contextValue,
      );
      assert.ok(!tokens(failedItem).includes('cancel') && !tokens(failedItem).includes('open'), failedItem.contextValue);
      assert.strictEqual(iconId(failedItem), 'error');

      const runningNow = (await api.listTasks()).filter((t) => ['submitting', 'submitted', 'running'].includes(t.state)).length;
      assert.ok(runningNow >= active.length);
      assert.strictEqual(hooks.treeView.badge?.value, runningNow, 'the badge counts the running tasks');
      const status = hooks.statusBar();
      assert.ok(status.shown, 'the status-bar item shows while tasks run');
      assert.match(status.text, new RegExp(`\\$\\(loading~spin\\) ${runningNow} Media Studio tasks`));

      for (const task of active) assert.strictEqual((await api.waitForTask(task.id)).state, 'succeeded');
      const stillActive = (await api.listTasks()).filter((t) => POLLED.includes(t.state));
      assert.deepStrictEqual(
        stillActive.map((t) => `${t.request.prompt}: ${t.state}`),
        [],
        'nothing else is running',
      );
      assert.strictEqual(hooks.statusBar().shown, false, 'the status-bar item hides when no task runs');
      assert.strictEqual(hooks.treeView.badge, undefined, 'no badge when nothing runs');
    });

    it('refreshes only the row of a task whose progress changed, not the whole list', async () => {
      await control.configure({ timing: RUNNING_FOR_A_WHILE });
      const task = await running('mediaStudio.generateImage', { prompt: promptFor('one row refresh') });
      const others = (await api.listTasks()).filter((t) => t.id !== task.id && POLLED.includes(t.state));
      assert.deepStrictEqual(
        others.map((t) => `${t.request.prompt}: ${t.state}`),
        [],
        'no other task is active (its changes would refresh the list)',
      );
      // Each refresh with the task's state at that moment; from here on it stays running until it finishes.
      const fired: { element: unknown; state: string }[] = [];
      const stateNow = () => tokens(hooks.tasksView.getTreeItem(task.id) as vscode.TreeItem)[1];
      const subscription = hooks.tasksView.onDidChangeTreeData((element) => fired.push({ element, state: stateNow() }));
      try {
        await when(hooks.tasksView.onDidChangeTreeData, () => fired.some((f) => f.element === task.id));
        const changed = await api.getTask(task.id);
        assert.strictEqual(changed?.state, 'running', 'the row was refreshed while the task was running');
      } finally {
        subscription.dispose();
      }
      const whileRunning = fired.filter((f) => f.state === 'running');
      assert.deepStrictEqual(whileRunning.filter((f) => f.element !== task.id), [], 'no whole-list refresh while only this task changed');
      assert.ok(whileRunning.length >= 1);
      assert.strictEqual((await api.waitForTask(task.id)).state, 'succeeded');
    });
  });
});
