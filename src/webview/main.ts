/**
 * The Media Studio panel's webview: compose a request, manage reference images, watch tasks and browse
 * results. It only renders what the host sends and sends typed messages back; state that must survive
 * hiding or a reload (the compose area) is kept with getState/setState.
 */
import { ModelInfo, takesFiles, takesUrls, typedModel } from '../core/catalog';
import { LIMITS } from '../core/panelProtocol';
import type { ComposeState, HostMessage, ProviderOption, ReferenceView, TaskAction, TaskView, WebviewMessage } from '../core/panelProtocol';
import type { ProviderId } from '../core/providers';
import { estimateCost, formatCost, formatEstimate } from '../core/spec/price';
import { PROVIDER_SPECS, providerSpec } from '../core/spec/registry';
import type { ParamSpec } from '../core/spec/types';
import { paramFromText } from '../core/spec/validate';
import type { ParamValue } from '../core/task';
import * as l10n from '@vscode/l10n';
import { formatElapsed } from '../core/elapsed';
import { iconButton, toolbar } from './toolbar';
import { datalistOptions, selectOptions } from './valueGroups';
import { batchReceive, mountBatch } from './batch';

// The host embeds VS Code's translation bundle for the display language (none for English); load it first.
const bundleText = document.getElementById('l10n-bundle')?.textContent;
if (bundleText) l10n.config({ contents: bundleText });

interface VsCodeApi {
  postMessage(message: WebviewMessage): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();

interface SavedState { readonly compose: ComposeState }

const emptyCompose: ComposeState = { provider: PROVIDER_SPECS[0].id, model: '', prompt: '', params: {}, references: [], imageUrls: [] };
const saved = vscode.getState() as SavedState | undefined;
let compose: ComposeState = saved?.compose ?? emptyCompose;
let providers: readonly ProviderOption[] = [];
const modelsByProvider = new Map<ProviderId, { models: readonly ModelInfo[]; balanceUsd?: number }>();
const tasks = new Map<string, TaskView>();
const pending = new Map<number, (message: HostMessage) => void>();
let nextRequestId = 1;
let initialised = false;

function save(changes: Partial<ComposeState>): void {
  compose = { ...compose, ...changes };
  vscode.setState({ compose } satisfies SavedState);
}

function request(message: WebviewMessage & { requestId: number }, onReply?: (reply: HostMessage) => void): void {
  if (onReply) pending.set(message.requestId, onReply);
  vscode.postMessage(message);
}

function newId(): number {
  return nextRequestId++;
}

// ---- tiny DOM helpers (text only through textContent: nothing from the host is parsed as HTML) ----

type Attrs = Record<string, string | number | boolean | undefined>;

function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: (Node | string | undefined)[]): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === false) continue;
    element.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children) if (child !== undefined) element.append(child);
  return element;
}

function byId<T extends HTMLElement>(id: string): T {
  const element = document.getElementById(id);
  if (!element) throw new Error(`#${id} is missing`);
  return element as T;
}

// ---- layout ----

function layout(): void {
  const app = byId<HTMLElement>('app');
  app.replaceChildren(
    h('section', { class: 'compose', 'aria-labelledby': 'compose-title' },
      h('h2', { id: 'compose-title' }, l10n.t('Compose')),
      h('label', { for: 'prompt' }, l10n.t('Prompt')),
      h('textarea', { id: 'prompt', rows: 5, maxlength: LIMITS.prompt, placeholder: l10n.t('Describe what to generate.'), 'aria-describedby': 'prompt-hint' }),
      h('div', { class: 'row pickers' },
        h('div', { class: 'field' }, h('label', { for: 'provider' }, l10n.t('Provider')), h('select', { id: 'provider' })),
        h('div', { class: 'field grow' }, h('label', { for: 'model' }, l10n.t('Model')), h('select', { id: 'model' }))),
      h('div', { id: 'other-model', class: 'row', hidden: true },
        h('div', { class: 'field grow' },
          h('label', { for: 'model-id' }, l10n.t('Model id')),
          h('input', { id: 'model-id', maxlength: LIMITS.model, autocomplete: 'off', spellcheck: 'false', 'aria-describedby': 'model-id-hint' }),
          h('p', { id: 'model-id-hint', class: 'hint' })),
        h('div', { class: 'field' },
          h('label', { for: 'model-kind' }, l10n.t('Makes')),
          h('select', { id: 'model-kind' }, h('option', { value: 'image' }, l10n.t('Images')), h('option', { value: 'video' }, l10n.t('Videos'))))),
      h('div', { id: 'params', class: 'row pickers', role: 'group', 'aria-label': l10n.t('Parameters') }),
      h('details', { id: 'advanced', class: 'advanced' },
        h('summary', {}, l10n.t('Advanced')),
        h('p', { id: 'model-rules', class: 'hint' }),
        h('div', { id: 'advanced-params', class: 'row pickers', role: 'group', 'aria-label': l10n.t('Advanced parameters') }),
        h('h3', { id: 'extra-title' }, l10n.t('Fields not documented for this model')),
        h('p', { class: 'hint' }, l10n.t('Sent as given in "extra" (JSON for objects and lists) and recorded in the sidecar as not documented; the provider may ignore or refuse them.')),
        h('ol', { id: 'extra-rows', class: 'extra-rows', 'aria-labelledby': 'extra-title' }),
        h('datalist', { id: 'extra-names' }),
        h('button', { id: 'add-extra', type: 'button', class: 'secondary' }, l10n.t('Add field'))),
      h('p', { id: 'model-note', class: 'note', role: 'status' }),
      h('div', { class: 'references', role: 'group', 'aria-labelledby': 'references-title' },
        h('h3', { id: 'references-title' }, l10n.t('Reference images')),
        h('div', { id: 'dropzone', class: 'dropzone', 'aria-describedby': 'drop-hint' },
          h('ol', { id: 'reference-list', class: 'reference-list' }),
          h('ol', { id: 'url-list', class: 'url-list', 'aria-label': l10n.t('Input image URLs') }),
          h('p', { id: 'drop-hint', class: 'hint' }, l10n.t('Drop images from the Explorer here (hold Shift while dropping), or')),
          h('button', { id: 'add-references', type: 'button', class: 'secondary' }, l10n.t('Add images…')))),
      h('p', { id: 'estimate', class: 'estimate' }),
      h('div', { class: 'submit-row' },
        h('button', { id: 'submit', type: 'button', 'aria-describedby': 'prompt-hint' }, l10n.t('Generate')),
        h('span', { id: 'prompt-hint', class: 'hint' }, l10n.t('Ctrl+Enter (Cmd+Enter on macOS)')),
        h('span', { id: 'status', class: 'status', role: 'status', 'aria-live': 'polite' }))),
    h('section', { class: 'tasks', 'aria-labelledby': 'tasks-title' },
      h('h2', { id: 'tasks-title' }, l10n.t('Tasks')),
      h('p', { id: 'no-tasks', class: 'hint' }, l10n.t('No tasks yet.')),
      h('ul', { id: 'task-list', class: 'task-list' })),
    h('section', { class: 'gallery', 'aria-labelledby': 'gallery-title' },
      h('h2', { id: 'gallery-title' }, l10n.t('Results')),
      h('ul', { id: 'gallery', class: 'gallery-list' })),
  );
  const prompt = byId<HTMLTextAreaElement>('prompt');
  prompt.value = compose.prompt;
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
    save({ extra: [...(compose.extra ?? []), { name: '', value: '' }] });
    renderExtra();
    byId('extra-rows').querySelector<HTMLInputElement>('li:last-child input')?.focus();
  });
  byId('add-references').addEventListener('click', () => {
    setStatus('');
    request({ type: 'pickReferences', requestId: newId() });
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
    if (uris.length) request({ type: 'dropReferences', requestId: newId(), uris: uris.slice(0, 16) });
  });
}

/** URIs from an Explorer drop: VS Code's own list first, the standard uri-list otherwise. */
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

/** How long a confirmation ("Submitted.") stays beside the Generate button; errors stay until the next action. */
const STATUS_MS = 5000;
let statusTimer: ReturnType<typeof setTimeout> | undefined;

function setStatus(text: string, error = false): void {
  const status = byId('status');
  status.textContent = text;
  status.classList.toggle('error', error);
  if (statusTimer !== undefined) clearTimeout(statusTimer);
  statusTimer = text && !error ? setTimeout(() => setStatus(''), STATUS_MS) : undefined;
}

// ---- compose ----

/** The model select's entry for a model id typed by hand. */
const OTHER_MODEL = '\u0000other';

function currentModel(): ModelInfo | undefined {
  const models = modelsByProvider.get(compose.provider)?.models ?? [];
  if (!compose.otherModel) return models.find((m) => m.id === compose.model);
  // A typed model gets its documented spec, or the provider's generic schema for what it makes.
  const spec = providerSpec(compose.provider);
  const kind = spec.capabilities.textToVideo ? compose.kind ?? 'image' : 'image';
  const id = spec.modelIdFrom?.(compose.model) ?? compose.model;
  return { ...typedModel(compose.provider, id, kind), id: compose.model };
}

function renderProviders(): void {
  const select = byId<HTMLSelectElement>('provider');
  select.replaceChildren(...providers.map((p) => h('option', { value: p.id, selected: p.id === compose.provider }, p.hasKey ? p.label : l10n.t('{0} (no key)', p.label))));
}

function loadModels(): void {
  const provider = compose.provider;
  const known = modelsByProvider.get(provider);
  if (known) {
    renderModels();
    return;
  }
  byId<HTMLSelectElement>('model').replaceChildren(h('option', {}, l10n.t('Loading models…')));
  request({ type: 'listModels', requestId: newId(), provider }, (reply) => {
    if (reply.type !== 'models') return;
    modelsByProvider.set(reply.provider, { models: reply.models, balanceUsd: reply.balanceUsd });
    if (reply.provider === compose.provider) renderModels();
  });
}

function renderModels(): void {
  const entry = modelsByProvider.get(compose.provider);
  const models = entry?.models ?? [];
  if (!compose.otherModel && !models.some((m) => m.id === compose.model)) save({ model: models[0]?.id ?? '', params: {} });
  const select = byId<HTMLSelectElement>('model');
  const group = (kind: 'image' | 'video', label: string) => {
    const items = models.filter((m) => m.kind === kind);
    return items.length
      ? h('optgroup', { label }, ...items.map((m) => h('option', { value: m.id, selected: !compose.otherModel && m.id === compose.model }, m.label ? `${m.id} — ${m.label}` : m.id)))
      : undefined;
  };
  const other = h('option', { value: OTHER_MODEL, selected: !!compose.otherModel }, l10n.t('Other…'));
  select.replaceChildren(...[group('image', l10n.t('Images')), group('video', l10n.t('Videos'))].filter((g): g is HTMLOptGroupElement => !!g), other);
  renderModel();
}

/** Words for the fields every provider has under some name; any other field is shown by its provider's name. */
function roleLabel(param: ParamSpec): string {
  switch (param.role) {
    case 'size': return l10n.t('Size');
    case 'aspectRatio': return l10n.t('Aspect ratio');
    case 'resolution': return l10n.t('Resolution');
    case 'quality': return l10n.t('Quality');
    case 'duration': return l10n.t('Duration (seconds)');
    case 'mode': return l10n.t('Mode');
    case 'outputFormat': return l10n.t('Format');
    case 'style': return l10n.t('Style');
    case 'count': return l10n.t('Count');
    default: return param.name;
  }
}

/** One form control for a field of the model's spec, under its provider's name (id param-<name>). */
function paramControl(param: ParamSpec): HTMLElement {
  const id = `param-${param.name}`;
  const current = compose.params[param.name] ?? '';
  const values = param.type === 'boolean' ? ['true', 'false'] : (param.values ?? []).map(String);
  let control: HTMLElement;
  if (param.complete || param.type === 'boolean') {
    const select = h('select', { id }, h('option', { value: '' }, 'default'), ...selectOptions(values, current));
    select.addEventListener('change', () => onParam(param.name, select.value));
    control = select;
  } else {
    const placeholder = param.type === 'object' ? '{"…": 1}' : param.type === 'objectList' ? '[{"…": 1}]' : param.type === 'file' ? 'images/mask.png' : 'default';
    const input = h('input', { id, list: values.length ? `${id}-values` : undefined, value: current, placeholder, autocomplete: 'off', spellcheck: 'false', maxlength: LIMITS.paramValue });
    input.addEventListener('input', () => onParam(param.name, input.value));
    control = values.length ? h('span', {}, input, h('datalist', { id: `${id}-values` }, ...datalistOptions(values))) : input;
  }
  const label = roleLabel(param);
  const title = [param.name !== label ? param.name : undefined, param.note, l10n.t('Documented at {0}', param.source)].filter(Boolean).join(' — ');
  return h('div', { class: 'field', 'data-param': param.name }, h('label', { for: id, title }, label), control);
}

/** The free rows of the Advanced section: undocumented fields by name, sent in `extra`. */
function renderExtra(): void {
  const rows = compose.extra ?? [];
  const names = byId<HTMLDataListElement>('extra-names');
  names.replaceChildren(...(currentModel()?.knownExtra ?? []).map((p) => h('option', { value: p.name }, p.note ?? p.source)));
  byId('extra-rows').replaceChildren(...rows.map((row, index) => {
    const update = (changes: Partial<{ name: string; value: string }>) => save({ extra: (compose.extra ?? []).map((r, i) => (i === index ? { ...r, ...changes } : r)) });
    const name = h('input', { class: 'extra-name', value: row.name, list: 'extra-names', placeholder: l10n.t('field name'), 'aria-label': l10n.t('Field name'), autocomplete: 'off', spellcheck: 'false', maxlength: 40 });
    const value = h('input', { class: 'extra-value', value: row.value, placeholder: l10n.t('value (text, number, true/false or JSON)'), 'aria-label': l10n.t('Value of {0}', row.name || l10n.t('the field')), autocomplete: 'off', spellcheck: 'false', maxlength: LIMITS.paramValue });
    name.addEventListener('input', () => update({ name: name.value.trim() }));
    value.addEventListener('input', () => update({ value: value.value }));
    const remove = h('button', { type: 'button', class: 'icon', 'aria-label': l10n.t('Remove field {0}', row.name) }, '✕');
    remove.addEventListener('click', () => {
      save({ extra: (compose.extra ?? []).filter((_, i) => i !== index) });
      renderExtra();
      byId('add-extra').focus();
    });
    return h('li', { class: 'extra-row' }, name, value, remove);
  }));
}

function renderOtherModel(): void {
  const other = !!compose.otherModel;
  byId('other-model').hidden = !other;
  if (!other) return;
  const input = byId<HTMLInputElement>('model-id');
  if (input.value.trim() !== compose.model) input.value = compose.model;
  const spec = providerSpec(compose.provider);
  input.placeholder = spec.modelIdHint ?? l10n.t('The provider\'s model id');
  byId('model-id-hint').textContent = spec.modelIdFrom
    ? l10n.t('A model version id, or a model page URL such as {0}.', spec.modelIdHint ?? '')
    : l10n.t('Any model id {0} serves.', spec.label);
  // A provider that makes images only (PixAI, OpenAI): nothing to say; elsewhere the person says what the typed model makes.
  const imagesOnly = !spec.capabilities.textToVideo;
  const kind = byId<HTMLSelectElement>('model-kind');
  kind.value = imagesOnly ? 'image' : compose.kind ?? 'image';
  kind.disabled = imagesOnly;
}

function renderModel(): void {
  renderOtherModel();
  const model = currentModel();
  const fields = model?.params ?? [];
  const kept: Record<string, string> = {};
  for (const f of fields) if (compose.params[f.name] !== undefined) kept[f.name] = compose.params[f.name];
  save({ params: kept });
  // The model's main fields in the row; the rest of what its spec documents under "Advanced".
  byId('params').replaceChildren(...fields.filter((f) => !f.advanced).map(paramControl));
  byId('advanced-params').replaceChildren(...fields.filter((f) => f.advanced).map(paramControl));
  const rules = model?.rules ?? [];
  const source = model ? (model.documented ? l10n.t('Fields as documented at {0}.', model.source) : l10n.t('{0} is not documented: these are the fields {1} documents for every model.', model.id, providerSpec(model.provider).label)) : '';
  byId('model-rules').textContent = [source, ...rules].filter(Boolean).join(' ');
  renderExtra();
  renderNote();
  renderReferences();
  renderEstimate();
}

function onParam(name: string, value: string): void {
  const params = { ...compose.params };
  if (value.trim()) params[name] = value;
  else delete params[name];
  save({ params });
  renderEstimate();
}

/** Says up front what a model does with references, instead of failing at submit. */
function renderNote(): void {
  const model = currentModel();
  const note = byId('model-note');
  let text = '';
  const max = model?.references.max;
  const count = compose.references.length + compose.imageUrls.length;
  // How to give an image to this model: Animate switches to a video model, so it is the way only for videos;
  // an image model gets a result's URL from Edit Image on that result (the quick input sends the URL).
  const howToGiveImage = model?.kind === 'video'
    ? l10n.t('use Animate on an image result to pass its URL')
    : l10n.t('right-click an image result in the Explorer and choose Media Studio → Edit Image, which sends its URL while the provider keeps it, or asks you for a public URL');
  if (model && takesUrls(model) && compose.references.length) {
    text = l10n.t('{0} takes reference images only as public URLs, not workspace files: remove the files, or {1}.', model.id, howToGiveImage);
  } else if (model && max !== undefined && count > max) {
    text = l10n.t('{0} takes at most {1} reference image(s); {2} are given.', model.id, max, count);
  } else if (model && takesUrls(model)) {
    text = l10n.t('{0} takes reference images only as public URLs: {1}.', model.id, howToGiveImage);
  } else if (model && !takesFiles(model) && compose.references.length) {
    text = l10n.t('{0} does not take reference images: remove them or choose another model.', model.id);
  } else if (model && !takesUrls(model) && compose.imageUrls.length) {
    text = l10n.t('{0} does not take input image URLs: remove them or choose a model that does.', model.id);
  }
  note.textContent = text;
  note.hidden = !text;
}

function renderEstimate(): void {
  const element = byId('estimate');
  const model = currentModel();
  const params: Record<string, ParamValue> = {};
  for (const [name, text] of Object.entries(compose.params)) {
    const read = paramFromText(model?.params.find((p) => p.name === name), text);
    if ('value' in read && read.value !== undefined) params[name] = read.value;
  }
  const kind = model?.kind ?? 'image';
  const operation = kind === 'video' ? 'video' : compose.references.length || compose.imageUrls.length ? 'edit' : 'generate';
  const estimate = compose.model ? formatEstimate(estimateCost({ provider: compose.provider, model: model?.id ?? compose.model, operation, kind, params })) : undefined;
  const balance = modelsByProvider.get(compose.provider)?.balanceUsd;
  // Where no price is documented, the balance (Apixo's) is what the user can budget against.
  const text = [estimate, balance === undefined ? undefined : l10n.t('Account balance: ${0} USD', balance.toFixed(2))].filter(Boolean).join(' · ');
  element.textContent = text;
  element.hidden = !text;
}

function renderReferences(): void {
  const list = byId('reference-list');
  const references = compose.references;
  list.replaceChildren(...references.map((ref, index) => {
    const move = (to: number) => {
      const next = [...references];
      const [item] = next.splice(index, 1);
      next.splice(to, 0, item);
      save({ references: next });
      renderReferences();
      renderNote();
      // Keep the keyboard where it was: on the same reference's button.
      list.querySelectorAll<HTMLButtonElement>('li')[to]?.querySelector<HTMLButtonElement>(to < index ? '.up' : '.down')?.focus();
    };
    const up = h('button', { type: 'button', class: 'icon up', 'aria-label': l10n.t('Move {0} up', ref.name), disabled: index === 0 }, '↑');
    const down = h('button', { type: 'button', class: 'icon down', 'aria-label': l10n.t('Move {0} down', ref.name), disabled: index === references.length - 1 }, '↓');
    const remove = h('button', { type: 'button', class: 'icon', 'aria-label': l10n.t('Remove {0}', ref.name) }, '✕');
    up.addEventListener('click', () => move(index - 1));
    down.addEventListener('click', () => move(index + 1));
    remove.addEventListener('click', () => {
      save({ references: references.filter((_, i) => i !== index) });
      renderReferences();
      renderNote();
      byId('add-references').focus();
    });
    return h('li', { class: 'reference' }, h('img', { src: ref.src, alt: ref.name }), h('span', { class: 'name', title: ref.name }, ref.name), up, down, remove);
  }));
  const urls = byId('url-list');
  urls.replaceChildren(...compose.imageUrls.map((url, index) => {
    const remove = h('button', { type: 'button', class: 'icon', 'aria-label': l10n.t('Remove input image URL') }, '✕');
    remove.addEventListener('click', () => {
      save({ imageUrls: compose.imageUrls.filter((_, i) => i !== index) });
      renderReferences();
      renderNote();
    });
    return h('li', {}, h('span', { class: 'name', title: url }, l10n.t('Input image URL: {0}', url)), remove);
  }));
}

function addReferences(references: readonly ReferenceView[]): void {
  // A reference offered again (after a reload) keeps its place and takes the host's fresh thumbnail URI.
  const fresh = new Map(references.map((r) => [r.uri, r]));
  const kept = compose.references.map((r) => fresh.get(r.uri) ?? r);
  const known = new Set(kept.map((r) => r.uri));
  const added = references.filter((r) => !known.has(r.uri));
  save({ references: [...kept, ...added].slice(0, 16) });
  renderReferences();
  renderNote();
  if (added.length) setStatus(added.length === 1 ? l10n.t('1 reference image added.') : l10n.t('{0} reference images added.', added.length));
}

function submit(): void {
  const button = byId<HTMLButtonElement>('submit');
  if (button.disabled) return;
  if (!compose.prompt.trim()) {
    setStatus(l10n.t('Type a prompt first.'), true);
    byId('prompt').focus();
    return;
  }
  if (!compose.model) {
    setStatus(compose.otherModel ? l10n.t('Type a model id first.') : l10n.t('Choose a model first.'), true);
    if (compose.otherModel) byId('model-id').focus();
    return;
  }
  button.disabled = true;
  setStatus(l10n.t('Submitting…'));
  const requestId = newId();
  request({
    type: 'submit', requestId, provider: compose.provider, model: compose.model, prompt: compose.prompt, params: compose.params,
    extra: Object.fromEntries((compose.extra ?? []).filter((r) => r.name).map((r) => [r.name, r.value])),
    references: compose.references.map((r) => r.uri), imageUrls: [...compose.imageUrls],
    ...(compose.otherModel ? { kind: currentModel()?.kind ?? 'image' } : {}),
  }, (reply) => {
    button.disabled = false;
    if (reply.type === 'submitted') setStatus(l10n.t('Submitted.'));
  });
}

// ---- tasks and results ----

// Built after the bundle is configured at the top of this module, so the words are translated.
const STATE_WORDS: Record<TaskView['state'], string> = {
  queued: l10n.t('queued'), submitting: l10n.t('submitting'), unconfirmed: l10n.t('unconfirmed'), submitted: l10n.t('waiting'), running: l10n.t('running'),
  succeeded: l10n.t('done'), failed: l10n.t('failed'), cancelled: l10n.t('cancelled'), stale: l10n.t('stale'),
};

/** The same elapsed time as the Tasks view's (core/elapsed: since submitted, not since the provider started it). */
function elapsed(task: TaskView): string {
  return formatElapsed(task, Date.now());
}

function actionButton(task: TaskView, action: TaskAction, label: string, index = 0): HTMLButtonElement {
  const button = iconButton(action, label, task.prompt.slice(0, 60));
  button.addEventListener('click', () => {
    button.disabled = true;
    request({ type: 'taskAction', requestId: newId(), action, taskId: task.id, resultIndex: index }, (reply) => {
      button.disabled = false;
      if (reply.type === 'submitted') setStatus(l10n.t('Submitted again as a new task.'));
      if (reply.type === 'done' && action === 'copyPrompt') setStatus(l10n.t('Prompt copied.'));
    });
  });
  return button;
}

/** Why a finished task's result is not in the workspace, in the card itself (the Tasks view marks it too). */
function saveFailure(task: TaskView): HTMLParagraphElement | undefined {
  const failed = task.results.find((r) => r.saveError);
  return failed ? h('p', { class: 'error save-error', role: 'status' }, l10n.t('Not saved: {0} Use "Save Again" on the task in the Tasks view.', failed.saveError as string)) : undefined;
}

function taskCard(task: TaskView): HTMLLIElement {
  const running = !['succeeded', 'failed', 'cancelled'].includes(task.state);
  const progress = running && task.progress !== undefined
    ? h('progress', { max: 100, value: task.progress, 'aria-label': l10n.t('Progress {0}%', task.progress) })
    : undefined;
  return h('li', { class: `card state-${task.state}`, 'data-task': task.id },
    h('p', { class: 'prompt' }, task.prompt),
    h('p', { class: 'meta' },
      h('span', { class: 'state' }, STATE_WORDS[task.state]),
      ` · ${task.providerLabel} · ${task.model} · `,
      h('span', { class: 'elapsed', 'data-running': running ? 'true' : undefined }, elapsed(task)),
      task.cost ? ` · cost ${formatCost(task.cost)}` : undefined),
    progress,
    task.error ? h('p', { class: 'error' }, task.error) : undefined,
    saveFailure(task),
    toolbar(l10n.t('Task actions'), [
      task.cancellable ? actionButton(task, 'cancel', l10n.t('Cancel')) : undefined,
      task.results.some((r) => r.name) ? actionButton(task, 'open', l10n.t('Open'), task.results.find((r) => r.name)?.index ?? 0) : undefined,
      running ? undefined : actionButton(task, 'regenerate', l10n.t('Regenerate')),
      actionButton(task, 'copyPrompt', l10n.t('Copy Prompt')),
    ]));
}

function galleryItems(task: TaskView): HTMLLIElement[] {
  return task.results.filter((r) => r.src).map((result) => {
    const media = result.kind === 'video'
      ? h('video', { src: result.src, controls: true, preload: 'metadata', 'aria-label': l10n.t('Video: {0}', task.prompt.slice(0, 80)) })
      : h('img', { src: result.src, alt: task.prompt.slice(0, 120) });
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

/** Replaces one task's card and results, keeping keyboard focus on the same button if it was inside. */
function renderTask(id: string): void {
  const focused = document.activeElement instanceof HTMLElement ? document.activeElement : undefined;
  const focusKey = focused?.closest(`[data-task="${CSS.escape(id)}"]`) ? focused.dataset.action : undefined;
  const list = byId('task-list');
  const gallery = byId('gallery');
  const task = tasks.get(id);
  const oldCard = list.querySelector(`[data-task="${CSS.escape(id)}"]`);
  const oldResults = Array.from(gallery.querySelectorAll(`[data-task="${CSS.escape(id)}"]`));
  if (!task) {
    oldCard?.remove();
    for (const r of oldResults) r.remove();
  } else {
    const card = taskCard(task);
    if (oldCard) oldCard.replaceWith(card);
    else insertSorted(list, card, task);
    const items = galleryItems(task);
    if (oldResults.length && items.length === oldResults.length) oldResults.forEach((old, i) => old.replaceWith(items[i]));
    else {
      for (const r of oldResults) r.remove();
      for (const item of items.reverse()) insertSorted(gallery, item, task);
    }
    if (focusKey) card.querySelector<HTMLElement>(`[data-action="${focusKey}"]`)?.focus();
  }
  byId('no-tasks').hidden = tasks.size > 0;
  scheduleClock();
}

/** Newest first, as the store lists them. */
function insertSorted(list: HTMLElement, element: HTMLElement, task: TaskView): void {
  const after = Array.from(list.children).find((child) => {
    const other = tasks.get((child as HTMLElement).dataset.task ?? '');
    return other !== undefined && other.createdAt < task.createdAt;
  });
  list.insertBefore(element, after ?? null);
}

/** Elapsed times of running tasks tick once a second on screen; this only redraws, it asks nobody anything. */
let clock: ReturnType<typeof setTimeout> | undefined;
function scheduleClock(): void {
  if (clock !== undefined) return;
  if (![...tasks.values()].some((t) => !['succeeded', 'failed', 'cancelled'].includes(t.state))) return;
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

// ---- messages from the host ----

window.addEventListener('message', (event: MessageEvent<HostMessage>) => {
  const message = event.data;
  batchReceive(message);
  if ('requestId' in message && message.requestId !== undefined) {
    const reply = pending.get(message.requestId);
    pending.delete(message.requestId);
    reply?.(message);
  }
  switch (message.type) {
    case 'init':
      providers = message.providers;
      if (!initialised && !saved) compose = { ...compose, provider: message.defaultProvider };
      initialised = true;
      tasks.clear();
      byId('task-list').replaceChildren();
      byId('gallery').replaceChildren();
      for (const task of message.tasks) tasks.set(task.id, task);
      for (const task of [...message.tasks].reverse()) renderTask(task.id);
      byId('no-tasks').hidden = tasks.size > 0;
      renderProviders();
      loadModels();
      // Saved references (a restored panel) are offered again: the host lets the webview load each one.
      if (compose.references.length) request({ type: 'dropReferences', requestId: newId(), uris: compose.references.map((r) => r.uri) });
      break;
    case 'task':
      tasks.set(message.task.id, message.task);
      renderTask(message.task.id);
      break;
    case 'taskRemoved':
      tasks.delete(message.id);
      renderTask(message.id);
      break;
    case 'addReferences':
      addReferences(message.references);
      break;
    case 'prefill':
      save({ provider: message.provider, model: message.model, otherModel: false, prompt: message.prompt, imageUrls: [...message.imageUrls], params: {} });
      byId<HTMLTextAreaElement>('prompt').value = compose.prompt;
      renderProviders();
      loadModels();
      setStatus(l10n.t('Ready to animate: check the prompt, then Generate.'));
      byId('prompt').focus();
      break;
    case 'error':
      setStatus(message.message, true);
      break;
    case 'models':
    case 'submitted':
    case 'done':
      break; // handled by their request's reply callback
  }
});

layout();
mountBatch({ request, newId });
renderReferences();
vscode.postMessage({ type: 'ready' });
