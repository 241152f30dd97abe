/** The 20 tasks the reload and kill phases leave running: every provider, images and videos. */
import * as assert from 'assert';
import * as vscode from 'vscode';
import type { MediaStudioApi, Task } from '../../../src/api';
import { APIXO_PLANS } from '../../../src/core/adapters/apixo.spec';
import { testHooksOf } from '../../../src/host/testHooks';
import type { ProviderName } from '../../emulator/types';
import { DEFAULT_TIMING, emulator, EXTENSION_ID, exists, fileOf, run, waitForTask } from '../helpers';

export const SURVIVOR_COUNT = 20;

const KINDS: { command: string; args: Record<string, unknown> }[] = [
  { command: 'mediaStudio.generateImage', args: { provider: 'pixapi' } },
  { command: 'mediaStudio.generateVideo', args: { provider: 'pixapi', model: 'veo' } },
  { command: 'mediaStudio.generateImage', args: { provider: 'pixai', model: '1983308862240288769' } },
  { command: 'mediaStudio.generateImage', args: { provider: 'apixo', model: 'nano-banana' } },
  { command: 'mediaStudio.generateVideo', args: { provider: 'apixo', model: 'wan-2-5', duration: 5 } },
];

/** How long each survivor runs at the provider: long enough to still be running after the host is gone. */
// (20 submits and every task's first check take ~15 s on a busy 2-core machine)
const SURVIVOR_TIMING = { image: { queueMs: 0, runMs: 40_000 }, video: { queueMs: 0, runMs: 45_000 } };
/** Run time each task must still have left when this host lets go of it. */
const LEFT_TO_RUN_MS = 5_000;

/**
 * Waits until Apixo's requests-a-minute budget is whole again, as a fresh window's was before it was shared: it is
 * shared through the task folder with the earlier phases' windows (the provider counts per key, not per window),
 * and with less than a whole budget the pacing starts sooner, when the checks of videos younger than Apixo's
 * documented earliest ready time (60 s) lose every turn to the images', so the 45-second survivor videos would
 * first be seen finished. The moment is known from the log: there is no event to await.
 */
async function apixoBudgetWhole(): Promise<void> {
  const requestLog = testHooksOf(vscode.extensions.getExtension(EXTENSION_ID)?.exports)?.requestLog;
  if (!requestLog) return;
  const recent = requestLog.read('apixo', APIXO_PLANS.pro.requestsPerMinute).times.filter((t) => Date.now() - t < 61_000);
  if (!recent.length) return;
  const wholeAt = recent[recent.length - 1] + 61_000;
  console.log(`    (${recent.length} Apixo requests in the last minute before these: starting in ${wholeAt - Date.now()} ms)`);
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, wholeAt - Date.now())));
}

/**
 * Submits the survivors and returns once every one of them is running — at the provider and in the task
 * list, with its provider id persisted — with seconds of work left, so the host goes away mid-run.
 */
export async function startSurvivors(api: MediaStudioApi, label: string): Promise<string[]> {
  await apixoBudgetWhole();
  await emulator().configure({ timing: SURVIVOR_TIMING });
  const started = Date.now();
  const ids: string[] = [];
  for (let i = 0; i < SURVIVOR_COUNT; i++) {
    const { command, args } = KINDS[i % KINDS.length];
    ids.push(...(await run(command, { ...args, prompt: `${label} survivor ${i}` })));
  }
  // The first poll that sees the provider's running state; a task already past it fails the assertion below.
  const tasks = await Promise.all(
    ids.map((id) => waitForTask(api, id, (t) => t.state !== 'submitting' && t.state !== 'submitted' && t.state !== 'queued')),
  );
  assert.deepStrictEqual(
    tasks.filter((t) => t.state !== 'running' || !t.remoteId).map(summary),
    [],
    'every task is running, with its provider id known',
  );
  const allRunningMs = Date.now() - started;
  let leastLeft = Infinity;
  for (const task of tasks) {
    const remote = await emulator().task(task.request.provider as ProviderName, task.remoteId as string);
    assert.strictEqual(remote?.phase, 'running', `${task.request.prompt}: running at the provider`);
    const left = (remote.startedAt ?? remote.createdAt) + remote.runMs - Date.now();
    assert.ok(left >= LEFT_TO_RUN_MS, `${task.request.prompt}: only ${left} ms of run time left before the host goes away`);
    leastLeft = Math.min(leastLeft, left);
  }
  console.log(
    `    (${label}: ${SURVIVOR_COUNT} tasks running ${allRunningMs} ms after the first submit; at least ${leastLeft} ms of run time left each)`,
  );
  return ids;
}

/** In the new host: all survivors were restored, finish and are saved; the provider got each exactly once. */
export async function finishSurvivors(api: MediaStudioApi, label: string): Promise<void> {
  const prefix = `${label} survivor `;
  const survivors = (await api.listTasks()).filter((t) => t.request.prompt.startsWith(prefix));
  assert.strictEqual(survivors.length, SURVIVOR_COUNT, 'every task was restored from storage');
  assert.deepStrictEqual(survivors.filter((t) => !['submitted', 'running', 'succeeded'].includes(t.state)).map(summary), []);
  const done = await Promise.all(survivors.map((t) => api.waitForTask(t.id)));
  assert.deepStrictEqual(done.filter((t) => t.state !== 'succeeded').map(summary), [], 'every task finished');
  for (const task of done)
    for (const result of task.results ?? []) assert.ok(await exists(fileOf(result.file)), `${task.request.prompt}: saved`);
  const remote = (await emulator().tasks()).filter((t) => t.prompt.startsWith(prefix));
  assert.strictEqual(remote.length, SURVIVOR_COUNT, 'the providers created each task exactly once');
  // Counted in the request log, so a re-sent submit the provider refused would show too.
  const submits = await emulator().requests();
  const resent = survivors
    .map((t) => ({ prompt: t.request.prompt, count: submits.filter((r) => r.method === 'POST' && r.prompt === t.request.prompt).length }))
    .filter(({ count }) => count !== 1);
  assert.deepStrictEqual(resent, [], 'each task was submitted exactly once, before and after the host went away');
  await emulator().configure({ timing: DEFAULT_TIMING });
}

function summary(t: Task): string {
  return `${t.request.prompt}: ${t.state} rev ${t.revision} remote ${t.remoteId} ${t.error?.message ?? ''}`;
}
