import * as path from 'path';
import * as vscode from 'vscode';
import type { StartupTimings } from '../api';
import { createAdapters } from '../core/adapters';
import { TaskEngine } from '../core/engine';
import { DEFAULT_TUNING, type PollTuning } from '../core/backoff';
import { ApiClient } from '../core/http';
import { baseUrlProblem, loopbackResultsAllowed, PROVIDER_IDS, PROVIDERS, type ProviderId } from '../core/providers';
import { providerSpec } from '../core/spec/registry';
import { TaskStore } from '../core/store';
import { type MediaKind } from '../core/task';
import { apiDispatcher } from '../core/proxy';
import { BatchStore } from '../core/batch/batchStore';
import { WindowOwnership } from './claims';
import { UserError } from './commands';
import { openImage } from './images';
import { ApiKeys } from './keys';
import { Log } from './log';
import { KeyContext } from './keyContext';
import { features, madeOnFirstUse } from './lazy';
import type { MediaTools } from './lmTools';
import { ModelCatalog } from './models';
import { registerPanel } from './panel/panel';
import { PixaiModels } from './pixaiModels';
import { TaskNotifier } from './notifications';
import { FileTaskPersistence, sharedTaskStorage } from './persistence';
import { ProxySettings } from './proxy';
import { FileRequestLog } from './requestLog';
import type { ResultWriter } from './results';
import { settings } from './settings';
import { TasksView } from './tasksView';
import { TaskIndexFile } from './taskIndexFile';
import { watchSidecarFiles } from './sidecarContext';
import { removeLeftovers } from './cleanup';
import { ledgerAt } from './spending/files';
import { describeByProvider, Spending } from './spending/spending';
import { SpendingView } from './spending/view';
import { type WriteFaults } from './testHooks';
import { InlineResultStore } from './inlineResults';
import { FileBatchPersistence } from './batch/batchPersistence';
import type { Batches } from './batch/batches';
import type { GenerateBatchTool } from './batch/batchTool';

/** How long the task files wait for a visible Tasks view to list the index's rows (hidden, it never asks). */
const INDEX_ROWS_FIRST_MS = 250;

/** `first`, or `ms` milliseconds, whichever comes first. */
async function firstOf(first: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([first, new Promise((resolve) => (timer = setTimeout(resolve, ms)))]);
  clearTimeout(timer);
}

function baseUrl(provider: ProviderId): string {
  const value = settings.baseUrl(provider) || PROVIDERS[provider].defaultBaseUrl;
  const problem = baseUrlProblem(value);
  if (problem) throw new UserError(vscode.l10n.t('{0} Fix the setting "mediaStudio.{1}.baseUrl".', problem, provider));
  return value;
}

/**
 * The emulator finishes a video in seconds; MEDIA_STUDIO_TEST_FIRST_CHECK_CAP_MS shortens the first wait (never below a
 * floor or past a budget) so suites do not sit out Apixo's minute per video. Unset in normal use.
 */
function testTuning(): PollTuning {
  const cap = Number(process.env.MEDIA_STUDIO_TEST_FIRST_CHECK_CAP_MS);
  return Number.isFinite(cap) && cap > 0 ? { ...DEFAULT_TUNING, firstCheckCapMs: cap } : DEFAULT_TUNING;
}

export type Services = ReturnType<typeof createServices>;

/** Each disposable is in context.subscriptions. */
export function createServices(context: vscode.ExtensionContext) {
  const log = new Log();
  const keys = new ApiKeys(context.secrets);
  const proxy = new ProxySettings(log);
  const api = async (provider: ProviderId): Promise<ApiClient | undefined> => {
    const key = await keys.get(provider);
    if (!key) return undefined;
    log.redactSecret(key);
    return new ApiClient({
      baseUrl: baseUrl(provider),
      key,
      dispatcher: apiDispatcher(baseUrl(provider), proxy.dispatcher()),
      log: (line) => log.trace(`${PROVIDERS[provider].label}: ${line}`),
    });
  };
  const storage = sharedTaskStorage(context);
  const persistence = new FileTaskPersistence(storage, log);
  const store = new TaskStore(persistence);
  // One ledger for every window and workspace, in global storage; every request is admitted through it.
  const spendingFolder = path.join(context.globalStorageUri.fsPath, 'spending');
  const spending = new Spending(ledgerAt(spendingFolder), store, log, undefined, path.join(spendingFolder, 'days'));
  const batchStore = new BatchStore(new FileBatchPersistence(storage, log));
  // Windows on one workspace share the task folder; each task is worked on by the one window holding its claim.
  const ownership = storage.scheme === 'file' ? WindowOwnership.forStorage(storage.fsPath, store, persistence, log) : undefined;
  // And each provider's requests-a-minute budget: every window's requests count against it.
  const requestLog = storage.scheme === 'file'
    ? new FileRequestLog(path.join(storage.fsPath, 'requests'), (line) => log.warn(line))
    : undefined;
  const inlineResults = new InlineResultStore(context.globalStorageUri, log);
  const writeFaults: WriteFaults = {};
  // The writer's code (downloads, sidecars, PNG text) is loaded when the first result is saved.
  const writer: ResultWriter = madeOnFirstUse(() => new (features().results.ResultWriter)({
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
    allowLoopback: (task) => loopbackResultsAllowed(task.request.provider, settings.baseUrl(task.request.provider)),
    dispatcher: () => proxy.dispatcher(),
  }));
  // Each adapter's inline results (b64_json) are kept in global storage before the task is marked succeeded.
  const adapters = new Map([...createAdapters(settings.raw)].map(([id, adapter]) => [id, inlineResults.keeping(adapter)]));
  // Overrides of the providers' deadlines: empty in use; only the integration tests set one (see host/testHooks.ts).
  const deadlines: Partial<Record<MediaKind, number>> = {};
  const engine = new TaskEngine({
    store,
    deadlines,
    adapters,
    api,
    openImage,
    saveResults: (task, inline) => writer.save(task, inline),
    maxActiveTasks: (provider) => settings.maxActiveTasks(provider, adapters.get(provider)?.policy.maxActiveTasks ?? Infinity),
    log: (line, level) => (level === 'warn' ? log.warn(line) : log.info(line)),
    ownership,
    requestLog,
    tuning: testTuning(),
    spending,
  });
  const models = new ModelCatalog(adapters, api, log, settings.defaultModel);
  const tasksView = new TasksView(store, () => settings.archiveAfterDays());
  const treeView = vscode.window.createTreeView('mediaStudio.tasks', { treeDataProvider: tasksView, showCollapseAll: false });
  tasksView.attach(treeView);
  const batchesLoaded = batchStore.load();
  tasksView.showBatches(batchStore, batchesLoaded);
  // The index's rows are shown while the task files are read (see core/taskIndex.ts); only on this host's disk.
  const taskIndex = storage.scheme === 'file' ? new TaskIndexFile(storage.fsPath, persistence.folder.fsPath, log) : undefined;
  const indexRead = taskIndex ? taskIndex.read() : Promise.resolve({ index: undefined, text: undefined });
  tasksView.showIndex(indexRead.then((read) => read.index));
  const notifier = new TaskNotifier(store, keys.onDidChange);
  let spendingShown: Promise<void> = Promise.resolve();
  const showTodaysSpending = () => {
    spendingShown = spending.today().then(
      (today) =>
        notifier.setSpending(
          today.tasks ? vscode.l10n.t('Spent today: {0}', describeByProvider(today)) : vscode.l10n.t('Nothing spent today.'),
        ),
      () => undefined,
    );
  };
  /** Asked only of a provider whose adapter reads one. */
  const panelBalance = async (provider: ProviderId): Promise<number | undefined> => {
    const adapter = adapters.get(provider);
    const client = adapter?.balance ? await api(provider) : undefined;
    return client && adapter?.balance ? adapter.balance(client) : undefined;
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
      if (!task)
        return void vscode.window.showInformationMessage(
          vscode.l10n.t("That task is not in this window's Tasks view (it was started in another workspace, or removed)."),
        );
      if (task.results?.some((r) => r.file)) return void vscode.commands.executeCommand('mediaStudio.openResult', id);
      await treeView.reveal(id, { select: true, focus: true });
    },
  });
  const namedModels = PROVIDER_IDS.map((id) => providerSpec(id)).find((spec) => spec.modelIdFrom);
  const deps = {
    engine,
    store,
    keys,
    models,
    writer,
    pixaiModels: new PixaiModels(context.globalState, (input) => namedModels?.modelIdFrom?.(input)),
  };
  const keyContext = new KeyContext(keys, (line) => log.warn(line));
  const batchDeps = { ...deps, batches: batchStore };
  // Their code (dist/features.js) is loaded when a command, a chat tool or the panel first uses them.
  const batches: Batches = madeOnFirstUse(() => new (features().batches.Batches)(batchDeps));
  const batchTool: GenerateBatchTool = madeOnFirstUse(() => new (features().batchTool.GenerateBatchTool)(batchDeps, batches));
  const lmTools: MediaTools = madeOnFirstUse(() => features().lmTools.createLmTools({ ...deps, spending }));

  // Loading tasks and resuming them happens after activation returns, so activation stays fast.
  const loaded = (async () => {
    if (context.storageUri) await persistence.moveTasksFrom(context.storageUri);
    // With an index to show, VS Code gets those rows before the task files are read: reading a thousand of them
    // holds the extension host, and VS Code's first ask for rows waits behind it (bench/results.md, section 2).
    if ((await indexRead).index) await firstOf(tasksView.firstRowsListed, INDEX_ROWS_FIRST_MS);
    await Promise.all([store.load(), batchesLoaded]);
  })();
  const indexKept = loaded.then(async () => taskIndex?.keep(store, () => settings.archiveAfterDays(), await indexRead));
  const panel = registerPanel(context, {
    ...deps,
    log,
    // A panel restored at startup must not list the tasks before they are read (the store fires no event for them).
    loaded,
    batchPanel: { batches, batchStore },
    balance: panelBalance,
  });
  context.subscriptions.push(
    // Each task's state changes, for the Debug level of the log (filtered out at the default Info level).
    store.onDidChange((change) => {
      const task = change.task;
      const from = change.kind === 'changed' ? change.previous?.state : change.kind;
      if (from !== task.state) log.debug(`Task ${task.id} (${task.request.provider} ${task.request.model}): ${from} → ${task.state}`);
    }),
    log,
    keys,
    proxy,
    store,
    persistence.watch(store, (id) => ownership?.owns(id) ?? false),
    { dispose: () => engine.dispose() },
    { dispose: () => ownership?.dispose() },
    tasksView,
    treeView,
    notifier,
    spending,
    spendingView,
    spending.onDidChange(showTodaysSpending),
    keys.onDidChange((provider) => {
      void keyContext.update();
      models.forget(provider);
      engine.keyChanged(provider);
    }),
    // A fixed base URL setting sends the tasks that waited for it (as a new key does).
    settings.onDidChangeBaseUrl((provider) => engine.keyChanged(provider)),
    store.onDidChange(() => void vscode.commands.executeCommand('setContext', 'mediaStudio.hasTasks', store.size > 0)),
    keyContext,
    panel,
    watchSidecarFiles((line) => log.warn(line)),
    batchStore,
    {
      dispose: () =>
        void indexKept.then(
          (kept) => kept?.dispose(),
          () => undefined,
        ),
    },
    settings.onDidChangeArchive(() => tasksView.refreshAll()),
  );
  return {
    log,
    keys,
    api,
    adapters,
    store,
    persistence,
    spending,
    spendingFolder,
    requestLog,
    batchStore,
    inlineResults,
    writeFaults,
    deadlines,
    engine,
    models,
    tasksView,
    treeView,
    notifier,
    showTodaysSpending,
    spendingShown: () => spendingShown,
    spendingView,
    deps,
    keyContext,
    batchDeps,
    batches,
    batchTool,
    lmTools,
    loaded,
    panel,
    taskIndex,
    indexRead,
    indexKept,
  };
}

/** Read, list, resume, then remove leftovers of interrupted writes (after the resume, so its downloads are known). */
export function startServices(services: Services, started: number, startup: { -readonly [K in keyof StartupTimings]: StartupTimings[K] }) {
  const { log, store, tasksView, engine, spending, persistence, inlineResults } = services;
  tasksView.onFirstListing((count, askedAt, from) => {
    startup.viewAskedMs = askedAt - started;
    startup.viewListedMs = performance.now() - started;
    startup.viewListedFrom = from;
    log.debug(
      `Startup: VS Code asked for the Tasks view's rows ${startup.viewAskedMs.toFixed(1)} ms after activation began; ${count} tasks listed from the ${from === 'index' ? 'task index' : 'task files'} at ${startup.viewListedMs.toFixed(1)} ms`,
    );
  });
  void services.indexRead.then((read) => {
    startup.indexReadMs = performance.now() - started;
    startup.indexTasks = read.index?.tasks.length;
  });
  void services.indexKept.then((kept) => kept?.checked).then(() => (startup.indexCheckedMs = performance.now() - started), () => undefined);
  const ready = (async () => {
    await services.loaded;
    startup.tasksLoadedMs = performance.now() - started;
    startup.tasksLoaded = store.size;
    log.debug(
      `Startup: activate() took ${startup.activateMs.toFixed(1)} ms; ${store.size} stored tasks read after ${startup.tasksLoadedMs.toFixed(1)} ms`,
    );
    void vscode.commands.executeCommand('setContext', 'mediaStudio.hasTasks', store.size > 0); // the view need not wait for it
    tasksView.showLoaded();
    await engine.resume();
    await spending.settleFinished();
    services.showTodaysSpending();
  })();
  const leftoversRemoved = ready.then(() => removeLeftovers({ store, tasksFolder: persistence.folder, inlineResults, log }));
  leftoversRemoved.catch((error) => log.warn(`Removing leftover temporary files failed: ${String(error)}`));
  ready.catch((error) => log.error(error instanceof Error ? error : String(error)));
  return { ready, leftoversRemoved };
}
