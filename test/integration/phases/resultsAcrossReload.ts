/**
 * Results across a window reload (issue #14): an inline result that could not be written is saved by Save
 * Again in the next window, from the bytes kept in the extension's storage; a save stopped right after its
 * file was put in place (the window closed there) is finished by the next window without a second copy.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import type { MediaStudioApi } from '../../../src/api';
import { emulator, freshEmulator, run, waitForTask, workspaceFolder } from '../helpers';
import { assertSavedOnce, blockFolder, filesIn, hooks, inlineImage, keptFiles } from '../resultHelpers';

const INLINE_PROMPT = 'reload: inline result blocked';
const PLACED_PROMPT = 'reload: window closed right after placing';
const INLINE_FOLDER = 'reload-blocked-inline';
const PLACED_FOLDER = 'reload-placed';

/** Task files the next window must set aside (each once made resume() throw or the poller compute NaN), and one it must keep. */
const MALFORMED = [
  { name: 'malformed-results-null', change: { results: [null] } },
  { name: 'malformed-last-checked', change: { state: 'running', remoteId: 'r-1', lastCheckedAt: 'soon' } },
];
const KEPT_BESIDE = 'well-formed-beside-malformed';
const LEFTOVER_PART = `.result-${KEPT_BESIDE}-0.abc123.part`;
const LEFTOVER_TMP = `.${KEPT_BESIDE}.0badc0de.tmp`;
const LEFTOVER_BYTES = 1 << 20;

function storedTask(id: string, change: Record<string, unknown>): string {
  return JSON.stringify({
    id,
    state: 'succeeded',
    createdAt: Date.now(),
    endedAt: Date.now(),
    origin: 'user',
    revision: 3,
    request: {
      provider: 'pixapi',
      model: 'gpt-image-2',
      operation: 'generate',
      kind: 'image',
      prompt: id,
      params: {},
      workspaceFolder: workspaceFolder().toString(),
    },
    results: [{ url: 'https://cdn.example/x.png', saveError: 'expired' }],
    ...change,
  });
}

/** Before the reload: leaves one inline result unsaved (its folder blocked) and one save stopped mid-way. */
export async function startResultCases(api: MediaStudioApi): Promise<void> {
  // This window's own startup clean-up must be over before the leftovers are planted, or it removes them itself.
  await hooks().leftoversRemoved;
  const tasks = hooks().tasksFolder.fsPath;
  for (const { name, change } of MALFORMED) fs.writeFileSync(path.join(tasks, `${name}.json`), storedTask(name, change));
  fs.writeFileSync(path.join(tasks, `${KEPT_BESIDE}.json`), storedTask(KEPT_BESIDE, {}));
  // Leftovers of writes a crash interrupted: a download of a task that no longer awaits it, a task file's temporary copy.
  const generated = path.join(workspaceFolder().fsPath, 'generated');
  fs.mkdirSync(generated, { recursive: true });
  const old = new Date(Date.now() - 3600_000);
  for (const file of [path.join(generated, LEFTOVER_PART), path.join(tasks, LEFTOVER_TMP)]) {
    fs.writeFileSync(file, Buffer.alloc(LEFTOVER_BYTES));
    fs.utimesSync(file, old, old);
  }

  await freshEmulator(emulator());
  blockFolder(INLINE_FOLDER);
  const [inlineId] = await inlineImage(INLINE_PROMPT, INLINE_FOLDER);
  const failed = await api.waitForTask(inlineId);
  assert.match(failed.results?.[0]?.saveError ?? '', /Could not write the result/);
  assert.ok(failed.results?.[0]?.inlineFile && keptFiles().includes(failed.results[0].inlineFile));

  // The save of this one never returns once its file is in place: the window goes away right there.
  hooks().writeFaults.placed = (task) => (task.request.prompt === PLACED_PROMPT ? new Promise<void>(() => undefined) : undefined);
  const [placedId] = await run('mediaStudio.generateImage', { prompt: PLACED_PROMPT, outputFolder: PLACED_FOLDER });
  const placing = await waitForTask(api, placedId, (t) => !!t.results?.[0]?.placing);
  const placedFile = vscode.Uri.parse(placing.results?.[0]?.placing?.file ?? '').fsPath;
  await new Promise<void>((resolve) => {
    // The placing is recorded just before the link is made: wait for the file itself (no event for that).
    const watcher = fs.watch(path.dirname(placedFile), () => fs.existsSync(placedFile) && (watcher.close(), resolve()));
    if (fs.existsSync(placedFile)) {
      watcher.close();
      resolve();
    }
  });
  assert.strictEqual((await api.getTask(placedId))?.results?.[0]?.file, undefined, 'the store has not heard of the file');
}

/** After the reload: Save Again by task id writes the inline result once; the placed one is found, not copied. */
export async function finishResultCases(api: MediaStudioApi): Promise<void> {
  const tasks = await api.listTasks();
  const folder = hooks().tasksFolder.fsPath;
  for (const { name } of MALFORMED) {
    assert.ok(!fs.existsSync(path.join(folder, `${name}.json`)), `${name}: no longer read as a task`);
    assert.ok(
      hooks().setAsideTaskFiles.some((file) => file.startsWith(`${name}.json.`) && file.endsWith('.corrupt')),
      `${name}: set aside`,
    );
    assert.ok(
      fs.readdirSync(folder).some((file) => file.startsWith(`${name}.json.`) && file.endsWith('.corrupt')),
      `${name}: kept as *.corrupt`,
    );
    assert.ok(!tasks.some((t) => t.id === name));
  }
  assert.ok(tasks.some((t) => t.id === KEPT_BESIDE), 'the well-formed task beside them was read');
  const removed = await hooks().leftoversRemoved;
  assert.ok(!fs.existsSync(path.join(workspaceFolder().fsPath, 'generated', LEFTOVER_PART)), 'the leftover download is removed');
  assert.ok(!fs.existsSync(path.join(folder, LEFTOVER_TMP)), 'the leftover task file copy is removed');
  assert.ok(removed.files >= 2 && removed.bytes >= 2 * LEFTOVER_BYTES, JSON.stringify(removed));
  const inline = tasks.find((t) => t.request.prompt === INLINE_PROMPT);
  const placed = tasks.find((t) => t.request.prompt === PLACED_PROMPT);
  assert.ok(inline && placed, 'both tasks were restored');

  const done = await waitForTask(api, placed.id, (t) => !!t.results?.[0]?.file);
  await assertSavedOnce(done, path.join(workspaceFolder().fsPath, PLACED_FOLDER));
  assert.strictEqual(done.results?.[0]?.placing, undefined);

  const kept = inline.results?.[0]?.inlineFile;
  assert.ok(kept && keptFiles().includes(kept), 'the kept bytes survived the reload');
  fs.rmSync(path.join(workspaceFolder().fsPath, INLINE_FOLDER));
  await vscode.commands.executeCommand('mediaStudio.saveAgain', inline.id);
  const saved = await api.getTask(inline.id);
  assert.ok(saved);
  await assertSavedOnce(saved, path.join(workspaceFolder().fsPath, INLINE_FOLDER));
  assert.ok(!keptFiles().includes(kept), 'deleted once in the workspace');
  await vscode.commands.executeCommand('mediaStudio.saveAgain', inline.id);
  assert.strictEqual(filesIn(path.join(workspaceFolder().fsPath, INLINE_FOLDER)).length, 2, 'exactly once');
}
