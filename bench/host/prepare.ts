/**
 * Run inside the real extension host (code-server), before the activation benchmark: sets a key, makes one
 * real task through the emulator (so the on-disk task format and folder are the extension's own) and opens
 * the Media Studio side bar, which the workbench then restores, visible, on the next page loads.
 */
import * as fs from 'fs';
import * as vscode from 'vscode';
import type { MediaStudioApi } from '../../src/api';
import { EmulatorClient } from '../../test/emulator/client';

export async function run(): Promise<void> {
  const extension = vscode.extensions.getExtension<MediaStudioApi>('media-studio.media-studio');
  if (!extension) throw new Error('Media Studio is not installed in this extension host');
  const api = await extension.activate();
  const control = process.env.MEDIA_STUDIO_EMULATOR_CONTROL;
  if (!control) throw new Error('MEDIA_STUDIO_EMULATOR_CONTROL is not set');
  await new EmulatorClient(control).configure({ timing: { image: { queueMs: 100, runMs: 300 }, video: { queueMs: 100, runMs: 300 } } });
  await vscode.commands.executeCommand('mediaStudio.setApiKey', { provider: 'pixapi', key: 'test-pixapi-key' });
  const [id] = await api.submit({ operation: 'generate', provider: 'pixapi', prompt: 'a template task for the activation benchmark' });
  const task = await api.waitForTask(id);
  if (task.state !== 'succeeded') throw new Error(`the template task ended ${task.state}`);
  await vscode.commands.executeCommand('workbench.view.extension.mediaStudio');
  // The web workbench writes its state (which side bar is open) to the browser every 5 s when idle
  // (BROWSER_DEFAULT_FLUSH_INTERVAL), and not reliably when the page closes: give it that time.
  await new Promise((resolve) => setTimeout(resolve, 7000));
  const result = process.env.MEDIA_STUDIO_RESULT_FILE;
  if (result) fs.writeFileSync(result, JSON.stringify({ taskId: id }));
}
