/** The 20 tasks the reload and kill phases leave running: every provider, images and videos. */
import * as assert from 'assert';
import type { MediaStudioApi, Task } from '../../../src/api';
import { DEFAULT_TIMING, emulator, exists, fileOf, run, waitForState } from '../helpers';

export const SURVIVOR_COUNT = 20;

const KINDS: { command: string; args: Record<string, unknown> }[] = [
  { command: 'mediaStudio.generateImage', args: { provider: 'pixapi' } },
  { command: 'mediaStudio.generateVideo', args: { provider: 'pixapi', model: 'veo' } },
  { command: 'mediaStudio.generateImage', args: { provider: 'pixai', model: '1983308862240288769' } },
  { command: 'mediaStudio.generateImage', args: { provider: 'apixo', model: 'nano-banana' } },
  { command: 'mediaStudio.generateVideo', args: { provider: 'apixo', model: 'wan-2-5', duration: 5 } },
];

/** Submits the survivors with timings long enough that all are still running when the host goes away. */
export async function startSurvivors(api: MediaStudioApi, label: string): Promise<string[]> {
  await emulator().configure({ timing: { image: { queueMs: 3000, runMs: 6000 }, video: { queueMs: 3000, runMs: 8000 } } });
  const ids: string[] = [];
  for (let i = 0; i < SURVIVOR_COUNT; i++) {
    const { command, args } = KINDS[i % KINDS.length];
    ids.push(...(await run(command, { ...args, prompt: `${label} survivor ${i}` })));
  }
  for (const id of ids) await waitForState(api, id, 'submitted');
  for (const id of ids) assert.ok((await api.getTask(id))?.remoteId, 'the provider task id is known before the host goes away');
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
  for (const task of done) for (const result of task.results ?? []) assert.ok(await exists(fileOf(result.file)), `${task.request.prompt}: saved`);
  const remote = (await emulator().tasks()).filter((t) => t.prompt.startsWith(prefix));
  assert.strictEqual(remote.length, SURVIVOR_COUNT, 'the providers received each task exactly once');
  await emulator().configure({ timing: DEFAULT_TIMING });
}

function summary(t: Task): string {
  return `${t.request.prompt}: ${t.state} rev ${t.revision} remote ${t.remoteId} ${t.error?.message ?? ''}`;
}
