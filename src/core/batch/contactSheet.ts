/** A batch's contact sheet: one Markdown file with every result, its prompt, model, time and cost. */
import * as l10n from '@vscode/l10n';
import { PROVIDERS } from '../providers';
import { formatDuration, type Task } from '../task';
import { type Batch, batchCells, cellTasks } from './batch';

/** A file without it is the user's, and is never replaced. */
export function contactSheetMarker(batchId: string): string {
  return `<!-- Media Studio contact sheet of batch ${batchId} -->`;
}

export const CONTACT_SHEET_NAME = 'contact-sheet.md';

function cellText(text: string): string {
  return text.replace(/\r?\n/g, ' ').replace(/\|/g, '\\|');
}

/** `relativeFile`: relative to the batch folder, or undefined elsewhere; so the sheet previews in VS Code and forges. */
export function contactSheet(batch: Batch, tasks: Iterable<Task>, relativeFile: (uri: string) => string | undefined): string {
  const byCell = cellTasks(batch, tasks);
  const lines = [
    contactSheetMarker(batch.id),
    `# ${cellText(batch.slug)}`,
    '',
    l10n.t('Template: `{0}` · {1} prompts × {2} models', batch.template.replace(/`/g, "'"), batch.rows.length, batch.models.length),
    '',
    `| ${l10n.t('Result')} | ${l10n.t('Prompt')} | ${l10n.t('Model')} | ${l10n.t('Time')} | ${l10n.t('Cost')} |`,
    '|---|---|---|---|---|',
  ];
  for (const cell of batchCells(batch)) {
    const task = byCell.get(cell.index);
    const model = batch.models[cell.model];
    const files = (task?.results ?? []).map((r) => (r.file ? relativeFile(r.file) : undefined)).filter((f): f is string => !!f);
    const shown = files.length
      ? files
          .map((f) => (task?.request.kind === 'video' ? `[${cellText(f)}](${encodeURI(f)})` : `![${cellText(f)}](${encodeURI(f)})`))
          .join(' ')
      : task
        ? l10n.t('({0})', task.state)
        : l10n.t('(not sent)');
    const time = task?.endedAt !== undefined ? formatDuration(task.endedAt - (task.submittedAt ?? task.createdAt)) : '';
    const cost = task?.cost ? (task.cost.unit === 'USD' ? `$${task.cost.amount.toFixed(3)}` : l10n.t('{0} credits', task.cost.amount)) : '';
    lines.push(
      `| ${shown} | ${cellText(cell.prompt)} | ${cellText(`${PROVIDERS[model.provider].label} ${model.model}`)} | ${time} | ${cost} |`,
    );
  }
  return `${lines.join('\n')}\n`;
}
