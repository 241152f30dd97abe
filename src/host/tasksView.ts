import * as vscode from 'vscode';

/** The Tasks view. Empty until tasks exist; its empty state comes from `viewsWelcome`. */
export class TasksView implements vscode.TreeDataProvider<never> {
  private readonly changed = new vscode.EventEmitter<undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  getTreeItem(element: never): vscode.TreeItem { return element; }
  getChildren(): never[] { return []; }
  dispose(): void { this.changed.dispose(); }
}
