import * as l10n from '@vscode/l10n';
import * as vscode from 'vscode';
import type { MediaStudioApi, StartupTimings, SubmitRequest } from './api';
import type { ProviderAdapter } from './core/adapters/adapter';
import { ApixoAdapter, fetchApixoBalance } from './core/adapters/apixo';
import { OpenAiAdapter } from './core/adapters/openai';
import { parseModelVersionId, PixaiAdapter } from './core/adapters/pixai';
import { PixapiAdapter } from './core/adapters/pixapi';
import { TaskEngine } from './core/engine';
import { DEFAULT_TUNING, PollTuning } from './core/backoff';
import { describeFailure } from './core/errors';
import { ApiClient } from './core/http';
import { baseUrlProblem, loopbackResultsAllowed, PROVIDER_IDS, PROVIDERS, ProviderId } from './core/providers';
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
import { ResultWriter } from './host/results';
import { registerDocumentImages } from './host/documentImages';
import * as taskCommands from './host/taskCommands';
import { TasksView } from './host/tasksView';
import { TEST_HOOKS_KEY, TestHooks } from './host/testHooks';

function baseUrlSetting(provider: ProviderId): string | undefined {
  return vscode.workspace.getConfiguration('mediaStudio').get<string>(`${provider}.baseUrl`);
}

/** The setting mediaStudio.<provider>.defaultModel; PixAI's may be a pixai.art model page URL. */
function configuredDefaultModel(provider: ProviderId): string | undefined {
  const value = vscode.workspace.getConfiguration('mediaStudio').get<string>(`${provider}.defaultModel`, '').trim();
  if (!value) return undefined;
  return provider === 'pixai' ? parseModelVersionId(value) ?? value : value;
}

function baseUrl(provider: ProviderId): string {
  const value = baseUrlSetting(provider) || PROVIDERS[provider].defaultBaseUrl;
  const problem = baseUrlProblem(value);
  if (problem) throw new UserError(vscode.l10n.t('{0} Fix the setting "mediaStudio.{1}.baseUrl".', problem, provider));
  return value;
}

export function activate(context: vscode.ExtensionContext): MediaStudioApi {
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
    return new ApiClient({ baseUrl: baseUrl(provider), key, dispatcher: proxy.dispatcher(), log: (line) => log.trace(`${PROVIDERS[provider].label}: ${line}`) });
  };
  const storage = sharedTaskStorage(context);
  const persistence = new FileTaskPersistence(storage, log);
  const store = new TaskStore(persistence);
  // Windows on one workspace share the task folder; each task is worked on by the one window holding its claim.
  const ownership = storage.scheme === 'file' ? WindowOwnership.forStorage(storage.fsPath, store, persistence, log) : undefined;
  const writer = new ResultWriter({
    store,
    log,
    apiAuth: async (task) => {
      const key = await keys.get(task.request.provider);
      return key ? { origin: new URL(baseUrl(task.request.provider)).origin, key } : undefined;
    },
    // Result URLs on loopback are followed only when this task's provider's API is local (an emulator or gateway).
    allowLoopback: (task) => loopbackResultsAllowed(task.request.provider, baseUrlSetting(task.request.provider)),
    dispatcher: () => proxy.dispatcher(),
  });
  const adapters = new Map<ProviderId, ProviderAdapter>([
    ['pixapi', new PixapiAdapter()],
    ['pixai', new PixaiAdapter()],
    // The plan's limits (tasks at once, requests a minute) are Apixo's policy; the setting only names the plan.
    ['apixo', new ApixoAdapter(() => (vscode.workspace.getConfiguration('mediaStudio').get<string>('apixo.plan', 'pro') === 'free' ? 'free' : 'pro'))],
    ['openai', new OpenAiAdapter()],
  ]);
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
      const settings = vscode.workspace.getConfiguration('mediaStudio');
      if (provider === 'pixai') {
        // The setting may lower PixAI's documented cap (its policy), never raise it.
        const documented = adapters.get('pixai')?.policy.maxActiveTasks ?? Infinity;
        return Math.min(documented, Math.max(1, settings.get<number>('pixai.maxConcurrentTasks', documented)));
      }
      return undefined;
    },
    log: (line, level) => (level === 'warn' ? log.warn(line) : log.info(line)),
    ownership,
    tuning: testTuning(),
  });
  const models = new ModelCatalog(api, log, configuredDefaultModel);
  const tasksView = new TasksView(store);
  const treeView = vscode.window.createTreeView('mediaStudio.tasks', { treeDataProvider: tasksView, showCollapseAll: false });
  tasksView.attach(treeView);
  const notifier = new TaskNotifier(store, keys.onDidChange);
  const deps = { engine, store, keys, models, writer, pixaiModels: new PixaiModels(context.globalState, parseModelVersionId) };
  const keyContext = new KeyContext(keys, (line) => log.warn(line));
  const lmTools = createLmTools(deps);
  const command = (id: string, handler: (...args: any[]) => unknown) => registerCommand(log, id, handler); // any: see registerCommand

  // Loading tasks and resuming them happens after activation returns, so activation stays fast.
  const loaded = (async () => {
    if (context.storageUri) await persistence.moveTasksFrom(context.storageUri);
    await store.load();
  })();
  const panel = registerPanel(context, {
    ...deps,
    log,
    // A panel restored at startup must not list the tasks before they are read (the store fires no event for them).
    loaded,
    balance: async (provider) => {
      const client = provider === 'apixo' ? await api('apixo') : undefined;
      return client ? fetchApixoBalance(client) : undefined;
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
    command('mediaStudio.showBalance', async () => {
      const client = await api('apixo');
      if (!client) throw new UserError(vscode.l10n.t('No Apixo API key is set.'), [{ title: vscode.l10n.t('Set API Key'), command: 'mediaStudio.setApiKey', args: [{ provider: 'apixo' }] }]);
      let balance: number;
      try {
        balance = await fetchApixoBalance(client);
      } catch (error) {
        throw new UserError(describeFailure('apixo', error).message);
      }
      void vscode.window.showInformationMessage(vscode.l10n.t('Apixo balance: ${0} USD', balance.toFixed(2)));
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
  })();
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
  };
  if (context.extensionMode === vscode.ExtensionMode.Test) {
    const hooks: TestHooks = { tasksView, treeView, statusBar: () => notifier.statusBar, deadlines, keyContext, lmTools, models, livePanel: () => panel.livePanel() };
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
