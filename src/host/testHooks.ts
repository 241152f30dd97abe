/**
 * What the integration tests may look at inside the extension: handed out, on the object `activate()` returns,
 * only when VS Code runs extension tests (ExtensionMode.Test). Not part of the public API.
 */
import type * as vscode from 'vscode';
import type { MediaKind, Task } from '../core/task';
import type { FlowAnswers } from './generate';
import type { ShownNotice } from './notifications';
import type { GenerateBatchTool } from './batch/batchTool';
import type { KeyContext } from './keyContext';
import type { MediaTools } from './lmTools';
import type { ModelCatalog } from './models';
import type { LivePanelProbe } from './panel/panel';
import type { FileRequestLog } from './requestLog';
import type { RegenerateConfirmations } from './sidecarTrust';
import type { Spending } from './spending/spending';
import type { SpendingView } from './spending/view';

export const TEST_HOOKS_KEY = '__mediaStudioTestHooks';

export interface TestHooks {
  /** The Tasks view's data provider, as VS Code sees it. */
  readonly tasksView: vscode.TreeDataProvider<string> & { readonly onDidChangeTreeData: vscode.Event<string | undefined> };
  readonly treeView: vscode.TreeView<string>;
  /** Whether the "N Media Studio tasks" status-bar item is shown, and its text. */
  readonly statusBar: () => { readonly shown: boolean; readonly text: string; readonly tooltip: string };
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
  /** Set `answer` to reply to Regenerate's confirmation (and see its text) instead of a modal dialog. */
  readonly regenerateConfirmations: RegenerateConfirmations;
  /** Set `answer` to answer the Generate/Edit/Video quick inputs (and see each step) instead of showing them. */
  readonly flowAnswers: FlowAnswers;
  /** Spending: its ledger, and its questions (a test answers them by replacing `prompts`). */
  readonly spending: Spending;
  /** The spending folder in global storage (a second ledger on it is a second window). */
  readonly spendingFolder: string;
  /** The requests-a-minute budgets this window's engine shares through the task folder (a second log on its folder is a second window). */
  readonly requestLog: FileRequestLog | undefined;
  /** The status-bar item's tooltip once the newest spending figures are in it. */
  spendingTooltip(): Promise<string>;
  /** The Show Spending view's content as last rendered. */
  readonly spendingView: SpendingView;
  /** Every finish notification shown so far, oldest first (the notifier appends as it shows one). */
  readonly notices: readonly ShownNotice[];
  /** The newest error messages shown to the user, oldest first. */
  readonly errorsShown: readonly string[];
  /** Faults a test may set: each may throw to make that write fail, as a full or read-only disk would. */
  readonly writeFaults: WriteFaults;
  /** Where inline results are kept until they are in the workspace. */
  readonly inlineResultsFolder: vscode.Uri;
  /** The folder of this workspace's task files, and the unreadable ones set aside at load (renamed *.corrupt). */
  readonly tasksFolder: vscode.Uri;
  readonly setAsideTaskFiles: readonly string[];
  /** The startup removal of leftover temporary files: how many, and their bytes. */
  readonly leftoversRemoved: Promise<{ readonly files: number; readonly bytes: number }>;
  /** The generate_batch chat tool, for its confirmation text. */
  readonly batchTool: GenerateBatchTool;
}

export interface WriteFaults {
  result?: (task: Task, index: number) => void;
  sidecar?: (task: Task, index: number) => void;
  /** Runs once a result is in place, before the store records it: a promise that never settles stands for a window closed there. */
  placed?: (task: Task, index: number) => Promise<void> | void;
}

export function testHooksOf(api: unknown): TestHooks | undefined {
  return api && typeof api === 'object' ? (api as Record<string, TestHooks | undefined>)[TEST_HOOKS_KEY] : undefined;
}
