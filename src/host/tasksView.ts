/** The Tasks view: the smallest refresh per store change; progress throttled per item, state changes at once. */
import * as vscode from 'vscode';
import { markdownCodeSpan } from '../core/markup';
import { PROVIDERS } from '../core/providers';
import type { TaskChange, TaskStore } from '../core/store';
import { formatDuration, isTerminal, Task, TaskState, taskActions } from '../core/task';
import { Disposable } from './lifecycle';
import { formatElapsed, runningMs } from '../core/elapsed';
import { isInFlight, showsProgress, stateWord } from '../core/taskPresentation';
import { inputImages, paramLines } from '../core/hoverDetails';
import { paramWithRole, typedModel } from '../core/catalog';
import type { BatchStore } from '../core/batch/batchStore';
import { batchNode, BATCH_NODE_PREFIX, batchTaskIds, rootRows } from './batch/batchNodes';

const PROGRESS_THROTTLE_MS = 500;
/** Older finished tasks sit in pages one level down, so startup builds a hundred-odd rows however long the history. */
const TOP_FINISHED = 100;
const OLDER_PAGE = 500;
/** `<prefix><offset into the finished tasks>`; a task id never starts so. */
const OLDER_PREFIX = 'mediaStudio.olderTasks:';

const ICONS: Record<TaskState, vscode.ThemeIcon> = {
  queued: new vscode.ThemeIcon('clock'),
  submitting: new vscode.ThemeIcon('loading~spin'),
  submitted: new vscode.ThemeIcon('loading~spin'),
  running: new vscode.ThemeIcon('loading~spin'),
  unconfirmed: new vscode.ThemeIcon('question', new vscode.ThemeColor('list.warningForeground')),
  stale: new vscode.ThemeIcon('watch', new vscode.ThemeColor('list.warningForeground')),
  succeeded: new vscode.ThemeIcon('pass', new vscode.ThemeColor('testing.iconPassed')),
  failed: new vscode.ThemeIcon('error', new vscode.ThemeColor('list.errorForeground')),
  cancelled: new vscode.ThemeIcon('circle-slash'),
};

export function sortTasks(tasks: Task[]): Task[] {
  const rank = (t: Task) => (isTerminal(t.state) ? 1 : 0);
  return tasks.sort((a, b) => rank(a) - rank(b) || (b.endedAt ?? b.createdAt) - (a.endedAt ?? a.createdAt));
}

/** And have not failed to save. */
function unsaved(task: Task): boolean {
  return task.state === 'succeeded' && (task.results ?? []).some((r) => !r.file && !r.saveError && (r.url || r.inline || r.inlineFile));
}

/** Marked with a warning until Save Again succeeds. */
export function saveFailed(task: Task): boolean {
  return task.state === 'succeeded' && (task.results ?? []).some((r) => !r.file && r.saveError && (r.url || r.inline || r.inlineFile));
}

const SAVE_FAILED_ICON = new vscode.ThemeIcon('warning', new vscode.ThemeColor('list.warningForeground'));

export function describeTask(task: Task, now: number): string {
  const parts: string[] = [unsaved(task) ? vscode.l10n.t('saving') : saveFailed(task) ? vscode.l10n.t('not saved') : stateWord(task.state)];
  if (showsProgress(task.state, task.progress)) parts.push(`${Math.round(task.progress)}%`);
  parts.push(`${PROVIDERS[task.request.provider].label} ${task.request.model}`);
  parts.push(formatElapsed(task, now));
  if (task.cost) parts.push(task.cost.unit === 'USD' ? `$${task.cost.amount.toFixed(3)}` : vscode.l10n.t('{0} credits', task.cost.amount));
  if (task.origin === 'agent') parts.push(vscode.l10n.t('started by the chat agent'));
  return parts.join(' · ');
}

function contextValue(task: Task): string {
  return ['task', task.state, task.request.kind, ...taskActions(task)].join(' ');
}

function tooltip(task: Task, tasks: readonly Task[]): vscode.MarkdownString {
  const md = new vscode.MarkdownString(undefined, true);
  // The model id is the provider's (or the user's) text: a code span it cannot break out of.
  md.appendMarkdown(`**${stateWord(task.state)}** — ${PROVIDERS[task.request.provider].label} ${markdownCodeSpan(task.request.model)}\n\n`);
  md.appendText(task.request.prompt);
  md.appendMarkdown('\n\n');
  const durationParam = paramWithRole(typedModel(task.request.provider, task.request.model, task.request.kind), 'duration')?.name;
  const params = paramLines(task.request.params, durationParam).map((p) => `${p.name}: ${p.value}`);
  const extra = Object.entries(task.request.extra ?? {}).map(([k, v]) => `${k}: ${typeof v === 'object' ? JSON.stringify(v) : String(v)}`);
  if (extra.length) params.push(vscode.l10n.t('not documented for this model: {0}', extra.join(', ')));
  // An input image shows as the workspace file it came from (an earlier result), not as the URL it was sent as.
  const inputs = inputImages(task.request, tasks);
  for (const input of inputs) params.push(vscode.l10n.t('input image: {0}', input.file ? vscode.workspace.asRelativePath(vscode.Uri.parse(input.file)) : input.url));
  if (task.request.images?.length) params.push(vscode.l10n.t('references: {0}', task.request.images.map((i) => vscode.workspace.asRelativePath(vscode.Uri.parse(i))).join(', ')));
  if (params.length) md.appendText(params.join(' · ')).appendMarkdown('\n\n');
  if (task.error) md.appendText(`⚠ ${task.error.message}`).appendMarkdown('\n\n');
  const running = runningMs(task, Date.now());
  md.appendText(running === undefined
    ? vscode.l10n.t('Elapsed: {0} since submitted', formatElapsed(task, Date.now()))
    : vscode.l10n.t('Elapsed: {0} since submitted ({1} running)', formatElapsed(task, Date.now()), formatDuration(running))).appendMarkdown('\n\n');
  const notSaved = task.results?.find((r) => !r.file && r.saveError)?.saveError;
  if (notSaved) md.appendText(`⚠ ${vscode.l10n.t('Not saved: {0}', notSaved)}`).appendMarkdown('\n\n');
  if (task.remoteId) md.appendText(vscode.l10n.t('Task id: {0}', task.remoteId)).appendMarkdown('\n\n');
  const image = task.results?.find((r) => r.file && task.request.kind === 'image')?.file;
  if (image) md.appendMarkdown(`![result](${vscode.Uri.parse(image).toString()}|height=160)`);
  // A video has no frame to show here: its input image (when it came from the workspace) stands in for it.
  const inputFile = inputs.find((i) => i.file)?.file;
  if (!image && inputFile) md.appendMarkdown(`![input image](${vscode.Uri.parse(inputFile).toString()}|height=160)`);
  return md;
}

export class TasksView extends Disposable implements vscode.TreeDataProvider<string> {
  private readonly changed = this.register(new vscode.EventEmitter<string | undefined>());
  readonly onDidChangeTreeData = this.changed.event;
  private readonly lastRefresh = new Map<string, number>();
  private readonly pending = new Map<string, NodeJS.Timeout>();
  private ticker: NodeJS.Timeout | undefined;
  private view: vscode.TreeView<string> | undefined;
  private loaded = false;
  private firstListing: ((count: number, askedAt: number) => void) | undefined;
  private batches: BatchStore | undefined;

  constructor(private readonly store: TaskStore) {
    super();
    this.register(store.onDidChange((change) => this.onChange(change)));
    this.register({ dispose: () => this.stopTicker() });
    this.register({ dispose: () => this.pending.forEach((timer) => clearTimeout(timer)) });
  }

  attach(view: vscode.TreeView<string>): void {
    this.view = view;
    this.register(view.onDidChangeVisibility(() => this.updateTicker()));
    this.updateBadge();
    this.updateTicker();
  }

  /** See batch/batchNodes.ts. */
  showBatches(batches: BatchStore): void {
    this.batches = batches;
    this.register(batches.onDidChange(() => this.changed.fire(undefined)));
  }

  /** Calls `listed` once the view first shows them. */
  showLoaded(listed?: (count: number, askedAt: number) => void): void {
    this.loaded = true;
    this.firstListing = listed;
    this.refreshAll();
  }

  refreshAll(): void {
    this.changed.fire(undefined);
    this.updateBadge();
    this.updateTicker();
  }

  getTreeItem(id: string): vscode.TreeItem {
    if (id.startsWith(OLDER_PREFIX)) return this.olderItem(id);
    if (id.startsWith(BATCH_NODE_PREFIX)) return batchNode(this.batches?.get(id.slice(BATCH_NODE_PREFIX.length)), this.store, id);
    const task = this.store.get(id);
    if (!task) return new vscode.TreeItem(vscode.l10n.t('(removed)'));
    const firstLine = task.request.prompt.split('\n')[0];
    const item = new vscode.TreeItem(firstLine.length > 60 ? `${firstLine.slice(0, 57)}…` : firstLine);
    item.id = id;
    item.description = describeTask(task, Date.now());
    item.iconPath = saveFailed(task) ? SAVE_FAILED_ICON : ICONS[task.state];
    item.contextValue = contextValue(task);
    item.accessibilityInformation = { label: vscode.l10n.t('{0} task, {1}: {2}. {3}', task.request.kind, stateWord(task.state), firstLine, item.description) };
    const file = task.results?.find((r) => r.file)?.file;
    if (file) {
      item.resourceUri = vscode.Uri.parse(file);
      item.command = { command: 'mediaStudio.openResult', title: vscode.l10n.t('Open Result'), arguments: [id] };
    }
    return item;
  }

  /** Built when a row is hovered, not for every row each time the list is shown. */
  resolveTreeItem(item: vscode.TreeItem, id: string): vscode.TreeItem {
    const task = this.store.get(id);
    if (task) item.tooltip = tooltip(task, this.store.list());
    return item;
  }

  getChildren(element?: string): string[] {
    if (element?.startsWith(BATCH_NODE_PREFIX)) return batchTaskIds(this.batches?.get(element.slice(BATCH_NODE_PREFIX.length)), this.store);
    if (element && !element.startsWith(OLDER_PREFIX)) return [];
    const askedAt = performance.now();
    const sorted = sortTasks(this.store.list());
    // Rows: tasks, with a batch's tasks under one batch node; running rows first, then pages of finished ones.
    const rows = this.batches?.list().length ? rootRows(sorted, this.batches) : sorted.map((t) => t.id);
    const finishedTask = (id: string) => {
      const task = this.store.get(id);
      return task !== undefined && isTerminal(task.state);
    };
    const firstFinished = rows.findIndex(finishedTask);
    const active = firstFinished < 0 ? rows : rows.slice(0, firstFinished);
    const finished = firstFinished < 0 ? [] : rows.slice(firstFinished);
    const page = (offset: number, size: number) => [
      ...finished.slice(offset, offset + size),
      ...(finished.length > offset + size ? [`${OLDER_PREFIX}${offset + size}`] : []),
    ];
    if (element) return page(Number(element.slice(OLDER_PREFIX.length)), OLDER_PAGE);
    const ids = [...active, ...page(0, TOP_FINISHED)];
    const listed = this.loaded ? this.firstListing : undefined;
    if (listed) {
      this.firstListing = undefined;
      // After VS Code has asked for every row's TreeItem, which it does as soon as this returns.
      setImmediate(() => listed(sorted.length, askedAt));
    }
    return ids;
  }

  /** "Older tasks (101–600 of 9,900)". */
  private olderItem(id: string): vscode.TreeItem {
    const offset = Number(id.slice(OLDER_PREFIX.length));
    const finished = this.store.list().filter((t) => isTerminal(t.state)).length;
    const last = Math.min(finished, offset + OLDER_PAGE);
    const item = new vscode.TreeItem(vscode.l10n.t('Older tasks ({0}–{1} of {2})', (offset + 1).toLocaleString(), last.toLocaleString(), finished.toLocaleString()), vscode.TreeItemCollapsibleState.Collapsed);
    item.id = id;
    item.contextValue = 'olderTasks';
    item.iconPath = new vscode.ThemeIcon('history');
    return item;
  }

  private onChange(change: TaskChange): void {
    const previous = change.kind === 'changed' ? change.previous : undefined;
    if (change.kind !== 'changed' || !previous || previous.state !== change.task.state) {
      // Added, removed, or moved between groups: the order changes, so the list is rebuilt.
      this.changed.fire(undefined);
      this.updateBadge();
      this.updateTicker();
      return;
    }
    this.refreshItem(change.task.id, isTerminal(change.task.state));
  }

  private refreshItem(id: string, now: boolean): void {
    const since = Date.now() - (this.lastRefresh.get(id) ?? 0);
    if (now || since >= PROGRESS_THROTTLE_MS) {
      clearTimeout(this.pending.get(id));
      this.pending.delete(id);
      this.lastRefresh.set(id, Date.now());
      this.changed.fire(id);
    } else if (!this.pending.has(id)) {
      this.pending.set(id, setTimeout(() => {
        this.pending.delete(id);
        this.refreshItem(id, true);
      }, PROGRESS_THROTTLE_MS - since));
    }
  }

  private runningCount(): number {
    return this.store.list().filter((t) => isInFlight(t.state)).length;
  }

  private updateBadge(): void {
    if (!this.view) return;
    const running = this.runningCount();
    this.view.badge = running ? { value: running, tooltip: running === 1 ? vscode.l10n.t('1 task running') : vscode.l10n.t('{0} tasks running', running) } : undefined;
  }

  private updateTicker(): void {
    const wanted = !!this.view?.visible && this.runningCount() > 0;
    if (wanted && !this.ticker) {
      this.ticker = setInterval(() => {
        for (const task of this.store.list()) if (isInFlight(task.state)) this.refreshItem(task.id, false);
      }, 1000);
    } else if (!wanted) {
      this.stopTicker();
    }
  }

  private stopTicker(): void {
    if (this.ticker) clearInterval(this.ticker);
    this.ticker = undefined;
  }
}
