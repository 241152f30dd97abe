/**
 * An output folder that cannot be written: the task still succeeds, keeps its result URL and shows why the
 * file is missing; "Save Again" saves it, once, when the folder is writable again.
 */
import * as assert from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as vscode from 'vscode';
import type { MediaStudioApi } from '../../src/api';
import { activateExtension, emulator, exists, fileOf, freshEmulator, clearKeys, run, setKeys, workspaceFolder } from './helpers';

/** Makes a folder unwritable; returns the undo. root ignores permission bits, so there the folder is made immutable. */
function makeUnwritable(folder: string): () => void {
  if (process.getuid?.() === 0) {
    execFileSync('chattr', ['+i', folder]);
    return () => execFileSync('chattr', ['-i', folder]);
  }
  fs.chmodSync(folder, 0o555);
  return () => fs.chmodSync(folder, 0o755);
}

describe('an output folder that cannot be written', () => {
  let api: MediaStudioApi;
  const control = emulator();

  before(async () => {
    api = await activateExtension();
    await setKeys();
  });
  after(async () => {
    await clearKeys();
  });

  it('keeps the result URL, shows the error, and "Save Again" saves the file once the folder is writable', async () => {
    const since = await freshEmulator(control);
    const outputFolder = `read-only-${Date.now().toString(36)}`;
    const folder = vscode.Uri.joinPath(workspaceFolder(), outputFolder);
    fs.mkdirSync(folder.fsPath);
    const restore = makeUnwritable(folder.fsPath);
    let restored = false;
    try {
      const [id] = await run('mediaStudio.generateImage', { prompt: 'nowhere to go', outputFolder });
      const done = await api.waitForTask(id);
      assert.strictEqual(done.state, 'succeeded', done.error?.message);
      const [result] = done.results ?? [];
      assert.ok(result?.url, 'the result URL is kept');
      assert.strictEqual(result.file, undefined);
      assert.match(result.saveError ?? '', /Could not write the result.*writable.*Save Again/);
      assert.deepStrictEqual(fs.readdirSync(folder.fsPath), [], 'nothing, not even a temporary file, was left');

      restore();
      restored = true;
      await vscode.commands.executeCommand('mediaStudio.saveAgain', id);
      const saved = await api.getTask(id);
      assert.strictEqual(saved?.results?.[0].saveError, undefined);
      assert.ok(await exists(fileOf(saved?.results?.[0].file)));
      const names = fs.readdirSync(folder.fsPath).sort();
      assert.strictEqual(names.length, 2, `one file and its sidecar: ${names.join(', ')}`);
      assert.ok(names[1] === `${names[0]}.json`, names.join(', '));

      // Saving again once it is saved does not fetch or write anything more.
      await vscode.commands.executeCommand('mediaStudio.saveAgain', id);
      assert.strictEqual(fs.readdirSync(folder.fsPath).length, 2);
      const downloads = (await control.requests(since)).filter(
        (r) => r.origin === 'cdn' && r.path === new URL(result.url as string).pathname,
      );
      assert.strictEqual(downloads.length, 2, 'one download that could not be written (not retried), one by Save Again');
    } finally {
      if (!restored) restore();
    }
  });
});
