/** A batch left half-sent by the reload phase: some of its tasks at PixAI, the rest in the local queue. */
import * as assert from 'assert';
import * as vscode from 'vscode';
import type { MediaStudioApi, Task } from '../../../src/api';
import { emulator, exists, fileOf, waitForTask, workspaceFolder } from '../helpers';

const PREFIX = 'reload batch ';
const CELLS = 8;

/**
 * Starts an 8-cell PixAI batch beside the survivors (which hold 4 of PixAI's 10 slots) and returns once some cells are
 * at PixAI and some still queued.
 */
export async function startBatchSurvivors(api: MediaStudioApi): Promise<void> {
  const created = await vscode.commands.executeCommand<{ batchId: string; taskIds: string[] }>('mediaStudio.generateBatch', {
    template: `${PREFIX}{i}`,
    variables: { i: Array.from({ length: CELLS }, (_, i) => String(i)) },
    models: [{ provider: 'pixai', model: '1983308862240288769' }],
  });
  assert.strictEqual(created.taskIds.length, CELLS);
  // Every cell either accepted by PixAI (its id persisted) or waiting for a slot: none caught mid-submit.
  const tasks = await Promise.all(created.taskIds.map((id) => waitForTask(api, id, (t) => t.state === 'queued' || !!t.remoteId)));
  const settled = await Promise.all(
    tasks.map((t) => (t.state === 'queued' ? Promise.resolve(t) : waitForTask(api, t.id, (s) => !!s.remoteId))),
  );
  const queued = (await Promise.all(settled.map((t) => api.getTask(t.id)))).filter((t) => t?.state === 'queued').length;
  assert.ok(queued >= 1 && queued < CELLS, `some cells sent, some queued when the window reloads (${queued} of ${CELLS} queued)`);
  console.log(`    (reload batch: ${CELLS - queued} cells at PixAI, ${queued} queued when the window reloads)`);
}

/** After the reload: the batch resumes, every cell finishes once, into the batch folder. */
export async function finishBatchSurvivors(api: MediaStudioApi): Promise<void> {
  const cells = (await api.listTasks()).filter((t) => t.request.prompt.startsWith(PREFIX));
  assert.strictEqual(cells.length, CELLS, 'every cell was restored');
  const batchId = cells[0].request.batch?.id as string;
  assert.ok(batchId && cells.every((t) => t.request.batch?.id === batchId), 'all carry their batch');
  const done: Task[] = await Promise.all(cells.map((t) => api.waitForTask(t.id)));
  assert.deepStrictEqual(
    done.filter((t) => t.state !== 'succeeded').map((t) => `${t.request.prompt}: ${t.state} ${t.error?.message ?? ''}`),
    [],
  );
  const batch = await api.getBatch(batchId);
  assert.strictEqual(batch?.summary.done, CELLS);
  const folder = vscode.Uri.joinPath(workspaceFolder(), ...batch.outputFolder.split('/'));
  for (const task of done) {
    const file = fileOf(task.results?.[0].file);
    assert.ok(file.path.startsWith(`${folder.path}/`) && (await exists(file)), `${task.request.prompt}: saved in the batch folder`);
  }
  const submits = await emulator().requests();
  const counts = done.map((t) => submits.filter((r) => r.method === 'POST' && r.prompt === t.request.prompt).length);
  assert.deepStrictEqual(counts, Array(CELLS).fill(1), 'each cell sent exactly once, before or after the reload');
}
