/** What integration tests may look at inside the extension, returned only in ExtensionMode.Test. Not public API. */
import type * as vscode from 'vscode';
import type { MediaKind, Task } from '../core/task';
import type { ShownNotice } from './notifications';
import type { GenerateBatchTool } from './batch/batchTool';
import type { KeyContext } from './keyContext';
import type { MediaTools } from './lmTools';
import type { ModelCatalog } from './models';
import type { LivePanelProbe } from './panel/panel';
import type { QuickInputAnswers } from './quickInputs';
import type { FileRequestLog } from './requestLog';
import type { RegenerateConfirmations } from './sidecarTrust';
import type { Spending } from './spending/spending';
import type { SpendingView } from './spending/view';

export const TEST_HOOKS_KEY = '__mediaStudioTestHooks';

export interface TestHooks {
  readonly tasksView: vscode.TreeDataProvider<string> & { readonly onDidChangeTreeData: vscode.Event<string | undefined> };
  readonly treeView: vscode.TreeView<string>;
  readonly statusBar: () => { readonly shown: boolean; readonly text: string; readonly tooltip: string };
  /** Read by the poller on each check; a test may set one for a moment. */
  readonly deadlines: Partial<Record<MediaKind, number>>;
  /** VS Code offers no way to read a context key. */
  readonly keyContext: KeyContext;
  /** For prepareInvocation's text (tests auto-confirm, so it is otherwise unseen). */
  readonly lmTools: MediaTools;
  readonly models: ModelCatalog;
  /** Undefined while no panel is open. */
  livePanel(): LivePanelProbe | undefined;
  /** Set `answer` to reply instead of a modal dialog. */
  readonly regenerateConfirmations: RegenerateConfirmations;
  /** Set `answer` to answer the Generate/Edit/Video quick inputs (and see each step) instead of showing them. */
  readonly flowAnswers: QuickInputAnswers;
  /** Spending: its ledger, and its questions (a test answers them by replacing `prompts`). */
  readonly spending: Spending;
  /** A second ledger on it is a second window. */
  readonly spendingFolder: string;
  /** The requests-a-minute budgets this window's engine shares through the task folder (a second log on its folder is a second window). */
  readonly requestLog: FileRequestLog | undefined;
  /** The status-bar item's tooltip once the newest spending figures are in it. */
  spendingTooltip(): Promise<string>;
  readonly spendingView: SpendingView;
  /** Oldest first. */
  readonly notices: readonly ShownNotice[];
  /** The newest error messages shown to the user, oldest first. */
  readonly errorsShown: readonly string[];
  /** How many error messages were shown in all, since activation. */
  errorsShownTotal(): number;
  /** Faults a test may set: each may throw to make that write fail, as a full or read-only disk would. */
  readonly writeFaults: WriteFaults;
  readonly inlineResultsFolder: vscode.Uri;
  /** And the unreadable ones set aside at load (*.corrupt). */
  readonly tasksFolder: vscode.Uri;
  /** Where earlier versions kept the task files. */
  readonly workspaceStorage: vscode.Uri | undefined;
  readonly setAsideTaskFiles: readonly string[];
  readonly leftoversRemoved: Promise<{ readonly files: number; readonly bytes: number }>;
  readonly batchTool: GenerateBatchTool;
  /** The task index file (undefined when the task folder is not on this host's disk); flush() writes a pending change. */
  readonly taskIndex: { readonly file: string; flush(): Promise<void> } | undefined;
}

export interface WriteFaults {
  result?: (task: Task, index: number) => void;
  sidecar?: (task: Task, index: number) => void;
  /** A promise that never settles stands for a window closed there. */
  placed?: (task: Task, index: number) => Promise<void> | void;
}

export function testHooksOf(api: unknown): TestHooks | undefined {
  return api && typeof api === 'object' ? (api as Record<string, TestHooks | undefined>)[TEST_HOOKS_KEY] : undefined;
}
