/** Option lists grouped by form (core/valueForms): optgroups in a select; a datalist cannot group, so labels instead. */
import * as l10n from '@vscode/l10n';
import { groupByForm, type ValueForm } from '../core/valueForms';

function formLabel(form: ValueForm): string {
  switch (form) {
    case 'pixels': return l10n.t('Pixels — exact width × height');
    case 'resolution': return l10n.t('Resolution — the model picks the pixels at this scale');
    case 'aspectRatio': return l10n.t('Aspect ratio — the shape; the model picks the pixels');
    case 'other': return l10n.t('Other');
  }
}

function option(value: string, selected: boolean, label?: string): HTMLOptionElement {
  const element = document.createElement('option');
  element.value = value;
  element.textContent = value;
  if (label) element.label = `${value} — ${label}`;
  element.selected = selected;
  return element;
}

/** Plain when the list has one form. */
export function selectOptions(values: readonly string[], selected: string | undefined): HTMLElement[] {
  const groups = groupByForm(values);
  if (groups.length <= 1) return values.map((v) => option(v, v === selected));
  return groups.map((group) => {
    const element = document.createElement('optgroup');
    element.label = formLabel(group.form);
    element.append(...group.values.map((v) => option(v, v === selected)));
    return element;
  });
}

/** Labelled with its form when the list mixes forms. */
export function datalistOptions(values: readonly string[]): HTMLOptionElement[] {
  const mixed = groupByForm(values).length > 1;
  const word = (form: ValueForm) =>
    ({ pixels: l10n.t('pixels'), resolution: l10n.t('resolution'), aspectRatio: l10n.t('aspect ratio'), other: '' })[form];
  return groupByForm(values).flatMap((group) =>
    group.values.map((v) => option(v, false, mixed ? word(group.form) || undefined : undefined)),
  );
}
