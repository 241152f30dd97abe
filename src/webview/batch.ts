/** The panel's Batch mode: template, values, models, a live preview with count and estimate, and a grid per batch. */
import * as l10n from '@vscode/l10n';
import { estimateBatch } from '../core/batch/modelFacts';
import { planBatch } from '../core/batch/plan';
import { templateParts, templateVariables } from '../core/batch/template';
import type { ModelInfo } from '../core/catalog';
import { formatElapsed } from '../core/elapsed';
import type { BatchAction, BatchView, HostMessage, ProviderOption, TaskView } from '../core/panelProtocol';
import type { ProviderId } from '../core/providers';
import { formatCost } from '../core/spec/price';
import { showsProgress, stateWord } from '../core/taskPresentation';
import { byId, h } from './dom';
import { request, RequestFailed, send } from './rpc';

/** By "|" when there is one (so values may hold commas), else by commas. */
export function splitValues(text: string): string[] {
  const separator = text.includes('|') ? '|' : ',';
  return text.split(separator).map((v) => v.trim()).filter(Boolean);
}

const models: { provider: ProviderId; model: ModelInfo; providerLabel: string }[] = [];
const selected = new Set<string>();
const values = new Map<string, string>();
let rowsFile: string | undefined;
const taskViews = new Map<string, TaskView>();
const batches = new Map<string, BatchView>();

const modelKey = (provider: string, model: string) => `${provider}\n${model}`;

export function mountBatch(): void {
  const compose = document.querySelector<HTMLElement>('section.compose');
  if (!compose) return;
  const tabs = h(
    'div',
    { class: 'mode-tabs', role: 'tablist', 'aria-label': l10n.t('Mode') },
    h(
      'button',
      { id: 'mode-single', role: 'tab', type: 'button', 'aria-selected': 'true', 'aria-controls': 'compose' },
      l10n.t('Single prompt'),
    ),
    h('button', { id: 'mode-batch', role: 'tab', type: 'button', 'aria-selected': 'false', 'aria-controls': 'batch' }, l10n.t('Batch')),
  );
  compose.id ||= 'compose';
  const section = h('section', { id: 'batch', class: 'batch', hidden: true, 'aria-labelledby': 'batch-title' },
    h('h2', { id: 'batch-title' }, l10n.t('Batch')),
    h('label', { for: 'batch-template' }, l10n.t('Template: write {name} where a variable goes')),
    h('textarea', { id: 'batch-template', rows: 3, placeholder: l10n.t('a {colour} ceramic {product} on a white background') }),
    h('p', { id: 'batch-highlight', class: 'template-highlight', 'aria-label': l10n.t('Template with its variables highlighted') }),
    h('table', { id: 'batch-values', class: 'batch-values', 'aria-label': l10n.t('Values of each variable') }),
    h('div', { class: 'row' },
      h('button', { id: 'batch-rows', type: 'button', class: 'secondary' }, l10n.t('Use a rows file (CSV / JSON Lines)…')),
      h('span', { id: 'batch-rows-name', class: 'hint' }),
      h('button', { id: 'batch-rows-clear', type: 'button', class: 'secondary', hidden: true }, l10n.t('Clear'))),
    h('fieldset', { id: 'batch-models', class: 'batch-models' }, h('legend', {}, l10n.t('Models to compare'))),
    h('p', { id: 'batch-count', class: 'estimate', role: 'status' }),
    h('ol', { id: 'batch-prompts', class: 'batch-prompts', 'aria-label': l10n.t('Expanded prompts') }),
    h('div', { class: 'row' },
      h('button', { id: 'batch-generate', type: 'button' }, l10n.t('Generate')),
      h('p', { id: 'batch-status', class: 'status', role: 'status', 'aria-live': 'polite' })),
    h('div', { id: 'batch-grids' }));
  compose.before(tabs);
  compose.after(section);
  const show = (batch: boolean) => {
    compose.hidden = batch;
    section.hidden = !batch;
    byId('mode-single').setAttribute('aria-selected', String(!batch));
    byId('mode-batch').setAttribute('aria-selected', String(batch));
  };
  byId('mode-single').addEventListener('click', () => show(false));
  byId('mode-batch').addEventListener('click', () => show(true));
  byId<HTMLTextAreaElement>('batch-template').addEventListener('input', () => renderDraft());
  byId('batch-rows').addEventListener('click', () => void request('pickRowsFile', {}).then((reply) => {
    if (reply.path) {
      rowsFile = reply.path;
      renderDraft();
    }
  }, () => undefined));
  byId('batch-rows-clear').addEventListener('click', () => {
    rowsFile = undefined;
    renderDraft();
  });
  byId('batch-generate').addEventListener('click', generate);
  renderDraft();
}

function template(): string {
  return document.querySelector<HTMLTextAreaElement>('#batch-template')?.value ?? '';
}

function variablesNow(): Record<string, string[]> {
  const result: Record<string, string[]> = {};
  for (const name of templateVariables(template())) {
    const typed = values.get(name);
    if (typed !== undefined && (!rowsFile || typed.trim())) result[name] = splitValues(typed);
  }
  return result;
}

function chosenModels(): { provider: ProviderId; model: string }[] {
  return models.filter((m) => selected.has(modelKey(m.provider, m.model.id))).map((m) => ({ provider: m.provider, model: m.model.id }));
}

function renderDraft(): void {
  const text = template();
  byId('batch-highlight').replaceChildren(
    ...templateParts(text).map((part) => ('variable' in part ? h('mark', { class: 'variable' }, `{${part.variable}}`) : part.text)),
  );
  const names = templateVariables(text);
  const table = byId('batch-values');
  const focused = document.activeElement?.id;
  table.replaceChildren(...names.map((name) => {
    const input = h('input', {
      id: `batch-value-${name}`,
      value: values.get(name) ?? '',
      placeholder: rowsFile ? l10n.t('from {0}', rowsFile) : l10n.t('red, blue, green'),
      'aria-label': l10n.t('Values of {0}', `{${name}}`),
    });
    input.addEventListener('input', () => {
      values.set(name, input.value);
      renderPreview();
    });
    return h('tr', {}, h('th', { scope: 'row' }, `{${name}}`), h('td', {}, input));
  }));
  if (focused) document.getElementById(focused)?.focus();
  byId('batch-rows-name').textContent = rowsFile ?? '';
  byId('batch-rows-clear').hidden = !rowsFile;
  renderPreview();
}

function renderPreview(): void {
  const count = byId('batch-count');
  const list = byId('batch-prompts');
  const chosen = chosenModels();
  if (rowsFile) {
    count.textContent = l10n.t(
      'One prompt per line of {0}, × {1} model(s); the host checks the file on Generate.',
      rowsFile,
      chosen.length,
    );
    list.replaceChildren();
    return;
  }
  const plan = planBatch({ template: template(), variables: variablesNow(), models: chosen, maxTasks: Number.MAX_SAFE_INTEGER });
  if ('error' in plan) {
    count.textContent = template().trim() ? plan.error : l10n.t('Write a template to see its prompts.');
    list.replaceChildren();
    return;
  }
  const estimate = estimateBatch(plan.cells.map((cell) => ({ ...chosen[cell.model], kind: 'image' as const, params: {} })));
  count.textContent = [
    l10n.t('{0} tasks ({1} prompts × {2} models)', plan.cells.length, plan.rows.length, chosen.length),
    estimate.text,
    ...plan.warnings,
  ].join(' · ');
  const prompts = plan.rows.map((_, row) => plan.cells[row * chosen.length]?.prompt ?? '');
  list.replaceChildren(
    ...prompts.slice(0, 50).map((p) => h('li', {}, p)),
    ...(prompts.length > 50 ? [h('li', { class: 'hint' }, l10n.t('… and {0} more', prompts.length - 50))] : []),
  );
}

function renderModels(): void {
  const fieldset = byId('batch-models');
  const legend = fieldset.querySelector('legend');
  fieldset.replaceChildren(...(legend ? [legend] : []), ...models.map((m) => {
    const key = modelKey(m.provider, m.model.id);
    const id = `batch-model-${models.indexOf(m)}`;
    const box = h('input', { type: 'checkbox', id, checked: selected.has(key) });
    box.addEventListener('change', () => {
      if (box.checked) selected.add(key);
      else selected.delete(key);
      renderPreview();
    });
    return h(
      'label',
      { class: 'check', for: id },
      box,
      ` ${m.providerLabel} ${m.model.label ? `${m.model.id} — ${m.model.label}` : m.model.id}`,
    );
  }));
}

function status(text: string, error = false): void {
  const element = byId('batch-status');
  element.textContent = text;
  element.classList.toggle('error', error);
}

function generate(): void {
  const chosen = chosenModels();
  status(l10n.t('Checking…'));
  request('generateBatch', {
    template: template(),
    variables: variablesNow(),
    models: chosen,
    ...(rowsFile ? { rows: rowsFile } : {}),
  }).then(
    (reply) => status([l10n.t('Batch started.'), ...reply.warnings].join(' ')),
    (error: Error) => {
      if (error instanceof RequestFailed) status(error.message, true);
    },
  );
}

function action(batchId: string, which: BatchAction): void {
  request('batchAction', { action: which, batchId }).catch((error: Error) => {
      if (error instanceof RequestFailed) status(error.message, true);
    });
}

function cell(taskId: string | undefined): HTMLElement {
  const task = taskId ? taskViews.get(taskId) : undefined;
  if (!task) return h('td', { class: 'cell not-sent' }, l10n.t('not sent'));
  const facts: string[] = [stateWord(task.state)];
  if (showsProgress(task.state, task.progress)) facts.push(`${Math.round(task.progress)}%`);
  // The same elapsed time as the cards' and the Tasks view's (core/elapsed), once the task is sent.
  if (task.submittedAt || task.endedAt) facts.push(formatElapsed(task, Date.now()));
  if (task.cost) facts.push(formatCost(task.cost));
  const result = task.results.find((r) => r.src);
  const thumb = result?.src
    ? h('button', { type: 'button', class: 'thumb', title: l10n.t('Open {0}', result.name ?? '') },
      result.kind === 'video' ? h('video', { src: result.src, muted: true }) : h('img', { src: result.src, alt: task.prompt }))
    : undefined;
  thumb?.addEventListener('click', () => send('taskAction', { action: 'open', taskId: task.id, resultIndex: result?.index ?? 0 }));
  return h(
    'td',
    { class: `cell state-${task.state}`, 'data-task': task.id },
    h('div', { class: 'meta' }, facts.join(' · ')),
    thumb,
    task.error && task.state === 'failed' ? h('div', { class: 'error' }, task.error) : undefined,
  );
}

function renderBatch(id: string): void {
  const grids = byId('batch-grids');
  if (!grids) return;
  const existing = document.getElementById(`grid-${id}`);
  const batch = batches.get(id);
  if (!batch) {
    existing?.remove();
    return;
  }
  const buttons = h('div', { class: 'row' },
    h('button', { type: 'button', class: 'secondary', 'data-action': 'retryFailed', disabled: !batch.retryable }, l10n.t('Retry failed')),
    h('button', { type: 'button', class: 'secondary', 'data-action': 'cancel', disabled: !batch.cancellable }, l10n.t('Cancel batch')),
    h('button', { type: 'button', class: 'secondary', 'data-action': 'export' }, l10n.t('Export contact sheet')));
  buttons
    .querySelectorAll<HTMLButtonElement>('button')
    .forEach((b) => b.addEventListener('click', () => action(batch.id, b.dataset.action as BatchAction)));
  const table = h(
    'table',
    { class: 'batch-grid', 'aria-label': l10n.t('Batch {0}', batch.slug) },
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        ...batch.variables.map((v) => h('th', { scope: 'col' }, `{${v}}`)),
        ...batch.models.map((m) => h('th', { scope: 'col' }, m)),
      ),
    ),
    h(
      'tbody',
      {},
      ...batch.rows.map((row, r) =>
        h(
          'tr',
          {},
          ...batch.variables.map((v) => h('th', { scope: 'row' }, row[v] ?? '')),
          ...batch.models.map((_, m) => cell(batch.cellTaskIds[r * batch.models.length + m])),
        ),
      ),
    ),
  );
  const figure = h('div', { id: `grid-${id}`, class: 'batch-block' },
    h('h3', {}, batch.template),
    h('p', { class: 'hint' }, [batch.progress, batch.cost].filter(Boolean).join(' · ')),
    h('div', { class: 'grid-scroll' }, table),
    buttons);
  if (existing) existing.replaceWith(figure);
  else grids.prepend(figure);
}

/** Every host message passes through here; batch mode takes what concerns it. */
export function batchReceive(message: HostMessage): void {
  switch (message.type) {
    case 'init':
      loadModels(message.providers);
      taskViews.clear();
      for (const task of message.tasks) taskViews.set(task.id, task);
      break;
    case 'task': {
      taskViews.set(message.task.id, message.task);
      for (const batch of batches.values()) if (batch.cellTaskIds.includes(message.task.id)) renderBatch(batch.id);
      break;
    }
    case 'taskRemoved':
      taskViews.delete(message.id);
      break;
    case 'batch':
      batches.set(message.batch.id, message.batch);
      renderBatch(message.batch.id);
      break;
    case 'batchRemoved':
      batches.delete(message.id);
      renderBatch(message.id);
      break;
    default:
      break;
  }
}

function loadModels(providers: readonly ProviderOption[]): void {
  models.length = 0;
  for (const provider of providers.filter((p) => p.hasKey)) {
    request('listModels', { provider: provider.id }).then((reply) => {
      for (const model of reply.models.filter((m) => m.kind === 'image'))
        models.push({ provider: reply.provider, model, providerLabel: provider.label });
      if (selected.size === 0 && models.length) selected.add(modelKey(models[0].provider, models[0].model.id));
      renderModels();
      renderPreview();
    }, () => undefined);
  }
}
