/**
 * Size-like lists mix pixel sizes, resolutions ("2K") and aspect ratios ("16:9"); grouping them, with a word each, shows
 * that "2K" is a scale and "16:9" a shape. By the value's form alone, so new models' values group the same way.
 */

export type ValueForm = 'pixels' | 'resolution' | 'aspectRatio' | 'other';

/** The order groups are shown in. */
export const VALUE_FORMS: readonly ValueForm[] = ['pixels', 'resolution', 'aspectRatio', 'other'];

export function valueForm(value: string): ValueForm {
  const v = value.trim();
  if (/^\d{2,5}\s*[x×*]\s*\d{2,5}$/i.test(v)) return 'pixels';
  if (/^\d+(?:\.\d+)?\s*[kK]$/.test(v) || /^\d{3,4}[pP]$/.test(v)) return 'resolution';
  if (/^\d+(?:\.\d+)?\s*:\s*\d+(?:\.\d+)?$/.test(v)) return 'aspectRatio';
  return 'other';
}

export interface ValueGroup {
  readonly form: ValueForm;
  readonly values: readonly string[];
}

/** One group when the list has one form only (callers show it without headings). */
export function groupByForm(values: readonly string[]): ValueGroup[] {
  const groups = new Map<ValueForm, string[]>();
  for (const value of values) {
    const form = valueForm(value);
    groups.set(form, [...(groups.get(form) ?? []), value]);
  }
  return VALUE_FORMS.filter((form) => groups.has(form)).map((form) => ({ form, values: groups.get(form) ?? [] }));
}
