/**
 * Activation in the real extension host: code-server with the production build of the extension, the
 * Media Studio side bar visible at startup (as the workbench restores it), and 0 or 1,000 stored tasks.
 * Each measured round is a fresh page load, so a fresh extension host. The figures are the extension's own
 * startup timings (performance.now() inside activate() and in the Tasks view); see src/api.ts StartupTimings.
 */
import * as fs from 'fs';
import * as path from 'path';
import type { StartupTimings } from '../src/api';
import type { Task } from '../src/core/task';
import { TestSession } from '../test/runner/session';
import { projectRoot, runExtensionTests } from '../test/runner/vscode';

export interface HostRound { activateMs: number; tasksLoadedMs: number; viewAskedMs: number; viewListedMs: number; tasks: number; activatedBefore: boolean }
export interface HostActivation { rounds: number; byTasks: { tasks: number; runs: HostRound[] }[] }

interface MeasureResult extends StartupTimings { activatedBefore: boolean }

/** The extension's task folder in the server's workspace storage (context.storageUri/tasks). */
/** The task folder all windows on the workspace share (see sharedTaskStorage in src/host/persistence.ts). */
export function findTaskFolder(userDataDir: string): string {
  const storage = path.join(userDataDir, 'User', 'globalStorage', 'media-studio.media-studio', 'workspaces');
  const found = fs.existsSync(storage)
    ? fs.readdirSync(storage).map((key) => path.join(storage, key, 'tasks')).filter((dir) => fs.existsSync(dir))
    : [];
  if (found.length !== 1) throw new Error(`expected one Media Studio task folder under ${storage}, found ${found.length}`);
  return found[0];
}

/**
 * `count` finished tasks in the on-disk format of src/host/persistence.ts, built from the template task the
 * extension itself stored: one JSON file per task, named by its encoded id. Mostly done, some failed or
 * cancelled, one a minute apart, so the view sorts a realistic history.
 */
export function writeTasks(folder: string, template: Task, count: number): void {
  const now = Date.now();
  for (let i = 0; i < count; i++) {
    const createdAt = now - (count - i) * 60_000;
    const state = i % 10 === 3 ? 'failed' : i % 10 === 7 ? 'cancelled' : 'succeeded';
    const task: Task = {
      ...template,
      id: `bench-${String(i).padStart(5, '0')}`,
      remoteId: `remote-bench-${i}`,
      state,
      createdAt,
      submittedAt: createdAt + 200,
      endedAt: createdAt + 15_000,
      request: { ...template.request, prompt: `benchmark task ${i}: ${template.request.prompt}` },
      results: state === 'succeeded' ? template.results : undefined,
      error: state === 'failed' ? { message: 'The provider reported a failure.', code: 'failed' } : undefined,
    };
    fs.writeFileSync(path.join(folder, `${encodeURIComponent(task.id)}.json`), JSON.stringify(task));
  }
}

export async function runHostActivation(rounds: number, log: (line: string) => void): Promise<HostActivation> {
  const session = await TestSession.start({ log: () => undefined, smokeTestDriver: true });
  const hostLog: string[] = [];
  const index = (name: string) => path.join(projectRoot, 'out', 'bench', 'host', `${name}.js`);
  const load = async (name: string): Promise<unknown> => {
    fs.rmSync(session.resultFile, { force: true });
    const code = await runExtensionTests({
      server: session.server,
      context: session.context,
      extensionDevelopmentPath: projectRoot,
      extensionTestsPath: index(name),
      timeoutMs: 120_000,
      onLog: (line) => hostLog.push(line),
    });
    if (code !== 0 || !fs.existsSync(session.resultFile)) {
      throw new Error(`${name} in the extension host exited ${code}: ${hostLog.filter((l) => /Error|error/.test(l)).slice(-5).join(' | ').slice(0, 600)}`);
    }
    return JSON.parse(fs.readFileSync(session.resultFile, 'utf8'));
  };
  try {
    const { taskId } = await load('prepare') as { taskId: string };
    const folder = findTaskFolder(session.server.userDataDir);
    const templateFile = path.join(folder, `${encodeURIComponent(taskId)}.json`);
    const template = JSON.parse(fs.readFileSync(templateFile, 'utf8')) as Task;
    const byTasks: HostActivation['byTasks'] = [];
    for (const tasks of [0, 1000]) {
      for (const file of fs.readdirSync(folder)) fs.rmSync(path.join(folder, file), { force: true });
      writeTasks(folder, template, tasks);
      const runs: HostRound[] = [];
      for (let round = 0; round < rounds; round++) {
        const r = await load('measure') as MeasureResult;
        if (r.tasksLoaded !== tasks) throw new Error(`the extension loaded ${r.tasksLoaded} tasks, expected ${tasks}`);
        runs.push({ activateMs: r.activateMs, tasksLoadedMs: r.tasksLoadedMs ?? NaN, viewAskedMs: r.viewAskedMs ?? NaN, viewListedMs: r.viewListedMs ?? NaN, tasks, activatedBefore: r.activatedBefore });
        log(`activation: ${tasks} tasks, round ${round + 1}: activate() ${r.activateMs.toFixed(1)} ms, tasks read at ${r.tasksLoadedMs?.toFixed(1)} ms, view asked at ${r.viewAskedMs?.toFixed(1)} ms, listed at ${r.viewListedMs?.toFixed(1)} ms`);
      }
      byTasks.push({ tasks, runs });
    }
    return { rounds, byTasks };
  } finally {
    await session.close();
  }
}
