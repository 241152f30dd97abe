import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import type { MediaStudioApi, Task } from '../../src/api';
import { PIXAI_EXAMPLE_MODEL_VERSION_ID } from '../../src/core/adapters/pixai.spec';
import { sniffMediaType } from '../../src/core/files/sniff';
import { testHooksOf, type TestHooks } from '../../src/host/testHooks';
import { estimateSpend } from '../../src/core/spending/estimate';
import { activateExtension, clearKeys, emulator, EXTENSION_ID, exists, readFile, setKeys, workspaceFolder } from './helpers';

/** The text of a tool result (parts come back over RPC, so read `value` rather than rely on the class). */
function resultText(result: vscode.LanguageModelToolResult): string {
  return result.content
    .map((part) => (part && typeof part === 'object' && 'value' in part ? String((part as { value: unknown }).value) : ''))
    .join('\n');
}

/** Workspace-relative paths listed in a tool result ("- generated/…"). */
function listedFiles(text: string): string[] {
  return text.split('\n').filter((l) => l.startsWith('- ')).map((l) => l.slice(2).trim());
}

function invoke(name: string, input: object, token: vscode.CancellationToken): Thenable<vscode.LanguageModelToolResult> {
  return vscode.lm.invokeTool(name, { input, toolInvocationToken: undefined }, token);
}

/**
 * What no VS Code API shows: the value given to the mediaStudio.hasKey context key, and the tools themselves.
 * Handed out by the extension on the object activate() returns, only in ExtensionMode.Test.
 */
function hooks(): TestHooks {
  const extension = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(extension?.isActive, 'Media Studio is not active');
  const found = testHooksOf(extension.exports);
  assert.ok(found, 'the extension hands out its test hooks only when VS Code runs extension tests');
  return found;
}

/** Every file under a folder (recursively, workspace-relative), or none when it does not exist. */
async function filesUnder(folder: vscode.Uri): Promise<string[]> {
  let entries: [string, vscode.FileType][];
  try {
    entries = await vscode.workspace.fs.readDirectory(folder);
  } catch {
    return [];
  }
  const nested = await Promise.all(entries.map(async ([name, type]) => {
    const child = vscode.Uri.joinPath(folder, name);
    return type & vscode.FileType.Directory ? filesUnder(child) : [vscode.workspace.asRelativePath(child, false)];
  }));
  return nested.flat().sort();
}

/** The text a confirmation message shows: a string, or a MarkdownString built with appendText (which escapes). */
function plain(message: string | vscode.MarkdownString | undefined): string {
  if (typeof message === 'string') return message;
  return (message?.value ?? '').replace(/&nbsp;/g, ' ').replace(/\\([\\`*_{}[\]()#+\-.!<>|~])/g, '$1');
}

/** Resolves with the first task started by the agent with this prompt once it reaches `state`. */
function agentTask(api: MediaStudioApi, prompt: string, state: Task['state']): Promise<Task> {
  return new Promise((resolve) => {
    const subscription = api.onDidChangeTask((task) => {
      if (task.origin === 'agent' && task.request.prompt === prompt && task.state === state) {
        subscription.dispose();
        resolve(task);
      }
    });
  });
}

describe('Chat tools (vscode.lm.invokeTool in the extension host)', function () {
  this.timeout(90_000);
  let api: MediaStudioApi;
  const control = emulator();
  const fast = { timing: { image: { queueMs: 150, runMs: 600 }, video: { queueMs: 300, runMs: 1500 } } };

  before(async () => {
    api = await activateExtension();
    await setKeys();
  });
  beforeEach(async () => {
    await control.clearFaults();
    await control.configure(fast);
  });

  it('lists the three tools once a key is set', () => {
    const names = vscode.lm.tools.map((t) => t.name);
    for (const name of ['generate_image', 'edit_image', 'generate_video'])
      assert.ok(names.includes(name), `${name} missing from vscode.lm.tools: ${names.join(', ')}`);
    const image = vscode.lm.tools.find((t) => t.name === 'generate_image');
    assert.deepStrictEqual((image?.inputSchema as { required?: string[] })?.required, ['prompt']);
  });

  it('generate_image writes a file and returns its workspace-relative path; the task is marked as the agent\'s', async () => {
    const source = new vscode.CancellationTokenSource();
    const prompt = 'a lighthouse at dusk, from the chat agent';
    const result = await invoke('generate_image', { prompt, provider: 'pixapi', size: '1024x1024' }, source.token);
    const text = resultText(result);
    const files = listedFiles(text);
    assert.strictEqual(files.length, 1, text);
    const bytes = await readFile(vscode.Uri.joinPath(workspaceFolder(), files[0]));
    assert.strictEqual(sniffMediaType(bytes)?.kind, 'image');
    const task = (await api.listTasks()).find((t) => t.request.prompt === prompt);
    assert.strictEqual(task?.origin, 'agent');
    assert.strictEqual(task?.state, 'succeeded');
  });

  it('saves into the output folder the agent names, and refuses one outside the workspace', async () => {
    const source = new vscode.CancellationTokenSource();
    const text = resultText(
      await invoke(
        'generate_image',
        { prompt: 'a hero banner for the docs', provider: 'pixapi', outputFolder: 'assets/hero' },
        source.token,
      ),
    );
    const files = listedFiles(text);
    assert.strictEqual(files.length, 1, text);
    assert.ok(files[0].startsWith('assets/hero/a-hero-banner-for-the-docs-'), files[0]);
    assert.ok(await exists(vscode.Uri.joinPath(workspaceFolder(), `${files[0]}.json`)), 'the sidecar is beside it');
    const refused = resultText(
      await invoke('generate_image', { prompt: 'escape', provider: 'pixapi', outputFolder: '../../etc' }, source.token),
    );
    assert.match(refused, /outside the workspace folder/);
    assert.strictEqual((await api.listTasks()).some((t) => t.request.prompt === 'escape'), false, 'nothing was submitted');
  });

  it('edit_image edits a workspace image with pixapi', async () => {
    const source = new vscode.CancellationTokenSource();
    const prompt = 'put the product on a warm studio background (agent)';
    const text = resultText(await invoke('edit_image', { prompt, provider: 'pixapi', images: ['images/product.png'] }, source.token));
    const files = listedFiles(text);
    assert.strictEqual(files.length, 1, text);
    assert.ok(await exists(vscode.Uri.joinPath(workspaceFolder(), files[0])));
    const task = (await api.listTasks()).find((t) => t.request.prompt === prompt);
    assert.strictEqual(task?.request.operation, 'edit');
    assert.strictEqual(task?.origin, 'agent');
    assert.ok(task?.request.images?.[0].endsWith('images/product.png'));
  });

  it('cancelling the token cancels the task: marked cancelled, no file written', async () => {
    await control.configure({ timing: { image: { queueMs: 20_000, runMs: 600 } } });
    try {
      const output = vscode.Uri.joinPath(workspaceFolder(), 'generated');
      const filesBefore = await filesUnder(output);
      const source = new vscode.CancellationTokenSource();
      const prompt = 'cancel me, agent';
      const submitted = agentTask(api, prompt, 'submitted');
      const invocation = Promise.resolve(invoke('generate_image', { prompt, provider: 'pixapi' }, source.token)).then(
        resultText,
        (error: unknown) => `threw: ${String(error)}`,
      );
      const task = await submitted;
      source.cancel();
      const text = await invocation;
      const final = await api.waitForTask(task.id);
      assert.strictEqual(final.state, 'cancelled', text);
      assert.ok(/cancel/i.test(text), text);
      // The remote task would have finished within the wait above had it not been cancelled (queueMs 20 s is
      // the emulator's queue; cancelling removes it there). No result, sidecar or temp file appeared.
      assert.deepStrictEqual(await filesUnder(output), filesBefore, 'a file appeared in the output folder');
    } finally {
      await control.configure(fast);
    }
  });

  it('a provider without a key gives an error that names the Set API Key command, and sends nothing', async () => {
    await vscode.commands.executeCommand('mediaStudio.clearApiKey', { provider: 'pixai' });
    try {
      const before = (await api.listTasks()).length;
      const source = new vscode.CancellationTokenSource();
      const text = resultText(await invoke('generate_image', { prompt: 'no key here', provider: 'pixai' }, source.token));
      assert.ok(text.includes('Media Studio: Set API Key'), text);
      assert.ok(text.includes('PixAI'), text);
      assert.strictEqual((await api.listTasks()).length, before);
    } finally {
      await setKeys();
    }
  });
  it('edit_image refuses an image outside the workspace (URI, .. path, or a URI through ..), and sends nothing', async () => {
    const outside = path.join(os.tmpdir(), `media-studio-private-${process.pid}.png`);
    fs.writeFileSync(outside, await readFile(vscode.Uri.joinPath(workspaceFolder(), 'images', 'product.png')));
    try {
      const throughDotDot = `${workspaceFolder().toString()}/${path.relative(workspaceFolder().fsPath, outside).split(path.sep).join('/')}`;
      assert.ok(throughDotDot.includes('/../'), throughDotDot);
      const cases: [string, RegExp][] = [
        [
          vscode.Uri.file(outside).toString(),
          /is not in the workspace\. Only images inside the workspace can be edited: copy the image into the workspace folder first/,
        ],
        ['../private.png', /"\.\.\/private\.png" points outside the workspace folder\. Only images inside the workspace can be edited/],
        [throughDotDot, /points outside the workspace folder/],
      ];
      const since = Math.max(0, ...(await control.requests()).map((r) => r.seq));
      const tasksBefore = (await api.listTasks()).length;
      const source = new vscode.CancellationTokenSource();
      for (const [image, expected] of cases) {
        const text = resultText(await invoke('edit_image', { prompt: 'leak this', provider: 'pixapi', images: [image] }, source.token));
        assert.match(text, /^Nothing was generated: /, text);
        assert.match(text, expected, text);
      }
      // The command's argument object is held to the same rule (as the panel is).
      await assert.rejects(
        Promise.resolve(
          vscode.commands.executeCommand('mediaStudio.editImage', {
            provider: 'pixapi',
            prompt: 'leak this',
            images: [vscode.Uri.file(outside)],
          }),
        ),
        /is not in the workspace/,
      );
      assert.strictEqual((await api.listTasks()).length, tasksBefore, 'no task was created');
      const sent = (await control.requests(since)).filter((r) => r.seq > since && r.method === 'POST');
      assert.deepStrictEqual(sent.map((r) => r.path), [], 'nothing was sent to a provider');
    } finally {
      fs.rmSync(outside, { force: true });
    }
  });

  it('the confirmation names the provider, the model and the documented cost before anything is spent', async () => {
    const tools = hooks().lmTools;
    assert.ok(tools);
    const before = (await api.listTasks()).length;

    const pixapi = await tools.generate_image.prepareInvocation({
      input: { prompt: 'a teal teapot', provider: 'pixapi', model: 'gpt-image-2', count: 2 },
    });
    const cost = estimateSpend({ provider: 'pixapi', model: 'gpt-image-2', kind: 'image', params: { n: 2 } });
    assert.ok(cost.kind === 'priced', 'Pixapi documents the prices of gpt-image-2');
    assert.match(pixapi.confirmationMessages?.title ?? '', /^Generate image with Pixapi\?$/);
    const pixapiText = plain(pixapi.confirmationMessages?.message);
    for (const part of [
      'Pixapi',
      'model gpt-image-2',
      '2 image(s)',
      'Prompt: a teal teapot',
      `Estimated cost: ${cost.estimate.text} (from Pixapi's documented prices).`,
      'charged to your Pixapi account',
    ]) {
      assert.ok(pixapiText.includes(part), `"${part}" missing from: ${pixapiText}`);
    }

    const pixai = await tools.generate_image.prepareInvocation({ input: { prompt: 'a fox', provider: 'pixai' } });
    assert.match(pixai.confirmationMessages?.title ?? '', /PixAI/);
    const pixaiText = plain(pixai.confirmationMessages?.message);
    for (const part of [
      'PixAI',
      `model ${PIXAI_EXAMPLE_MODEL_VERSION_ID}`,
      'Cost: unknown — PixAI documents no prices for its API; see PixAI pricing.',
    ]) {
      assert.ok(pixaiText.includes(part), `"${part}" missing from: ${pixaiText}`);
    }

    const video = await tools.generate_video.prepareInvocation({
      input: { prompt: 'a wave', provider: 'apixo', model: 'veo-3-1', duration: 8 },
    });
    assert.match(video.confirmationMessages?.title ?? '', /^Generate video with Apixo\?$/);
    const videoText = plain(video.confirmationMessages?.message);
    for (const part of [
      'Apixo',
      'model veo-3-1',
      '8 s',
      "Estimated cost: $0.20–$1.50 for 1 video (fast or quality) (from Apixo's documented prices).",
    ])
      assert.ok(videoText.includes(part), `"${part}" missing from: ${videoText}`);
    // Tools cannot report progress through a stable API: the running message says where it shows.
    assert.match(String(plain(video.invocationMessage)), /Progress shows in the Media Studio Tasks view/);

    const edit = await tools.edit_image.prepareInvocation({
      input: { prompt: 'bluer', provider: 'openai', model: 'gpt-image-1', images: ['images/product.png'] },
    });
    assert.ok(plain(edit.confirmationMessages?.message).includes('Images: images/product.png.'), plain(edit.confirmationMessages?.message));
    assert.strictEqual((await api.listTasks()).length, before, 'preparing spends nothing');
  });

  it("passes PixAI's style through generate_image to PixAI, and refuses it for a provider without one", async () => {
    const source = new vscode.CancellationTokenSource();
    const prompt = 'a fox in a forest, watercolour style from the agent';
    const text = resultText(
      await invoke('generate_image', { prompt, provider: 'pixai', style: 'watercolor', aspectRatio: '1:1' }, source.token),
    );
    assert.strictEqual(listedFiles(text).length, 1, text);
    const task = (await api.listTasks()).find((t) => t.request.prompt === prompt);
    assert.strictEqual(task?.request.params.style, 'watercolor');
    const remote = await control.task('pixai', task?.remoteId ?? '');
    assert.strictEqual((remote?.request as { style?: string } | undefined)?.style, 'watercolor', 'PixAI received the style');
    const refused = resultText(
      await invoke('generate_image', { prompt: 'styled elsewhere', provider: 'pixapi', style: 'watercolor' }, source.token),
    );
    assert.match(refused, /Pixapi gemini-3\.1-flash-image-preview does not take a style/);
  });

  it('sets the mediaStudio.hasKey context key (the tools\' `when`) false once every key is cleared, true once one is set', async () => {
    const keyContext = hooks().keyContext;
    assert.ok(keyContext);
    const becomes = (value: boolean) => new Promise<void>((resolve) => {
      const subscription = keyContext.onDidSet((set) => {
        if (set === value) {
          subscription.dispose();
          resolve();
        }
      });
      if (keyContext.value === value) {
        subscription.dispose();
        resolve();
      }
    });
    await becomes(true); // keys are set for this suite
    try {
      await clearKeys();
      await becomes(false);
      assert.strictEqual(keyContext.value, false);
      await vscode.commands.executeCommand('mediaStudio.setApiKey', { provider: 'apixo', key: 'test-apixo-key' });
      await becomes(true);
      assert.strictEqual(keyContext.value, true);
    } finally {
      await setKeys();
    }
  });
});
