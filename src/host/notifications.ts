/** Finish notifications, and a status-bar item while tasks run. */
import * as vscode from 'vscode';
import { KeyRejectionNotices } from '../core/keyNotices';
import type { ProviderId } from '../core/providers';
import type { TaskChange, TaskStore } from '../core/store';
import { finishNotice } from '../core/finishNotice';
import { formatElapsed } from '../core/elapsed';
import { Disposable } from './lifecycle';

/** For the integration tests, which cannot read the workbench's. */
export interface ShownNotice {
  readonly kind: 'saved' | 'saveFailed' | 'failed' | 'unconfirmed';
  readonly taskId: string;
  readonly message: string;
  readonly actions: readonly string[];
}

/** A long session keeps no more than these. */
const SHOWN_KEPT = 200;

export class TaskNotifier extends Disposable {
  readonly shown: ShownNotice[] = [];
  /** Once, not again at each Save Again that fails. */
  private readonly saveFailureAnnounced = new Set<string>();

  private readonly status = this.register(vscode.window.createStatusBarItem('mediaStudio.running', vscode.StatusBarAlignment.Left, 10));
  /** StatusBarItem does not say whether it is shown; tests ask this. */
  private statusShown = false;

  private readonly keyNotices = new KeyRejectionNotices();
  /** For the tooltip (see setSpending). */
  private spendingLine: string | undefined;

  constructor(private readonly store: TaskStore, keyChanges?: vscode.Event<ProviderId>) {
    super();
    if (keyChanges) this.register(keyChanges((provider) => this.keyNotices.keyChanged(provider)));
    this.status.name = vscode.l10n.t('Media Studio tasks');
    this.status.command = 'mediaStudio.tasks.focus';
    this.register(store.onDidChange((change) => this.onChange(change)));
    this.updateStatus();
  }

  private onChange(change: TaskChange): void {
    this.updateStatus();
    if (this.keyNotices.shouldAnnounce(change)) {
      // The task is still checked (slowly): it may finish at the provider once a valid key is set.
      const setKey = vscode.l10n.t('Set API Key');
      void vscode.window.showErrorMessage(change.task.error?.message ?? '', setKey).then((action) => {
        if (action === setKey) void vscode.commands.executeCommand('mediaStudio.setApiKey', { provider: change.task.request.provider });
      });
    }
    if (change.kind !== 'changed' || !change.previous) return;
    const task = change.task;
    const notice = finishNotice(change.previous, task);
    if (!notice) return;
    if (notice.kind === 'saveFailed') {
      if (this.saveFailureAnnounced.has(task.id)) return;
      this.saveFailureAnnounced.add(task.id);
    }
    const record = (message: string, ...actions: string[]) => {
      this.shown.push({ kind: notice.kind, taskId: task.id, message, actions });
      if (this.shown.length > SHOWN_KEPT) this.shown.shift();
    };
    switch (notice.kind) {
      case 'saved': {
        const name = vscode.workspace.asRelativePath(vscode.Uri.parse(notice.file));
        // The elapsed time the Tasks view and the panel show for this task (core/elapsed).
        const took = formatElapsed(task, task.endedAt ?? Date.now());
        const message =
          notice.others > 0
            ? notice.video
              ? vscode.l10n.t('Video ready in {2}: {0} and {1} more', name, notice.others, took)
              : vscode.l10n.t('Image ready in {2}: {0} and {1} more', name, notice.others, took)
            : notice.video
              ? vscode.l10n.t('Video ready in {1}: {0}', name, took)
              : vscode.l10n.t('Image ready in {1}: {0}', name, took);
        const open = vscode.l10n.t('Open');
        const reveal = vscode.l10n.t('Reveal');
        record(message, open, reveal);
        void vscode.window.showInformationMessage(message, open, reveal).then((action) => {
          if (action === open) void vscode.commands.executeCommand('mediaStudio.openResult', task.id);
          if (action === reveal) void vscode.commands.executeCommand('mediaStudio.revealResult', task.id);
        });
        return;
      }
      case 'saveFailed': {
        const message = vscode.l10n.t('The result could not be saved: {0}', notice.error);
        const saveAgain = vscode.l10n.t('Save Again');
        record(message, saveAgain);
        void vscode.window.showErrorMessage(message, saveAgain).then((action) => {
          if (action) void vscode.commands.executeCommand('mediaStudio.saveAgain', task.id);
        });
        return;
      }
      case 'failed': {
        const retry = vscode.l10n.t('Retry');
        const setKey = vscode.l10n.t('Set API Key');
        const actions = notice.actions.map((a) => (a === 'setApiKey' ? setKey : retry));
        record(notice.message ?? vscode.l10n.t('The task failed.'), ...actions);
        void vscode.window.showErrorMessage(notice.message ?? vscode.l10n.t('The task failed.'), ...actions).then((action) => {
          if (action === retry) void vscode.commands.executeCommand('mediaStudio.retry', task.id);
          if (action === setKey) void vscode.commands.executeCommand('mediaStudio.setApiKey', { provider: task.request.provider });
        });
        return;
      }
      case 'unconfirmed':
        record(notice.message ?? vscode.l10n.t('The task may or may not have reached the provider.'));
        void vscode.window.showWarningMessage(notice.message ?? vscode.l10n.t('The task may or may not have reached the provider.'));
        return;
    }
  }

  private updateStatus(): void {
    const running = this.store.list().filter((t) => ['submitting', 'submitted', 'running', 'queued'].includes(t.state)).length;
    this.status.tooltip = this.spendingLine
      ? `${vscode.l10n.t('Show the Media Studio tasks')}\n\n${this.spendingLine}`
      : vscode.l10n.t('Show the Media Studio tasks');
    if (running === 0) {
      this.status.hide();
      this.statusShown = false;
      return;
    }
    this.status.text = `$(loading~spin) ${running === 1 ? vscode.l10n.t('1 Media Studio task') : vscode.l10n.t('{0} Media Studio tasks', running)}`;
    this.status.accessibilityInformation = {
      label: running === 1 ? vscode.l10n.t('1 Media Studio task running') : vscode.l10n.t('{0} Media Studio tasks running', running),
    };
    this.status.show();
    this.statusShown = true;
  }

  setSpending(line: string | undefined): void {
    this.spendingLine = line;
    this.updateStatus();
  }

  get statusBar(): { shown: boolean; text: string; tooltip: string } {
    return {
      shown: this.statusShown,
      text: this.status.text,
      tooltip: typeof this.status.tooltip === 'string' ? this.status.tooltip : (this.status.tooltip?.value ?? ''),
    };
  }
}
