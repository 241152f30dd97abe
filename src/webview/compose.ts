/** The compose area: provider and model pickers ("Other…" for a typed id), the model's notes, the estimate, Generate. */
import * as l10n from '@vscode/l10n';
import { takesFiles, takesUrls } from '../core/catalog';
import { estimateCost, formatEstimate } from '../core/spec/price';
import { providerSpec } from '../core/spec/registry';
import { paramFromText } from '../core/spec/validate';
import type { ProviderId } from '../core/providers';
import type { ParamValue } from '../core/task';
import { byId, h } from './dom';
import { paramControl, renderExtra } from './params';
import { renderReferences } from './references';
import { request } from './rpc';
import { currentModel, modelsByProvider, OTHER_MODEL, panel, save } from './state';
import { setStatus } from './status';

export function renderProviders(): void {
  const select = byId<HTMLSelectElement>('provider');
  select.replaceChildren(
    ...panel.providers.map((p) =>
      h('option', { value: p.id, selected: p.id === panel.compose.provider }, p.hasKey ? p.label : l10n.t('{0} (no key)', p.label)),
    ),
  );
}

export function loadModels(): void {
  const provider = panel.compose.provider;
  const known = modelsByProvider.get(provider);
  if (known) {
    renderModels();
    return;
  }
  byId<HTMLSelectElement>('model').replaceChildren(h('option', {}, l10n.t('Loading models…')));
  request('listModels', { provider }).then((reply) => {
    modelsByProvider.set(reply.provider, { models: reply.models, balanceUsd: reply.balanceUsd });
    if (reply.provider === panel.compose.provider) renderModels();
  }, () => undefined);
}

/** A balance read again after a task ended: kept with the provider's models, shown if that provider is picked. */
export function updateBalance(provider: ProviderId, balanceUsd: number): void {
  const entry = modelsByProvider.get(provider);
  // Before the models arrive there is nothing to show it with; their reply brings a fresh balance anyway.
  if (!entry) return;
  modelsByProvider.set(provider, { ...entry, balanceUsd });
  if (provider === panel.compose.provider) renderEstimate();
}

export function renderModels(): void {
  const entry = modelsByProvider.get(panel.compose.provider);
  const models = entry?.models ?? [];
  if (!panel.compose.otherModel && !models.some((m) => m.id === panel.compose.model)) save({ model: models[0]?.id ?? '', params: {} });
  const select = byId<HTMLSelectElement>('model');
  const group = (kind: 'image' | 'video', label: string) => {
    const items = models.filter((m) => m.kind === kind);
    return items.length
      ? h(
          'optgroup',
          { label },
          ...items.map((m) =>
            h(
              'option',
              { value: m.id, selected: !panel.compose.otherModel && m.id === panel.compose.model },
              m.label ? `${m.id} — ${m.label}` : m.id,
            ),
          ),
        )
      : undefined;
  };
  const other = h('option', { value: OTHER_MODEL, selected: !!panel.compose.otherModel }, l10n.t('Other…'));
  select.replaceChildren(
    ...[group('image', l10n.t('Images')), group('video', l10n.t('Videos'))].filter((g): g is HTMLOptGroupElement => !!g),
    other,
  );
  renderModel();
}


export function renderOtherModel(): void {
  const other = !!panel.compose.otherModel;
  byId('other-model').hidden = !other;
  if (!other) return;
  const input = byId<HTMLInputElement>('model-id');
  if (input.value.trim() !== panel.compose.model) input.value = panel.compose.model;
  const spec = providerSpec(panel.compose.provider);
  input.placeholder = spec.modelIdHint ?? l10n.t('The provider\'s model id');
  byId('model-id-hint').textContent = spec.modelIdFrom
    ? l10n.t('A model version id, or a model page URL such as {0}.', spec.modelIdHint ?? '')
    : l10n.t('Any model id {0} serves.', spec.label);
  // A provider that makes images only (PixAI, OpenAI): nothing to say; elsewhere the person says what the typed model makes.
  const imagesOnly = !spec.capabilities.textToVideo;
  const kind = byId<HTMLSelectElement>('model-kind');
  kind.value = imagesOnly ? 'image' : panel.compose.kind ?? 'image';
  kind.disabled = imagesOnly;
}

export function renderModel(): void {
  renderOtherModel();
  const model = currentModel();
  const fields = model?.params ?? [];
  const kept: Record<string, string> = {};
  for (const f of fields) if (panel.compose.params[f.name] !== undefined) kept[f.name] = panel.compose.params[f.name];
  save({ params: kept });
  // The model's main fields in the row; the rest of what its spec documents under "Advanced".
  byId('params').replaceChildren(...fields.filter((f) => !f.advanced).map(paramControl));
  byId('advanced-params').replaceChildren(...fields.filter((f) => f.advanced).map(paramControl));
  const rules = model?.rules ?? [];
  const source = model
    ? model.documented
      ? l10n.t('Fields as documented at {0}.', model.source)
      : l10n.t('{0} is not documented: these are the fields {1} documents for every model.', model.id, providerSpec(model.provider).label)
    : '';
  byId('model-rules').textContent = [source, ...rules].filter(Boolean).join(' ');
  renderExtra();
  renderNote();
  renderReferences();
  renderEstimate();
}


/** Up front, instead of failing at submit. */
export function renderNote(): void {
  const model = currentModel();
  const note = byId('model-note');
  let text = '';
  const max = model?.references.max;
  const count = panel.compose.references.length + panel.compose.imageUrls.length;
  // How to give an image to this model: Animate switches to a video model, so it is the way only for videos;
  // an image model gets a result's URL from Edit Image on that result (the quick input sends the URL).
  const howToGiveImage =
    model?.kind === 'video'
      ? l10n.t('use Animate on an image result to pass its URL')
      : l10n.t(
          'right-click an image result in the Explorer and choose Media Studio → Edit Image, which sends its URL while the provider keeps it, or asks you for a public URL',
        );
  if (model && takesUrls(model) && panel.compose.references.length) {
    text = l10n.t(
      '{0} takes reference images only as public URLs, not workspace files: remove the files, or {1}.',
      model.id,
      howToGiveImage,
    );
  } else if (model && max !== undefined && count > max) {
    text = l10n.t('{0} takes at most {1} reference image(s); {2} are given.', model.id, max, count);
  } else if (model && takesUrls(model)) {
    text = l10n.t('{0} takes reference images only as public URLs: {1}.', model.id, howToGiveImage);
  } else if (model && !takesFiles(model) && panel.compose.references.length) {
    text = l10n.t('{0} does not take reference images: remove them or choose another model.', model.id);
  } else if (model && !takesUrls(model) && panel.compose.imageUrls.length) {
    text = l10n.t('{0} does not take input image URLs: remove them or choose a model that does.', model.id);
  }
  note.textContent = text;
  note.hidden = !text;
}

export function renderEstimate(): void {
  const element = byId('estimate');
  const model = currentModel();
  const params: Record<string, ParamValue> = {};
  for (const [name, text] of Object.entries(panel.compose.params)) {
    const read = paramFromText(model?.params.find((p) => p.name === name), text);
    if ('value' in read && read.value !== undefined) params[name] = read.value;
  }
  const kind = model?.kind ?? 'image';
  const operation = kind === 'video' ? 'video' : panel.compose.references.length || panel.compose.imageUrls.length ? 'edit' : 'generate';
  const estimate = panel.compose.model
    ? formatEstimate(estimateCost({ provider: panel.compose.provider, model: model?.id ?? panel.compose.model, operation, kind, params }))
    : undefined;
  const balance = modelsByProvider.get(panel.compose.provider)?.balanceUsd;
  // Where no price is documented, the balance (Apixo's) is what the user can budget against.
  const text = [estimate, balance === undefined ? undefined : l10n.t('Account balance: ${0} USD', balance.toFixed(2))]
    .filter(Boolean)
    .join(' · ');
  element.textContent = text;
  element.hidden = !text;
}


export function submit(): void {
  const button = byId<HTMLButtonElement>('submit');
  if (button.disabled) return;
  if (!panel.compose.prompt.trim()) {
    setStatus(l10n.t('Type a prompt first.'), true);
    byId('prompt').focus();
    return;
  }
  if (!panel.compose.model) {
    setStatus(panel.compose.otherModel ? l10n.t('Type a model id first.') : l10n.t('Choose a model first.'), true);
    if (panel.compose.otherModel) byId('model-id').focus();
    return;
  }
  button.disabled = true;
  setStatus(l10n.t('Submitting…'));
  request('submit', {
    provider: panel.compose.provider, model: panel.compose.model, prompt: panel.compose.prompt, params: panel.compose.params,
    extra: Object.fromEntries((panel.compose.extra ?? []).filter((r) => r.name).map((r) => [r.name, r.value])),
    references: panel.compose.references.map((r) => r.uri), imageUrls: [...panel.compose.imageUrls],
    ...(panel.compose.otherModel ? { kind: currentModel()?.kind ?? 'image' } : {}),
  }).then(() => setStatus(l10n.t('Submitted.')), () => undefined).finally(() => {
    button.disabled = false;
  });
}

