/** The panel's page: its three sections and the compose area's event wiring; each section renders itself. */
import * as l10n from '@vscode/l10n';
import { LIMITS } from '../core/panelProtocol';
import type { ProviderId } from '../core/providers';
import { loadModels, renderEstimate, renderModel, submit } from './compose';
import { byId, h } from './dom';
import { renderExtra } from './params';
import { send } from './rpc';
import { OTHER_MODEL, panel, save } from './state';
import { setStatus } from './status';

export function layout(): void {
  const app = byId<HTMLElement>('app');
  app.replaceChildren(
    h(
      'section',
      { class: 'compose', 'aria-labelledby': 'compose-title' },
      h('h2', { id: 'compose-title' }, l10n.t('Compose')),
      h('label', { for: 'prompt' }, l10n.t('Prompt')),
      h('textarea', {
        id: 'prompt',
        rows: 5,
        maxlength: LIMITS.prompt,
        placeholder: l10n.t('Describe what to generate.'),
        'aria-describedby': 'prompt-hint',
      }),
      h(
        'div',
        { class: 'row pickers' },
        h('div', { class: 'field' }, h('label', { for: 'provider' }, l10n.t('Provider')), h('select', { id: 'provider' })),
        h('div', { class: 'field grow' }, h('label', { for: 'model' }, l10n.t('Model')), h('select', { id: 'model' })),
      ),
      h(
        'div',
        { id: 'other-model', class: 'row', hidden: true },
        h(
          'div',
          { class: 'field grow' },
          h('label', { for: 'model-id' }, l10n.t('Model id')),
          h('input', {
            id: 'model-id',
            maxlength: LIMITS.model,
            autocomplete: 'off',
            spellcheck: 'false',
            'aria-describedby': 'model-id-hint',
          }),
          h('p', { id: 'model-id-hint', class: 'hint' }),
        ),
        h(
          'div',
          { class: 'field' },
          h('label', { for: 'model-kind' }, l10n.t('Makes')),
          h(
            'select',
            { id: 'model-kind' },
            h('option', { value: 'image' }, l10n.t('Images')),
            h('option', { value: 'video' }, l10n.t('Videos')),
          ),
        ),
      ),
      h('div', { id: 'params', class: 'row pickers', role: 'group', 'aria-label': l10n.t('Parameters') }),
      h(
        'details',
        { id: 'advanced', class: 'advanced' },
        h('summary', {}, l10n.t('Advanced')),
        h('p', { id: 'model-rules', class: 'hint' }),
        h('div', { id: 'advanced-params', class: 'row pickers', role: 'group', 'aria-label': l10n.t('Advanced parameters') }),
        h('h3', { id: 'extra-title' }, l10n.t('Fields not documented for this model')),
        h(
          'p',
          { class: 'hint' },
          l10n.t(
            'Sent as given in "extra" (JSON for objects and lists) and recorded in the sidecar as not documented; the provider may ignore or refuse them.',
          ),
        ),
        h('ol', { id: 'extra-rows', class: 'extra-rows', 'aria-labelledby': 'extra-title' }),
        h('datalist', { id: 'extra-names' }),
        h('button', { id: 'add-extra', type: 'button', class: 'secondary' }, l10n.t('Add field')),
      ),
      h('p', { id: 'model-note', class: 'note', role: 'status' }),
      h(
        'div',
        { class: 'references', role: 'group', 'aria-labelledby': 'references-title' },
        h('h3', { id: 'references-title' }, l10n.t('Reference images')),
        h(
          'div',
          { id: 'dropzone', class: 'dropzone', 'aria-describedby': 'drop-hint' },
          h('ol', { id: 'reference-list', class: 'reference-list' }),
          h('ol', { id: 'url-list', class: 'url-list', 'aria-label': l10n.t('Input image URLs') }),
          h('p', { id: 'drop-hint', class: 'hint' }, l10n.t('Drop images from the Explorer here (hold Shift while dropping), or')),
          h('button', { id: 'add-references', type: 'button', class: 'secondary' }, l10n.t('Add images…')),
        ),
      ),
      h('p', { id: 'estimate', class: 'estimate' }),
      h(
        'div',
        { class: 'submit-row' },
        h('button', { id: 'submit', type: 'button', 'aria-describedby': 'prompt-hint' }, l10n.t('Generate')),
        h('span', { id: 'prompt-hint', class: 'hint' }, l10n.t('Ctrl+Enter (Cmd+Enter on macOS)')),
        h('span', { id: 'status', class: 'status', role: 'status', 'aria-live': 'polite' }),
      ),
    ),
    h(
      'section',
      { class: 'tasks', 'aria-labelledby': 'tasks-title' },
      h('h2', { id: 'tasks-title' }, l10n.t('Tasks')),
      h('p', { id: 'no-tasks', class: 'hint' }, l10n.t('No tasks yet.')),
      h('ul', { id: 'task-list', class: 'task-list' }),
      h('button', { id: 'more-tasks', type: 'button', class: 'secondary more', hidden: true }),
    ),
    h(
      'section',
      { class: 'gallery', 'aria-labelledby': 'gallery-title' },
      h('h2', { id: 'gallery-title' }, l10n.t('Results')),
      h('ul', { id: 'gallery', class: 'gallery-list' }),
      h('button', { id: 'more-results', type: 'button', class: 'secondary more', hidden: true }),
    ),
  );
  const prompt = byId<HTMLTextAreaElement>('prompt');
  prompt.value = panel.compose.prompt;
  prompt.addEventListener('input', () => {
    save({ prompt: prompt.value });
    renderEstimate();
  });
  document.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      submit();
    }
  });
  byId<HTMLSelectElement>('provider').addEventListener('change', (event) => {
    save({ provider: (event.target as HTMLSelectElement).value as ProviderId, model: '', otherModel: false, params: {} });
    loadModels();
  });
  byId<HTMLSelectElement>('model').addEventListener('change', (event) => {
    const value = (event.target as HTMLSelectElement).value;
    if (value === OTHER_MODEL) {
      save({ model: '', otherModel: true, params: {} });
      renderModel();
      byId('model-id').focus();
    } else {
      save({ model: value, otherModel: false, params: {} });
      renderModel();
    }
  });
  const modelId = byId<HTMLInputElement>('model-id');
  modelId.addEventListener('input', () => {
    save({ model: modelId.value.trim() });
    renderEstimate();
  });
  byId<HTMLSelectElement>('model-kind').addEventListener('change', (event) => {
    save({ kind: (event.target as HTMLSelectElement).value === 'video' ? 'video' : 'image', params: {} });
    renderModel();
  });
  byId('submit').addEventListener('click', submit);
  byId('add-extra').addEventListener('click', () => {
    save({ extra: [...(panel.compose.extra ?? []), { name: '', value: '' }] });
    renderExtra();
    byId('extra-rows').querySelector<HTMLInputElement>('li:last-child input')?.focus();
  });
  byId('add-references').addEventListener('click', () => {
    setStatus('');
    send('pickReferences', {});
  });
  const dropzone = byId('dropzone');
  dropzone.addEventListener('dragover', (event) => {
    event.preventDefault();
    dropzone.classList.add('dragging');
  });
  dropzone.addEventListener('dragleave', () => dropzone.classList.remove('dragging'));
  dropzone.addEventListener('drop', (event) => {
    event.preventDefault();
    dropzone.classList.remove('dragging');
    const uris = droppedUris(event.dataTransfer);
    if (uris.length) send('dropReferences', { uris: uris.slice(0, 16) });
  });
}

/** VS Code's own list first, the standard uri-list otherwise. */
function droppedUris(data: DataTransfer | null): string[] {
  if (!data) return [];
  const resources = data.getData('application/vnd.code.uri-list') || data.getData('resourceurls');
  if (resources) {
    try {
      const parsed: unknown = JSON.parse(resources);
      if (Array.isArray(parsed)) return parsed.filter((u): u is string => typeof u === 'string');
    } catch {
      return resources.split(/\r?\n/).filter((l) => l && !l.startsWith('#'));
    }
  }
  return (data.getData('text/uri-list') || '').split(/\r?\n/).map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
}
