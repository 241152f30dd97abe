/** The panel's Batch mode, host side: the same checks and submit as mediaStudio.generateBatch, and a BatchView per batch. */
import * as vscode from 'vscode';
import { describeProgress, formatCosts, retryableCells, summarizeBatch, type Batch } from '../../core/batch/batch';
import type { BatchStore } from '../../core/batch/batchStore';
import { templateVariables } from '../../core/batch/template';
import { replyTo, type BatchView, type GenerateBatchMessage, type HostMessage, type WebviewMessage } from '../../core/panelProtocol';
import { PROVIDERS } from '../../core/providers';
import type { TaskChange, TaskStore } from '../../core/store';
import { isTerminal } from '../../core/task';
import type { Batches } from '../batch/batches';
import { Disposable } from '../lifecycle';

export interface BatchPanelDeps {
  readonly batches: Batches;
  readonly batchStore: BatchStore;
  readonly store: TaskStore;
}

export class BatchPanel extends Disposable {
  constructor(private readonly deps: BatchPanelDeps, private readonly post: (message: HostMessage) => void) {
    super();
    this.register(deps.batchStore.onDidChange((change) => {
      if (change.kind === 'removed') this.post({ type: 'batchRemoved', id: change.batch.id });
      else this.post({ type: 'batch', batch: this.view(change.batch) });
    }));
  }

  sendAll(): void {
    for (const batch of this.deps.batchStore.list().reverse()) this.post({ type: 'batch', batch: this.view(batch) });
  }

  /** Its batch's progress line changes. */
  onTaskChange(change: TaskChange): void {
    const id = change.task.request.batch?.id;
    const previous = change.kind === 'changed' ? change.previous : undefined;
    if (!id || (previous && previous.state === change.task.state && previous.cost === change.task.cost)) return;
    const batch = this.deps.batchStore.get(id);
    if (batch) this.post({ type: 'batch', batch: this.view(batch) });
  }

  async handle(message: Extract<WebviewMessage, { type: 'generateBatch' | 'batchAction' | 'pickRowsFile' }>): Promise<void> {
    switch (message.type) {
      case 'generateBatch': {
        const created = await this.deps.batches.create(this.args(message));
        this.post(
          replyTo(message, { type: 'batchSubmitted', requestId: message.requestId, batchId: created.batchId, warnings: created.warnings }),
        );
        return;
      }
      case 'pickRowsFile': {
        const picked = await vscode.window.showOpenDialog({
          canSelectMany: false,
          openLabel: vscode.l10n.t('Use Rows'),
          title: vscode.l10n.t('Pick a CSV or JSON Lines file: one prompt per line'),
          defaultUri: vscode.workspace.workspaceFolders?.[0]?.uri,
          filters: { [vscode.l10n.t('Rows')]: ['csv', 'jsonl', 'ndjson'] },
        });
        this.post(
          replyTo(message, {
            type: 'rowsFile',
            requestId: message.requestId,
            path: picked?.[0] ? vscode.workspace.asRelativePath(picked[0], false) : undefined,
          }),
        );
        return;
      }
      case 'batchAction':
        if (message.action === 'retryFailed') await this.deps.batches.retryFailed(message.batchId);
        else if (message.action === 'cancel') await this.deps.batches.cancel(message.batchId);
        else {
          const sheet = await this.deps.batches.exportContactSheet(message.batchId);
          await vscode.commands
            .executeCommand('markdown.showPreview', sheet)
            .then(undefined, () => vscode.commands.executeCommand('vscode.open', sheet));
        }
        this.post(replyTo(message, { type: 'done', requestId: message.requestId }));
        return;
    }
  }

  private args(message: GenerateBatchMessage): Record<string, unknown> {
    const used = templateVariables(message.template);
    // Only the variables the template names: the table may still hold rows of variables since deleted.
    const variables = Object.fromEntries(Object.entries(message.variables).filter(([name]) => used.includes(name)));
    return {
      template: message.template,
      ...(Object.keys(variables).length ? { variables } : {}),
      ...(message.rows ? { rows: message.rows } : {}),
      models: message.models,
    };
  }

  view(batch: Batch): BatchView {
    const summary = summarizeBatch(batch, this.deps.store.values());
    const cells = this.deps.batches.cellTasks(batch);
    return {
      id: batch.id,
      slug: batch.slug,
      template: batch.template,
      variables: templateVariables(batch.template),
      rows: batch.rows,
      models: batch.models.map((m) => `${PROVIDERS[m.provider].label} ${m.model}`),
      cellTaskIds: Array.from({ length: batch.rows.length * batch.models.length }, (_, i) => cells.get(i)?.id),
      progress: describeProgress(summary),
      cost: formatCosts(summary.cost),
      retryable: retryableCells(batch, this.deps.store.values()).length > 0,
      cancellable: [...cells.values()].some((t) => !isTerminal(t.state)),
    };
  }
}
