/** Task cards (newest first, with actions) and the results gallery; running tasks' elapsed times tick each second. */
import * as l10n from '@vscode/l10n';
import { formatElapsed } from '../core/elapsed';
import type { TaskAction, TaskView } from '../core/panelProtocol';
import { formatCost } from '../core/spec/price';
import { isTerminal } from '../core/task';
import { stateWord } from '../core/taskPresentation';
import { byId, h } from './dom';
import { request } from './rpc';
import { tasks } from './state';
import { setStatus } from './status';
import { iconButton, toolbar } from './toolbar';

/** core/elapsed: since submitted, not since the provider started it. */
function elapsed(task: TaskView): string {
  return formatElapsed(task, Date.now());
}

function actionButton(task: TaskView, action: TaskAction, label: string, index = 0): HTMLButtonElement {
  const button = iconButton(action, label, task.prompt.slice(0, 60));
  button.addEventListener('click', () => {
    button.disabled = true;
    request('taskAction', { action, taskId: task.id, resultIndex: index }).then((reply) => {
      if (reply.type === 'submitted') setStatus(l10n.t('Submitted again as a new task.'));
      else if (action === 'copyPrompt') setStatus(l10n.t('Prompt copied.'));
    }, () => undefined).finally(() => {
      button.disabled = false;
    });
  });
  return button;
}

/** In the card itself (the Tasks view marks it too). */
function saveFailure(task: TaskView): HTMLParagraphElement | undefined {
  const failed = task.results.find((r) => r.saveError);
  return failed
    ? h(
        'p',
        { class: 'error save-error', role: 'status' },
        l10n.t('Not saved: {0} Use "Save Again" on the task in the Tasks view.', failed.saveError as string),
      )
    : undefined;
}

function taskCard(task: TaskView): HTMLLIElement {
  const running = !isTerminal(task.state);
  const progress = running && task.progress !== undefined
    ? h('progress', { max: 100, value: task.progress, 'aria-label': l10n.t('Progress {0}%', task.progress) })
    : undefined;
  return h(
    'li',
    { class: `card state-${task.state}`, 'data-task': task.id },
    // elementtiming: the browser records when the card's text was first painted (the panel benchmark reads it).
    h('p', { class: 'prompt', elementtiming: 'task-card' }, task.prompt),
    h(
      'p',
      { class: 'meta' },
      h('span', { class: 'state' }, stateWord(task.state)),
      ` · ${task.providerLabel} · ${task.model} · `,
      h('span', { class: 'elapsed', 'data-running': running ? 'true' : undefined }, elapsed(task)),
      task.cost ? ` · cost ${formatCost(task.cost)}` : undefined,
    ),
    progress,
    task.error ? h('p', { class: 'error' }, task.error) : undefined,
    saveFailure(task),
    toolbar(l10n.t('Task actions'), [
      task.cancellable ? actionButton(task, 'cancel', l10n.t('Cancel')) : undefined,
      task.results.some((r) => r.name)
        ? actionButton(task, 'open', l10n.t('Open'), task.results.find((r) => r.name)?.index ?? 0)
        : undefined,
      running ? undefined : actionButton(task, 'regenerate', l10n.t('Regenerate')),
      actionButton(task, 'copyPrompt', l10n.t('Copy Prompt')),
    ]),
  );
}

function galleryItems(task: TaskView): HTMLLIElement[] {
  return task.results.filter((r) => r.src).map((result) => {
    const media = result.kind === 'video'
      ? h('video', { src: result.src, controls: true, preload: 'metadata', 'aria-label': l10n.t('Video: {0}', task.prompt.slice(0, 80)) })
      : h('img', { src: result.src, alt: task.prompt.slice(0, 120), loading: 'lazy', decoding: 'async' });
    return h('li', { class: 'result', 'data-task': task.id, 'data-index': result.index },
      h('div', { class: 'thumb' }, media),
      h('p', { class: 'name', title: result.name }, result.name ?? ''),
      toolbar(l10n.t('Result actions'), [
        actionButton(task, 'open', l10n.t('Open'), result.index),
        actionButton(task, 'reveal', l10n.t('Reveal in Explorer'), result.index),
        actionButton(task, 'copyPrompt', l10n.t('Copy Prompt'), result.index),
        result.kind === 'image' ? actionButton(task, 'useAsReference', l10n.t('Use as Reference'), result.index) : undefined,
        result.kind === 'image' ? actionButton(task, 'animate', l10n.t('Animate'), result.index) : undefined,
        actionButton(task, 'regenerate', l10n.t('Regenerate'), result.index),
      ]));
  });
}

/**
 * How many cards and results are drawn; "Show more" adds a page. A history of thousands of tasks stays a
 * page of nodes: the rest is drawn only when asked for.
 */
const PAGE = 50;
let cardLimit = PAGE;
let resultLimit = PAGE;

function newestFirst(a: TaskView, b: TaskView): number {
  return b.createdAt - a.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/** Draws every section from `tasks` at once (the first message, a removal, "Show more"). */
export function renderAllTasks(): void {
  const sorted = [...tasks.values()].sort(newestFirst);
  byId('task-list').replaceChildren(...sorted.slice(0, cardLimit).map(taskCard));
  const results: HTMLLIElement[] = [];
  for (const task of sorted) {
    if (results.length >= resultLimit) break;
    results.push(...galleryItems(task));
  }
  byId('gallery').replaceChildren(...results.slice(0, resultLimit));
  renderMore(sorted.reduce((sum, task) => sum + task.results.filter((r) => r.src).length, 0));
  byId('no-tasks').hidden = tasks.size > 0;
  scheduleClock();
}

/** The "Show more" buttons, with how many are not drawn yet. */
function renderMore(resultCount: number): void {
  const moreTasks = byId<HTMLButtonElement>('more-tasks');
  moreTasks.hidden = tasks.size <= cardLimit;
  moreTasks.textContent = l10n.t('Show more ({0} not shown)', tasks.size - cardLimit);
  const moreResults = byId<HTMLButtonElement>('more-results');
  moreResults.hidden = resultCount <= resultLimit;
  moreResults.textContent = l10n.t('Show more ({0} not shown)', resultCount - resultLimit);
}

export function mountTaskPaging(): void {
  byId('more-tasks').addEventListener('click', () => {
    cardLimit += PAGE;
    renderAllTasks();
  });
  byId('more-results').addEventListener('click', () => {
    resultLimit += PAGE;
    renderAllTasks();
  });
}

/**
 * Replaces one task's card and results, keeping keyboard focus on the same button if it was inside. A task
 * older than the drawn page only moves the "Show more" count; only the drawn nodes are looked at.
 */
export function renderTask(id: string): void {
  const task = tasks.get(id);
  const list = byId('task-list');
  const gallery = byId('gallery');
  const oldCard = list.querySelector(`[data-task="${CSS.escape(id)}"]`);
  const oldResults = Array.from(gallery.querySelectorAll(`[data-task="${CSS.escape(id)}"]`));
  if (!task) {
    // A gap in the page is filled from the tasks not drawn yet.
    if (oldCard || oldResults.length) renderAllTasks();
    else renderMore(countResults());
    return;
  }
  const focused = document.activeElement instanceof HTMLElement ? document.activeElement : undefined;
  const focusKey = focused?.closest(`[data-task="${CSS.escape(id)}"]`) ? focused.dataset.action : undefined;
  const card = taskCard(task);
  if (oldCard) oldCard.replaceWith(card);
  else if (insertSorted(list, card, task, cardLimit)) trim(list, cardLimit);
  const items = galleryItems(task);
  if (oldResults.length && items.length === oldResults.length) oldResults.forEach((old, i) => old.replaceWith(items[i]));
  else {
    for (const r of oldResults) r.remove();
    for (const item of items.reverse()) insertSorted(gallery, item, task, resultLimit);
    trim(gallery, resultLimit);
  }
  if (focusKey) card.querySelector<HTMLElement>(`[data-action="${focusKey}"]`)?.focus();
  renderMore(countResults());
  byId('no-tasks').hidden = tasks.size > 0;
  scheduleClock();
}

function countResults(): number {
  let count = 0;
  for (const task of tasks.values()) for (const result of task.results) if (result.src) count++;
  return count;
}

/**
 * Newest first, as the store lists them, among the drawn children; an element older than all of them goes
 * at the end only while the page has room. Returns whether it was inserted.
 */
function insertSorted(list: HTMLElement, element: HTMLElement, task: TaskView, limit: number): boolean {
  const after = Array.from(list.children).find((child) => {
    const other = tasks.get((child as HTMLElement).dataset.task ?? '');
    return other !== undefined && newestFirst(task, other) < 0;
  });
  if (!after && list.children.length >= limit) return false;
  list.insertBefore(element, after ?? null);
  return true;
}

function trim(list: HTMLElement, limit: number): void {
  while (list.children.length > limit) list.lastElementChild?.remove();
}

/** Only redraws; it asks nobody anything. */
let clock: ReturnType<typeof setTimeout> | undefined;
function scheduleClock(): void {
  if (clock !== undefined) return;
  if (![...tasks.values()].some((t) => !isTerminal(t.state))) return;
  clock = setTimeout(() => {
    clock = undefined;
    for (const element of Array.from(document.querySelectorAll<HTMLElement>('.elapsed[data-running]'))) {
      const owner = element.closest('[data-task]');
      const task = tasks.get(owner instanceof HTMLElement ? owner.dataset.task ?? '' : '');
      if (task) element.textContent = elapsed(task);
    }
    scheduleClock();
  }, 1000);
}

