import * as l10n from '@vscode/l10n';
import * as vscode from 'vscode';
import type { MediaStudioApi, StartupTimings } from './api';
import { registerCommands } from './host/commandTable';
import { createApi, exposeTestHooks } from './host/exportedApi';
import { createServices, startServices } from './host/services';
import { initSidecarTrust } from './host/sidecarTrust';

export function activate(context: vscode.ExtensionContext): MediaStudioApi {
  initSidecarTrust(context);
  const started = performance.now();
  const startup: { -readonly [K in keyof StartupTimings]: StartupTimings[K] } = { activateMs: 0 };
  // The vscode-free core translates through @vscode/l10n; VS Code has already loaded the display language's
  // bundle (none for English, so nothing to do and nothing to read).
  if (vscode.l10n.bundle) l10n.config({ contents: vscode.l10n.bundle });
  const services = createServices(context);
  context.subscriptions.push(...registerCommands(services));
  const { ready, leftoversRemoved } = startServices(services, started, startup);
  void services.keyContext.update().then(() => (startup.workbenchAnsweredMs = performance.now() - started));
  startup.activateMs = performance.now() - started;
  const exported = createApi(services, ready, startup);
  exposeTestHooks(context, exported, services, leftoversRemoved);
  return exported;
}

export function deactivate(): void {}
