/** The Tasks view: the smallest refresh per store change; progress throttled per item, state changes at once. */
import * as vscode from 'vscode';
import { markdownCodeSpan } from '../core/markup';
import { PROVIDERS } from '../core/providers';
import type { TaskChange, TaskStore } from '../core/store';
import { formatDuration, isTerminal, type Task, type TaskState, taskActions } from '../core/task';
import { Disposable } from './lifecycle';
import { formatElapsed, runningMs } from '../core/elapsed';
import { isInFlight, showsProgress, stateWord } from '../core/taskPresentation';
import { inputImages, paramLines } from '../core/hoverDetails';
import { paramWithRole, typedModel } from '../core/catalog';
import type { BatchStore } from '../core/batch/batchStore';
import { batchNode, BATCH_NODE_PREFIX, batchTaskIds, rootRows } from './batch/batchNodes';
import { isArchived, type TaskIndex } from '../core/taskIndex';

const PROGRESS_THROTTLE_MS = 500;
/** Older finished tasks sit in pages one level down, so startup builds a hundred-odd rows however long the history. */
const TOP_FINISHED = 100;
const OLDER_PAGE = 500;
/** `<prefix><offset into the finished tasks>`; a task id never starts so. */
const OLDER_PREFIX = 'mediaStudio.olderTasks:';
/** The same for the archived tasks: offset 0 is the "Archived (N)" row itself. */
const ARCHIVED_PREFIX = 'mediaStudio.archivedTasks:';

/** Where rows are read from: the store, or before it has read the task files, the task index. */
type RowSource = Pick<TaskStore, 'get' | 'values'>;

/** The task index as a row source, with its counts of the tasks it leaves out. */
class IndexRows implements RowSource {
  private readonly byId: Map<string, Task>;
  constructor(readonly index: TaskIndex) {
    this.byId = new Map(index.tasks.map((t) => [t.id, t]));
  }
  get(id: string): Task | undefined {
    return this.byId.get(id);
  }
  values(): IterableIterator<Task> {
    return this.byId.values();
  }
}

/** How the first rows of stored tasks were listed: from the task index, or from the task files once read. */
export type FirstListing = (count: number, askedAt: number, from: 'index' | 'store') => void;

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
  for (const input of inputs)
    params.push(vscode.l10n.t('input image: {0}', input.file ? vscode.workspace.asRelativePath(vscode.Uri.parse(input.file)) : input.url));
  if (task.request.images?.length)
    params.push(
      vscode.l10n.t('references: {0}', task.request.images.map((i) => vscode.workspace.asRelativePath(vscode.Uri.parse(i))).join(', ')),
    );
  if (params.length) md.appendText(params.join(' · ')).appendMarkdown('\n\n');
  if (task.error) md.appendText(`⚠ ${task.error.message}`).appendMarkdown('\n\n');
  const running = runningMs(task, Date.now());
  md.appendText(
    running === undefined
      ? vscode.l10n.t('Elapsed: {0} since submitted', formatElapsed(task, Date.now()))
      : vscode.l10n.t('Elapsed: {0} since submitted ({1} running)', formatElapsed(task, Date.now()), formatDuration(running)),
  ).appendMarkdown('\n\n');
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
  private whenLoaded: Promise<void>;
  private markLoaded: () => void = () => undefined;
  /** The task index's rows, shown until the store has read the task files; pending while the index is read. */
  private preview: IndexRows | undefined;
  private previewRead: Promise<void> | undefined;
  private firstListing: FirstListing | undefined;
  private firstRowsHanded = false;
  private markFirstRows: () => void = () => undefined;
  /** Resolves once VS Code has been handed its first rows of stored tasks (from the index or the store). */
  readonly firstRowsListed = new Promise<void>((resolve) => (this.markFirstRows = resolve));
  private batches: BatchStore | undefined;
  private batchesRead: Promise<unknown> = Promise.resolve();

  constructor(private readonly store: TaskStore, private readonly archiveAfterDays: () => number = () => 0) {
    super();
    this.whenLoaded = new Promise((resolve) => (this.markLoaded = resolve));
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

  /** Shows each batch as one row with its tasks under it (see batch/batchNodes.ts); rows wait for `read`. */
  showBatches(batches: BatchStore, read: Promise<unknown> = Promise.resolve()): void {
    this.batches = batches;
    this.batchesRead = read.catch(() => undefined);
    this.register(batches.onDidChange(() => this.changed.fire(undefined)));
  }

  /** Calls `listed` once, when VS Code is first handed rows of stored tasks (from the index or the store). */
  onFirstListing(listed: FirstListing): void {
    this.firstListing = listed;
  }

  /**
   * Until the store has read the task files, rows come from the task index (VS Code's first ask waits for the
   * index to be read, a single small file); without one, the view stays empty until then, as before.
   */
  showIndex(index: Promise<TaskIndex | undefined>): void {
    this.previewRead = Promise.all([index, this.batchesRead]).then(([read]) => {
      this.previewRead = undefined;
      if (!this.loaded && read) this.preview = new IndexRows(read);
    }, () => void (this.previewRead = undefined));
  }

  /** The stored tasks are in the store: lists them from it. */
  showLoaded(): void {
    this.loaded = true;
    this.preview = undefined;
    this.markLoaded();
    this.refreshAll();
  }

  private get source(): RowSource {
    return this.preview ?? this.store;
  }

  refreshAll(): void {
    this.changed.fire(undefined);
    this.updateBadge();
    this.updateTicker();
  }

  getTreeItem(id: string): vscode.TreeItem {
    if (id.startsWith(OLDER_PREFIX) || id.startsWith(ARCHIVED_PREFIX)) return this.pageItem(id);
    if (id.startsWith(BATCH_NODE_PREFIX)) return batchNode(this.batches?.get(id.slice(BATCH_NODE_PREFIX.length)), this.source, id);
    const task = this.source.get(id);
    if (!task) return new vscode.TreeItem(vscode.l10n.t('(removed)'));
    const firstLine = task.request.prompt.split('\n')[0];
    const item = new vscode.TreeItem(firstLine.length > 60 ? `${firstLine.slice(0, 57)}…` : firstLine);
    item.id = id;
    item.description = describeTask(task, Date.now());
    item.iconPath = saveFailed(task) ? SAVE_FAILED_ICON : ICONS[task.state];
    item.contextValue = contextValue(task);
    item.accessibilityInformation = {
      label: vscode.l10n.t('{0} task, {1}: {2}. {3}', task.request.kind, stateWord(task.state), firstLine, item.description),
    };
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

  getChildren(element?: string): string[] | Thenable<string[]> {
    return this.childrenOf(element, performance.now());
  }

  /** The rows under `element`; `askedAt`, when VS Code asked for them (for the startup timings). */
  private childrenOf(element: string | undefined, askedAt: number): string[] | Thenable<string[]> {
    if (this.previewRead && !this.loaded) return this.previewRead.then(() => this.childrenOf(element, askedAt));
    const source = this.source;
    if (element?.startsWith(BATCH_NODE_PREFIX)) return batchTaskIds(this.batches?.get(element.slice(BATCH_NODE_PREFIX.length)), source);
    if (element && !element.startsWith(OLDER_PREFIX) && !element.startsWith(ARCHIVED_PREFIX)) return [];
    // The index holds only the first screen's tasks: the pages under it wait for the task files.
    if (element && this.preview) return this.whenLoaded.then(() => this.getChildren(element));
    const { active, finished, archived } = this.rows(source);
    const page = (rows: readonly string[], prefix: string, offset: number, size: number) => [
      ...rows.slice(offset, offset + size),
      ...(rows.length > offset + size ? [`${prefix}${offset + size}`] : []),
    ];
    if (element?.startsWith(OLDER_PREFIX)) return page(finished, OLDER_PREFIX, Number(element.slice(OLDER_PREFIX.length)), OLDER_PAGE);
    if (element) return page(archived, ARCHIVED_PREFIX, Number(element.slice(ARCHIVED_PREFIX.length)), OLDER_PAGE);
    const archivedCount = this.preview?.index.archived ?? archived.length;
    const ids = [...active, ...page(finished, OLDER_PREFIX, 0, TOP_FINISHED), ...(archivedCount ? [`${ARCHIVED_PREFIX}0`] : [])];
    if (!this.firstRowsHanded && (this.loaded || this.preview)) {
      this.firstRowsHanded = true;
      const listed = this.firstListing;
      this.firstListing = undefined;
      const count = this.preview ? this.preview.index.tasks.length : this.store.size;
      const from = this.preview ? 'index' : 'store';
      // After VS Code has asked for every row's TreeItem, which it does as soon as this returns.
      setImmediate(() => {
        listed?.(count, askedAt, from);
        this.markFirstRows();
      });
    }
    return ids;
  }

  /** The row a task or page sits under (for reveal, e.g. from Search Tasks): a batch, a page, or the top level. */
  getParent(id: string): string | undefined {
    const pageParent = (prefix: string, offset: number, first: number) =>
      (offset <= first ? undefined : `${prefix}${offset - OLDER_PAGE}`);
    if (id.startsWith(OLDER_PREFIX)) return pageParent(OLDER_PREFIX, Number(id.slice(OLDER_PREFIX.length)), TOP_FINISHED);
    if (id.startsWith(ARCHIVED_PREFIX)) {
      const offset = Number(id.slice(ARCHIVED_PREFIX.length));
      return offset === 0 ? undefined : `${ARCHIVED_PREFIX}${offset - OLDER_PAGE}`;
    }
    if (id.startsWith(BATCH_NODE_PREFIX)) return undefined;
    const task = this.source.get(id);
    const batchId = task?.request.batch?.id;
    const row = batchId && this.batches?.get(batchId) ? BATCH_NODE_PREFIX + batchId : id;
    const { finished, archived } = this.rows(this.source);
    const inArchive = archived.indexOf(row);
    if (inArchive >= 0) return `${ARCHIVED_PREFIX}${Math.floor(inArchive / OLDER_PAGE) * OLDER_PAGE}`;
    if (row !== id) return row;
    const at = finished.indexOf(row);
    return at < TOP_FINISHED ? undefined : `${OLDER_PREFIX}${TOP_FINISHED + Math.floor((at - TOP_FINISHED) / OLDER_PAGE) * OLDER_PAGE}`;
  }

  /**
   * The rows: unfinished tasks first (a batch's tasks under one batch row), then the finished ones newest first,
   * and apart from them the tasks finished longer ago than mediaStudio.tasks.archiveAfterDays.
   */
  private rows(source: RowSource): { active: string[]; finished: string[]; archived: string[] } {
    const now = Date.now();
    const days = this.archiveAfterDays();
    const hot: Task[] = [];
    const old: Task[] = [];
    // A batch's tasks stay under its row, however old: a row shown twice would have its id twice.
    const inBatch = (task: Task) => !!task.request.batch && !!this.batches?.get(task.request.batch.id);
    for (const task of source.values()) (isArchived(task, now, days) && !inBatch(task) ? old : hot).push(task);
    const sorted = sortTasks(hot);
    const rows = this.batches?.list().length ? rootRows(sorted, this.batches) : sorted.map((t) => t.id);
    const finishedTask = (id: string) => {
      const task = source.get(id);
      return task !== undefined && isTerminal(task.state);
    };
    const firstFinished = rows.findIndex(finishedTask);
    return {
      active: firstFinished < 0 ? rows : rows.slice(0, firstFinished),
      finished: firstFinished < 0 ? [] : rows.slice(firstFinished),
      archived: sortTasks(old).map((t) => t.id),
    };
  }

  /** A collapsed page of older finished tasks, "Older tasks (101–600 of 9,900)", or of archived ones, "Archived (1,234)". */
  private pageItem(id: string): vscode.TreeItem {
    const archived = id.startsWith(ARCHIVED_PREFIX);
    const offset = Number(id.slice((archived ? ARCHIVED_PREFIX : OLDER_PREFIX).length));
    const counts = this.preview
      ? { finished: this.preview.index.finished, archived: this.preview.index.archived }
      : (() => {
        const { finished, archived: old } = this.rows(this.store);
        return { finished: finished.length, archived: old.length };
      })();
    const total = archived ? counts.archived : counts.finished;
    const last = Math.min(total, offset + OLDER_PAGE);
    const range = [(offset + 1).toLocaleString(), last.toLocaleString(), total.toLocaleString()] as const;
    const label = !archived ? vscode.l10n.t('Older tasks ({0}–{1} of {2})', ...range)
      : offset === 0 ? vscode.l10n.t('Archived ({0})', total.toLocaleString())
        : vscode.l10n.t('More archived tasks ({0}–{1} of {2})', ...range);
    const item = new vscode.TreeItem(label, vscode.TreeItemCollapsibleState.Collapsed);
    item.id = id;
    item.contextValue = archived ? 'archivedTasks' : 'olderTasks';
    item.iconPath = new vscode.ThemeIcon(archived ? 'archive' : 'history');
    if (archived && offset === 0) {
      item.tooltip = vscode.l10n.t(
        'Tasks finished more than {0} days ago (the setting mediaStudio.tasks.archiveAfterDays); Search Tasks finds them by prompt.',
        this.archiveAfterDays(),
      );
    }
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
    this.view.badge = running
      ? { value: running, tooltip: running === 1 ? vscode.l10n.t('1 task running') : vscode.l10n.t('{0} tasks running', running) }
      : undefined;
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
