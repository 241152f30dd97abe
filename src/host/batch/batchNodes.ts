/** A batch in the Tasks view: one row with progress and cost, its tasks under it in cell order, and its actions. */
import * as vscode from 'vscode';
import { type Batch, describeProgress, formatCosts, retryableCells, summarizeBatch } from '../../core/batch/batch';
import type { BatchStore } from '../../core/batch/batchStore';
import type { TaskStore } from '../../core/store';
import { isTerminal, type Task } from '../../core/task';

/** Task rows are task ids (UUIDs), which never start with it. */
export const BATCH_NODE_PREFIX = 'batch:';

/** Tasks outside any known batch, and one row per batch where its newest activity sorts. */
export function rootRows(sortedTasks: readonly Task[], batches: BatchStore): string[] {
  const rows: string[] = [];
  const placed = new Set<string>();
  for (const task of sortedTasks) {
    const batchId = task.request.batch?.id;
    if (!batchId || !batches.get(batchId)) {
      rows.push(task.id);
    } else if (!placed.has(batchId)) {
      // The first of its tasks in the sorted list puts the batch there: running batches come with running tasks.
      placed.add(batchId);
      rows.push(BATCH_NODE_PREFIX + batchId);
    }
  }
  for (const batch of batches.list()) if (!placed.has(batch.id)) rows.push(BATCH_NODE_PREFIX + batch.id); // no tasks (left)
  return rows;
}

export function batchTaskIds(batch: Batch | undefined, store: Pick<TaskStore, 'values'>): string[] {
  if (!batch) return [];
  return [...store.values()]
    .filter((t) => t.request.batch?.id === batch.id)
    .sort((a, b) => (a.request.batch?.cell ?? 0) - (b.request.batch?.cell ?? 0) || a.createdAt - b.createdAt)
    .map((t) => t.id);
}

export function batchNode(batch: Batch | undefined, store: Pick<TaskStore, 'values'>, id: string): vscode.TreeItem {
  if (!batch) return new vscode.TreeItem(vscode.l10n.t('(removed)'));
  const firstLine = batch.template.split('\n')[0];
  const item = new vscode.TreeItem(
    firstLine.length > 50 ? `${firstLine.slice(0, 47)}…` : firstLine,
    vscode.TreeItemCollapsibleState.Collapsed,
  );
  item.id = id;
  const summary = summarizeBatch(batch, store.values());
  const cost = formatCosts(summary.cost);
  item.description = [vscode.l10n.t('batch'), describeProgress(summary), cost].filter(Boolean).join(' · ');
  item.iconPath = new vscode.ThemeIcon(summary.active ? 'loading~spin' : summary.failed ? 'warning' : 'layers');
  const tokens = ['batch'];
  if ([...store.values()].some((t) => t.request.batch?.id === batch.id && !isTerminal(t.state))) tokens.push('batchCancel');
  if (retryableCells(batch, store.values()).length) tokens.push('batchRetry');
  item.contextValue = tokens.join(' ');
  item.tooltip = new vscode.MarkdownString(undefined, true)
    .appendMarkdown(
      `**${vscode.l10n.t('Batch')}** — ${vscode.l10n.t('{0} prompts × {1} models', batch.rows.length, batch.models.length)}\n\n`,
    )
    .appendText(batch.template)
    .appendMarkdown(`\n\n${describeProgress(summary)}${cost ? ` · ${cost}` : ''}\n\n`)
    .appendText(vscode.l10n.t('Folder: {0}', batch.outputFolder));
  item.accessibilityInformation = { label: vscode.l10n.t('Batch: {0}. {1}', firstLine, item.description) };
  return item;
}
