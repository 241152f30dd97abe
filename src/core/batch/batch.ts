/**
 * One request fanned out over rows of variable values and several models, stored before any of its tasks is sent.
 * Each task carries the batch id and its cell in its request, so tasks say which cell they belong to between writes.
 */
import * as l10n from '@vscode/l10n';
import { isProviderId } from '../providers';
import { isTerminal, type Operation, type ParamValue, type Task, type TaskRequest, type TaskState } from '../task';
import { planBatch, type BatchCell, type BatchModel } from './plan';
import type { Row } from './rows';
import { parseJsonObject } from '../json';

export interface Batch {
  readonly id: string;
  /** Its folder's name inside the output folder. */
  readonly slug: string;
  readonly createdAt: number;
  readonly template: string;
  readonly variables?: Readonly<Record<string, readonly string[]>>;
  readonly rowsFile?: string;
  /** Kept, so the batch never depends on the rows file again. */
  readonly rows: readonly Row[];
  /** Each one's params are the final ones its tasks send (shared, count and its own merged). */
  readonly models: readonly BatchModel[];
  readonly params: Readonly<Record<string, ParamValue>>;
  readonly n?: number;
  /** As the single requests choose it. */
  readonly sync?: boolean;
  readonly operation: Operation;
  readonly workspaceFolder: string;
  /** Relative to the workspace folder: `<output folder>/<slug>`. */
  readonly outputFolder: string;
  /** A retried cell adds one; the tasks' own batch field is the authority. */
  readonly taskIds: readonly string[];
  readonly origin: Task['origin'];
  readonly revision: number;
}

/** In the task's request, and so in its sidecar. */
export interface BatchRef {
  readonly id: string;
  readonly cell: number;
  readonly values: Row;
}

/** From its stored rows (the template and rows are what it was planned from). */
export function batchCells(batch: Batch): BatchCell[] {
  const plan = planBatch({ template: batch.template, rows: batch.rows, models: batch.models, maxTasks: Infinity });
  if ('error' in plan) return [];
  return [...plan.cells];
}

/** The newest task made for each cell. */
export function cellTasks(batch: Batch, tasks: Iterable<Task>): Map<number, Task> {
  const latest = new Map<number, Task>();
  for (const task of tasks) {
    const ref = task.request.batch;
    if (ref?.id !== batch.id) continue;
    const known = latest.get(ref.cell);
    if (!known || known.createdAt < task.createdAt || (known.createdAt === task.createdAt && known.id < task.id))
      latest.set(ref.cell, task);
  }
  return latest;
}

export interface BatchSummary {
  readonly cells: number;
  readonly done: number;
  readonly failed: number;
  readonly cancelled: number;
  readonly active: number;
  /** Never sent (a window closed while the batch was being created). */
  readonly notSent: number;
  /** Summed per unit. */
  readonly cost: readonly { amount: number; unit: string }[];
  readonly finished: boolean;
}

/** Counts failed, unconfirmed and stale tasks as needing attention; succeeded as done. */
const FAILED: readonly TaskState[] = ['failed'];

export function summarizeBatch(batch: Batch, tasks: Iterable<Task>): BatchSummary {
  const cells = batch.rows.length * batch.models.length;
  const byCell = cellTasks(batch, tasks);
  let done = 0;
  let failed = 0;
  let cancelled = 0;
  let active = 0;
  const costs = new Map<string, number>();
  for (const task of byCell.values()) {
    if (task.state === 'succeeded') done++;
    else if (FAILED.includes(task.state)) failed++;
    else if (task.state === 'cancelled') cancelled++;
    else active++;
    if (task.cost) costs.set(task.cost.unit, (costs.get(task.cost.unit) ?? 0) + task.cost.amount);
  }
  const notSent = Math.max(0, cells - byCell.size);
  return {
    cells, done, failed, cancelled, active, notSent,
    cost: [...costs].map(([unit, amount]) => ({ unit, amount: Math.round(amount * 1e6) / 1e6 })),
    finished: active === 0,
  };
}

export function describeProgress(summary: BatchSummary): string {
  const parts = [l10n.t('{0}/{1} done', summary.done, summary.cells)];
  if (summary.failed) parts.push(l10n.t('{0} failed', summary.failed));
  if (summary.cancelled) parts.push(l10n.t('{0} cancelled', summary.cancelled));
  if (summary.notSent) parts.push(l10n.t('{0} not sent', summary.notSent));
  return parts.join(', ');
}

export function formatCosts(costs: BatchSummary['cost']): string {
  return costs
    .map((c) =>
      c.unit === 'credits' ? l10n.t('{0} credits', c.amount) : c.unit === 'USD' ? `$${c.amount.toFixed(3)}` : `${c.amount} ${c.unit}`,
    )
    .join(' + ');
}

/** Failed, cancelled or never made: what Retry failed sends again. */
export function retryableCells(batch: Batch, tasks: Iterable<Task>): number[] {
  const byCell = cellTasks(batch, tasks);
  const cells: number[] = [];
  for (let cell = 0; cell < batch.rows.length * batch.models.length; cell++) {
    const task = byCell.get(cell);
    if (!task || task.state === 'failed' || task.state === 'cancelled') cells.push(cell);
  }
  return cells;
}

export function activeTasks(batch: Batch, tasks: Iterable<Task>): Task[] {
  return [...tasks].filter((t) => t.request.batch?.id === batch.id && !isTerminal(t.state));
}

function isRow(value: unknown): value is Row {
  return !!value && typeof value === 'object' && !Array.isArray(value) && Object.values(value).every((v) => typeof v === 'string');
}

function isParams(value: unknown): boolean {
  return (
    !!value &&
    typeof value === 'object' &&
    !Array.isArray(value) &&
    Object.values(value).every((v) => ['string', 'number', 'boolean'].includes(typeof v))
  );
}

/** Files on disk are untrusted: anything malformed is refused. */
export function parseStoredBatch(text: string): Batch | undefined {
  const value = parseJsonObject(text);
  if (!value) return undefined;
  const b = value as Partial<Batch>;
  const valid =
    typeof b.id === 'string' &&
    b.id.length > 0 &&
    typeof b.slug === 'string' &&
    typeof b.template === 'string' &&
    typeof b.createdAt === 'number' &&
    typeof b.revision === 'number' &&
    Array.isArray(b.rows) &&
    b.rows.every(isRow) &&
    Array.isArray(b.models) &&
    b.models.length > 0 &&
    b.models.every(
      (m) => !!m && isProviderId(m.provider) && typeof m.model === 'string' && (m.params === undefined || isParams(m.params)),
    ) &&
    isParams(b.params ?? {}) &&
    typeof b.workspaceFolder === 'string' &&
    typeof b.outputFolder === 'string' &&
    Array.isArray(b.taskIds) &&
    b.taskIds.every((id) => typeof id === 'string') &&
    ['generate', 'edit', 'video'].includes(b.operation as string);
  if (!valid) return undefined;
  return { origin: 'user', ...b, params: b.params ?? {} } as Batch;
}

/** Task files are untrusted too. */
export function isBatchRef(value: unknown): value is BatchRef {
  const ref = value as Partial<BatchRef> | undefined;
  return (
    !!ref && typeof ref.id === 'string' && typeof ref.cell === 'number' && Number.isInteger(ref.cell) && ref.cell >= 0 && isRow(ref.values)
  );
}

/** The same for every task of that cell, first time and on Retry. */
export function batchRequest(batch: Batch, cell: number): TaskRequest {
  const cells = batchCells(batch);
  const found = cells[cell];
  if (!found) throw new RangeError(`Batch ${batch.id} has no cell ${cell}.`);
  const model = batch.models[found.model];
  return {
    provider: model.provider,
    model: model.model,
    operation: batch.operation,
    kind: batch.operation === 'video' ? 'video' : 'image',
    prompt: found.prompt,
    params: { ...model.params },
    sync: batch.sync,
    workspaceFolder: batch.workspaceFolder,
    outputFolder: batch.outputFolder,
    batch: { id: batch.id, cell, values: found.values },
  };
}
