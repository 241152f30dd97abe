/** The per-provider default model settings, in the real extension host against the emulator. */
import * as assert from 'assert';
import * as vscode from 'vscode';
import type { MediaStudioApi } from '../../src/api';
import { testHooksOf, type TestHooks } from '../../src/host/testHooks';
import { defaultModel } from '../../src/core/catalog';
import { activateExtension, clearKeys, DEFAULT_TIMING, emulator, EXTENSION_ID, run, setKeys } from './helpers';

describe('Default model settings (mediaStudio.<provider>.defaultModel)', function () {
  this.timeout(60_000);
  let api: MediaStudioApi;
  const control = emulator();

  async function setting(key: string, value: unknown): Promise<() => Thenable<void>> {
    const config = vscode.workspace.getConfiguration('mediaStudio');
    const before = config.inspect(key)?.globalValue;
    await config.update(key, value, vscode.ConfigurationTarget.Global);
    return () => vscode.workspace.getConfiguration('mediaStudio').update(key, before, vscode.ConfigurationTarget.Global);
  }

  /** The model lists the quick input and the panel get (a test hook: no VS Code API shows them). */
  function models(): TestHooks['models'] {
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension?.isActive, 'Media Studio is not active');
    const found = testHooksOf(extension.exports);
    assert.ok(found, 'the extension hands out its test hooks only when VS Code runs extension tests');
    return found.models;
  }

  before(async () => {
    api = await activateExtension();
    await setKeys();
    await control.clearFaults();
    await control.configure({ timing: DEFAULT_TIMING });
  });
  after(clearKeys);

  it('generateImage with only a prompt sends the configured Pixapi model; without the setting, the catalog default', async () => {
    const restore = await setting('pixapi.defaultModel', 'gpt-image-1.5');
    try {
      const [id] = await run('mediaStudio.generateImage', { prompt: 'a default-model check' });
      const task = await api.waitForTask(id);
      assert.strictEqual(task.request.provider, 'pixapi');
      assert.strictEqual(task.request.model, 'gpt-image-1.5');
      assert.strictEqual(task.state, 'succeeded', task.error?.message);
      assert.strictEqual(
        (await control.task('pixapi', task.remoteId ?? ''))?.model,
        'gpt-image-1.5',
        'the emulator received the configured model',
      );

      // The quick input's model picker and the panel (which start on the first model) preselect it.
      const listed = await models().list('pixapi');
      assert.strictEqual(listed[0].id, 'gpt-image-1.5');
      assert.strictEqual(listed.filter((m) => m.id === 'gpt-image-1.5').length, 1, 'listed once');

      // An image model leaves videos on the built-in default.
      const [video] = await run('mediaStudio.generateVideo', { prompt: 'a default video model check' });
      assert.strictEqual((await api.getTask(video))?.request.model, defaultModel('pixapi', 'video'));
      await api.waitForTask(video);
    } finally {
      await restore();
    }
    const [id] = await run('mediaStudio.generateImage', { prompt: 'a catalog default check' });
    assert.strictEqual((await api.getTask(id))?.request.model, defaultModel('pixapi', 'image'));
    await api.waitForTask(id);
  });

  it('the chat tools use it too, and PixAI takes a pixai.art model URL', async () => {
    const restore = await setting('pixai.defaultModel', 'https://pixai.art/model/1234/5678901234');
    try {
      const prompt = 'a pixai default model from the agent';
      const source = new vscode.CancellationTokenSource();
      await vscode.lm.invokeTool('generate_image', { input: { prompt, provider: 'pixai' }, toolInvocationToken: undefined }, source.token);
      const task = (await api.listTasks()).find((t) => t.request.prompt === prompt);
      assert.strictEqual(task?.request.model, '5678901234');
      assert.strictEqual((await control.task('pixai', task?.remoteId ?? ''))?.model, '5678901234', 'PixAI received the model version id');
    } finally {
      await restore();
    }
  });
});
