/** Tells the user when a task they watched finishes, and shows a status-bar item while tasks run. */
import * as vscode from 'vscode';
import type { TaskChange, TaskStore } from '../core/store';
import { isTerminal } from '../core/task';
import { Disposable } from './lifecycle';

export class TaskNotifier extends Disposable {
  private readonly status = this.register(vscode.window.createStatusBarItem('mediaStudio.running', vscode.StatusBarAlignment.Left, 10));

  constructor(private readonly store: TaskStore) {
    super();
    this.status.name = 'Media Studio tasks';
    this.status.command = 'mediaStudio.tasks.focus';
    this.register(store.onDidChange((change) => this.onChange(change)));
    this.updateStatus();
  }

  private onChange(change: TaskChange): void {
    this.updateStatus();
    if (change.kind !== 'changed' || !change.previous) return;
    const task = change.task;
    const savedNow = (task.results ?? []).filter((r) => r.file).length > (change.previous.results ?? []).filter((r) => r.file).length;
    const allSettled = (task.results ?? []).every((r) => r.file || r.saveError || (!r.url && !r.inline));
    if (task.state === 'succeeded' && savedNow && allSettled) {
      const file = task.results?.find((r) => r.file)?.file as string;
      const name = vscode.workspace.asRelativePath(vscode.Uri.parse(file));
      const more = (task.results?.length ?? 1) > 1 ? ` and ${(task.results?.length ?? 1) - 1} more` : '';
      void vscode.window.showInformationMessage(`${task.request.kind === 'video' ? 'Video' : 'Image'} ready: ${name}${more}`, 'Open', 'Reveal').then((action) => {
        if (action === 'Open') void vscode.commands.executeCommand('mediaStudio.openResult', task.id);
        if (action === 'Reveal') void vscode.commands.executeCommand('mediaStudio.revealResult', task.id);
      });
    } else if (task.state === 'succeeded' && !isTerminal(change.previous.state) && task.results?.length && task.results.every((r) => r.saveError)) {
      void vscode.window.showErrorMessage(`The result could not be saved: ${task.results[0].saveError}`, 'Save Again').then((action) => {
        if (action) void vscode.commands.executeCommand('mediaStudio.saveAgain', task.id);
      });
    } else if (task.state === 'failed' && change.previous.state !== 'failed') {
      const actions = task.error?.status === 401 ? ['Set API Key', 'Retry'] : ['Retry'];
      void vscode.window.showErrorMessage(task.error?.message ?? 'The task failed.', ...actions).then((action) => {
        if (action === 'Retry') void vscode.commands.executeCommand('mediaStudio.retry', task.id);
        if (action === 'Set API Key') void vscode.commands.executeCommand('mediaStudio.setApiKey', { provider: task.request.provider });
      });
    } else if (task.state === 'unconfirmed' && change.previous.state !== 'unconfirmed') {
      void vscode.window.showWarningMessage(task.error?.message ?? 'The task may or may not have reached the provider.');
    }
  }

  private updateStatus(): void {
    const running = this.store.list().filter((t) => ['submitting', 'submitted', 'running', 'queued'].includes(t.state)).length;
    if (running === 0) {
      this.status.hide();
      return;
    }
    this.status.text = `$(loading~spin) ${running} Media Studio task${running === 1 ? '' : 's'}`;
    this.status.tooltip = 'Show the Media Studio tasks';
    this.status.accessibilityInformation = { label: `${running} Media Studio tasks running` };
    this.status.show();
  }
}
