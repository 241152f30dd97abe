/**
 * Two windows on one workspace: window A (twoWindowsA) submits tasks; once they run, the runner opens window B
 * (twoWindowsB) in the same browser profile, so both extension hosts share the workspace storage. The windows
 * pass each other small JSON markers in a folder the runner gives them.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import type { MediaStudioApi, Task } from '../../../src/api';

export const PREFIX = 'two windows ';
export const OUTPUT_FOLDER = 'two-windows';

export const KINDS: { command: string; args: Record<string, unknown> }[] = [
  { command: 'mediaStudio.generateImage', args: { provider: 'pixapi' } },
  { command: 'mediaStudio.generateVideo', args: { provider: 'pixapi', model: 'veo' } },
  { command: 'mediaStudio.generateImage', args: { provider: 'pixai', model: '1983308862240288769' } },
  { command: 'mediaStudio.generateImage', args: { provider: 'apixo', model: 'nano-banana' } },
  { command: 'mediaStudio.generateVideo', args: { provider: 'apixo', model: 'wan-2-5', duration: 5 } },
];

export function markerFolder(): string {
  const folder = process.env.MEDIA_STUDIO_TWO_WINDOWS_DIR;
  assert.ok(folder, 'MEDIA_STUDIO_TWO_WINDOWS_DIR is not set: run through the test runner');
  return folder;
}

/** Leaves a marker for the other window (written whole, then renamed into place). */
export function mark(name: string, data: unknown): void {
  const file = path.join(markerFolder(), name);
  fs.writeFileSync(`${file}.tmp`, JSON.stringify(data));
  fs.renameSync(`${file}.tmp`, file);
}

/** Resolves with the other window's marker once it is there. */
export function marked<T>(name: string, timeoutMs: number): Promise<T> {
  const file = path.join(markerFolder(), name);
  return new Promise<T>((resolve, reject) => {
    const watcher = fs.watch(markerFolder());
    const timer = setTimeout(
      () => (watcher.close(), reject(new Error(`no "${name}" from the other window within ${timeoutMs} ms`))),
      timeoutMs,
    );
    const check = () => {
      if (!fs.existsSync(file)) return;
      clearTimeout(timer);
      watcher.close();
      resolve(JSON.parse(fs.readFileSync(file, 'utf8')) as T);
    };
    watcher.on('change', check);
    check();
  });
}

/** Resolves when the task, as this window sees it, satisfies `done` (an event, not a sleep). */
export function until(api: MediaStudioApi, id: string, done: (task: Task) => boolean): Promise<Task> {
  return new Promise((resolve) => {
    const subscription = api.onDidChangeTask((task) => {
      if (task.id === id && done(task)) {
        subscription.dispose();
        resolve(task);
      }
    });
    void api.getTask(id).then((task) => task && done(task) && (subscription.dispose(), resolve(task)));
  });
}

export const submitted = (task: Task): boolean => task.remoteId !== undefined && task.state !== 'submitting';
export const savedSuccess = (task: Task): boolean =>
  task.state === 'succeeded' && (task.results?.length ?? 0) > 0 && (task.results ?? []).every((r) => r.file !== undefined);

/** What both windows must agree on about a task. */
export function summary(task: Task): string {
  return `${task.request.prompt}: ${task.state}, ${(task.results ?? []).map((r) => r.file ?? r.saveError ?? 'unsaved').join(' ')}`;
}
