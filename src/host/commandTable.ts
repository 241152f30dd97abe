import * as vscode from 'vscode';
import { showBalance } from './balanceCommand';
import { registerCommand } from './commands';
import { registerBatchCommands } from './batch/batchCommands';
import { registerDocumentImages } from './documentImages';
import * as generate from './generate';
import { clearApiKey, setApiKey } from './keyCommands';
import { registerLmTools } from './lmTools';
import type { Services } from './services';
import * as taskCommands from './taskCommands';

/** The caller registers the returned disposables. */
export function registerCommands(services: Services): vscode.Disposable[] {
  const { log, keys, deps, spendingView, batchDeps, batches, batchTool, adapters, api } = services;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- as registerCommand: arguments arrive untyped
  const command = (id: string, handler: (...args: any[]) => unknown) => registerCommand(log, id, handler);
  return [
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
    command('mediaStudio.showSpending', () => spendingView.show()),
    command('mediaStudio.showBalance', () => showBalance(adapters, api)),
    registerLmTools(services.lmTools),
    ...registerBatchCommands(log, batchDeps, batches, batchTool),
    registerDocumentImages(deps, command, log),
  ];
}
