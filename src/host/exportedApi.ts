import * as vscode from 'vscode';
import type { MediaStudioApi, StartupTimings, SubmitRequest } from '../api';
import type { Task } from '../core/task';
import { UserError } from './commands';
import { features } from './lazy';
import { quickInputAnswers } from './quickInputs';
import type { Services } from './services';
import { regenerateConfirmations } from './sidecarTrust';
import { TEST_HOOKS_KEY, type TestHooks } from './testHooks';

/** The API other extensions get from activate(); every call waits until the stored tasks are read and resumed. */
export function createApi(services: Services, ready: Promise<void>, startup: StartupTimings): MediaStudioApi {
  const { deps, keys, store, engine, batches, batchStore } = services;
  const submit = async (request: SubmitRequest): Promise<string[]> => {
    await ready;
    const { operation, ...args } = request;
    const generate = features().generate;
    if (operation === 'generate') return generate.imageFromArgs(deps, args);
    if (operation === 'edit') return generate.editFromArgs(deps, args);
    if (operation === 'video') return generate.videoFromArgs(deps, args);
    throw new UserError(vscode.l10n.t('Unknown operation "{0}": use generate, edit or video.', String(operation)));
  };
  return {
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
      return {
        ...batch,
        summary: batches.summary(batch),
        cellTaskIds: Array.from({ length: batch.rows.length * batch.models.length }, (_, i) => cells.get(i)?.id),
      };
    },
  };
}

/** The integration tests' view inside the extension: only when VS Code runs extension tests. */
export function exposeTestHooks(
  context: vscode.ExtensionContext,
  exported: MediaStudioApi,
  services: Services,
  leftoversRemoved: TestHooks['leftoversRemoved'],
): void {
  if (context.extensionMode !== vscode.ExtensionMode.Test) return;
  const {
    tasksView,
    treeView,
    notifier,
    deadlines,
    keyContext,
    lmTools,
    models,
    panel,
    spending,
    spendingView,
    spendingFolder,
    requestLog,
    writeFaults,
    inlineResults,
    persistence,
    batchTool,
    taskIndex,
  } = services;
  const hooks: TestHooks = {
    tasksView,
    treeView,
    statusBar: () => notifier.statusBar,
    deadlines,
    keyContext,
    lmTools,
    models,
    livePanel: () => panel.livePanel(),
    regenerateConfirmations,
    flowAnswers: quickInputAnswers,
    spending,
    spendingView,
    spendingFolder,
    requestLog,
    spendingTooltip: async () => (await services.spendingShown(), notifier.statusBar.tooltip),
    notices: notifier.shown,
    errorsShown: services.log.errorsShown,
    errorsShownTotal: () => services.log.errorsShownTotal,
    writeFaults,
    inlineResultsFolder: inlineResults.folder,
    tasksFolder: persistence.folder,
    workspaceStorage: context.storageUri,
    setAsideTaskFiles: persistence.setAside,
    leftoversRemoved,
    batchTool,
    taskIndex,
  };
  Object.defineProperty(exported, TEST_HOOKS_KEY, { value: hooks, enumerable: false });
}
