/** Prompt templates: `{name}` names a variable; `{{` and `}}` stand for literal braces. */
import { isVariableName } from './rows';

export type TemplatePart = { readonly text: string } | { readonly variable: string };

/** The panel highlights the variables from this. */
export function templateParts(template: string): TemplatePart[] {
  const parts: TemplatePart[] = [];
  let text = '';
  for (let i = 0; i < template.length; i++) {
    const c = template[i];
    if ((c === '{' || c === '}') && template[i + 1] === c) {
      text += c;
      i++;
      continue;
    }
    if (c === '{') {
      const close = template.indexOf('}', i + 1);
      const name = close > i ? template.slice(i + 1, close) : '';
      if (isVariableName(name)) {
        if (text) parts.push({ text });
        text = '';
        parts.push({ variable: name });
        i = close;
        continue;
      }
    }
    text += c;
  }
  if (text) parts.push({ text });
  return parts;
}

/** Each once, in order of first appearance. */
export function templateVariables(template: string): string[] {
  const names: string[] = [];
  for (const part of templateParts(template)) if ('variable' in part && !names.includes(part.variable)) names.push(part.variable);
  return names;
}

/** The caller has checked every variable has a value. */
export function fillTemplate(template: string, values: Readonly<Record<string, string>>): string {
  return templateParts(template).map((part) => ('variable' in part ? values[part.variable] ?? '' : part.text)).join('');
}
