/**
 * Run inside the real extension host (code-server) on a fresh page load: one Pixapi video whose result is a
 * 50 MB MP4 on the emulator's CDN, downloaded into the workspace by the extension as for any user. Reports the
 * host's resident memory before the download and its peak during it (the kernel's VmHWM, reset first through
 * /proc/self/clear_refs; where that is refused, a 10 ms sample of process.memoryUsage()).
 */
import * as fs from 'fs';
import * as vscode from 'vscode';
import type { MediaStudioApi } from '../../src/api';
import { isTerminal, type Task } from '../../src/core/task';
import { EmulatorClient } from '../../test/emulator/client';

export const VIDEO_BYTES = 50 * 1000 * 1000;

function statusBytes(field: 'VmRSS' | 'VmHWM'): number {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(fs.readFileSync('/proc/self/status', 'utf8'));
  return match ? Number(match[1]) * 1024 : NaN;
}

function resetPeak(): boolean {
  try {
    fs.writeFileSync('/proc/self/clear_refs', '5');
    return true;
  } catch {
    return false;
  }
}

export async function run(): Promise<void> {
  const extension = vscode.extensions.getExtension<MediaStudioApi>('media-studio.media-studio');
  if (!extension) throw new Error('Media Studio is not installed in this extension host');
  const api = await extension.activate();
  await vscode.commands.executeCommand('mediaStudio.setApiKey', { provider: 'pixapi', key: 'test-pixapi-key' });
  const control = new EmulatorClient(process.env.MEDIA_STUDIO_EMULATOR_CONTROL ?? '');
  const cdn = (await control.urls()).cdn;
  // The task runs long enough to take the baseline once the submit (and undici's first load) is behind it.
  await control.configure({ timing: { video: { queueMs: 100, runMs: 3000 } } });
  await control.inject({ origin: 'pixapi', method: 'GET', path: '^/v1/tasks/', action: { kind: 'rewriteResultUrls', url: `${cdn}/blob/${VIDEO_BYTES}.mp4` }, times: 1000 });
  try {
    const [id] = await api.submit({ operation: 'video', provider: 'pixapi', prompt: 'a 50 MB video for the memory benchmark' });
    // The baseline is taken once the provider has the task (its submit, and undici's first load, behind it) and
    // before the check that finds it done; the emulator runs it for 3 s.
    const running = await new Promise<boolean>((resolve) => {
      const settle = (task: Task | undefined): boolean => {
        if (task?.id !== id) return false;
        if (task.state === 'submitted' || task.state === 'running') resolve(true);
        else if (isTerminal(task.state)) resolve(false);
        else return false;
        return true;
      };
      const subscription = api.onDidChangeTask((task) => { if (settle(task)) subscription.dispose(); });
      void api.getTask(id).then((task) => { if (settle(task)) subscription.dispose(); });
    });
    if (!running) throw new Error('the video task ended before the provider had it (so before the baseline was taken)');
    const kernelPeak = resetPeak();
    const before = statusBytes('VmRSS');
    let sampled = before;
    const sampler = kernelPeak ? undefined : setInterval(() => { sampled = Math.max(sampled, process.memoryUsage().rss); }, 10);
    const task = await api.waitForTask(id);
    clearInterval(sampler);
    const after = statusBytes('VmRSS');
    const peak = kernelPeak ? statusBytes('VmHWM') : Math.max(sampled, after);
    const file = task.results?.[0]?.file;
    if (task.state !== 'succeeded' || !file) throw new Error(`the video task ended ${task.state} without a saved file: ${task.results?.[0]?.saveError ?? task.error?.message ?? ''}`);
    const uri = vscode.Uri.parse(file);
    const size = (await vscode.workspace.fs.stat(uri)).size;
    if (size !== VIDEO_BYTES) throw new Error(`the saved video has ${size} bytes, not ${VIDEO_BYTES}`);
    await vscode.workspace.fs.delete(uri);
    const result = process.env.MEDIA_STUDIO_RESULT_FILE;
    if (result) fs.writeFileSync(result, JSON.stringify({ bytes: size, rssBefore: before, rssPeak: peak, rssAfter: after, peakFrom: kernelPeak ? 'kernel' : 'sampled' }));
  } finally {
    await control.clearFaults();
  }
}
