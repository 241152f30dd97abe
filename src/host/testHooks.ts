/**
 * What the integration tests may look at inside the extension: handed out, on the object `activate()` returns,
 * only when VS Code runs extension tests (ExtensionMode.Test). Not part of the public API.
 */
import type * as vscode from 'vscode';
import type { MediaKind } from '../core/task';
import type { GenerateBatchTool } from './batch/batchTool';
import type { KeyContext } from './keyContext';
import type { MediaTools } from './lmTools';
import type { ModelCatalog } from './models';
import type { LivePanelProbe } from './panel/panel';

export const TEST_HOOKS_KEY = '__mediaStudioTestHooks';

export interface TestHooks {
  /** The Tasks view's data provider, as VS Code sees it. */
  readonly tasksView: vscode.TreeDataProvider<string> & { readonly onDidChangeTreeData: vscode.Event<string | undefined> };
  readonly treeView: vscode.TreeView<string>;
  /** Whether the "N Media Studio tasks" status-bar item is shown, and its text. */
  readonly statusBar: () => { readonly shown: boolean; readonly text: string };
  /** Overrides of the providers' deadlines, read by the poller on each check; a test may set one for a moment. */
  readonly deadlines: Partial<Record<MediaKind, number>>;
  /** The value given to the mediaStudio.hasKey context key (VS Code offers no way to read a context key). */
  readonly keyContext: KeyContext;
  /** The chat tools themselves, to call prepareInvocation (tests auto-confirm, so its text is otherwise unseen). */
  readonly lmTools: MediaTools;
  /** The model lists the pickers and the panel get. */
  readonly models: ModelCatalog;
  /** The open Media Studio panel's controller, as a probe; undefined while no panel is open. */
  livePanel(): LivePanelProbe | undefined;
  /** The generate_batch chat tool, for its confirmation text. */
  readonly batchTool: GenerateBatchTool;
}

export function testHooksOf(api: unknown): TestHooks | undefined {
  return api && typeof api === 'object' ? (api as Record<string, TestHooks | undefined>)[TEST_HOOKS_KEY] : undefined;
}
