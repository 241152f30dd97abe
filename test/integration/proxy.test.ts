import * as assert from 'assert';
import * as vscode from 'vscode';
import type { MediaStudioApi } from '../../src/api';
import { ForwardProxy } from '../support/forwardProxy';
import { activateExtension, emulator, freshEmulator, run, setKeys } from './helpers';

describe('Proxies: VS Code\'s http.proxy setting in the real extension host', function () {
  let api: MediaStudioApi;
  let proxy: ForwardProxy;
  const control = emulator();
  const http = () => vscode.workspace.getConfiguration('http');

  before(async () => {
    api = await activateExtension();
    await setKeys();
    proxy = await ForwardProxy.start();
  });
  after(async () => {
    await http().update('proxy', undefined, vscode.ConfigurationTarget.Global);
    await http().update('noProxy', undefined, vscode.ConfigurationTarget.Global);
    await proxy.close();
  });
  beforeEach(async () => {
    await freshEmulator(control);
    proxy.seen.length = 0;
  });

  it('sends the result download through the proxy, but never the key to a local API (loopback goes direct)', async () => {
    await http().update('proxy', proxy.url, vscode.ConfigurationTarget.Global);
    const [id] = await run('mediaStudio.generateImage', { provider: 'pixapi', model: 'gpt-image-2', prompt: 'through the proxy' });
    const task = await api.waitForTask(id);
    assert.strictEqual(task.state, 'succeeded', task.error?.message);
    assert.ok(task.results?.[0]?.file, task.results?.[0]?.saveError);
    const urls = await control.urls();
    const tunnels = new Set(proxy.seen.filter((r) => r.method === 'CONNECT').map((r) => r.target));
    assert.ok(!tunnels.has(new URL(urls.pixapi).host), 'the API on 127.0.0.1 is reached directly: its key never goes through the proxy');
    assert.ok(proxy.seen.every((r) => r.target !== new URL(urls.pixapi).host));
    assert.ok(tunnels.has(new URL(urls.cdn).host), `CDN host not proxied: ${[...tunnels].join(', ')}`);
  });

  it('goes direct again for hosts listed in http.noProxy', async () => {
    await http().update('proxy', proxy.url, vscode.ConfigurationTarget.Global);
    await http().update('noProxy', ['127.0.0.1'], vscode.ConfigurationTarget.Global);
    const [id] = await run('mediaStudio.generateImage', { provider: 'pixapi', model: 'gpt-image-2', prompt: 'around the proxy' });
    assert.strictEqual((await api.waitForTask(id)).state, 'succeeded');
    assert.deepStrictEqual(proxy.seen, []);
  });

  it('refuses an unusable proxy setting with a message that says which setting to fix', async () => {
    await http().update('noProxy', undefined, vscode.ConfigurationTarget.Global);
    await http().update('proxy', 'socks5://127.0.0.1:1', vscode.ConfigurationTarget.Global);
    await assert.rejects(
      Promise.resolve(
        vscode.commands.executeCommand('mediaStudio.generateImage', { provider: 'pixapi', model: 'gpt-image-2', prompt: 'bad proxy' }),
      ),
      /"http\.proxy" must be an http:\/\/ or https:\/\/ URL/,
    );
    await http().update('proxy', undefined, vscode.ConfigurationTarget.Global);
  });
});
