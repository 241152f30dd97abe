import * as assert from 'assert';
import * as vscode from 'vscode';
import type { MediaStudioApi, Task } from '../../src/api';
import { sniffMediaType } from '../../src/core/files/sniff';
import { activateExtension, emulator, exists, readFile, setKeys, workspaceFolder } from './helpers';

/** The text of a tool result (parts come back over RPC, so read `value` rather than rely on the class). */
function resultText(result: vscode.LanguageModelToolResult): string {
  return result.content.map((part) => (part && typeof part === 'object' && 'value' in part ? String((part as { value: unknown }).value) : '')).join('\n');
}

/** Workspace-relative paths listed in a tool result ("- generated/…"). */
function listedFiles(text: string): string[] {
  return text.split('\n').filter((l) => l.startsWith('- ')).map((l) => l.slice(2).trim());
}

function invoke(name: string, input: object, token: vscode.CancellationToken): Thenable<vscode.LanguageModelToolResult> {
  return vscode.lm.invokeTool(name, { input, toolInvocationToken: undefined }, token);
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
    for (const name of ['generate_image', 'edit_image', 'generate_video']) assert.ok(names.includes(name), `${name} missing from vscode.lm.tools: ${names.join(', ')}`);
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
    const text = resultText(await invoke('generate_image', { prompt: 'a hero banner for the docs', provider: 'pixapi', outputFolder: 'assets/hero' }, source.token));
    const files = listedFiles(text);
    assert.strictEqual(files.length, 1, text);
    assert.ok(files[0].startsWith('assets/hero/a-hero-banner-for-the-docs-'), files[0]);
    assert.ok(await exists(vscode.Uri.joinPath(workspaceFolder(), `${files[0]}.json`)), 'the sidecar is beside it');
    const refused = resultText(await invoke('generate_image', { prompt: 'escape', provider: 'pixapi', outputFolder: '../../etc' }, source.token));
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
      const source = new vscode.CancellationTokenSource();
      const prompt = 'cancel me, agent';
      const submitted = agentTask(api, prompt, 'submitted');
      const invocation = Promise.resolve(invoke('generate_image', { prompt, provider: 'pixapi' }, source.token)).then(resultText, (error: unknown) => `threw: ${String(error)}`);
      const task = await submitted;
      source.cancel();
      const text = await invocation;
      const final = await api.waitForTask(task.id);
      assert.strictEqual(final.state, 'cancelled', text);
      assert.ok(!final.results?.some((r) => r.file), 'a file was written');
      assert.ok(/cancel/i.test(text), text);
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
});
