import * as l10n from '@vscode/l10n';
import * as path from 'path';
import * as vscode from 'vscode';
import type { MediaStudioApi, StartupTimings, SubmitRequest } from './api';
import { createAdapters } from './core/adapters';
import { TaskEngine } from './core/engine';
import { DEFAULT_TUNING, PollTuning } from './core/backoff';
import { describeFailure } from './core/errors';
import { ApiClient } from './core/http';
import { baseUrlProblem, loopbackResultsAllowed, PROVIDER_IDS, PROVIDERS, ProviderId } from './core/providers';
import { providerSpec } from './core/spec/registry';
import { TaskStore } from './core/store';
import { DEFAULT_DEADLINES_MS, MediaKind, Task } from './core/task';
import { WindowOwnership } from './host/claims';
import { registerCommand, UserError } from './host/commands';
import * as generate from './host/generate';
import { openImage } from './host/images';
import { clearApiKey, setApiKey } from './host/keyCommands';
import { ApiKeys } from './host/keys';
import { Log } from './host/log';
import { KeyContext } from './host/keyContext';
import { createLmTools, MediaTools, registerLmTools } from './host/lmTools';
import { ModelCatalog } from './host/models';
import { registerPanel } from './host/panel/panel';
import { PixaiModels } from './host/pixaiModels';
import { TaskNotifier } from './host/notifications';
import { FileTaskPersistence, sharedTaskStorage } from './host/persistence';
import { ProxySettings } from './host/proxy';
import { apiDispatcher } from './core/proxy';
import { ResultWriter } from './host/results';
import { registerDocumentImages } from './host/documentImages';
import * as taskCommands from './host/taskCommands';
import { TasksView } from './host/tasksView';
import { ledgerAt } from './host/spending/files';
import { describeByProvider, Spending } from './host/spending/spending';
import { SpendingView } from './host/spending/view';
import { TEST_HOOKS_KEY, TestHooks, WriteFaults } from './host/testHooks';
import { initSidecarTrust, regenerateConfirmations } from './host/sidecarTrust';
import { watchSidecarFiles } from './host/sidecarContext';
import { removeLeftovers } from './host/cleanup';
import { InlineResultStore } from './host/inlineResults';
import { BatchStore } from './core/batch/batchStore';
import { FileBatchPersistence } from './host/batch/batchPersistence';
import { Batches } from './host/batch/batches';
import { registerBatchCommands } from './host/batch/batchCommands';
import { GenerateBatchTool } from './host/batch/batchTool';

function baseUrlSetting(provider: ProviderId): string | undefined {
  return vscode.workspace.getConfiguration('mediaStudio').get<string>(`${provider}.baseUrl`);
}

/** The setting mediaStudio.<provider>.defaultModel; PixAI's may be a pixai.art model page URL. */
function configuredDefaultModel(provider: ProviderId): string | undefined {
  const value = vscode.workspace.getConfiguration('mediaStudio').get<string>(`${provider}.defaultModel`, '').trim();
  if (!value) return undefined;
  return providerSpec(provider).modelIdFrom?.(value) ?? value;
}

function baseUrl(provider: ProviderId): string {
  const value = baseUrlSetting(provider) || PROVIDERS[provider].defaultBaseUrl;
  const problem = baseUrlProblem(value);
  if (problem) throw new UserError(vscode.l10n.t('{0} Fix the setting "mediaStudio.{1}.baseUrl".', problem, provider));
  return value;
}

export function activate(context: vscode.ExtensionContext): MediaStudioApi {
  initSidecarTrust(context);
  const started = performance.now();
  const startup: { -readonly [K in keyof StartupTimings]: StartupTimings[K] } = { activateMs: 0 };
  // The vscode-free core translates through @vscode/l10n; VS Code has already loaded the display language's
  // bundle (none for English, so nothing to do and nothing to read).
  if (vscode.l10n.bundle) l10n.config({ contents: vscode.l10n.bundle });
  const log = new Log();
  const keys = new ApiKeys(context.secrets);
  const proxy = new ProxySettings(log);
  const api = async (provider: ProviderId): Promise<ApiClient | undefined> => {
    const key = await keys.get(provider);
    if (!key) return undefined;
    log.forget(key);
    return new ApiClient({ baseUrl: baseUrl(provider), key, dispatcher: apiDispatcher(baseUrl(provider), proxy.dispatcher()), log: (line) => log.trace(`${PROVIDERS[provider].label}: ${line}`) });
  };
  const storage = sharedTaskStorage(context);
  const persistence = new FileTaskPersistence(storage, log);
  const store = new TaskStore(persistence);
  // One ledger for every window and workspace, in global storage; every request is admitted through it.
  const spendingFolder = path.join(context.globalStorageUri.fsPath, 'spending');
  const spending = new Spending(ledgerAt(spendingFolder), store, log, undefined, path.join(spendingFolder, 'days'));
  // Batches are kept beside the tasks, in the same per-workspace folder.
  const batchStore = new BatchStore(new FileBatchPersistence(storage, log));
  // Windows on one workspace share the task folder; each task is worked on by the one window holding its claim.
  const ownership = storage.scheme === 'file' ? WindowOwnership.forStorage(storage.fsPath, store, persistence, log) : undefined;
  const inlineResults = new InlineResultStore(context.globalStorageUri, log);
  const writeFaults: WriteFaults = {};
  const writer = new ResultWriter({
    store,
    log,
    inlineResults,
    writeFault: (task, index) => writeFaults.result?.(task, index),
    sidecarFault: (task, index) => writeFaults.sidecar?.(task, index),
    placedFault: (task, index) => writeFaults.placed?.(task, index),
    apiAuth: async (task) => {
      const key = await keys.get(task.request.provider);
      return key ? { origin: new URL(baseUrl(task.request.provider)).origin, key } : undefined;
    },
    // Result URLs on loopback are followed only when this task's provider's API is local (an emulator or gateway).
    allowLoopback: (task) => loopbackResultsAllowed(task.request.provider, baseUrlSetting(task.request.provider)),
    dispatcher: () => proxy.dispatcher(),
  });
  // Each adapter's inline results (b64_json) are kept in global storage before the task is marked succeeded.
  const adapters = new Map([...createAdapters((name) => vscode.workspace.getConfiguration('mediaStudio').get(name))].map(([id, adapter]) => [id, inlineResults.keeping(adapter)]));
  /** The provider whose balance the Show Balance command reads: the one whose spec has a balance call. */
  const balanceProvider = PROVIDER_IDS.find((id) => providerSpec(id).capabilities.balance);
  // Overrides of the providers' deadlines: empty in use; only the integration tests set one (see host/testHooks.ts).
  const deadlines: Partial<Record<MediaKind, number>> = {};
  const engine = new TaskEngine({
    store,
    deadlines,
    adapters,
    api,
    openImage,
    saveResults: (task, inline) => writer.save(task, inline),
    maxActiveTasks: (provider) => {
      const setting = providerSpec(provider).concurrency.settings.maxActiveTasks;
      if (!setting) return undefined;
      // The setting may lower the provider's documented cap (its policy), never raise it.
      const documented = adapters.get(provider)?.policy.maxActiveTasks ?? Infinity;
      return Math.min(documented, Math.max(1, vscode.workspace.getConfiguration('mediaStudio').get<number>(setting, documented)));
    },
    log: (line, level) => (level === 'warn' ? log.warn(line) : log.info(line)),
    ownership,
    tuning: testTuning(),
    spending,
  });
  // A fixed base URL setting sends the tasks that waited for it (as a new key does).
  context.subscriptions.push(vscode.workspace.onDidChangeConfiguration((event) => {
    for (const provider of PROVIDER_IDS) if (event.affectsConfiguration(`mediaStudio.${provider}.baseUrl`)) engine.keyChanged(provider);
  }));
  const models = new ModelCatalog(api, log, configuredDefaultModel);
  const tasksView = new TasksView(store);
  const treeView = vscode.window.createTreeView('mediaStudio.tasks', { treeDataProvider: tasksView, showCollapseAll: false });
  tasksView.attach(treeView);
  tasksView.showBatches(batchStore);
  const notifier = new TaskNotifier(store, keys.onDidChange);
  let spendingShown: Promise<void> = Promise.resolve();
  const showTodaysSpending = () => {
    spendingShown = spending.today().then(
      (today) => notifier.setSpending(today.tasks ? vscode.l10n.t('Spent today: {0}', describeByProvider(today)) : vscode.l10n.t('Nothing spent today.')),
      () => undefined,
    );
  };
  const spendingView = new SpendingView({
    spending,
    store,
    extensionUri: context.extensionUri,
    hasKey: (provider) => keys.has(provider),
    balance: async (provider) => {
      const client = await api(provider);
      const adapter = adapters.get(provider);
      return client && adapter?.balance ? adapter.balance(client) : undefined;
    },
    openTask: async (id) => {
      const task = store.get(id);
      if (!task) return void vscode.window.showInformationMessage(vscode.l10n.t('That task is not in this window\'s Tasks view (it was started in another workspace, or removed).'));
      if (task.results?.some((r) => r.file)) return void vscode.commands.executeCommand('mediaStudio.openResult', id);
      await treeView.reveal(id, { select: true, focus: true });
    },
  });
  const namedModels = PROVIDER_IDS.map((id) => providerSpec(id)).find((spec) => spec.modelIdFrom);
  const deps = { engine, store, keys, models, writer, pixaiModels: new PixaiModels(context.globalState, (input) => namedModels?.modelIdFrom?.(input)) };
  const keyContext = new KeyContext(keys, (line) => log.warn(line));
  const batchDeps = { ...deps, batches: batchStore };
  const batches = new Batches(batchDeps);
  const batchTool = new GenerateBatchTool(batchDeps, batches);
  const lmTools = createLmTools({ ...deps, spending });
  const command = (id: string, handler: (...args: any[]) => unknown) => registerCommand(log, id, handler); // any: see registerCommand

  // Loading tasks and resuming them happens after activation returns, so activation stays fast.
  const loaded = (async () => {
    if (context.storageUri) await persistence.moveTasksFrom(context.storageUri);
    await Promise.all([store.load(), batchStore.load()]);
  })();
  const panel = registerPanel(context, {
    ...deps,
    log,
    // A panel restored at startup must not list the tasks before they are read (the store fires no event for them).
    loaded,
    batchPanel: { batches, batchStore },
    balance: async (provider) => {
      const adapter = adapters.get(provider);
      const client = adapter?.balance ? await api(provider) : undefined;
      return client && adapter?.balance ? adapter.balance(client) : undefined;
    },
  });
  context.subscriptions.push(
    // Each task's state changes, for the Debug level of the log (filtered out at the default Info level).
    store.onDidChange((change) => {
      const task = change.task;
      const from = change.kind === 'changed' ? change.previous?.state : change.kind;
      if (from !== task.state) log.debug(`Task ${task.id} (${task.request.provider} ${task.request.model}): ${from} → ${task.state}`);
    }),
    log, keys, proxy, store, persistence.watch(store, (id) => ownership?.owns(id) ?? false), { dispose: () => engine.dispose() }, { dispose: () => ownership?.dispose() }, tasksView, treeView, notifier,
    command('mediaStudio.setApiKey', (args) => setApiKey(keys, args)),
    command('mediaStudio.clearApiKey', (args) => clearApiKey(keys, args)),
    command('mediaStudio.generateImage', (args) => (args === undefined ? generate.generateImageInteractive(deps) : generate.imageFromArgs(deps, args))),
    command('mediaStudio.editImage', (first?: unknown, selected?: unknown) => {
      // Explorer: (clicked, selection); image preview: (uri); palette: nothing; automation: an argument object.
      if (first instanceof vscode.Uri) return generate.editImageInteractive(deps, Array.isArray(selected) && selected.length ? selected : [first]);
      return first === undefined ? generate.editImageInteractive(deps, []) : generate.editFromArgs(deps, first);
    }),
    command('mediaStudio.generateVideo', (args) => (args === undefined ? generate.generateVideoInteractive(deps) : generate.videoFromArgs(deps, args))),
    command('mediaStudio.cancel', (arg) => taskCommands.cancelTask(deps, arg)),
    command('mediaStudio.retry', (arg) => taskCommands.retryTask(deps, arg)),
    command('mediaStudio.openResult', (arg) => taskCommands.openResult(deps, arg)),
    command('mediaStudio.revealResult', (arg) => taskCommands.revealResult(deps, arg)),
    command('mediaStudio.copyPrompt', (arg) => taskCommands.copyPrompt(deps, arg)),
    command('mediaStudio.remove', (arg) => taskCommands.removeTask(deps, arg)),
    command('mediaStudio.clearFinished', () => taskCommands.clearFinished(deps)),
    command('mediaStudio.refresh', (arg) => taskCommands.refreshTasks(deps, arg)),
    command('mediaStudio.saveAgain', (arg) => taskCommands.saveAgain(deps, arg)),
    spending, spendingView, spending.onDidChange(showTodaysSpending),
    command('mediaStudio.showSpending', () => spendingView.show()),
    command('mediaStudio.showBalance', async () => {
      const provider = balanceProvider;
      const adapter = provider && adapters.get(provider);
      if (!provider || !adapter?.balance) throw new UserError(vscode.l10n.t('No provider reports a balance.'));
      const label = PROVIDERS[provider].label;
      const client = await api(provider);
      if (!client) throw new UserError(vscode.l10n.t('No {0} API key is set.', label), [{ title: vscode.l10n.t('Set API Key'), command: 'mediaStudio.setApiKey', args: [{ provider }] }]);
      let balance: number;
      try {
        balance = await adapter.balance(client);
      } catch (error) {
        throw new UserError(describeFailure(provider, error).message);
      }
      void vscode.window.showInformationMessage(vscode.l10n.t('{0} balance: ${1} USD', label, balance.toFixed(2)));
      return balance;
    }),
    keys.onDidChange((provider) => {
      void keyContext.update();
      models.forget(provider);
      engine.keyChanged(provider);
    }),
    store.onDidChange(() => void vscode.commands.executeCommand('setContext', 'mediaStudio.hasTasks', store.size > 0)),
    keyContext,
    registerLmTools(lmTools),
    panel,
    watchSidecarFiles((line) => log.warn(line)),
    batchStore,
    ...registerBatchCommands(log, batchDeps, batches, batchTool),
    registerDocumentImages(deps, command, log),
  );

  const ready = (async () => {
    await loaded;
    startup.tasksLoadedMs = performance.now() - started;
    startup.tasksLoaded = store.size;
    log.debug(`Startup: activate() took ${startup.activateMs.toFixed(1)} ms; ${store.size} stored tasks read after ${startup.tasksLoadedMs.toFixed(1)} ms`);
    void vscode.commands.executeCommand('setContext', 'mediaStudio.hasTasks', store.size > 0); // the view need not wait for it
    tasksView.showLoaded((count, askedAt) => {
      startup.viewAskedMs = askedAt - started;
      startup.viewListedMs = performance.now() - started;
      log.debug(`Startup: VS Code asked for the Tasks view's rows ${startup.viewAskedMs.toFixed(1)} ms after activation began; ${count} tasks listed at ${startup.viewListedMs.toFixed(1)} ms`);
    });
    await engine.resume();
    await spending.settleFinished();
    showTodaysSpending();
  })();
  // After the resume, so its own downloads are known: leftovers of interrupted writes (see host/cleanup.ts).
  const leftoversRemoved = ready.then(() => removeLeftovers({ store, tasksFolder: persistence.folder, inlineResults, log }));
  leftoversRemoved.catch((error) => log.warn(`Removing leftover temporary files failed: ${String(error)}`));
  ready.catch((error) => log.error(error instanceof Error ? error : String(error)));
  void keyContext.update();
  startup.activateMs = performance.now() - started;

  const submit = async (request: SubmitRequest): Promise<string[]> => {
    await ready;
    const { operation, ...args } = request;
    if (operation === 'generate') return generate.imageFromArgs(deps, args);
    if (operation === 'edit') return generate.editFromArgs(deps, args);
    if (operation === 'video') return generate.videoFromArgs(deps, args);
    throw new UserError(vscode.l10n.t('Unknown operation "{0}": use generate, edit or video.', String(operation)));
  };
  const exported: MediaStudioApi = {
    hasApiKey: (provider) => keys.has(provider),
    submit,
    getTask: async (id) => {
      await ready;
      return store.get(id);
    },
    listTasks: async () => {
      await ready;
      return store.list();
    },
    onDidChangeTask: (listener: (task: Task) => void) => store.onDidChange((change) => listener(change.task)),
    waitForTask: async (id) => {
      await ready;
      return engine.waitFor(id);
    },
    startup,
    submitBatch: async (args) => {
      await ready;
      const { batchId, taskIds } = await batches.create(args, 'api');
      return { batchId, taskIds };
    },
    getBatch: async (id) => {
      await ready;
      const batch = batchStore.get(id);
      if (!batch) return undefined;
      const cells = batches.cellTasks(batch);
      return { ...batch, summary: batches.summary(batch), cellTaskIds: Array.from({ length: batch.rows.length * batch.models.length }, (_, i) => cells.get(i)?.id) };
    },
  };
  if (context.extensionMode === vscode.ExtensionMode.Test) {
    const hooks: TestHooks = { tasksView, treeView, statusBar: () => notifier.statusBar, deadlines, keyContext, lmTools, models, livePanel: () => panel.livePanel(), regenerateConfirmations, spending, spendingView, spendingFolder, spendingTooltip: async () => (await spendingShown, notifier.statusBar.tooltip), notices: notifier.shown, writeFaults, inlineResultsFolder: inlineResults.folder, tasksFolder: persistence.folder, setAsideTaskFiles: persistence.setAside, leftoversRemoved, batchTool };
    Object.defineProperty(exported, TEST_HOOKS_KEY, { value: hooks, enumerable: false });
  }
  return exported;
}

export function deactivate(): void {}

/**
 * The test runner's emulator finishes a video in seconds; MEDIA_STUDIO_TEST_FIRST_CHECK_CAP_MS shortens the
 * first wait (never below a provider's floor, nor past its request budget) so suites do not sit out Apixo's
 * advised minute per video. Unset in normal use.
 */
function testTuning(): PollTuning {
  const cap = Number(process.env.MEDIA_STUDIO_TEST_FIRST_CHECK_CAP_MS);
  return Number.isFinite(cap) && cap > 0 ? { ...DEFAULT_TUNING, firstCheckCapMs: cap } : DEFAULT_TUNING;
}
