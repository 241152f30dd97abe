/**
 * Run inside the real extension host (code-server) on each measured page load, before Media Studio has
 * activated: opens the Media Studio side bar, which activates the extension (onView) exactly as a user's
 * click does, waits until the Tasks view has listed the stored tasks, and writes the extension's own startup
 * timings to the result file.
 */
import * as fs from 'fs';
import * as vscode from 'vscode';
import type { MediaStudioApi } from '../../src/api';

const WAIT_MS = 30_000;

export async function run(): Promise<void> {
  const extension = vscode.extensions.getExtension<MediaStudioApi>('media-studio.media-studio');
  if (!extension) throw new Error('Media Studio is not installed in this extension host');
  const activatedBefore = extension.isActive;
  await vscode.commands.executeCommand('workbench.view.extension.mediaStudio');
  const api = await extension.activate();
  // The timings are fields the extension fills in as startup proceeds; a short poll, bounded, reads them.
  const deadline = Date.now() + WAIT_MS;
  // The rows may come from the task index before the task files are read: wait for both, and for the index check.
  const done = () =>
    api.startup.viewListedMs !== undefined && api.startup.tasksLoadedMs !== undefined && api.startup.indexCheckedMs !== undefined &&
    api.startup.workbenchAnsweredMs !== undefined;
  while (!done() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
  const result = process.env.MEDIA_STUDIO_RESULT_FILE;
  if (result) fs.writeFileSync(result, JSON.stringify({ activatedBefore, ...api.startup }));
  if (!done()) throw new Error(`the Tasks view did not list the tasks within ${WAIT_MS} ms (was it visible at startup?)`);
}
