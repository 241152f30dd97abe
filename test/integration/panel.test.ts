import * as assert from 'assert';
import * as vscode from 'vscode';
import type { MediaStudioApi } from '../../src/api';
import { fetchApixoBalance } from '../../src/core/adapters/apixo';
import { PIXAI_EXAMPLE_MODEL_VERSION_ID } from '../../src/core/adapters/pixai.spec';
import { PixapiAdapter } from '../../src/core/adapters/pixapi';
import { catalogFor } from '../../src/core/catalog';
import { TaskEngine } from '../../src/core/engine';
import { Emitter } from '../../src/core/events';
import { ApiClient } from '../../src/core/http';
import type { HostMessage, TaskView } from '../../src/core/panelProtocol';
import type { ProviderId } from '../../src/core/providers';
import { type TaskPersistence, TaskStore } from '../../src/core/store';
import type { Task } from '../../src/core/task';
import { isSidecarError, parseSidecar } from '../../src/core/files/sidecar';
import { PanelController, type PanelTransport } from '../../src/host/panel/controller';
import { requestFromSidecar } from '../../src/host/panel/regenerate';
import { openImage } from '../../src/host/images';
import { Log } from '../../src/host/log';
import { ResultWriter } from '../../src/host/results';
import { testHooksOf } from '../../src/host/testHooks';
import {
  activateExtension,
  emulator,
  EXTENSION_ID,
  exists,
  fileOf,
  KEYS,
  readFile,
  setKeys,
  waitForTask,
  workspaceFolder,
} from './helpers';

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

/** Resolves when a tab showing `uri` is open (an event, not a sleep). */
function tabOpened(uri: vscode.Uri): Promise<void> {
  const open = () =>
    vscode.window.tabGroups.all
      .flatMap((g) => g.tabs)
      .some((t) => (t.input as { uri?: vscode.Uri } | undefined)?.uri?.toString() === uri.toString());
  return new Promise((resolve) => {
    if (open()) return resolve();
    const subscription = vscode.window.tabGroups.onDidChangeTabs(() => {
      if (open()) {
        subscription.dispose();
        resolve();
      }
    });
  });
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
    controller = new PanelController(
      {
        engine,
        store,
        loaded: Promise.resolve(),
        models: { list: async (provider) => catalogFor(provider) },
        keys: { has: async (provider) => provider === 'pixapi' },
        log: {
          info: (m) => logged.push(`info ${m}`),
          warn: (m) => logged.push(`warn ${m}`),
          error: (m) => logged.push(`error ${String(m)}`),
        },
      },
      transport,
    );
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
    controller = new PanelController(
      {
        engine,
        store,
        loaded: Promise.resolve(),
        models: { list: async (provider) => catalogFor(provider) },
        keys: { has: async () => true },
        balance: async (provider) =>
          provider === 'apixo'
            ? fetchApixoBalance(
                new ApiClient({
                  baseUrl: vscode.workspace.getConfiguration('mediaStudio').get<string>('apixo.baseUrl') as string,
                  key: KEYS.apixo,
                }),
              )
            : undefined,
        log: { info: () => undefined, warn: () => undefined, error: () => undefined },
      },
      transport,
    );
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
    assert.ok(
      models.models.find((m) => m.id === 'gpt-image-2')?.params.some((p) => p.name === 'size'),
      'each model comes with its parameter schema',
    );

    const reference = vscode.Uri.joinPath(workspaceFolder(), 'images/product.png');
    await controller.receive({ type: 'dropReferences', requestId: 2, uris: [reference.toString()] });
    const added = await transport.next((m): m is Extract<HostMessage, { type: 'addReferences' }> => m.type === 'addReferences');
    assert.deepStrictEqual(added.references.map((r) => r.name), ['images/product.png']);

    await controller.receive({
      type: 'submit', requestId: 3, provider: 'pixapi', model: 'gemini-3-pro-image-preview', prompt: 'Panel: the product on slate',
      params: { size: 'auto', n: '1' }, references: [reference.toString()], imageUrls: [],
    });
    const submitted = await transport.next(
      (m): m is Extract<HostMessage, { type: 'submitted' }> => m.type === 'submitted' && m.requestId === 3,
    );
    const task = store.get(submitted.taskId);
    assert.ok(task, 'the task is in the store');
    assert.strictEqual(task.request.operation, 'edit');
    assert.deepStrictEqual(task.request.images, [reference.toString()]);
    assert.strictEqual(task.request.params.n, 1, 'the count is sent as a number');

    const withResult = await transport.next(
      (m): m is Extract<HostMessage, { type: 'task' }> =>
        m.type === 'task' && m.task.id === submitted.taskId && m.task.results.some((r) => !!r.src),
    );
    assert.strictEqual(withResult.task.state, 'succeeded');
    const result = withResult.task.results[0];
    assert.ok(result.src?.startsWith('https://webview.test/'), 'results load through the webview URI');
    assert.ok(result.name?.startsWith('generated/panel-the-product-on-slate'), result.name);
    assert.ok(await exists(fileOf(store.get(submitted.taskId)?.results?.[0].file)));

    await controller.receive({ type: 'taskAction', requestId: 4, action: 'regenerate', taskId: submitted.taskId, resultIndex: 0 });
    const again = await transport.next(
      (m): m is Extract<HostMessage, { type: 'submitted' }> => m.type === 'submitted' && m.requestId === 4,
    );
    assert.notStrictEqual(again.taskId, submitted.taskId);
    assert.deepStrictEqual(store.get(again.taskId)?.request, task.request, 'Regenerate submits the same request as a new task');
  });

  it('tells a model that takes URLs only that it cannot use workspace files, before sending anything', async () => {
    await controller.receive({ type: 'ready' });
    const reference = vscode.Uri.joinPath(workspaceFolder(), 'images/product.png');
    await controller.receive({
      type: 'submit',
      requestId: 9,
      provider: 'pixapi',
      model: 'veo',
      prompt: 'wave',
      params: {},
      references: [reference.toString()],
      imageUrls: [],
    });
    const error = await transport.next((m): m is Extract<HostMessage, { type: 'error' }> => m.type === 'error' && m.requestId === 9);
    assert.match(error.message, /only as URLs/);
    assert.strictEqual(submits.length, 0);
  });

  it('rejects malformed messages: nothing submitted, an error reply where a request id can be read, a warning logged', async () => {
    await controller.receive({ type: 'ready' });
    await transport.next((m) => m.type === 'init');
    const before = transport.posted.length;
    const answered: unknown[] = [
      { type: 'submit', requestId: 1, provider: 'nope', model: 'gpt-image-2', prompt: 'x', params: {}, references: [], imageUrls: [] },
      {
        type: 'submit',
        requestId: 2,
        provider: 'pixapi',
        model: 'gpt-image-2',
        prompt: 'x'.repeat(40_000),
        params: {},
        references: [],
        imageUrls: [],
      },
      { type: 'submit', requestId: 3, provider: 'pixapi', model: 'gpt-image-2', prompt: 42, params: {}, references: [], imageUrls: [] },
      {
        type: 'submit',
        requestId: 4,
        provider: 'pixapi',
        model: 'gpt-image-2',
        prompt: 'x',
        params: { size: 's'.repeat(2001) },
        references: [],
        imageUrls: [],
      },
      {
        type: 'submit',
        requestId: 5,
        provider: 'pixapi',
        model: 'gpt-image-2',
        prompt: 'x',
        params: {},
        references: [],
        imageUrls: [],
        kind: 'audio',
      },
    ];
    const unanswered: unknown[] = [
      { type: 'runCommand', command: 'workbench.action.terminal.new' },
      {
        type: 'submit',
        requestId: -1,
        provider: 'pixapi',
        model: 'gpt-image-2',
        prompt: 'x'.repeat(40_000),
        params: {},
        references: [],
        imageUrls: [],
      },
      { type: 'submit', requestId: '6', provider: 'pixapi', model: 'gpt-image-2', prompt: 42, params: {}, references: [], imageUrls: [] },
      'submit',
      null,
    ];
    for (const message of [...answered, ...unanswered]) await controller.receive(message);
    assert.strictEqual(submits.length, 0, 'nothing was submitted');
    const replies = transport.posted.slice(before);
    assert.deepStrictEqual(
      replies.map((m) => m.type === 'error' && m.requestId),
      [1, 2, 3, 4, 5],
      'each readable request id got one error reply, and nothing else was answered',
    );
    const tooLong = replies[1] as Extract<HostMessage, { type: 'error' }>;
    assert.match(tooLong.message, /prompt is longer than 32000 characters/);
    assert.match((replies[3] as Extract<HostMessage, { type: 'error' }>).message, /params\.size is longer than 2000 characters/);
    assert.strictEqual(
      logged.filter((l) => l.startsWith('warn Panel: rejected')).length,
      answered.length + unanswered.length,
      logged.join('\n'),
    );
    assert.ok(logged.some((l) => l.includes('unknown provider')));
    assert.ok(logged.some((l) => l.includes('unknown message type')));
  });

  it('lets the webview load each reference it is given, and holds the reference back while the webview reloads for it', async () => {
    class RootsTransport extends FakeTransport {
      readonly roots: string[] = [];
      allowResource(uri: vscode.Uri): boolean {
        if (this.roots.includes(uri.toString())) return false;
        this.roots.push(uri.toString());
        return true;
      }
    }
    const rootsTransport = new RootsTransport();
    const reloading = new PanelController({
      engine, store, loaded: Promise.resolve(), models: { list: async (provider) => catalogFor(provider) }, keys: { has: async () => true },
      log: { info: () => undefined, warn: () => undefined, error: () => undefined },
    }, rootsTransport);
    try {
      await reloading.receive({ type: 'ready' });
      await rootsTransport.next((m) => m.type === 'init');
      const reference = vscode.Uri.joinPath(workspaceFolder(), 'images/product.png');
      await reloading.receive({ type: 'dropReferences', requestId: 50, uris: [reference.toString()] });
      assert.deepStrictEqual(rootsTransport.roots, [reference.toString()], 'the reference itself became a resource root');
      assert.deepStrictEqual(rootsTransport.posted.map((m) => m.type), ['init'], 'nothing is posted into the reloading webview');
      await reloading.receive({ type: 'ready' });
      const added = await rootsTransport.next((m): m is Extract<HostMessage, { type: 'addReferences' }> => m.type === 'addReferences');
      assert.deepStrictEqual(added.references.map((r) => r.uri), [reference.toString()]);
      assert.deepStrictEqual(
        rootsTransport.posted.map((m) => m.type),
        ['init', 'init', 'addReferences'],
        'the reloaded webview gets init, then the reference',
      );
      // Offered again (as a restored webview does), it needs no new root and is answered at once.
      await reloading.receive({ type: 'dropReferences', requestId: 51, uris: [reference.toString()] });
      assert.strictEqual((await rootsTransport.next((m) => (m.type === 'done' || m.type === 'error') && m.requestId === 51)).type, 'done');
      assert.strictEqual(rootsTransport.posted.filter((m) => m.type === 'addReferences').length, 2);
    } finally {
      reloading.dispose();
    }
  });

  it('refuses references from outside the workspace', async () => {
    await controller.receive({ type: 'ready' });
    await controller.receive({ type: 'dropReferences', requestId: 7, uris: ['file:///etc/passwd'] });
    const error = await transport.next((m): m is Extract<HostMessage, { type: 'error' }> => m.type === 'error' && m.requestId === 7);
    assert.match(error.message, /not in the workspace/);
    assert.ok(!transport.posted.some((m) => m.type === 'addReferences'));
  });

  /** Submits an image through the controller and resolves with its finished card (saved result, real cost). */
  async function finishedImage(requestId: number, prompt: string): Promise<TaskView> {
    await controller.receive({
      type: 'submit',
      requestId,
      provider: 'pixapi',
      model: 'gpt-image-2',
      prompt,
      params: { size: '1024x1024', quality: 'low' },
      references: [],
      imageUrls: [],
    });
    const submitted = await transport.next(
      (m): m is Extract<HostMessage, { type: 'submitted' }> => m.type === 'submitted' && m.requestId === requestId,
    );
    const card = await transport.next(
      (m): m is Extract<HostMessage, { type: 'task' }> =>
        m.type === 'task' && m.task.id === submitted.taskId && m.task.results.some((r) => !!r.src),
    );
    return card.task;
  }

  function reply(requestId: number): Promise<Extract<HostMessage, { type: 'done' | 'error' | 'submitted' }>> {
    return transport.next(
      (m): m is Extract<HostMessage, { type: 'done' | 'error' | 'submitted' }> =>
        (m.type === 'done' || m.type === 'error' || m.type === 'submitted') && m.requestId === requestId,
    );
  }

  it('shows the real cost on a finished card, and the gallery actions Open, Reveal, Copy Prompt and Use as Reference work', async () => {
    await controller.receive({ type: 'ready' });
    const card = await finishedImage(20, 'Gallery: a teapot on a shelf');
    const task = store.get(card.id);
    assert.ok(task?.cost, 'the emulator reports the cost');
    assert.deepStrictEqual(card.cost, task.cost, 'the card carries the cost the provider reported');
    const file = fileOf(task.results?.[0].file);

    const opened = tabOpened(file);
    await controller.receive({ type: 'taskAction', requestId: 21, action: 'open', taskId: card.id, resultIndex: 0 });
    assert.strictEqual((await reply(21)).type, 'done');
    await opened;

    await controller.receive({ type: 'taskAction', requestId: 22, action: 'reveal', taskId: card.id, resultIndex: 0 });
    assert.strictEqual((await reply(22)).type, 'done');

    await vscode.env.clipboard.writeText('something else');
    await controller.receive({ type: 'taskAction', requestId: 23, action: 'copyPrompt', taskId: card.id, resultIndex: 0 });
    assert.strictEqual((await reply(23)).type, 'done');
    assert.strictEqual(await vscode.env.clipboard.readText(), 'Gallery: a teapot on a shelf');

    await controller.receive({ type: 'taskAction', requestId: 24, action: 'useAsReference', taskId: card.id, resultIndex: 0 });
    assert.strictEqual((await reply(24)).type, 'done');
    const added = await transport.next((m): m is Extract<HostMessage, { type: 'addReferences' }> => m.type === 'addReferences');
    assert.deepStrictEqual(added.references.map((r) => r.uri), [file.toString()]);
    assert.strictEqual(added.references[0].name, vscode.workspace.asRelativePath(file, false));
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('Animate prefills a video model that takes the image result\'s URL as its input image', async () => {
    await controller.receive({ type: 'ready' });
    const card = await finishedImage(30, 'Animate: a windmill');
    const url = store.get(card.id)?.results?.[0].url;
    assert.ok(url && card.results[0].hasUrl, 'the result has a usable URL');
    await controller.receive({ type: 'taskAction', requestId: 31, action: 'animate', taskId: card.id, resultIndex: 0 });
    const prefill = await transport.next((m): m is Extract<HostMessage, { type: 'prefill' }> => m.type === 'prefill');
    assert.strictEqual((await reply(31)).type, 'done');
    const model = catalogFor(prefill.provider).find((m) => m.id === prefill.model);
    assert.ok(
      model && model.kind === 'video' && model.references.via === 'urls',
      `${prefill.provider}/${prefill.model} is a video model that takes image URLs`,
    );
    assert.strictEqual(prefill.provider, 'pixapi', 'the image\'s own provider is tried first');
    assert.deepStrictEqual(prefill.imageUrls, [url]);
    assert.strictEqual(prefill.prompt, 'Animate: a windmill');
  });

  it('waits for the stored tasks to be read before init, so a panel restored at startup lists them', async () => {
    const stored: Task = {
      id: 'stored-before-reload',
      request: {
        provider: 'pixapi',
        model: 'gpt-image-2',
        operation: 'generate',
        kind: 'image',
        prompt: 'from before the reload',
        params: {},
        workspaceFolder: workspaceFolder().toString(),
      },
      state: 'succeeded',
      createdAt: Date.now() - 60_000,
      endedAt: Date.now() - 30_000,
      origin: 'user',
      revision: 3,
    };
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => { release = resolve; });
    const slowStore = new TaskStore({
      load: async () => {
        await gate;
        return [stored];
      },
      save: async () => undefined,
      remove: async () => undefined,
    });
    const loading = slowStore.load();
    const slowTransport = new FakeTransport();
    const restored = new PanelController(
      {
        engine,
        store: slowStore,
        loaded: loading,
        models: { list: async (provider) => catalogFor(provider) },
        keys: { has: async () => true },
        log: { info: () => undefined, warn: () => undefined, error: () => undefined },
      },
      slowTransport,
    );
    try {
      await restored.receive({ type: 'ready' });
      // Let everything already queued run (the key checks settle), so an init that did not wait would be out now.
      await new Promise((resolve) => setImmediate(resolve));
      assert.deepStrictEqual(slowTransport.posted.map((m) => m.type), [], 'no init while the store is still loading');
      release();
      const init = await slowTransport.next((m): m is Extract<HostMessage, { type: 'init' }> => m.type === 'init');
      assert.deepStrictEqual(init.tasks.map((t) => t.id), ['stored-before-reload']);
    } finally {
      restored.dispose();
    }
  });

  it('takes a model typed with Other…: a PixAI model page URL becomes its version id, and the named PixAI models are listed', async () => {
    controller.dispose();
    const remembered: { id: string; name: string }[] = [{ id: '1111111111111111111', name: 'My anime model' }];
    const submitted: Task[] = [];
    controller = new PanelController(
      {
        engine: {
          submit: async (request: Task['request']) => {
            const t = { id: `fake-${submitted.length}`, request } as Task;
            submitted.push(t);
            return t;
          },
        } as unknown as TaskEngine,
        store,
        loaded: Promise.resolve(),
        models: { list: async (provider) => catalogFor(provider) },
        keys: { has: async () => true },
        pixaiModels: {
          recent: () => remembered,
          remember: async (m) => {
            remembered.unshift({ ...m });
          },
        },
        log: { info: () => undefined, warn: () => undefined, error: () => undefined },
      },
      transport,
    );
    await controller.receive({ type: 'ready' });
    await controller.receive({ type: 'listModels', requestId: 40, provider: 'pixai' });
    const models = await transport.next((m): m is Extract<HostMessage, { type: 'models' }> => m.type === 'models' && m.requestId === 40);
    assert.deepStrictEqual(models.models.map((m) => [m.id, m.label]).slice(0, 1), [['1111111111111111111', 'My anime model']]);
    assert.ok(models.models.some((m) => m.id === catalogFor('pixai')[0].id), 'the catalog model is still listed');
    assert.strictEqual(models.models[0].params.find((p) => p.name === 'style')?.type, 'string', 'PixAI takes a free-text style');

    await controller.receive({
      type: 'submit',
      requestId: 41,
      provider: 'pixai',
      model: 'https://pixai.art/model/1700000000000000000/1999999999999999999',
      prompt: 'a fox',
      params: { style: 'watercolour' },
      references: [],
      imageUrls: [],
      kind: 'image',
    });
    assert.strictEqual((await reply(41)).type, 'submitted');
    assert.strictEqual(submitted[0].request.model, '1999999999999999999');
    assert.strictEqual(submitted[0].request.params.style, 'watercolour');
    assert.strictEqual(remembered[0].id, '1999999999999999999', 'a typed PixAI model is remembered with the named ones');

    await controller.receive({
      type: 'submit',
      requestId: 42,
      provider: 'pixai',
      model: 'not a model',
      prompt: 'a fox',
      params: {},
      references: [],
      imageUrls: [],
    });
    const refused = await reply(42);
    assert.ok(refused.type === 'error' && /Type a PixAI model id/.test(refused.message));

    await controller.receive({
      type: 'submit',
      requestId: 43,
      provider: 'apixo',
      model: 'some-new-video-model',
      prompt: 'waves',
      params: {},
      references: [],
      imageUrls: [],
      kind: 'video',
    });
    assert.strictEqual((await reply(43)).type, 'submitted');
    assert.strictEqual(submitted[1].request.model, 'some-new-video-model');
    assert.strictEqual(submitted[1].request.kind, 'video', 'what a typed model makes comes from the panel');
    assert.strictEqual(submitted[1].request.operation, 'video');
  });

  it('regenerates a generated file from its sidecar (mediaStudio.regenerate)', async () => {
    const [id] = await vscode.commands.executeCommand<string[]>('mediaStudio.generateImage', {
      prompt: 'Regenerate me',
      model: 'gpt-image-2',
      size: '1024x1024',
      quality: 'low',
    });
    const first = await api.waitForTask(id);
    const file = fileOf(first.results?.[0].file);
    const hooks = testHooksOf(vscode.extensions.getExtension(EXTENSION_ID)?.exports);
    assert.ok(hooks, 'the extension host runs in test mode, so the test hooks are exported');
    const notices: string[] = [];
    hooks.regenerateConfirmations.noticed = (notice) => notices.push(notice);
    let ids: string[] | undefined;
    try {
      ids = await vscode.commands.executeCommand<string[]>('mediaStudio.regenerate', file);
    } finally {
      hooks.regenerateConfirmations.noticed = undefined;
    }
    // Its own sidecar in a trusted workspace: sent without asking, with what it sends and its estimate shown.
    assert.deepStrictEqual(notices, ['Regenerate: sending to Pixapi, model gpt-image-2, 1 image (estimate $0.01 for 1 image(s)).']);
    assert.ok(Array.isArray(ids) && ids.length === 1 && ids[0] !== id);
    const second = await api.waitForTask(ids[0]);
    assert.strictEqual(second.state, 'succeeded', second.error?.message);
    assert.strictEqual(second.request.prompt, 'Regenerate me');
    assert.strictEqual(second.request.model, 'gpt-image-2');
    assert.deepStrictEqual(second.request.params, first.request.params);
  });
});

describe('The live panel and regenerate in the running extension', function () {
  let api: MediaStudioApi;

  before(async () => {
    api = await activateExtension();
    await setKeys();
  });

  it('shows a task submitted from the command palette in the panel Open Panel opened, from the Tasks view\'s store', async () => {
    const hooks = testHooksOf(vscode.extensions.getExtension(EXTENSION_ID)?.exports);
    assert.ok(hooks, 'the extension host runs in test mode, so the test hooks are exported');
    await vscode.commands.executeCommand('mediaStudio.openPanel');
    const probe = hooks.livePanel();
    assert.ok(probe, 'Open Panel opened a live panel');
    const posted: HostMessage[] = [];
    const waiters: { match: (m: HostMessage) => boolean; resolve: (m: HostMessage) => void }[] = [];
    const subscription = probe.onDidPost((message) => {
      posted.push(message);
      for (const waiter of [...waiters]) {
        if (waiter.match(message)) {
          waiters.splice(waiters.indexOf(waiter), 1);
          waiter.resolve(message);
        }
      }
    });
    const next = <T extends HostMessage>(match: (m: HostMessage) => m is T): Promise<T> => {
      const seen = posted.find(match);
      return seen ? Promise.resolve(seen as T) : new Promise((resolve) => waiters.push({ match, resolve: (m) => resolve(m as T) }));
    };
    try {
      // The webview says ready by itself once loaded; saying it again here makes the controller send init now.
      await probe.receive({ type: 'ready' });
      const init = await next((m): m is Extract<HostMessage, { type: 'init' }> => m.type === 'init');
      const listed = await api.listTasks();
      assert.deepStrictEqual(init.tasks.map((t) => t.id), listed.map((t) => t.id), 'init lists the extension\'s own tasks');

      const [id] = await vscode.commands.executeCommand<string[]>('mediaStudio.generateImage', { prompt: 'Live panel: a kite over dunes' });
      const card = await next((m): m is Extract<HostMessage, { type: 'task' }> => m.type === 'task' && m.task.id === id);
      assert.strictEqual(card.task.prompt, 'Live panel: a kite over dunes');
      const finished = await next(
        (m): m is Extract<HostMessage, { type: 'task' }> =>
          m.type === 'task' && m.task.id === id && m.task.state === 'succeeded' && m.task.results.some((r) => !!r.src),
      );
      const task = await api.waitForTask(id);
      assert.strictEqual(finished.task.results[0].name, vscode.workspace.asRelativePath(fileOf(task.results?.[0].file), false));
      assert.ok(finished.task.results[0].src?.includes('vscode'), `the result loads through asWebviewUri: ${finished.task.results[0].src}`);

      // The webview may load the extension's files and the output folder, but not the whole workspace folder…
      const folder = workspaceFolder().toString();
      assert.ok(!probe.resourceRoots().includes(folder), probe.resourceRoots().join('\n'));
      assert.ok(probe.resourceRoots().some((root) => root.startsWith(`${folder}/`)), 'the output folder is a root');
      // …and the folder of each reference image once it is added.
      const reference = vscode.Uri.joinPath(workspaceFolder(), 'images/product.png');
      assert.ok(!probe.resourceRoots().includes(`${folder}/images`));
      await probe.receive({ type: 'dropReferences', requestId: 900, uris: [reference.toString()] });
      assert.ok(probe.resourceRoots().includes(`${folder}/images`), probe.resourceRoots().join('\n'));
      assert.ok(!probe.resourceRoots().includes(folder));
    } finally {
      subscription.dispose();
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    }
  });

  it('reads the Apixo balance again when an Apixo task ends, and the panel shows the lower figure', async () => {
    const control = emulator();
    const hooks = testHooksOf(vscode.extensions.getExtension(EXTENSION_ID)?.exports);
    assert.ok(hooks, 'the test hooks are exported');
    await vscode.commands.executeCommand('mediaStudio.openPanel');
    const probe = hooks.livePanel();
    assert.ok(probe, 'Open Panel opened a live panel');
    const posted: HostMessage[] = [];
    const subscription = probe.onDidPost((message) => posted.push(message));
    const balanceMessage = (after: number) => new Promise<Extract<HostMessage, { type: 'balance' }>>((resolve) => {
      const find = () =>
        posted.slice(after).find((m): m is Extract<HostMessage, { type: 'balance' }> => m.type === 'balance' && m.provider === 'apixo');
      const seen = find();
      if (seen) return resolve(seen);
      const waiting = probe.onDidPost(() => {
        const found = find();
        if (found) {
          waiting.dispose();
          resolve(found);
        }
      });
    });
    try {
      await probe.receive({ type: 'ready' });
      await probe.receive({ type: 'listModels', requestId: 910, provider: 'apixo' });
      const models = posted.find((m): m is Extract<HostMessage, { type: 'models' }> => m.type === 'models' && m.requestId === 910);
      const before = (await control.balances()).apixo;
      assert.strictEqual(models?.balanceUsd, before, 'the balance shown with the models is the account\'s');

      const mark = posted.length;
      const [id] = await vscode.commands.executeCommand<string[]>('mediaStudio.generateImage', {
        provider: 'apixo',
        model: 'nano-banana',
        prompt: 'Balance: a paper boat',
      });
      const refreshed = balanceMessage(mark);
      const task = await api.waitForTask(id);
      assert.strictEqual(task.state, 'succeeded', task.error?.message);
      const shown = await refreshed;
      const after = (await control.balances()).apixo;
      assert.ok(after < before, `the emulator charged the task (${before} → ${after})`);
      assert.strictEqual(shown.balanceUsd, after, 'the panel shows the balance after the task');
      const terminalAt = posted.findIndex((m) => m.type === 'task' && m.task.id === id && m.task.state === 'succeeded');
      assert.ok(terminalAt >= 0 && posted.indexOf(shown) > terminalAt, 'read after the task ended');
      assert.ok(!posted.slice(mark).some((m) => m.type === 'balance' && m.provider !== 'apixo'), 'no balance for providers that have none');
    } finally {
      subscription.dispose();
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    }
  });

  it('Cancel in the live panel leaves a task another window tracks alone, and says why', async () => {
    const hooks = testHooksOf(vscode.extensions.getExtension(EXTENSION_ID)?.exports);
    assert.ok(hooks, 'the extension host runs in test mode, so the test hooks are exported');
    // Another window's task, as that window leaves it on disk: its task file, and its claim by a live process.
    const id = `other-window-${Date.now()}`;
    const task: Task = {
      id,
      state: 'running',
      remoteId: `pixai-${id}`,
      createdAt: Date.now(),
      submittedAt: Date.now(),
      origin: 'user',
      revision: 3,
      request: {
        provider: 'pixai',
        model: PIXAI_EXAMPLE_MODEL_VERSION_ID,
        operation: 'generate',
        kind: 'image',
        prompt: 'Held elsewhere: a lighthouse',
        params: {},
        workspaceFolder: workspaceFolder().toString(),
      },
    };
    const storage = vscode.Uri.joinPath(hooks.tasksFolder, '..');
    const claim = vscode.Uri.joinPath(storage, 'claims', encodeURIComponent(id));
    const other = { pid: process.ppid, window: 'the-other-window', at: Date.now() }; // the parent (code-server) is alive
    await vscode.workspace.fs.writeFile(claim, Buffer.from(JSON.stringify(other)));
    const taskFile = vscode.Uri.joinPath(hooks.tasksFolder, `${encodeURIComponent(id)}.json`);
    const seen = waitForTask(api, id, (t) => t.state === 'running');
    await vscode.workspace.fs.writeFile(taskFile, Buffer.from(JSON.stringify(task)));
    await seen;
    const since = (await emulator().requests()).reduce((max, r) => Math.max(max, r.seq), 0);
    await vscode.commands.executeCommand('mediaStudio.openPanel');
    const probe = hooks.livePanel();
    assert.ok(probe, 'Open Panel opened a live panel');
    const replies: HostMessage[] = [];
    const subscription = probe.onDidPost((message) => replies.push(message));
    try {
      // The webview says ready by itself once loaded; saying it here lets the controller post its replies now.
      await probe.receive({ type: 'ready' });
      const errorsBefore = hooks.errorsShownTotal();
      await probe.receive({ type: 'taskAction', requestId: 990, action: 'cancel', taskId: id, resultIndex: 0 });
      const answered = replies.filter((m) => 'requestId' in m && m.requestId === 990);
      assert.deepStrictEqual(answered.map((m) => m.type), ['done'], `the panel's request is answered: ${JSON.stringify(answered)}`);
      assert.strictEqual((await api.getTask(id))?.state, 'running', 'not cancelled under the other window');
      const cancels = (await emulator().requests(since)).filter((r) => r.origin === 'pixai' && r.path === '/graphql');
      assert.deepStrictEqual(cancels, [], 'nothing was sent to the provider');
      assert.strictEqual(hooks.errorsShownTotal() - errorsBefore, 1, 'one message was shown');
      assert.strictEqual(hooks.errorsShown.at(-1), 'Another VS Code window on this workspace is tracking this task; use it there.');
      assert.strictEqual(
        await vscode.workspace.fs.readFile(claim).then((b) => JSON.parse(Buffer.from(b).toString()).window),
        other.window,
        "the claim is still the other window's",
      );
    } finally {
      subscription.dispose();
      // The other window "removes" its task: this window forgets it (it never tracked it), then the claim goes.
      const gone = new Promise<void>((resolve) => {
        const watch = api.onDidChangeTask(
          (t) => void (t.id === id && api.getTask(id).then((left) => left || (watch.dispose(), resolve()))),
        );
      });
      await vscode.workspace.fs.delete(taskFile);
      await gone;
      await vscode.workspace.fs.delete(claim);
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    }
  });

  it('regenerates an Apixo image-to-video from its sidecar with the same input image URL and mode', async function () {
    this.timeout(120_000); // two Apixo videos, polled at Apixo's pace
    const control = emulator();
    const [image] = await vscode.commands.executeCommand<string[]>('mediaStudio.generateImage', {
      provider: 'apixo',
      model: 'nano-banana',
      prompt: 'a lighthouse on a cliff',
    });
    const url = (await api.waitForTask(image)).results?.[0].url;
    assert.ok(url, 'the image result has a URL');
    const [video] = await vscode.commands.executeCommand<string[]>('mediaStudio.generateVideo', {
      provider: 'apixo',
      model: 'wan-2-5',
      prompt: 'the lighthouse at night',
      duration: 5,
      inputImage: url,
    });
    const first = await api.waitForTask(video);
    assert.strictEqual(first.state, 'succeeded', first.error?.message);
    const file = fileOf(first.results?.[0].file);
    const sidecarUri = file.with({ path: `${file.path}.json` });
    const sidecar = JSON.parse((await readFile(sidecarUri)).toString('utf8')) as Record<string, unknown>;
    assert.deepStrictEqual(sidecar.imageUrls, [url], 'the sidecar records the input image URL');

    const [again] = await vscode.commands.executeCommand<string[]>('mediaStudio.regenerate', file);
    const second = await api.waitForTask(again);
    assert.strictEqual(second.state, 'succeeded', second.error?.message);
    assert.deepStrictEqual(second.request.imageUrls, [url]);
    const remote = await control.task('apixo', second.remoteId as string);
    const input = (remote?.request as { input: { image_urls?: string[]; mode?: string } }).input;
    assert.deepStrictEqual(input.image_urls, [url], 'the provider got the image again');
    assert.strictEqual(input.mode, 'image-to-video', 'still image-to-video, not text-to-video');

    // A sidecar whose input URL is known to have expired is refused, not turned into a text-to-video.
    const expired = vscode.Uri.joinPath(file, '..', `expired-${Date.now()}.mp4`);
    const expiredSidecar = expired.with({ path: `${expired.path}.json` });
    await vscode.workspace.fs.writeFile(
      expiredSidecar,
      Buffer.from(JSON.stringify({ ...sidecar, inputUrlsExpireAt: new Date(Date.now() - 60_000).toISOString() })),
    );
    const before = (await api.listTasks()).length;
    try {
      // From the Explorer the refusal is a notification (the command resolves with nothing); its text comes from here.
      assert.strictEqual(await vscode.commands.executeCommand('mediaStudio.regenerate', expired), undefined);
      assert.strictEqual((await api.listTasks()).length, before, 'nothing was submitted');
      const parsed = parseSidecar((await readFile(expiredSidecar)).toString('utf8'));
      assert.ok(!isSidecarError(parsed));
      assert.throws(() => requestFromSidecar(parsed, workspaceFolder()), /input image URL that has expired/);
      assert.deepStrictEqual(
        requestFromSidecar(parsed, workspaceFolder(), Date.now() - 24 * 3600_000).imageUrls,
        [url],
        'before the expiry it would have been rebuilt',
      );
    } finally {
      await vscode.workspace.fs.delete(expiredSidecar);
    }
  });
});
