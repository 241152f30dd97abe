/** Batches in the editor. Every task goes through the single-request submit, so the engine's caps are the only queue. */
import { randomUUID } from 'crypto';
import * as vscode from 'vscode';
import { activeTasks, type Batch, batchRequest, cellTasks, retryableCells, summarizeBatch } from '../../core/batch/batch';
import { parseBatchArgs, type BatchArgs } from '../../core/batch/batchArgs';
import type { BatchStore } from '../../core/batch/batchStore';
import { CONTACT_SHEET_NAME, contactSheet, contactSheetMarker } from '../../core/batch/contactSheet';
import { estimateBatch, mergedParams, modelProblem, type BatchEstimate } from '../../core/batch/modelFacts';
import { typedModel } from '../../core/catalog';
import { DEFAULT_MAX_TASKS, planBatch, type BatchModel, type BatchPlan } from '../../core/batch/plan';
import { parseRows, rowsFormat, type Row } from '../../core/batch/rows';
import { ArgsProblem } from '../../core/commandArgs';
import { RequestProblem } from '../../core/engine';
import { resolveOutputFolder } from '../../core/files/outputFolder';
import { slugify } from '../../core/files/naming';
import { PROVIDERS } from '../../core/providers';
import { isTerminal, type Task, type TaskRequest } from '../../core/task';
import { UserError } from '../commands';
import { admitChecked, defaultProvider, type GenerateDeps, modelParams, pickWorkspaceFolder, submitChecked, useSync } from '../generate';
import { settings } from '../settings';

export interface BatchDeps extends GenerateDeps {
  readonly batches: BatchStore;
}

export interface BatchCreated {
  readonly batchId: string;
  readonly taskIds: string[];
  /** A variable given but never used; shown to the user too. */
  readonly warnings: string[];
}

/** What the confirmations show. */
export interface BatchDraft {
  readonly batch: Batch;
  readonly plan: BatchPlan;
  readonly requests: readonly TaskRequest[];
  readonly estimate: BatchEstimate;
}

/** Refused unread: a batch is capped at a few hundred tasks anyway. */
const MAX_ROWS_FILE_BYTES = 5 * 1024 * 1024;

function maxTasks(): number {
  return settings.batchMaxTasks(DEFAULT_MAX_TASKS);
}

function outsideWorkspace(shown: string): string {
  return vscode.l10n.t(
    '"{0}" is outside the workspace folder. A rows file must be a .csv or .jsonl file inside the workspace; give its path relative to the workspace folder.',
    shown,
  );
}

/** Relative to the workspace folder (or a URI inside it); nothing outside is read. */
export function rowsFileUri(value: string, workspaceFolder: vscode.Uri): vscode.Uri {
  const segments = value.split(/[\\/]/);
  if (segments.includes('..')) throw new UserError(outsideWorkspace(value));
  let uri: vscode.Uri;
  if (/^[a-z][a-z0-9+.-]+:\/\//i.test(value)) uri = vscode.Uri.parse(value);
  else if (value.startsWith('/') || /^[a-z]:/i.test(value)) throw new UserError(outsideWorkspace(value));
  else uri = vscode.Uri.joinPath(workspaceFolder, ...segments.filter(Boolean));
  if (uri.path.split('/').includes('..') || !vscode.workspace.getWorkspaceFolder(uri)) throw new UserError(outsideWorkspace(value));
  if (!rowsFormat(uri.path)) throw new UserError(vscode.l10n.t('"{0}" is neither a .csv nor a .jsonl file.', value));
  return uri;
}

export async function readRowsFile(uri: vscode.Uri, shown: string): Promise<{ names: readonly string[]; rows: readonly Row[] }> {
  let bytes: Uint8Array;
  try {
    const stat = await vscode.workspace.fs.stat(uri);
    if (stat.size > MAX_ROWS_FILE_BYTES)
      throw new UserError(
        vscode.l10n.t('"{0}" is larger than {1} MB; a rows file holds one line per prompt.', shown, MAX_ROWS_FILE_BYTES / 1024 / 1024),
      );
    bytes = await vscode.workspace.fs.readFile(uri);
  } catch (error) {
    if (error instanceof UserError) throw error;
    throw new UserError(
      vscode.l10n.t('Cannot read the rows file "{0}": {1}', shown, error instanceof Error ? error.message : String(error)),
    );
  }
  const parsed = parseRows(shown, new TextDecoder().decode(bytes));
  if ('error' in parsed) throw new UserError(parsed.error);
  return parsed;
}

/** Readable from the template, unique by the time. */
function batchSlug(template: string, createdAt: number): string {
  const words = template.replace(/\{([A-Za-z_][\w-]*)\}/g, ' $1 ');
  const time = new Date(createdAt).toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${slugify(words, 32)}-${time}`;
}

function problem(error: unknown): never {
  if (error instanceof ArgsProblem || error instanceof RequestProblem) throw new UserError(error.message);
  throw error;
}

export class Batches {
  constructor(private readonly deps: BatchDeps) {}

  /** Stores and sends nothing. */
  async draft(raw: unknown, origin: Task['origin'] = 'user'): Promise<BatchDraft> {
    let args: BatchArgs;
    try {
      args = parseBatchArgs(raw);
    } catch (error) {
      problem(error);
    }
    const workspaceFolder = await pickWorkspaceFolder({ name: args.workspaceFolder, ask: false });
    const file = args.rows !== undefined ? await readRowsFile(rowsFileUri(args.rows, workspaceFolder), args.rows) : undefined;
    const models: BatchModel[] = (args.models ?? [{ provider: defaultProvider() }]).map((m) => ({
      provider: m.provider,
      model: m.model ?? this.deps.models.defaultModel(m.provider, 'image'),
      params: m.params,
    }));
    for (const model of models) {
      const cannot = modelProblem(model.provider, model.model, 'generate');
      if (cannot) throw new UserError(vscode.l10n.t('Generate Batch: {0}', cannot));
    }
    const plan = planBatch({
      template: args.template,
      variables: args.variables,
      rows: file?.rows,
      rowsFile: args.rows,
      models,
      maxTasks: maxTasks(),
    });
    if ('error' in plan) throw new UserError(vscode.l10n.t('Generate Batch: {0}', plan.error));
    const base = resolveOutputFolder(args.outputFolder ?? settings.outputFolder(workspaceFolder));
    if ('error' in base)
      throw new UserError(
        args.outputFolder === undefined ? vscode.l10n.t('{0} (setting "mediaStudio.outputFolder")', base.error) : base.error,
      );
    const createdAt = Date.now();
    const slug = batchSlug(args.template, createdAt);
    const resolved: BatchModel[] = models.map((m) => ({
      ...m,
      // The count under the provider's own name (a provider without one says so), then shared, then the model's own params.
      params: modelParams(typedModel(m.provider, m.model, 'image'), { n: args.n }, mergedParams(args.params ?? {}, m.params)),
    }));
    const batch: Batch = {
      id: randomUUID(),
      slug,
      createdAt,
      template: args.template,
      variables: args.variables,
      rowsFile: args.rows,
      rows: plan.rows,
      models: resolved,
      params: args.params ?? {},
      n: args.n,
      sync: useSync(args),
      operation: 'generate',
      workspaceFolder: workspaceFolder.toString(),
      outputFolder: [...base.segments, slug].join('/'),
      taskIds: [],
      origin,
      revision: 1,
    };
    const requests = plan.cells.map((cell) => batchRequest(batch, cell.index));
    // Every task is checked as its submit would check it, so a refusal comes before anything is sent.
    const checked = new Set<string>();
    for (const request of requests) {
      const key = `${request.provider}\n${request.model}\n${request.prompt.length}`;
      if (checked.has(key)) continue;
      checked.add(key);
      try {
        await this.deps.engine.checkRequest(request);
      } catch (error) {
        if (error instanceof RequestProblem) {
          throw new UserError(
            vscode.l10n.t('Generate Batch, {0} {1}: {2}', PROVIDERS[request.provider].label, request.model, error.message),
            error.needsKey
              ? [{ title: vscode.l10n.t('Set API Key'), command: 'mediaStudio.setApiKey', args: [{ provider: error.needsKey }] }]
              : [],
          );
        }
        throw error;
      }
    }
    return { batch, plan, requests, estimate: estimateBatch(requests) };
  }

  /** All or nothing against the limits, the batch stored before any task, then each cell with its reservation. */
  async start(draft: BatchDraft): Promise<BatchCreated> {
    const reservations = await admitChecked(this.deps.engine, draft.requests, draft.batch.origin);
    try {
      await this.deps.batches.add(draft.batch);
    } catch (error) {
      await this.deps.engine.releaseReservations(reservations);
      throw error;
    }
    const taskIds = await this.submitCells(draft.batch, draft.requests, reservations);
    return { batchId: draft.batch.id, taskIds, warnings: [...draft.plan.warnings] };
  }

  async create(raw: unknown, origin: Task['origin'] = 'user'): Promise<BatchCreated> {
    const created = await this.start(await this.draft(raw, origin));
    for (const warning of created.warnings) void vscode.window.showWarningMessage(warning);
    return created;
  }

  private async submitCells(
    batch: Batch,
    requests: readonly TaskRequest[],
    reservations: readonly (string | undefined)[],
  ): Promise<string[]> {
    const ids: string[] = [];
    try {
      for (const [index, request] of requests.entries())
        ids.push((await submitChecked(this.deps.engine, request, batch.origin, reservations[index])).id);
    } finally {
      // Reservations of cells that were not sent (a failure part-way) are given back.
      await this.deps.engine.releaseReservations(reservations.slice(ids.length));
      // The tasks carry their batch and cell; the list here is for readers of the batch file.
      if (ids.length) await this.deps.batches.update(batch.id, (b) => ({ ...b, taskIds: [...b.taskIds, ...ids] }));
    }
    return ids;
  }

  get(arg: unknown): Batch {
    const id =
      typeof arg === 'string'
        ? arg.replace(/^batch:/, '')
        : arg && typeof arg === 'object' && 'batchId' in arg
          ? String((arg as { batchId: unknown }).batchId)
          : undefined;
    const batch = id ? this.deps.batches.get(id) : undefined;
    if (!batch) throw new UserError(vscode.l10n.t('That batch no longer exists.'));
    return batch;
  }

  /** Failed, cancelled or never sent cells only. */
  async retryFailed(arg: unknown): Promise<string[]> {
    const batch = this.get(arg);
    const cells = retryableCells(batch, this.deps.store.values());
    if (cells.length === 0) return [];
    const requests = cells.map((cell) => batchRequest(batch, cell));
    for (const request of requests) await this.deps.engine.checkRequest(request).catch(problem);
    return this.submitCells(batch, requests, await admitChecked(this.deps.engine, requests, batch.origin));
  }

  /** Queued ones are never sent; running ones cancelled where the provider can. Returns how many could not be. */
  async cancel(arg: unknown): Promise<{ cancelled: number; notCancellable: number }> {
    const batch = this.get(arg);
    const active = activeTasks(batch, this.deps.store.values());
    // Queued ones first, so none of them is sent while the running ones are being cancelled.
    active.sort((a, b) => Number(b.state === 'queued') - Number(a.state === 'queued'));
    let cancelled = 0;
    let notCancellable = 0;
    for (const task of active) {
      if (!(await this.deps.engine.take(task.id))) {
        notCancellable++;
        continue;
      }
      const outcome = await this.deps.engine.cancel(task.id).catch(() => 'notCancellable' as const);
      if (outcome === 'cancelled') cancelled++;
      else notCancellable++;
    }
    if (notCancellable) {
      void vscode.window.showInformationMessage(
        vscode.l10n.t(
          '{0} task(s) of the batch could not be cancelled (already sent to a provider that cannot cancel, or being sent); they finish and are saved.',
          notCancellable,
        ),
      );
    }
    return { cancelled, notCancellable };
  }

  /** Files stay. Asks first while tasks still run. */
  async remove(arg: unknown): Promise<boolean> {
    const batch = this.get(arg);
    const tasks = [...this.deps.store.values()].filter((t) => t.request.batch?.id === batch.id);
    const running = tasks.filter((t) => !isTerminal(t.state));
    if (running.length) {
      const remove = vscode.l10n.t('Remove');
      const answer = await vscode.window.showWarningMessage(
        vscode.l10n.t(
          '{0} task(s) of this batch have not finished. Removing the batch stops tracking them; results that arrive later are not downloaded.',
          running.length,
        ),
        { modal: true },
        remove,
      );
      if (answer !== remove) return false;
      for (const task of running)
        if (await this.deps.engine.take(task.id)) await this.deps.engine.cancel(task.id, true).catch(() => undefined);
    }
    for (const task of tasks) await this.deps.store.remove(task.id);
    await this.deps.batches.remove(batch.id);
    return true;
  }

  /** Replaces only a sheet Media Studio wrote for this batch. */
  async exportContactSheet(arg: unknown): Promise<vscode.Uri> {
    const batch = this.get(arg);
    const folder = vscode.Uri.joinPath(vscode.Uri.parse(batch.workspaceFolder), ...batch.outputFolder.split('/'));
    await vscode.workspace.fs.createDirectory(folder);
    const prefix = `${folder.path.replace(/\/$/, '')}/`;
    const text = contactSheet(batch, this.deps.store.values(), (file) => {
      const uri = vscode.Uri.parse(file);
      return uri.path.startsWith(prefix) ? uri.path.slice(prefix.length) : vscode.workspace.asRelativePath(uri, false);
    });
    const marker = contactSheetMarker(batch.id);
    for (let n = 0; n < 100; n++) {
      const name = n === 0 ? CONTACT_SHEET_NAME : CONTACT_SHEET_NAME.replace('.md', `-${n}.md`);
      const target = vscode.Uri.joinPath(folder, name);
      let existing: string | undefined;
      try {
        existing = new TextDecoder().decode(await vscode.workspace.fs.readFile(target));
      } catch {
        existing = undefined;
      }
      if (existing !== undefined && !existing.startsWith(marker)) continue; // someone else's file: never overwritten
      const temp = vscode.Uri.joinPath(folder, `.${name}.${randomUUID().slice(0, 8)}.tmp`);
      await vscode.workspace.fs.writeFile(temp, Buffer.from(text));
      await vscode.workspace.fs.rename(temp, target, { overwrite: true });
      return target;
    }
    throw new UserError(vscode.l10n.t('No free name for the contact sheet in {0}.', vscode.workspace.asRelativePath(folder)));
  }

  summary(batch: Batch) {
    return summarizeBatch(batch, this.deps.store.values());
  }

  cellTasks(batch: Batch): Map<number, Task> {
    return cellTasks(batch, this.deps.store.values());
  }
}
