/**
 * Activation in the real extension host: code-server with the production build of the extension, the
 * Media Studio side bar visible at startup (as the workbench restores it), and 0, 1,000 or 10,000 stored tasks.
 * Each measured round is a fresh page load, so a fresh extension host. Before the measured rounds of each count,
 * one round starts with no task index (as the first start after an update, or after the index was lost), which
 * writes it; the measured rounds then find it, as every later start does. The figures are the extension's own
 * startup timings (performance.now() inside activate() and in the Tasks view); see src/api.ts StartupTimings.
 */
import * as fs from 'fs';
import * as path from 'path';
import type { StartupTimings } from '../src/api';
import type { Task } from '../src/core/task';
import { TestSession } from '../test/runner/session';
import { projectRoot, runExtensionTests } from '../test/runner/vscode';

export interface HostRound {
  activateMs: number; tasksLoadedMs: number; viewAskedMs: number; viewListedMs: number; tasks: number; activatedBefore: boolean;
  /** When the workbench had answered activate()'s first calls (see StartupTimings). */
  workbenchAnsweredMs?: number;
  /** Where the first rows came from: the task index, or the task files (no index, or the view asked after they were read). */
  listedFrom?: 'index' | 'store'; indexReadMs?: number; indexTasks?: number;
}
export interface HostActivation {
  rounds: number;
  /** `withoutIndex`: the round that started with no task index; `runs`: the measured rounds, with it. */
  byTasks: { tasks: number; spacingMinutes: number; withoutIndex?: HostRound; runs: HostRound[] }[];
}

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
 * cancelled, `spacingMinutes` apart, so the view sorts a realistic history (10,000 ten minutes apart span 69 days,
 * so the older part is archived at the default 30 days).
 */
export function writeTasks(folder: string, template: Task, count: number, spacingMinutes: number): void {
  const now = Date.now();
  for (let i = 0; i < count; i++) {
    const createdAt = now - (count - i) * spacingMinutes * 60_000;
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

/** Runs bench/host/<name>.js in a fresh extension host of `session` and returns what it wrote to the result file. */
function hostRunner(session: TestSession): (name: string) => Promise<unknown> {
  const hostLog: string[] = [];
  const index = (name: string) => path.join(projectRoot, 'out', 'bench', 'host', `${name}.js`);
  return async (name) => {
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
      throw new Error(
        `${name} in the extension host exited ${code}: ${hostLog
          .filter((l) => /Error|error/.test(l))
          .slice(-5)
          .join(' | ')
          .slice(0, 600)}`,
      );
    }
    return JSON.parse(fs.readFileSync(session.resultFile, 'utf8'));
  };
}

export interface HostVideoRound { bytes: number; rssBefore: number; rssPeak: number; rssAfter: number; peakFrom: 'kernel' | 'sampled' }

/** A 50 MB video saved by the extension in a fresh extension host per round (bench/host/video.ts). */
export async function runHostVideo(rounds: number, log: (line: string) => void): Promise<HostVideoRound[]> {
  const session = await TestSession.start({ log: () => undefined, smokeTestDriver: true });
  try {
    const load = hostRunner(session);
    const runs: HostVideoRound[] = [];
    for (let round = 0; round < rounds; round++) {
      const r = await load('video') as HostVideoRound;
      log(`video: round ${round + 1}: RSS ${(r.rssBefore / 2 ** 20).toFixed(1)} MiB before, peak +${((r.rssPeak - r.rssBefore) / 2 ** 20).toFixed(1)} MiB (${r.peakFrom})`);
      runs.push(r);
    }
    return runs;
  } finally {
    await session.close();
  }
}

export async function runHostActivation(rounds: number, log: (line: string) => void): Promise<HostActivation> {
  const session = await TestSession.start({ log: () => undefined, smokeTestDriver: true });
  const load = hostRunner(session);
  try {
    const { taskId } = await load('prepare') as { taskId: string };
    const folder = findTaskFolder(session.server.userDataDir);
    const templateFile = path.join(folder, `${encodeURIComponent(taskId)}.json`);
    const template = JSON.parse(fs.readFileSync(templateFile, 'utf8')) as Task;
    const byTasks: HostActivation['byTasks'] = [];
    // The index lives beside the task folder (see src/host/taskIndexFile.ts).
    const indexFile = path.join(path.dirname(folder), 'tasks-index.json');
    for (const [tasks, spacingMinutes] of [[0, 1], [1000, 1], [10_000, 10]] as const) {
      for (const file of fs.readdirSync(folder)) fs.rmSync(path.join(folder, file), { force: true });
      fs.rmSync(indexFile, { force: true });
      writeTasks(folder, template, tasks, spacingMinutes);
      const measure = async (label: string): Promise<HostRound> => {
        const r = await load('measure') as MeasureResult;
        if (r.tasksLoaded !== tasks) throw new Error(`the extension loaded ${r.tasksLoaded} tasks, expected ${tasks}`);
        log(
          `activation: ${tasks} tasks, ${label}: activate() ${r.activateMs.toFixed(1)} ms, index read at ${r.indexReadMs?.toFixed(1)} ms (${r.indexTasks ?? 'no'} tasks), tasks read at ${r.tasksLoadedMs?.toFixed(1)} ms, workbench answered at ${r.workbenchAnsweredMs?.toFixed(1)} ms, view asked at ${r.viewAskedMs?.toFixed(1)} ms, listed at ${r.viewListedMs?.toFixed(1)} ms from ${r.viewListedFrom}`,
        );
        return {
          activateMs: r.activateMs,
          tasksLoadedMs: r.tasksLoadedMs ?? NaN,
          viewAskedMs: r.viewAskedMs ?? NaN,
          workbenchAnsweredMs: r.workbenchAnsweredMs,
          viewListedMs: r.viewListedMs ?? NaN,
          tasks,
          activatedBefore: r.activatedBefore,
          listedFrom: r.viewListedFrom,
          indexReadMs: r.indexReadMs,
          indexTasks: r.indexTasks,
        };
      };
      const withoutIndex = await measure('no index yet');
      if (!fs.existsSync(indexFile)) throw new Error(`the extension wrote no task index at ${indexFile}`);
      const runs: HostRound[] = [];
      for (let round = 0; round < rounds; round++) runs.push(await measure(`round ${round + 1}`));
      byTasks.push({ tasks, spacingMinutes, withoutIndex, runs });
    }
    return { rounds, byTasks };
  } finally {
    await session.close();
  }
}
