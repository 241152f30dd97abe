/**
 * Exact targets in the real extension host: generateImage with targetPath/width/height writes that file at that
 * size and format (converted by the WebAssembly codecs), presets write their sets, an existing file is never
 * replaced, and bad targets are refused before anything is sent.
 */
import * as assert from 'assert';
import * as vscode from 'vscode';
import type { MediaStudioApi } from '../../src/api';
import { readIcoEntries } from '../../src/core/targets/ico';
import {
  activateExtension,
  clearKeys,
  emulator,
  exists,
  fileOf,
  freshEmulator,
  readFile,
  run,
  setKeys,
  submitsOf,
  workspaceFolder,
} from './helpers';
import { imageFacts } from './imageBytes';

function unique(name: string): string {
  return `${name}-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
}

describe('exact targets: targetPath, width/height, fit, format, presets', () => {
  let api: MediaStudioApi;
  const control = emulator();

  before(async () => {
    api = await activateExtension();
    await setKeys();
  });
  after(async () => {
    await clearKeys();
  });

  it('generateImage { targetPath: "public/logo.png", width: 64, height: 64 } writes a 64×64 PNG there, keeping the original beside its sidecar', async () => {
    await freshEmulator(control);
    const folder = unique('public');
    const [id] = await run('mediaStudio.generateImage', {
      prompt: 'a flat paper-plane logo',
      targetPath: `${folder}/logo.png`,
      width: 64,
      height: 64,
    });
    const task = await api.waitForTask(id);
    assert.strictEqual(task.state, 'succeeded', task.error?.message);
    // The default model (gemini-3.1-flash-image-preview) takes 512x512: the smallest square that needs no enlarging.
    assert.strictEqual(task.request.params.size, '512x512', 'the closest size the model takes was asked for');
    const result = task.results?.[0];
    assert.strictEqual(result?.targetError, undefined);
    const target = vscode.Uri.joinPath(workspaceFolder(), folder, 'logo.png');
    assert.deepStrictEqual(result?.targets, [target.toString()]);
    assert.deepStrictEqual(imageFacts(await readFile(target)), { format: 'png', width: 64, height: 64 });
    // The provider's own image stays in the output folder, and its sidecar says what was done to it.
    const original = fileOf(result?.file);
    assert.deepStrictEqual(imageFacts(await readFile(original)), { format: 'png', width: 512, height: 512 });
    const sidecar = JSON.parse((await readFile(vscode.Uri.parse(`${original.toString()}.json`))).toString('utf8'));
    assert.deepStrictEqual(sidecar.target.original, {
      file: vscode.workspace.asRelativePath(original, false),
      width: 512,
      height: 512,
      type: 'image/png',
    });
    assert.strictEqual(sidecar.target.outputs[0].file, `${folder}/logo.png`);
    assert.deepStrictEqual(sidecar.target.outputs[0].steps, ['resized 512x512 to 64x64', 'encoded as PNG']);
  });

  it('converts to WebP and JPEG with cover and contain, and never replaces a file that is there', async () => {
    const folder = unique('img');
    const existing = vscode.Uri.joinPath(workspaceFolder(), folder, 'hero.webp');
    await vscode.workspace.fs.writeFile(existing, Buffer.from('mine'));
    const [id] = await run('mediaStudio.generateImage', {
      prompt: 'a wide mountain hero',
      targetPath: `${folder}/hero.webp`,
      width: 320,
      height: 180,
    });
    const task = await api.waitForTask(id);
    assert.strictEqual(task.state, 'succeeded', task.error?.message);
    assert.strictEqual(task.request.params.size, '1536x1024');
    assert.strictEqual((await readFile(existing)).toString(), 'mine', 'the file that was there is untouched');
    const sibling = vscode.Uri.joinPath(workspaceFolder(), folder, 'hero-1.webp');
    assert.deepStrictEqual(task.results?.[0].targets, [sibling.toString()]);
    assert.deepStrictEqual(imageFacts(await readFile(sibling)), { format: 'webp', width: 320, height: 180 });

    const [jpegId] = await run('mediaStudio.generateImage', {
      prompt: 'a tall poster',
      targetPath: `${folder}/poster.jpg`,
      width: 200,
      height: 200,
      fit: 'contain',
      background: '#102030',
    });
    const jpeg = await api.waitForTask(jpegId);
    assert.strictEqual(jpeg.state, 'succeeded', jpeg.error?.message);
    assert.deepStrictEqual(imageFacts(await readFile(vscode.Uri.joinPath(workspaceFolder(), folder, 'poster.jpg'))), {
      format: 'jpeg',
      width: 200,
      height: 200,
    });
  });

  it('the app icon set preset writes six PNGs of the right sizes from one generation', async () => {
    const since = await freshEmulator(control);
    const folder = unique('icons');
    const prompt = `an app icon of a lighthouse ${folder}`;
    const [id] = await run('mediaStudio.generateImage', { prompt, preset: 'app-icons', targetPath: folder });
    const task = await api.waitForTask(id);
    assert.strictEqual(task.state, 'succeeded', task.error?.message);
    assert.strictEqual(await submitsOf(prompt, since), 1, 'one generation');
    for (const size of [1024, 512, 192, 180, 32, 16]) {
      assert.deepStrictEqual(
        imageFacts(await readFile(vscode.Uri.joinPath(workspaceFolder(), folder, `icon-${size}.png`))),
        { format: 'png', width: size, height: size },
        `icon-${size}.png`,
      );
    }
  });

  it('the favicon preset writes an ICO with 16, 32 and 48 px PNG entries', async () => {
    const folder = unique('site');
    const [id] = await run('mediaStudio.generateImage', {
      prompt: 'a favicon of a leaf',
      preset: 'favicon',
      targetPath: `${folder}/favicon.ico`,
    });
    const task = await api.waitForTask(id);
    assert.strictEqual(task.state, 'succeeded', task.error?.message);
    const ico = await readFile(vscode.Uri.joinPath(workspaceFolder(), folder, 'favicon.ico'));
    const entries = readIcoEntries(ico);
    assert.deepStrictEqual(entries?.map((e) => e.size), [16, 32, 48]);
    for (const entry of entries ?? []) {
      assert.deepStrictEqual(imageFacts(ico.subarray(entry.offset, entry.offset + entry.length)), {
        format: 'png',
        width: entry.size,
        height: entry.size,
      });
    }
  });

  const refused: [string, Record<string, unknown>, RegExp][] = [
    ['a target outside the workspace (../x.png)', { targetPath: '../x.png' }, /points outside the workspace folder/],
    ['an absolute target path', { targetPath: '/tmp/x.png' }, /absolute path/],
    ['a URL as target', { targetPath: 'https://example.com/x.png' }, /is a URL/],
    ['a file URI outside the workspace', { targetPath: 'file:///tmp/elsewhere/x.png' }, /is not in the workspace folder/],
    ['a GIF target', { targetPath: 'anim.gif' }, /only PNG, JPEG and WebP/],
    ['an SVG target', { targetPath: 'logo.svg' }, /only PNG, JPEG and WebP/],
    ['width 0', { targetPath: 'a.png', width: 0 }, /from 1 to 8192/],
    ['a negative height', { targetPath: 'a.png', width: 10, height: -4 }, /from 1 to 8192/],
    ['width over 8192', { targetPath: 'a.png', width: 9000, height: 10 }, /from 1 to 8192/],
  ];
  for (const [label, target, message] of refused) {
    it(`refuses ${label}: a clear message, nothing sent`, async () => {
      const since = await freshEmulator(control);
      const prompt = `refused target ${label}`;
      await assert.rejects(Promise.resolve(vscode.commands.executeCommand('mediaStudio.generateImage', { prompt, ...target })), message);
      assert.strictEqual(await submitsOf(prompt, since), 0);
      assert.ok(!(await api.listTasks()).some((t) => t.request.prompt === prompt), 'no task was created');
    });
  }

  it('refuses a target that is a folder', async () => {
    const folder = `${unique('a-folder')}.png`;
    await vscode.workspace.fs.createDirectory(vscode.Uri.joinPath(workspaceFolder(), folder));
    await assert.rejects(
      Promise.resolve(vscode.commands.executeCommand('mediaStudio.generateImage', { prompt: 'into a folder', targetPath: folder })),
      /is a folder/,
    );
    assert.ok(await exists(vscode.Uri.joinPath(workspaceFolder(), folder)));
  });
});
