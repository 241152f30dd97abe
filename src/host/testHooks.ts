/**
 * What the integration tests may look at inside the extension: handed out, on the object `activate()` returns,
 * only when VS Code runs extension tests (ExtensionMode.Test). Not part of the public API.
 */
import type * as vscode from 'vscode';
import type { MediaKind } from '../core/task';

export const TEST_HOOKS_KEY = '__mediaStudioTestHooks';

export interface TestHooks {
  /** The Tasks view's data provider, as VS Code sees it. */
  readonly tasksView: vscode.TreeDataProvider<string> & { readonly onDidChangeTreeData: vscode.Event<string | undefined> };
  readonly treeView: vscode.TreeView<string>;
  /** Whether the "N Media Studio tasks" status-bar item is shown, and its text. */
  readonly statusBar: () => { readonly shown: boolean; readonly text: string };
  /** The deadlines the poller reads on each check (ms per media kind); a test may shorten one for a moment. */
  readonly deadlines: Record<MediaKind, number>;
}

export function testHooksOf(api: unknown): TestHooks | undefined {
  return api && typeof api === 'object' ? (api as Record<string, TestHooks | undefined>)[TEST_HOOKS_KEY] : undefined;
}
