/** Shared by the result-safety suite and the reload phase (issue #14). */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import type { Task } from '../../src/api';
import { sniffMediaType } from '../../src/core/files/sniff';
import { testHooksOf, type TestHooks } from '../../src/host/testHooks';
import { EXTENSION_ID, fileOf, readFile, run, workspaceFolder } from './helpers';

export function hooks(): TestHooks {
  const found = testHooksOf(vscode.extensions.getExtension(EXTENSION_ID)?.exports);
  assert.ok(found, 'the extension hands out its test hooks only when VS Code runs extension tests');
  return found;
}


/** An OpenAI-compatible generation whose answer carries the image inline (b64_json). */
export function inlineImage(prompt: string, outputFolder: string): Promise<string[]> {
  return run('mediaStudio.generateImage', {
    provider: 'openai',
    model: 'gpt-image-2',
    prompt,
    size: '1024x1024',
    outputFolder,
    params: { response_format: 'b64_json' },
  });
}

/** Makes `name` (in the workspace folder) a file, so no output folder can be created there. */
export function blockFolder(name: string): string {
  const blocker = path.join(workspaceFolder().fsPath, name);
  fs.writeFileSync(blocker, 'a file standing where the output folder should be');
  return blocker;
}

/** The files in an output folder, sorted, temporary ones included. */
export function filesIn(folder: string): string[] {
  return fs.existsSync(folder) ? fs.readdirSync(folder).sort() : [];
}

/** Asserts the folder holds exactly one result and its sidecar, and that the result is a whole image. */
export async function assertSavedOnce(task: Task, folder: string): Promise<void> {
  const names = filesIn(folder);
  assert.strictEqual(names.length, 2, `one result and its sidecar: ${names.join(', ')}`);
  assert.strictEqual(names[1], `${names[0]}.json`, names.join(', '));
  const file = fileOf(task.results?.[0]?.file);
  assert.strictEqual(path.basename(file.fsPath), names[0]);
  assert.strictEqual(sniffMediaType(await readFile(file))?.mime, 'image/png');
  const sidecar = JSON.parse(fs.readFileSync(path.join(folder, names[1]), 'utf8')) as { taskId?: string };
  assert.strictEqual(sidecar.taskId, task.id);
}

export function keptFiles(): string[] {
  return filesIn(hooks().inlineResultsFolder.fsPath).filter((n) => n.endsWith('.bin'));
}

