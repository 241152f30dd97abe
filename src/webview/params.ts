/** The model's fields as form controls, and the Advanced section's free rows of undocumented fields. */
import * as l10n from '@vscode/l10n';
import { LIMITS } from '../core/panelProtocol';
import type { ParamSpec } from '../core/spec/types';
import { renderEstimate } from './compose';
import { byId, h } from './dom';
import { currentModel, panel, save } from './state';
import { datalistOptions, selectOptions } from './valueGroups';

/** Fields every provider has under some name; any other is shown by its provider's name. */
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

/** Under its provider's name (id param-<name>). */
export function paramControl(param: ParamSpec): HTMLElement {
  const id = `param-${param.name}`;
  const current = panel.compose.params[param.name] ?? '';
  const values = param.type === 'boolean' ? ['true', 'false'] : (param.values ?? []).map(String);
  let control: HTMLElement;
  if (param.complete || param.type === 'boolean') {
    const select = h('select', { id }, h('option', { value: '' }, 'default'), ...selectOptions(values, current));
    select.addEventListener('change', () => onParam(param.name, select.value));
    control = select;
  } else {
    const placeholder =
      param.type === 'object'
        ? '{"…": 1}'
        : param.type === 'objectList'
          ? '[{"…": 1}]'
          : param.type === 'file'
            ? 'images/mask.png'
            : 'default';
    const input = h('input', {
      id,
      list: values.length ? `${id}-values` : undefined,
      value: current,
      placeholder,
      autocomplete: 'off',
      spellcheck: 'false',
      maxlength: LIMITS.paramValue,
    });
    input.addEventListener('input', () => onParam(param.name, input.value));
    control = values.length ? h('span', {}, input, h('datalist', { id: `${id}-values` }, ...datalistOptions(values))) : input;
  }
  const label = roleLabel(param);
  const title = [param.name !== label ? param.name : undefined, param.note, l10n.t('Documented at {0}', param.source)]
    .filter(Boolean)
    .join(' — ');
  return h('div', { class: 'field', 'data-param': param.name }, h('label', { for: id, title }, label), control);
}

/** Undocumented fields by name, sent in `extra`. */
export function renderExtra(): void {
  const rows = panel.compose.extra ?? [];
  const names = byId<HTMLDataListElement>('extra-names');
  names.replaceChildren(...(currentModel()?.knownExtra ?? []).map((p) => h('option', { value: p.name }, p.note ?? p.source)));
  byId('extra-rows').replaceChildren(...rows.map((row, index) => {
    const update = (changes: Partial<{ name: string; value: string }>) =>
      save({ extra: (panel.compose.extra ?? []).map((r, i) => (i === index ? { ...r, ...changes } : r)) });
    const name = h('input', {
      class: 'extra-name',
      value: row.name,
      list: 'extra-names',
      placeholder: l10n.t('field name'),
      'aria-label': l10n.t('Field name'),
      autocomplete: 'off',
      spellcheck: 'false',
      maxlength: 40,
    });
    const value = h('input', {
      class: 'extra-value',
      value: row.value,
      placeholder: l10n.t('value (text, number, true/false or JSON)'),
      'aria-label': l10n.t('Value of {0}', row.name || l10n.t('the field')),
      autocomplete: 'off',
      spellcheck: 'false',
      maxlength: LIMITS.paramValue,
    });
    name.addEventListener('input', () => update({ name: name.value.trim() }));
    value.addEventListener('input', () => update({ value: value.value }));
    const remove = h('button', { type: 'button', class: 'icon', 'aria-label': l10n.t('Remove field {0}', row.name) }, '✕');
    remove.addEventListener('click', () => {
      save({ extra: (panel.compose.extra ?? []).filter((_, i) => i !== index) });
      renderExtra();
      byId('add-extra').focus();
    });
    return h('li', { class: 'extra-row' }, name, value, remove);
  }));
}


function onParam(name: string, value: string): void {
  const params = { ...panel.compose.params };
  if (value.trim()) params[name] = value;
  else delete params[name];
  save({ params });
  renderEstimate();
}

