import * as vscode from 'vscode';
import { isProviderId, PROVIDER_IDS, type ProviderId } from '../core/providers';
import { providerSpec } from '../core/spec/registry';

const SECTION = 'mediaStudio';

function section(scope?: vscode.Uri): vscode.WorkspaceConfiguration {
  return vscode.workspace.getConfiguration(SECTION, scope);
}

/** How requests leave the machine. */
export interface HttpSettings {
  readonly proxy: string | undefined;
  readonly strictSSL: boolean;
  readonly noProxy: string[];
  readonly support: string | undefined;
  readonly authorization: string | undefined;
}

/** The one place that asks VS Code's configuration, so a setting's name and fallback are written once. */
export const settings = {
  /** Unchecked: the adapters parse their own. */
  raw: (name: string): unknown => section().get(name),
  /** By full name (the spending limits are listed so). */
  rawFull: (name: string): unknown => vscode.workspace.getConfiguration().get(name),

  /** The first registered provider when it names none we know. */
  defaultProvider(): ProviderId {
    const value = section().get<string>('defaultProvider', PROVIDER_IDS[0]);
    return isProviderId(value) ? value : PROVIDER_IDS[0];
  },
  baseUrl: (provider: ProviderId): string | undefined => section().get<string>(`${provider}.baseUrl`),
  /** PixAI's may be a pixai.art model page URL. */
  defaultModel(provider: ProviderId): string | undefined {
    const value = section().get<string>(`${provider}.defaultModel`, '').trim();
    if (!value) return undefined;
    return providerSpec(provider).modelIdFrom?.(value) ?? value;
  },
  /** Lowers the documented cap, never raises it. */
  maxActiveTasks(provider: ProviderId, documented: number): number | undefined {
    const setting = providerSpec(provider).concurrency.settings.maxActiveTasks;
    if (!setting) return undefined;
    return Math.min(documented, Math.max(1, section().get<number>(setting, documented)));
  },
  /** Named by a provider's spec (e.g. pixapi.synchronous). */
  flag: (name: string): boolean => section().get<boolean>(name, false),
  outputFolder: (workspaceFolder: vscode.Uri): string => section(workspaceFolder).get<string>('outputFolder', 'generated'),
  maxImageBytes: (): number => section().get<number>('maxImageSizeMB', 20) * 1024 * 1024,
  maxDownloadBytes: (): number => section().get<number>('maxDownloadSizeMB', 2048) * 1024 * 1024,
  batchMaxTasks(fallback: number): number {
    const value = section().get<number>('batch.maxTasks', fallback);
    return Number.isInteger(value) && value > 0 ? value : fallback;
  },
  /** Days after which a finished task leaves the Tasks view's list for its "Archived" row; 0 keeps every task listed. */
  archiveAfterDays(): number {
    const value = section().get<number>('tasks.archiveAfterDays', 30);
    return Number.isFinite(value) && value >= 0 ? value : 30;
  },
  onDidChangeArchive: (listener: () => void): vscode.Disposable => changed(`${SECTION}.tasks.archiveAfterDays`, listener),
  http(): HttpSettings {
    const http = vscode.workspace.getConfiguration('http');
    return {
      proxy: http.get<string>('proxy'),
      strictSSL: http.get<boolean>('proxyStrictSSL', true),
      noProxy: http.get<string[]>('noProxy', []),
      support: http.get<string>('proxySupport'),
      authorization: http.get<string | null>('proxyAuthorization') ?? undefined,
    };
  },

  onDidChangeBaseUrl: (listener: (provider: ProviderId) => void): vscode.Disposable =>
    vscode.workspace.onDidChangeConfiguration((event) => {
      for (const provider of PROVIDER_IDS) if (event.affectsConfiguration(`${SECTION}.${provider}.baseUrl`)) listener(provider);
    }),
  onDidChangeHttp: (listener: () => void): vscode.Disposable => changed('http', listener),
  onDidChangeSpending: (listener: () => void): vscode.Disposable => changed(`${SECTION}.spending`, listener),
};

function changed(name: string, listener: () => void): vscode.Disposable {
  return vscode.workspace.onDidChangeConfiguration((event) => {
    if (event.affectsConfiguration(name)) listener();
  });
}
