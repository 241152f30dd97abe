import * as vscode from 'vscode';
import { REFERENCE_LANGUAGES } from '../core/targets/referenceLanguages';
import { showBalance } from './balanceCommand';
import { registerCommand } from './commands';
import { clearApiKey, setApiKey } from './keyCommands';
import { features, madeOnFirstUse } from './lazy';
import type { Services } from './services';
import * as taskCommands from './taskCommands';

/** The document-image commands (the quick fix and the hover's links name them). */
export const DOCUMENT_IMAGE_COMMANDS = {
  generateMissing: 'mediaStudio.generateMissingImages',
  insert: 'mediaStudio.insertGeneratedImage',
  preset: 'mediaStudio.generateAssetPreset',
  referenceAction: 'mediaStudio.imageReferenceAction',
} as const;

/**
 * A chat tool registered at activation whose code is loaded at its first use: VS Code holds this forwarder, which
 * reads `tool()` only when it prepares or runs an invocation.
 */
function forwardedTool<T>(tool: () => vscode.LanguageModelTool<T>): vscode.LanguageModelTool<T> {
  return {
    prepareInvocation: (options, token) => tool().prepareInvocation?.(options, token),
    invoke: (options, token) => tool().invoke(options, token),
  };
}

/** Every command, chat tool and document hook; the caller registers the returned disposables. */
export function registerCommands(services: Services): vscode.Disposable[] {
  const { log, keys, deps, spendingView, batchDeps, batches, batchTool, adapters, api, lmTools } = services;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- as registerCommand: arguments arrive untyped
  const command = (id: string, handler: (...args: any[]) => unknown) => registerCommand(log, id, handler);
  const generate = () => features().generate;
  return [
    command('mediaStudio.setApiKey', (args) => setApiKey(keys, args)),
    command('mediaStudio.clearApiKey', (args) => clearApiKey(keys, args)),
    command('mediaStudio.generateImage', (args) =>
      args === undefined ? generate().generateImageInteractive(deps) : generate().imageFromArgs(deps, args),
    ),
    command('mediaStudio.editImage', (first?: unknown, selected?: unknown) => {
      // Explorer: (clicked, selection); image preview: (uri); palette: nothing; automation: an argument object.
      if (first instanceof vscode.Uri)
        return generate().editImageInteractive(deps, Array.isArray(selected) && selected.length ? selected : [first]);
      return first === undefined ? generate().editImageInteractive(deps, []) : generate().editFromArgs(deps, first);
    }),
    command('mediaStudio.generateVideo', (args) =>
      args === undefined ? generate().generateVideoInteractive(deps) : generate().videoFromArgs(deps, args),
    ),
    command('mediaStudio.cancel', (arg) => taskCommands.cancelTask(deps, arg)),
    command('mediaStudio.retry', (arg) => taskCommands.retryTask(deps, arg)),
    command('mediaStudio.openResult', (arg) => taskCommands.openResult(deps, arg)),
    command('mediaStudio.revealResult', (arg) => taskCommands.revealResult(deps, arg)),
    command('mediaStudio.copyPrompt', (arg) => taskCommands.copyPrompt(deps, arg)),
    command('mediaStudio.remove', (arg) => taskCommands.removeTask(deps, arg)),
    command('mediaStudio.clearFinished', () => taskCommands.clearFinished(deps)),
    command('mediaStudio.refresh', (arg) => taskCommands.refreshTasks(deps, arg)),
    command('mediaStudio.searchTasks', (arg) =>
      taskCommands.searchTasks(deps, (id) => services.treeView.reveal(id, { select: true, focus: true }), arg),
    ),
    command('mediaStudio.saveAgain', (arg) => taskCommands.saveAgain(deps, arg)),
    command('mediaStudio.showSpending', () => spendingView.show()),
    command('mediaStudio.showBalance', () => showBalance(adapters, api)),
    // The chat tools (shown only when a key is set: their `when` is mediaStudio.hasKey).
    ...(vscode.lm?.registerTool
      ? [
          vscode.lm.registerTool(
            'generate_image',
            forwardedTool(() => lmTools.generate_image),
          ),
          vscode.lm.registerTool(
            'edit_image',
            forwardedTool(() => lmTools.edit_image),
          ),
          vscode.lm.registerTool(
            'generate_video',
            forwardedTool(() => lmTools.generate_video),
          ),
          vscode.lm.registerTool(
            'generate_batch',
            forwardedTool(() => batchTool),
          ),
        ]
      : []),
    command('mediaStudio.generateBatch', async (args) => {
      if (args === undefined) {
        const created = await features().batchCommands.generateBatchInteractive(batchDeps, batches);
        return created && { batchId: created.batchId, taskIds: created.taskIds };
      }
      const created = await batches.create(args);
      return { batchId: created.batchId, taskIds: created.taskIds };
    }),
    command('mediaStudio.cancelBatch', (arg) => batches.cancel(arg)),
    command('mediaStudio.retryFailedBatch', (arg) => batches.retryFailed(arg)),
    command('mediaStudio.removeBatch', (arg) => batches.remove(arg)),
    command('mediaStudio.exportContactSheet', async (arg) => {
      const sheet = await batches.exportContactSheet(arg);
      void vscode.window
        .showInformationMessage(vscode.l10n.t('Contact sheet written: {0}', vscode.workspace.asRelativePath(sheet)), vscode.l10n.t('Open'))
        .then((open) => {
          if (open) void vscode.commands.executeCommand('markdown.showPreview', sheet);
        });
      return sheet;
    }),
    // Image references in documents: the quick fix, the hover and their commands (their code loads on first use).
    ...registerDocumentImages(services, command),
  ];
}

function registerDocumentImages(
  services: Services,
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- as registerCommand: arguments arrive untyped
  command: (id: string, handler: (...args: any[]) => unknown) => vscode.Disposable,
): vscode.Disposable[] {
  const { deps, log } = services;
  const documentImages = () => features().documentImages;
  const selector = REFERENCE_LANGUAGES.map((language) => ({ language }));
  log.debug(`Image references: quick fix and hover for ${REFERENCE_LANGUAGES.join(', ')}`);
  const actions = madeOnFirstUse(() => new (documentImages().MissingImageActions)());
  const hover = madeOnFirstUse(() => new (documentImages().ImageReferenceHover)(deps.store));
  return [
    vscode.languages.registerCodeActionsProvider(
      selector,
      { provideCodeActions: (document, range) => actions.provideCodeActions(document, range) },
      { providedCodeActionKinds: [vscode.CodeActionKind.QuickFix] },
    ),
    vscode.languages.registerHoverProvider(selector, { provideHover: (document, position) => hover.provideHover(document, position) }),
    command(DOCUMENT_IMAGE_COMMANDS.generateMissing, (args: unknown) => documentImages().generateMissingImages(deps, args)),
    command(DOCUMENT_IMAGE_COMMANDS.insert, (args?: unknown) => documentImages().insertGeneratedImage(deps, args)),
    command(DOCUMENT_IMAGE_COMMANDS.preset, () => documentImages().generateAssetPreset(deps)),
    command(DOCUMENT_IMAGE_COMMANDS.referenceAction, (args: unknown) => documentImages().imageReferenceAction(deps, args)),
  ];
}
