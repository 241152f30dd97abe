/** Expanding a batch into rows × models; every problem is found here, before anything is stored or sent. */
import * as l10n from '@vscode/l10n';
import type { ProviderId } from '../providers';
import type { ParamValue } from '../task';
import { isVariableName, type Row } from './rows';
import { fillTemplate, templateVariables } from './template';

export interface BatchModel {
  readonly provider: ProviderId;
  readonly model: string;
  /** Over the batch's shared ones. */
  readonly params?: Readonly<Record<string, ParamValue>>;
}

export interface BatchCell {
  /** Row-major: row × models + model. */
  readonly index: number;
  readonly row: number;
  readonly model: number;
  readonly values: Row;
  readonly prompt: string;
}

export interface BatchPlanInput {
  readonly template: string;
  readonly variables?: Readonly<Record<string, readonly string[]>>;
  /** From a CSV / JSON Lines file (see rows.ts). */
  readonly rows?: readonly Row[];
  readonly rowsFile?: string;
  readonly models: readonly BatchModel[];
  readonly maxTasks: number;
}

export interface BatchPlan {
  readonly variables: readonly string[];
  readonly rows: readonly Row[];
  readonly cells: readonly BatchCell[];
  /** The batch can run (a variable given but never used). */
  readonly warnings: readonly string[];
}

export const DEFAULT_MAX_TASKS = 100;

export function braces(name: string): string {
  return `{${name}}`;
}

/** First variable slowest. */
export function productRows(variables: Readonly<Record<string, readonly string[]>>, names: readonly string[]): Row[] {
  let rows: Row[] = [{}];
  for (const name of names) {
    const values = variables[name] ?? [];
    rows = rows.flatMap((row) => values.map((value) => ({ ...row, [name]: value })));
  }
  return rows;
}

/** Or the first problem that keeps it from running. */
export function planBatch(input: BatchPlanInput): BatchPlan | { error: string } {
  if (!input.template.trim()) return { error: l10n.t('The template is empty. Write a prompt, with {name} where a variable goes.') };
  const used = templateVariables(input.template);
  const variables = input.variables ?? {};
  const fileNames = input.rows?.length ? Object.keys(input.rows[0]) : [];
  const warnings: string[] = [];
  for (const [name, values] of Object.entries(variables)) {
    if (!isVariableName(name))
      return { error: l10n.t('"{0}" is not a variable name (letters, digits, _ and -, starting with a letter or _).', name) };
    if (!Array.isArray(values) || !values.every((v) => typeof v === 'string'))
      return { error: l10n.t('The values of {0} must be a list of strings.', braces(name)) };
    if (values.length === 0) return { error: l10n.t('The list of values for {0} is empty. Give at least one value.', braces(name)) };
    if (fileNames.includes(name))
      return {
        error: l10n.t(
          '{0} has values both in the list and in {1}; give them in one place.',
          braces(name),
          input.rowsFile ?? l10n.t('the rows file'),
        ),
      };
    if (!used.includes(name)) warnings.push(l10n.t('The template does not use {0}; its values are ignored.', braces(name)));
  }
  for (const name of fileNames) {
    if (!used.includes(name))
      warnings.push(
        l10n.t('The template does not use {0} from {1}; that column is ignored.', braces(name), input.rowsFile ?? l10n.t('the rows file')),
      );
  }
  for (const name of used) {
    if (!Object.hasOwn(variables, name) && !fileNames.includes(name)) {
      return {
        error: l10n.t(
          '{0} has no values. List them under "variables" (such as "{1}": ["red", "blue"]), or use a rows file whose header names {1}.',
          braces(name),
          name,
        ),
      };
    }
  }
  if (input.models.length === 0) return { error: l10n.t('Choose at least one model.') };
  const listed = used.filter((name) => Object.hasOwn(variables, name));
  const fileRows = input.rows?.length ? input.rows : [{}];
  // Counted before the rows are built: a product of long lists can be huge.
  const rowCount = fileRows.length * listed.reduce((n, name) => n * variables[name].length, 1);
  const taskCount = rowCount * input.models.length;
  if (taskCount > input.maxTasks) {
    return {
      error: l10n.t(
        'This batch would make {0} tasks ({1} prompts × {2} models), over the limit of {3} (setting "mediaStudio.batch.maxTasks"). Use fewer values or models, or raise the setting.',
        taskCount,
        rowCount,
        input.models.length,
        input.maxTasks,
      ),
    };
  }
  const fromLists = productRows(variables, listed);
  const rows: Row[] = fileRows.flatMap((fileRow) => fromLists.map((listRow) => {
    const row: Record<string, string> = {};
    // Only the variables the template uses: unused columns are not part of a cell's identity.
    for (const name of used) row[name] = Object.hasOwn(listRow, name) ? listRow[name] : fileRow[name];
    return row;
  }));
  const cells: BatchCell[] = [];
  rows.forEach((values, row) => {
    input.models.forEach((_model, model) => {
      cells.push({ index: cells.length, row, model, values, prompt: fillTemplate(input.template, values) });
    });
  });
  return { variables: used, rows, cells, warnings };
}

export function cellPosition(index: number, models: number): { row: number; model: number } {
  return { row: Math.floor(index / models), model: index % models };
}
