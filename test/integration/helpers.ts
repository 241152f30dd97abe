import * as assert from 'assert';
import * as vscode from 'vscode';
import type { MediaStudioApi, Task, TaskState } from '../../src/api';
import { EmulatorClient } from '../emulator/client';

export const EXTENSION_ID = 'media-studio.media-studio';
export const KEYS = { pixapi: 'test-pixapi-key', pixai: 'test-pixai-key', apixo: 'test-apixo-key', openai: 'test-pixapi-key' } as const;

export async function activateExtension(): Promise<MediaStudioApi> {
  const extension = vscode.extensions.getExtension<MediaStudioApi>(EXTENSION_ID);
  assert.ok(extension, `extension ${EXTENSION_ID} is not installed in this host`);
  return extension.activate();
}

export function emulator(): EmulatorClient {
  const control = process.env.MEDIA_STUDIO_EMULATOR_CONTROL;
  assert.ok(control, 'MEDIA_STUDIO_EMULATOR_CONTROL is not set: run through the test runner');
  return new EmulatorClient(control);
}

export function workspaceFolder(): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the tests need a workspace folder');
  return folder.uri;
}

export async function setKeys(): Promise<void> {
  for (const [provider, key] of Object.entries(KEYS)) await vscode.commands.executeCommand('mediaStudio.setApiKey', { provider, key });
}

/** Suites that set keys clear them after, so later suites start from none (the key suite checks keys are per provider). */
export async function clearKeys(): Promise<void> {
  for (const provider of Object.keys(KEYS)) await vscode.commands.executeCommand('mediaStudio.clearApiKey', { provider });
}

export async function readFile(uri: vscode.Uri): Promise<Buffer> {
  return Buffer.from(await vscode.workspace.fs.readFile(uri));
}

export async function exists(uri: vscode.Uri): Promise<boolean> {
  try {
    await vscode.workspace.fs.stat(uri);
    return true;
  } catch {
    return false;
  }
}

/** Runs a command that creates tasks and returns their ids. */
export async function run(command: string, args: unknown): Promise<string[]> {
  const ids = await vscode.commands.executeCommand<string[]>(command, args);
  assert.ok(Array.isArray(ids) && ids.length > 0, `${command} returned no task ids`);
  return ids;
}

export function fileOf(uriString: string | undefined): vscode.Uri {
  assert.ok(uriString, 'the result was not saved');
  return vscode.Uri.parse(uriString);
}

/**
 * Resolves with the task once `accept` holds for it: checked on every change and once on the current task, so
 * a task that got there before the call is not waited for in vain (an event, not a sleep).
 */
export function waitForTask(api: MediaStudioApi, id: string, accept: (task: Task) => boolean): Promise<Task> {
  return new Promise((resolve) => {
    let done = false;
    const settle = (task: Task | undefined) => {
      if (done || task?.id !== id || !accept(task)) return;
      done = true;
      subscription.dispose();
      resolve(task);
    };
    const subscription = api.onDidChangeTask(settle);
    void api.getTask(id).then(settle);
  });
}

/** Resolves when the task is in exactly `state` (waits forever if it moved past it: prefer waitForTask). */
export function waitForState(api: MediaStudioApi, id: string, state: TaskState): Promise<Task> {
  return waitForTask(api, id, (task) => task.state === state);
}

/** Submit requests (POSTs that carried `prompt`) the emulator received, refused ones included. */
export async function submitsOf(prompt: string, since = 0): Promise<number> {
  return (await emulator().requests(since)).filter((r) => r.method === 'POST' && r.prompt === prompt).length;
}

export const DEFAULT_TIMING = { image: { queueMs: 150, runMs: 600 }, video: { queueMs: 300, runMs: 1500 } };

/** Puts the emulator back to its defaults (no faults, short timings) and returns the last request seq seen. */
export async function freshEmulator(control: EmulatorClient): Promise<number> {
  await control.clearFaults();
  await control.configure({ timing: DEFAULT_TIMING });
  return (await control.requests()).reduce((max, r) => Math.max(max, r.seq), 0);
}
