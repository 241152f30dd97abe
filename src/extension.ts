import * as vscode from 'vscode';
import type { MediaStudioApi } from './api';
import { PROVIDER_IDS } from './core/providers';
import { registerCommand } from './host/commands';
import { clearApiKey, setApiKey } from './host/keyCommands';
import { ApiKeys } from './host/keys';
import { Log } from './host/log';
import { TasksView } from './host/tasksView';

export function activate(context: vscode.ExtensionContext): MediaStudioApi {
  const log = new Log();
  const keys = new ApiKeys(context.secrets);
  const tasksView = new TasksView();
  context.subscriptions.push(
    log,
    keys,
    tasksView,
    vscode.window.registerTreeDataProvider('mediaStudio.tasks', tasksView),
    registerCommand(log, 'mediaStudio.setApiKey', (args) => setApiKey(keys, args)),
    registerCommand(log, 'mediaStudio.clearApiKey', (args) => clearApiKey(keys, args)),
    keys.onDidChange(() => void updateKeyContext(keys)),
  );
  void updateKeyContext(keys);
  return { hasApiKey: (provider) => keys.has(provider) };
}

async function updateKeyContext(keys: ApiKeys): Promise<void> {
  const present = await Promise.all(PROVIDER_IDS.map((p) => keys.has(p)));
  await vscode.commands.executeCommand('setContext', 'mediaStudio.hasKey', present.some(Boolean));
}

export function deactivate(): void {}
