import * as assert from 'assert';
import * as vscode from 'vscode';
import { testHooksOf } from '../../../src/host/testHooks';
import { activateExtension, EXTENSION_ID } from '../helpers';
import { finishResultCases } from './resultsAcrossReload';
import { finishBatchSurvivors } from './batchSurvivors';
import { finishSurvivors } from './survivors';

describe('reload, after: the Tasks view started from the task index', () => {
  it('read the index written before the reload ahead of the task files, and the files lost no task of it', async () => {
    const api = await activateExtension();
    const tasks = await api.listTasks();
    const { indexReadMs, indexTasks, tasksLoadedMs } = api.startup;
    assert.ok(indexTasks !== undefined && indexTasks > 0, `the index held ${indexTasks} tasks`);
    assert.ok(
      indexReadMs !== undefined && tasksLoadedMs !== undefined && indexReadMs < tasksLoadedMs,
      `index read at ${indexReadMs} ms, files at ${tasksLoadedMs} ms`,
    );
    const running = tasks.filter((t) => t.request.prompt.startsWith('reload survivor '));
    assert.strictEqual(running.length, 20, 'every survivor is in the store');
  });
});

describe('reload, after: the tasks resume', () => {
  it('finishes all 20 tasks after the reload, with no duplicate submit', async () => {
    const api = await activateExtension();
    assert.ok(await api.hasApiKey('pixapi'), 'the key survived the reload in SecretStorage');
    await finishSurvivors(api, 'reload');
  });

  it('the spending ledger survived the reload: each survivor settled once, to its reported cost, its estimate or unknown', async () => {
    const api = await activateExtension();
    const spending = testHooksOf(vscode.extensions.getExtension(EXTENSION_ID)?.exports)?.spending;
    assert.ok(spending);
    const survivors = (await api.listTasks()).filter((t) => t.request.prompt.startsWith('reload survivor '));
    // Settled as each task ended in this window: wait on the ledger's own change events until none is open.
    await new Promise<void>((resolve) => {
      const check = () => void Promise.all(survivors.map((t) => spending.ledger.entryOf(t.id, t.createdAt))).then((entries) => {
        if (entries.every((e) => e?.state === 'settled')) {
          subscription.dispose();
          resolve();
        }
      });
      const subscription = spending.onDidChange(check);
      check();
    });
    for (const task of survivors) {
      const entry = await spending.ledger.entryOf(task.id, task.createdAt);
      const reported = task.cost ? (task.cost.unit === 'credits' ? task.cost.amount / 100 : task.cost.amount) : undefined;
      if (reported !== undefined) assert.deepStrictEqual([entry?.usd, entry?.basis], [reported, 'reported'], task.request.prompt);
      else if (task.request.provider === 'apixo' && task.request.model === 'nano-banana')
        assert.deepStrictEqual([entry?.usd, entry?.basis], [0.03, 'estimated'], task.request.prompt);
      else assert.deepStrictEqual([entry?.usd, entry?.basis], [undefined, 'unknown'], task.request.prompt);
    }
    const days = await spending.ledger.history(2);
    const ids = new Set(survivors.map((t) => t.id));
    assert.strictEqual(
      days.flatMap((d) => d.entries).filter((e) => e.taskId && ids.has(e.taskId)).length,
      20,
      'one entry per task, none counted twice',
    );
  });

  it('saves the inline result once by Save Again with the task id, and finds the placed file instead of copying it', async () => {
    await finishResultCases(await activateExtension());
  });

  it('resumes the half-sent batch: the queued cells go out, every cell once', async function () {
    this.timeout(240_000);
    await finishBatchSurvivors(await activateExtension());
  });
});
