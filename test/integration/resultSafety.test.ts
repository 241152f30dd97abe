/**
 * Nothing paid for is lost, nothing lands where it should not (issue #14), in the real extension host:
 * inline results kept until they are in the workspace, save failures announced, "completed" with no media
 * failed, final names claimed exclusively, a sidecar that cannot be written never unsaving its result.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import type { MediaStudioApi } from '../../src/api';
import { activateExtension, clearKeys, emulator, fileOf, freshEmulator, run, setKeys, waitForTask, workspaceFolder } from './helpers';
import { assertSavedOnce, blockFolder, filesIn, hooks, inlineImage, keptFiles } from './resultHelpers';

const unique = (): string => `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;

describe('result safety (issue #14)', () => {
  let api: MediaStudioApi;
  const control = emulator();

  before(async () => {
    api = await activateExtension();
    await setKeys();
  });
  after(async () => {
    const faults = hooks().writeFaults;
    faults.result = faults.sidecar = faults.placed = undefined;
    await clearKeys();
  });

  it('keeps an inline (b64_json) result it cannot write, announces it once with Save Again, and Save Again by task id writes it exactly once', async () => {
    await freshEmulator(control);
    const outputFolder = `blocked-${unique()}`;
    const blocker = blockFolder(outputFolder);
    const [id] = await inlineImage(`inline blocked ${outputFolder}`, outputFolder);
    const failed = await api.waitForTask(id);
    assert.strictEqual(failed.state, 'succeeded', failed.error?.message);
    const [item] = failed.results ?? [];
    assert.match(item?.saveError ?? '', /Could not write the result/);
    assert.ok(item.inlineFile, 'the inline bytes were kept');
    assert.ok(keptFiles().includes(item.inlineFile), "the kept file is in the extension's storage");

    const announced = () => hooks().notices.filter((n) => n.taskId === id && n.kind === 'saveFailed');
    assert.strictEqual(announced().length, 1, 'the failure was announced');
    assert.deepStrictEqual(announced()[0].actions, ['Save Again']);
    const treeItem = await hooks().tasksView.getTreeItem(id);
    assert.strictEqual((treeItem.iconPath as vscode.ThemeIcon).id, 'warning', 'the Tasks view marks it');
    assert.match(String(treeItem.description), /not saved/);

    // Save Again while the folder still cannot be created: the error stays, the bytes stay, no second notice.
    await vscode.commands.executeCommand('mediaStudio.saveAgain', id);
    assert.match((await api.getTask(id))?.results?.[0].saveError ?? '', /Could not write the result/);
    assert.ok(keptFiles().includes(item.inlineFile));
    assert.strictEqual(announced().length, 1, 'announced once');

    fs.rmSync(blocker);
    await vscode.commands.executeCommand('mediaStudio.saveAgain', id);
    const saved = await api.getTask(id);
    assert.ok(saved);
    assert.strictEqual(saved.results?.[0].saveError, undefined);
    assert.strictEqual(saved.results?.[0].inlineFile, undefined);
    const folder = path.join(workspaceFolder().fsPath, outputFolder);
    await assertSavedOnce(saved, folder);
    assert.ok(!keptFiles().includes(item.inlineFile), 'the kept bytes are deleted once the file is in the workspace');
    assert.notStrictEqual((await hooks().tasksView.getTreeItem(id)).iconPath, treeItem.iconPath, 'no warning any more');

    await vscode.commands.executeCommand('mediaStudio.saveAgain', id);
    assert.strictEqual(filesIn(folder).length, 2, 'Save Again on a saved task writes nothing');

    // The other task commands take the id string too (automation).
    await vscode.commands.executeCommand('mediaStudio.copyPrompt', id);
    assert.strictEqual(await vscode.env.clipboard.readText(), `inline blocked ${outputFolder}`);
    await vscode.commands.executeCommand('mediaStudio.remove', id);
    assert.strictEqual(await api.getTask(id), undefined, 'removed by its id');
    assert.strictEqual(filesIn(folder).length, 2, 'removing the task leaves its files');
  });

  it('ends a "completed" task with no media as failed, with the provider\'s raw answer, for every provider', async () => {
    await freshEmulator(control);
    const cases = [
      { label: 'Pixapi', args: { provider: 'pixapi' } },
      { label: 'Apixo', args: { provider: 'apixo', model: 'nano-banana' } },
      { label: 'PixAI', args: { provider: 'pixai', model: '1983308862240288769' } },
      { label: 'OpenAI', args: { provider: 'openai', model: 'gpt-image-2', size: '1024x1024' } },
    ];
    for (const { label, args } of cases) {
      const [id] = await run('mediaStudio.generateImage', { ...args, prompt: `nothing comes back [empty] ${unique()}` });
      const done = await api.waitForTask(id);
      assert.strictEqual(done.state, 'failed', `${label}: ${done.state}`);
      assert.match(done.error?.message ?? '', new RegExp(`^${label}\\b.*reported the task complete but returned no results`), label);
      assert.ok(done.error?.raw && typeof done.error.raw === 'object', `${label}: the raw answer is kept`);
      assert.ok(hooks().notices.some((n) => n.taskId === id && n.kind === 'failed'), `${label}: announced as failed`);
    }
  });

  it('the chat tool says a "completed" task returned no results', async () => {
    await freshEmulator(control);
    const source = new vscode.CancellationTokenSource();
    const result = await vscode.lm.invokeTool(
      'generate_image',
      { input: { prompt: `chat gets nothing [empty] ${unique()}`, provider: 'pixapi', size: '1024x1024' }, toolInvocationToken: undefined },
      source.token,
    );
    const text = result.content.map((part) => (part instanceof vscode.LanguageModelTextPart ? part.value : '')).join('');
    assert.match(text, /reported the task complete but returned no results/);
    assert.match(text, /Nothing was saved/);
    assert.doesNotMatch(text, /Image generated/);
  });

  it('two tasks with the same prompt saving in the same second each get their own file', async () => {
    await freshEmulator(control);
    const outputFolder = `same-name-${unique()}`;
    const blocker = blockFolder(outputFolder);
    const prompt = `twin cups ${unique()}`;
    // Names carry the creation time to the second: start both early in a second so they share it.
    const intoSecond = Date.now() % 1000;
    if (intoSecond > 300) await new Promise((resolve) => setTimeout(resolve, 1000 - intoSecond));
    const ids = (await Promise.all([inlineImage(prompt, outputFolder), inlineImage(prompt, outputFolder)])).flat();
    const failed = await Promise.all(ids.map((id) => api.waitForTask(id)));
    assert.strictEqual(Math.floor(failed[0].createdAt / 1000), Math.floor(failed[1].createdAt / 1000), 'created in the same second');
    fs.rmSync(blocker);
    // Both saves run at once, from their kept bytes, for the same desired name.
    await Promise.all(ids.map((id) => vscode.commands.executeCommand('mediaStudio.saveAgain', id)));
    const saved = await Promise.all(ids.map((id) => api.getTask(id)));
    const files = saved.map((t) => t?.results?.[0]?.file);
    assert.ok(files[0] && files[1] && files[0] !== files[1], `two different files: ${files.join(', ')}`);
    const folder = path.join(workspaceFolder().fsPath, outputFolder);
    const names = filesIn(folder);
    assert.strictEqual(names.length, 4, `two results and two sidecars: ${names.join(', ')}`);
    for (const task of saved) {
      const name = path.basename(fileOf(task?.results?.[0]?.file).fsPath);
      const sidecar = JSON.parse(fs.readFileSync(path.join(folder, `${name}.json`), 'utf8')) as { taskId?: string };
      assert.strictEqual(sidecar.taskId, task?.id, `${name}: its sidecar names its own task`);
    }
  });

  it('a sidecar that cannot be written leaves the result saved, and Save Again writes the sidecar without a second copy', async () => {
    await freshEmulator(control);
    const outputFolder = `sidecar-${unique()}`;
    const prompt = `sidecar fails ${outputFolder}`;
    hooks().writeFaults.sidecar = (task) => {
      if (task.request.prompt === prompt) throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    };
    let id: string;
    try {
      [id] = await run('mediaStudio.generateImage', { prompt, outputFolder });
      const done = await api.waitForTask(id);
      const [item] = done.results ?? [];
      assert.ok(item?.file, 'the result is saved');
      assert.strictEqual(item.saveError, undefined, 'and not marked failed');
      assert.match(item.sidecarError ?? '', /no space left/);
    } finally {
      hooks().writeFaults.sidecar = undefined;
    }
    const folder = path.join(workspaceFolder().fsPath, outputFolder);
    assert.strictEqual(filesIn(folder).length, 1, filesIn(folder).join(', '));
    await vscode.commands.executeCommand('mediaStudio.saveAgain', id);
    const repaired = await api.getTask(id);
    assert.ok(repaired);
    assert.strictEqual(repaired.results?.[0].sidecarError, undefined);
    await assertSavedOnce(repaired, folder);
  });

  it('a result that failed to save after it was downloaded is saved whole, once, by Save Again', async () => {
    const since = await freshEmulator(control);
    const outputFolder = `first-write-${unique()}`;
    const prompt = `first write fails ${outputFolder}`;
    let failures = 0;
    hooks().writeFaults.result = (task) => {
      if (task.request.prompt === prompt && failures++ === 0) throw Object.assign(new Error('EIO: i/o error, write'), { code: 'EIO' });
    };
    try {
      const [id] = await run('mediaStudio.generateImage', { prompt, outputFolder });
      const done = await waitForTask(api, id, (t) => !!t.results?.[0]?.saveError);
      const folder = path.join(workspaceFolder().fsPath, outputFolder);
      assert.deepStrictEqual(filesIn(folder), [], 'nothing, not even a temporary file, left by the failed write');
      assert.ok(hooks().notices.some((n) => n.taskId === id && n.kind === 'saveFailed'));
      await vscode.commands.executeCommand('mediaStudio.saveAgain', done.id);
      const saved = await api.getTask(id);
      assert.ok(saved);
      await assertSavedOnce(saved, folder);
      const downloads = (await control.requests(since)).filter((r) => r.origin === 'cdn');
      assert.strictEqual(downloads.length, 2, 'one download whose write failed, one by Save Again');
    } finally {
      hooks().writeFaults.result = undefined;
    }
  });

  it('writes nothing through an output folder that is a link out of the workspace, and says which link', async () => {
    await freshEmulator(control);
    const elsewhere = fs.mkdtempSync(path.join(os.tmpdir(), 'ms-elsewhere-'));
    const outputFolder = `linked-${unique()}`;
    fs.symlinkSync(elsewhere, path.join(workspaceFolder().fsPath, outputFolder));
    try {
      const [id] = await run('mediaStudio.generateImage', { prompt: `through a link ${outputFolder}`, outputFolder });
      const done = await api.waitForTask(id);
      assert.strictEqual(done.state, 'succeeded');
      assert.match(done.results?.[0]?.saveError ?? '', new RegExp(`"${outputFolder}" is a link to .*outside the workspace folder`));
      assert.deepStrictEqual(fs.readdirSync(elsewhere), [], 'no result, sidecar or temporary file outside the workspace');
    } finally {
      fs.rmSync(path.join(workspaceFolder().fsPath, outputFolder));
      fs.rmSync(elsewhere, { recursive: true, force: true });
    }
  });

  it('uploads no reference image that is a link to a file outside the workspace, however it comes in', async () => {
    const since = await freshEmulator(control);
    const elsewhere = fs.mkdtempSync(path.join(os.tmpdir(), 'ms-private-'));
    const secret = path.join(elsewhere, 'private.png');
    fs.copyFileSync(path.join(workspaceFolder().fsPath, 'images', 'product.png'), secret);
    const link = path.join('images', `linked-${unique()}.png`);
    fs.symlinkSync(secret, path.join(workspaceFolder().fsPath, link));
    const prompt = `edit through a link ${unique()}`;
    try {
      await assert.rejects(
        Promise.resolve(vscode.commands.executeCommand('mediaStudio.editImage', { provider: 'pixapi', prompt, images: [link] })),
        (error: Error) => error.message.includes(`"${link}" is a link to ${fs.realpathSync(secret)}, outside the workspace folder`),
      );
      // The chat tool goes the same way.
      const source = new vscode.CancellationTokenSource();
      const answer = await vscode.lm.invokeTool(
        'edit_image',
        { input: { prompt, provider: 'pixapi', images: [link] }, toolInvocationToken: undefined },
        source.token,
      );
      const text = answer.content.map((part) => (part instanceof vscode.LanguageModelTextPart ? part.value : '')).join('');
      assert.match(text, /^Nothing was generated: .*is a link to .*outside the workspace folder/, text);
      // The one check every way in uses: a ".." path (as a text/uri-list drop gives) and a file outside.
      const { checkReferenceLocation } = await import('../../src/host/images');
      await assert.rejects(
        checkReferenceLocation(vscode.Uri.parse(`${workspaceFolder().toString()}/../../home/u/p.png`)),
        /points outside the workspace folder/,
      );
      await assert.rejects(checkReferenceLocation(vscode.Uri.file(secret)), /is not in the workspace/);
      await assert.rejects(checkReferenceLocation(vscode.Uri.file(path.join(workspaceFolder().fsPath, link))), /is a link to/);
      assert.strictEqual(
        (await control.requests(since)).filter((r) => r.method === 'POST' && r.prompt === prompt).length,
        0,
        'nothing was sent',
      );
    } finally {
      fs.rmSync(path.join(workspaceFolder().fsPath, link));
      fs.rmSync(elsewhere, { recursive: true, force: true });
    }
  });
});
