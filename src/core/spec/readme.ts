/**
 * The README's "Models and their parameters" section, from the specs; a unit test keeps it in step (rewrite it with
 * `node out/scripts/specsReadme.js` after `npm run compile-tests`). Not imported by the extension.
 */
import { PROVIDER_SPECS } from './registry';
import type { ModelSpec, ParamSpec } from './types';

export const MODELS_START = '<!-- models:start (generated from src/core/spec by scripts/specsReadme.ts) -->';
export const MODELS_END = '<!-- models:end -->';

function field(param: ParamSpec): string {
  const values = param.values?.length ? ` ${param.complete ? '' : 'e.g. '}${param.values.map((v) => `\`${v}\``).join('/')}` : '';
  const bounds =
    (param.min !== undefined && param.min > 0.0001) || param.max !== undefined
      ? ` ${param.min !== undefined && param.min > 0.0001 ? `≥ ${param.min}` : ''}${param.min !== undefined && param.min > 0.0001 && param.max !== undefined ? ', ' : ''}${param.max !== undefined ? `≤ ${param.max}` : ''}`
      : '';
  const type = param.type === 'enum' ? '' : ` (${param.type})`;
  return `\`${param.name}\`${type}${values}${bounds}${param.advanced ? ' *' : ''}`;
}

function references(model: ModelSpec): string {
  const refs = model.references;
  if (refs.via === 'none') return 'none';
  const count =
    refs.min !== undefined && refs.min === refs.max
      ? `exactly ${refs.min}`
      : refs.max !== undefined
        ? `≤ ${refs.max}`
        : 'count not documented';
  return `${refs.via}, ${count}`;
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

/** One table per provider, one row per documented model. */
export function modelsMarkdown(): string {
  const lines: string[] = [];
  for (const spec of PROVIDER_SPECS) {
    lines.push(
      `**${spec.label}** (\`${spec.id}\`)`,
      '',
      '| Model | Makes | Fields (* under Advanced) | Reference images | Rules |',
      '|---|---|---|---|---|',
    );
    for (const model of spec.models as readonly ModelSpec[]) {
      const id = model.aliases?.length ? `\`${model.id}\` (${model.aliases.map((a) => `\`${a}\``).join(', ')})` : `\`${model.id}\``;
      lines.push(
        `| ${[id, model.kind, model.params.map(field).join(', ') || '—', references(model), (model.rules ?? []).join(' ') || '—'].map(cell).join(' | ')} |`,
      );
    }
    lines.push('');
  }
  return lines.join('\n').trimEnd();
}
