/**
 * Size-like option lists mix forms: pixel sizes ("1024x1024"), resolutions ("2K", "720p") and aspect ratios
 * ("16:9"). The quick inputs and the panel group a list by form, with a word on what each form means, so the
 * person sees that "2K" is a scale the model turns into pixels and "16:9" a shape. Classified by the value's
 * form alone: no model knowledge needed, so new models' values group the same way.
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

/**
 * The values grouped by form, groups in VALUE_FORMS order and values in their given order. One group when
 * the list has one form only (nothing to tell apart: callers show it without headings).
 */
export function groupByForm(values: readonly string[]): ValueGroup[] {
  const groups = new Map<ValueForm, string[]>();
  for (const value of values) {
    const form = valueForm(value);
    groups.set(form, [...(groups.get(form) ?? []), value]);
  }
  return VALUE_FORMS.filter((form) => groups.has(form)).map((form) => ({ form, values: groups.get(form) ?? [] }));
}
