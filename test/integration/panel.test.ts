import * as assert from 'assert';
import * as vscode from 'vscode';
import type { MediaStudioApi } from '../../src/api';
import { fetchApixoBalance } from '../../src/core/adapters/apixo';
import { PixapiAdapter } from '../../src/core/adapters/pixapi';
import { catalogFor } from '../../src/core/catalog';
import { TaskEngine } from '../../src/core/engine';
import { Emitter } from '../../src/core/events';
import { ApiClient } from '../../src/core/http';
import type { HostMessage } from '../../src/core/panelProtocol';
import type { ProviderId } from '../../src/core/providers';
import { TaskPersistence, TaskStore } from '../../src/core/store';
import type { Task } from '../../src/core/task';
import { PanelController, PanelTransport } from '../../src/host/panel/controller';
import { openImage } from '../../src/host/images';
import { Log } from '../../src/host/log';
import { ResultWriter } from '../../src/host/results';
import { activateExtension, emulator, exists, fileOf, KEYS, setKeys, workspaceFolder } from './helpers';

class MemoryPersistence implements TaskPersistence {
  async load(): Promise<Task[]> { return []; }
  async save(): Promise<void> {}
  async remove(): Promise<void> {}
}

/** Stands in for the webview: records what the controller posts and lets a test wait for a message. */
class FakeTransport implements PanelTransport {
  readonly posted: HostMessage[] = [];
  private readonly incoming = new Emitter<unknown>();
  private readonly postedEvent = new Emitter<HostMessage>();
  post(message: HostMessage): void {
    this.posted.push(message);
    this.postedEvent.fire(message);
  }
  onDidReceive(listener: (raw: unknown) => void) { return this.incoming.event(listener); }
  asWebviewUri(uri: vscode.Uri): string { return `https://webview.test/${encodeURIComponent(uri.toString())}`; }
  /** Resolves with the first posted message (already posted or future) that matches. */
  next<T extends HostMessage>(match: (m: HostMessage) => m is T): Promise<T>;
  next(match: (m: HostMessage) => boolean): Promise<HostMessage>;
  next(match: (m: HostMessage) => boolean): Promise<HostMessage> {
    const seen = this.posted.find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve) => {
      const subscription = this.postedEvent.event((m) => {
        if (match(m)) {
          subscription.dispose();
          resolve(m);
        }
      });
    });
  }
}

describe('Panel in the real extension host', function () {
  let api: MediaStudioApi;
  let store: TaskStore;
  let engine: TaskEngine;
  let transport: FakeTransport;
  let controller: PanelController;
  let logged: string[];
  let submits: Task[];

  before(async () => {
    api = await activateExtension();
    await setKeys();
  });

  beforeEach(() => {
    const baseUrl = vscode.workspace.getConfiguration('mediaStudio').get<string>('pixapi.baseUrl') as string;
    const log = new Log();
    store = new TaskStore(new MemoryPersistence());
    const writer = new ResultWriter({ store, log, apiAuth: async () => undefined, allowLoopback: () => true });
    engine = new TaskEngine({
      store,
      adapters: new Map([['pixapi', new PixapiAdapter()]]),
      api: async (provider: ProviderId) => (provider === 'pixapi' ? new ApiClient({ baseUrl, key: KEYS.pixapi }) : undefined),
      openImage,
      saveResults: (task, inline) => writer.save(task, inline),
    });
    submits = [];
    store.onDidChange((change) => { if (change.kind === 'added') submits.push(change.task); });
    logged = [];
    transport = new FakeTransport();
    controller = new PanelController({
      engine,
      store,
      models: { list: async (provider) => catalogFor(provider) },
      keys: { has: async (provider) => provider === 'pixapi' },
      log: { info: (m) => logged.push(`info ${m}`), warn: (m) => logged.push(`warn ${m}`), error: (m) => logged.push(`error ${String(m)}`) },
    }, transport);
  });

  afterEach(() => {
    controller.dispose();
    engine.dispose();
  });

  it('opens one panel beside the editor with Media Studio: Open Panel', async () => {
    const panelTabs = () => vscode.window.tabGroups.all.flatMap((g) => g.tabs)
      .filter((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.includes('mediaStudio.panel'));
    const opened = new Promise<void>((resolve) => {
      const subscription = vscode.window.tabGroups.onDidChangeTabs(() => {
        if (panelTabs().length) {
          subscription.dispose();
          resolve();
        }
      });
    });
    await vscode.commands.executeCommand('mediaStudio.openPanel');
    if (!panelTabs().length) await opened;
    await vscode.commands.executeCommand('mediaStudio.openPanel');
    assert.strictEqual(panelTabs().length, 1, 'a second Open Panel reveals the same panel');
    assert.strictEqual(panelTabs()[0].label, 'Media Studio');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('shows the Apixo balance with Apixo\'s models (Apixo documents no per-model prices)', async () => {
    const control = emulator();
    controller.dispose();
    controller = new PanelController({
      engine,
      store,
      models: { list: async (provider) => catalogFor(provider) },
      keys: { has: async () => true },
      balance: async (provider) => (provider === 'apixo' ? fetchApixoBalance(new ApiClient({ baseUrl: vscode.workspace.getConfiguration('mediaStudio').get<string>('apixo.baseUrl') as string, key: KEYS.apixo })) : undefined),
      log: { info: () => undefined, warn: () => undefined, error: () => undefined },
    }, transport);
    await controller.receive({ type: 'ready' });
    await controller.receive({ type: 'listModels', requestId: 7, provider: 'apixo' });
    await controller.receive({ type: 'listModels', requestId: 8, provider: 'pixapi' });
    const apixo = await transport.next((m): m is Extract<HostMessage, { type: 'models' }> => m.type === 'models' && m.requestId === 7);
    const pixapi = await transport.next((m): m is Extract<HostMessage, { type: 'models' }> => m.type === 'models' && m.requestId === 8);
    assert.strictEqual(apixo.balanceUsd, (await control.balances()).apixo);
    assert.strictEqual(pixapi.balanceUsd, undefined);
  });

  it('posts nothing before ready, then init; composes, submits, and posts the task and its result', async () => {
    await controller.addReferences([]);
    assert.deepStrictEqual(transport.posted, [], 'nothing is posted before the ready handshake');
    await controller.receive({ type: 'ready' });
    const init = await transport.next((m): m is Extract<HostMessage, { type: 'init' }> => m.type === 'init');
    assert.ok(init.providers.some((p) => p.id === 'pixapi' && p.hasKey));
    assert.ok(!JSON.stringify(transport.posted).includes(KEYS.pixapi), 'no key reaches the webview');

    await controller.receive({ type: 'listModels', requestId: 1, provider: 'pixapi' });
    const models = await transport.next((m): m is Extract<HostMessage, { type: 'models' }> => m.type === 'models' && m.requestId === 1);
    assert.ok(models.models.some((m) => m.id === 'gpt-image-2'));
    assert.strictEqual(models.paramNames.size, 'size');

    const reference = vscode.Uri.joinPath(workspaceFolder(), 'images/product.png');
    await controller.receive({ type: 'dropReferences', requestId: 2, uris: [reference.toString()] });
    const added = await transport.next((m): m is Extract<HostMessage, { type: 'addReferences' }> => m.type === 'addReferences');
    assert.deepStrictEqual(added.references.map((r) => r.name), ['images/product.png']);

    await controller.receive({
      type: 'submit', requestId: 3, provider: 'pixapi', model: 'gemini-3-pro-image-preview', prompt: 'Panel: the product on slate',
      params: { size: 'auto', n: '1' }, references: [reference.toString()], imageUrls: [],
    });
    const submitted = await transport.next((m): m is Extract<HostMessage, { type: 'submitted' }> => m.type === 'submitted' && m.requestId === 3);
    const task = store.get(submitted.taskId);
    assert.ok(task, 'the task is in the store');
    assert.strictEqual(task.request.operation, 'edit');
    assert.deepStrictEqual(task.request.images, [reference.toString()]);
    assert.strictEqual(task.request.params.n, 1, 'the count is sent as a number');

    const withResult = await transport.next((m): m is Extract<HostMessage, { type: 'task' }> => m.type === 'task' && m.task.id === submitted.taskId && m.task.results.some((r) => !!r.src));
    assert.strictEqual(withResult.task.state, 'succeeded');
    const result = withResult.task.results[0];
    assert.ok(result.src?.startsWith('https://webview.test/'), 'results load through the webview URI');
    assert.ok(result.name?.startsWith('generated/panel-the-product-on-slate'), result.name);
    assert.ok(await exists(fileOf(store.get(submitted.taskId)?.results?.[0].file)));

    await controller.receive({ type: 'taskAction', requestId: 4, action: 'regenerate', taskId: submitted.taskId, resultIndex: 0 });
    const again = await transport.next((m): m is Extract<HostMessage, { type: 'submitted' }> => m.type === 'submitted' && m.requestId === 4);
    assert.notStrictEqual(again.taskId, submitted.taskId);
    assert.deepStrictEqual(store.get(again.taskId)?.request, task.request, 'Regenerate submits the same request as a new task');
  });

  it('tells a model that takes URLs only that it cannot use workspace files, before sending anything', async () => {
    await controller.receive({ type: 'ready' });
    const reference = vscode.Uri.joinPath(workspaceFolder(), 'images/product.png');
    await controller.receive({ type: 'submit', requestId: 9, provider: 'pixapi', model: 'veo', prompt: 'wave', params: {}, references: [reference.toString()], imageUrls: [] });
    const error = await transport.next((m): m is Extract<HostMessage, { type: 'error' }> => m.type === 'error' && m.requestId === 9);
    assert.match(error.message, /only as URLs/);
    assert.strictEqual(submits.length, 0);
  });

  it('rejects malformed messages: nothing submitted, nothing posted, a warning logged', async () => {
    await controller.receive({ type: 'ready' });
    await transport.next((m) => m.type === 'init');
    const before = transport.posted.length;
    const malformed: unknown[] = [
      { type: 'submit', requestId: 1, provider: 'nope', model: 'gpt-image-2', prompt: 'x', params: {}, references: [], imageUrls: [] },
      { type: 'submit', requestId: 2, provider: 'pixapi', model: 'gpt-image-2', prompt: 'x'.repeat(40_000), params: {}, references: [], imageUrls: [] },
      { type: 'submit', requestId: 3, provider: 'pixapi', model: 'gpt-image-2', prompt: 42, params: {}, references: [], imageUrls: [] },
      { type: 'runCommand', command: 'workbench.action.terminal.new' },
      'submit',
      null,
    ];
    for (const message of malformed) await controller.receive(message);
    assert.strictEqual(submits.length, 0, 'nothing was submitted');
    assert.strictEqual(transport.posted.length, before, 'nothing was answered');
    assert.strictEqual(logged.filter((l) => l.startsWith('warn Panel: rejected')).length, malformed.length, logged.join('\n'));
    assert.ok(logged.some((l) => l.includes('unknown provider')));
    assert.ok(logged.some((l) => l.includes('unknown message type')));
  });

  it('refuses references from outside the workspace', async () => {
    await controller.receive({ type: 'ready' });
    await controller.receive({ type: 'dropReferences', requestId: 7, uris: ['file:///etc/passwd'] });
    const error = await transport.next((m): m is Extract<HostMessage, { type: 'error' }> => m.type === 'error' && m.requestId === 7);
    assert.match(error.message, /not in the workspace/);
    assert.ok(!transport.posted.some((m) => m.type === 'addReferences'));
  });

  it('regenerates a generated file from its sidecar (mediaStudio.regenerate)', async () => {
    const [id] = await vscode.commands.executeCommand<string[]>('mediaStudio.generateImage', { prompt: 'Regenerate me', model: 'gpt-image-2', size: '1024x1024', quality: 'low' });
    const first = await api.waitForTask(id);
    const file = fileOf(first.results?.[0].file);
    const ids = await vscode.commands.executeCommand<string[]>('mediaStudio.regenerate', file);
    assert.ok(Array.isArray(ids) && ids.length === 1 && ids[0] !== id);
    const second = await api.waitForTask(ids[0]);
    assert.strictEqual(second.state, 'succeeded', second.error?.message);
    assert.strictEqual(second.request.prompt, 'Regenerate me');
    assert.strictEqual(second.request.model, 'gpt-image-2');
    assert.deepStrictEqual(second.request.params, first.request.params);
  });
});
