import * as assert from 'assert';
import * as vscode from 'vscode';
import { activateExtension, clearKeys } from './helpers';

// The runner chose this run id and searches every file VS Code wrote for this key afterwards.
const key = `leak-probe-key-${process.env.MEDIA_STUDIO_TEST_RUN_ID ?? Date.now().toString(36)}`;

describe('API keys in the real extension host', () => {
  it('activates and contributes the Media Studio commands', async () => {
    await activateExtension();
    const commands = await vscode.commands.getCommands(true);
    for (const id of ['mediaStudio.setApiKey', 'mediaStudio.clearApiKey']) assert.ok(commands.includes(id), id);
  });

  it('stores a key in SecretStorage through the command and clears it again', async () => {
    const api = await activateExtension();
    await clearKeys(); // earlier suites may leave keys set
    await vscode.commands.executeCommand('mediaStudio.clearApiKey', { provider: 'pixai' });
    assert.strictEqual(await api.hasApiKey('pixai'), false);
    await vscode.commands.executeCommand('mediaStudio.setApiKey', { provider: 'pixai', key });
    assert.strictEqual(await api.hasApiKey('pixai'), true);
    assert.strictEqual(await api.hasApiKey('pixapi'), false, 'keys are per provider');
    await vscode.commands.executeCommand('mediaStudio.clearApiKey', { provider: 'pixai' });
    assert.strictEqual(await api.hasApiKey('pixai'), false);
  });

  it('keeps the key out of every setting', async () => {
    await vscode.commands.executeCommand('mediaStudio.setApiKey', { provider: 'pixai', key });
    const all = JSON.stringify(vscode.workspace.getConfiguration('mediaStudio'));
    assert.ok(!all.includes(key));
    // Left set on purpose: the runner then searches every file VS Code wrote (settings, state, logs) for it.
  });

  it('rejects a key with spaces or line breaks and says why, without echoing the key', async () => {
    await assert.rejects(
      Promise.resolve(vscode.commands.executeCommand('mediaStudio.setApiKey', { provider: 'apixo', key: 'abc def\nghi-secret' })),
      (error: Error) => /spaces or line breaks/.test(error.message) && !error.message.includes('ghi-secret'),
    );
  });

  it('rejects an unknown provider with the list of known ones', async () => {
    await assert.rejects(
      Promise.resolve(vscode.commands.executeCommand('mediaStudio.setApiKey', { provider: 'nope', key: 'abcdefghijk' })),
      /Unknown provider "nope".*pixapi/,
    );
  });
});
