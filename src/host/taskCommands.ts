/** Commands on one task (from the tree's context menus) and on the list. */
import * as vscode from 'vscode';
import type { TaskEngine } from '../core/engine';
import { describeFailure } from '../core/errors';
import { PROVIDERS } from '../core/providers';
import type { TaskStore } from '../core/store';
import { awaitsSave, isTerminal, type Task } from '../core/task';
import { stateWord } from '../core/taskPresentation';
import { UserError } from './commands';
import { submitChecked } from './submit';
import type { ResultWriter } from './results';

export interface TaskCommandDeps {
  readonly engine: TaskEngine;
  readonly store: TaskStore;
  readonly writer: ResultWriter;
}

/** Tree items pass the task id; automation may pass the id or the task. */
export function taskOf(store: TaskStore, arg: unknown): Task {
  const id =
    typeof arg === 'string' ? arg : arg && typeof arg === 'object' && 'id' in arg ? String((arg as { id: unknown }).id) : undefined;
  const task = id ? store.get(id) : undefined;
  if (!task) throw new UserError(vscode.l10n.t('That task no longer exists.'));
  return task;
}

/** A function, so the message goes through the translation bundle. */
const trackedElsewhere = () => vscode.l10n.t('Another VS Code window on this workspace is tracking this task; use it there.');

/** Refuses while another open window tracks it. */
async function takeOrRefuse(deps: TaskCommandDeps, task: Task): Promise<void> {
  if (!(await deps.engine.take(task.id))) throw new UserError(trackedElsewhere());
}

function firstFile(task: Task): vscode.Uri {
  const file = task.results?.find((r) => r.file)?.file;
  if (!file) throw new UserError(task.results?.find((r) => r.saveError)?.saveError ?? vscode.l10n.t('This task has no saved result yet.'));
  return vscode.Uri.parse(file);
}

export async function cancelTask(deps: TaskCommandDeps, arg: unknown): Promise<void> {
  const task = taskOf(deps.store, arg);
  if (isTerminal(task.state)) return;
  await takeOrRefuse(deps, task);
  const label = PROVIDERS[task.request.provider].label;
  let reason = vscode.l10n.t('{0} has no way to cancel a task once it has started.', label);
  try {
    if ((await deps.engine.cancel(task.id)) === 'cancelled') return;
  } catch (error) {
    reason = vscode.l10n.t('{0} did not accept the cancel: {1}', label, describeFailure(task.request.provider, error).message);
  }
  const stop = vscode.l10n.t('Stop Tracking');
  const answer = await vscode.window.showWarningMessage(
    vscode.l10n.t('{0} Stop tracking it? It may still finish and be charged; Media Studio will not download the result.', reason),
    { modal: true },
    stop,
  );
  if (answer === stop) await deps.engine.cancel(task.id, true);
}

export async function retryTask(deps: TaskCommandDeps, arg: unknown): Promise<string[]> {
  const task = taskOf(deps.store, arg);
  if (!['failed', 'cancelled', 'unconfirmed'].includes(task.state))
    throw new UserError(vscode.l10n.t('Only failed, cancelled or unconfirmed tasks can be retried.'));
  if (await deps.engine.heldElsewhere(task.id)) throw new UserError(trackedElsewhere());
  return [(await submitChecked(deps.engine, task.request, task.origin)).id];
}

export async function openResult(deps: TaskCommandDeps, arg: unknown): Promise<void> {
  const file = firstFile(taskOf(deps.store, arg));
  await vscode.commands.executeCommand('vscode.open', file, { preview: false });
}

export async function revealResult(deps: TaskCommandDeps, arg: unknown): Promise<void> {
  await vscode.commands.executeCommand('revealInExplorer', firstFile(taskOf(deps.store, arg)));
}

export async function copyPrompt(deps: TaskCommandDeps, arg: unknown): Promise<void> {
  await vscode.env.clipboard.writeText(taskOf(deps.store, arg).request.prompt);
  void vscode.window.setStatusBarMessage(vscode.l10n.t('Prompt copied'), 2000);
}

export async function removeTask(deps: TaskCommandDeps, arg: unknown): Promise<void> {
  const task = taskOf(deps.store, arg);
  if (!isTerminal(task.state)) await takeOrRefuse(deps, task);
  if (!isTerminal(task.state) && task.state !== 'queued') {
    const remove = vscode.l10n.t('Remove');
    const answer = await vscode.window.showWarningMessage(
      vscode.l10n.t('This task is {0}. Removing it stops tracking; a result that arrives later will not be downloaded.', task.state),
      { modal: true },
      remove,
    );
    if (answer !== remove) return;
    await deps.engine.cancel(task.id, true);
  }
  await deps.store.remove(task.id);
}

export async function clearFinished(deps: TaskCommandDeps): Promise<number> {
  const finished = deps.store.list().filter((t) => isTerminal(t.state) && !t.results?.some(awaitsSave));
  for (const task of finished) await deps.store.remove(task.id);
  return finished.length;
}

export async function refreshTasks(deps: TaskCommandDeps, arg?: unknown): Promise<void> {
  if (arg === undefined) {
    // Refresh all: this window's tasks (and any whose window has gone); others are left to their window.
    for (const task of deps.store.list()) {
      if (!isTerminal(task.state) && (await deps.engine.take(task.id))) await deps.engine.refresh(task.id);
    }
    return;
  }
  const task = taskOf(deps.store, arg);
  if (isTerminal(task.state)) return;
  await takeOrRefuse(deps, task);
  await deps.engine.refresh(task.id);
}

export async function saveAgain(deps: TaskCommandDeps, arg: unknown): Promise<void> {
  const task = taskOf(deps.store, arg);
  await takeOrRefuse(deps, task);
  await deps.store.update(task.id, (t) => ({
    ...t,
    results: t.results?.map((r) => ({ ...r, saveError: undefined })),
    revision: t.revision + 1,
  }));
  const fresh = deps.store.get(task.id);
  if (fresh) await deps.writer.save(fresh);
  const failed = deps.store.get(task.id)?.results?.find((r) => r.saveError);
  if (failed) throw new UserError(failed.saveError as string);
}

/** The tasks whose prompt holds every word of `query` (any case), newest first; archived ones included. */
export function tasksMatching(store: TaskStore, query: string): Task[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  return store.list().filter((task) => {
    const prompt = task.request.prompt.toLowerCase();
    return words.every((word) => prompt.includes(word));
  });
}

/**
 * Search Tasks: every stored task, archived ones too, picked by its prompt, then shown in the Tasks view.
 * Automation passes `{ query }` and gets the matching task ids, with no question asked.
 */
export async function searchTasks(
  deps: TaskCommandDeps,
  reveal: (id: string) => Thenable<void>,
  arg?: unknown,
): Promise<string[] | undefined> {
  if (arg && typeof arg === 'object' && typeof (arg as { query?: unknown }).query === 'string') {
    return tasksMatching(deps.store, (arg as { query: string }).query).map((t) => t.id);
  }
  const items = deps.store.list().map((task) => ({
    label: task.request.prompt.split('\n')[0],
    description: `${stateWord(task.state)} · ${PROVIDERS[task.request.provider].label} ${task.request.model} · ${new Date(task.createdAt).toLocaleString()}`,
    id: task.id,
  }));
  const picked = await vscode.window.showQuickPick(items, {
    placeHolder: vscode.l10n.t('Search the tasks by prompt'),
    matchOnDescription: true,
  });
  if (!picked) return undefined;
  await reveal(picked.id);
  return [picked.id];
}
