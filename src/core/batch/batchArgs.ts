/** mediaStudio.generateBatch's argument object (also submitBatch, generate_batch), checked strictly: a typo gives a message. */
import * as l10n from '@vscode/l10n';
import { ArgsProblem } from '../commandArgs';
import { resolveOutputFolder } from '../files/outputFolder';
import { isProviderId, PROVIDER_IDS, type ProviderId } from '../providers';
import type { ParamValue } from '../task';

export interface BatchArgs {
  readonly template: string;
  readonly variables?: Readonly<Record<string, readonly string[]>>;
  /** A .csv or .jsonl file: one row per line. */
  readonly rows?: string;
  readonly models?: readonly {
    readonly provider: ProviderId;
    readonly model?: string;
    readonly params?: Readonly<Record<string, ParamValue>>;
  }[];
  readonly params?: Readonly<Record<string, ParamValue>>;
  readonly n?: number;
  readonly outputFolder?: string;
  readonly workspaceFolder?: string;
  readonly sync?: boolean;
}

const KNOWN = ['template', 'variables', 'rows', 'models', 'params', 'n', 'outputFolder', 'workspaceFolder', 'sync'];

function isParams(value: unknown): value is Record<string, ParamValue> {
  return (
    !!value &&
    typeof value === 'object' &&
    !Array.isArray(value) &&
    Object.values(value).every((p) => ['string', 'number', 'boolean'].includes(typeof p))
  );
}

export function parseBatchArgs(value: unknown): BatchArgs {
  const command = l10n.t('Generate Batch');
  const fail = (message: string): never => {
    throw new ArgsProblem(`${command}: ${message}`);
  };
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    throw new ArgsProblem(
      l10n.t(
        '{0} takes one argument object, such as { "template": "a {colour} mug", "variables": { "colour": ["red", "blue"] } }.',
        command,
      ),
    );
  }
  const args = value as Record<string, unknown>;
  for (const key of Object.keys(args)) if (!KNOWN.includes(key)) fail(l10n.t('unknown argument "{0}". Known: {1}.', key, KNOWN.join(', ')));
  if (typeof args.template !== 'string') fail(l10n.t('"template" is required: the prompt, with {name} where a variable goes.'));
  if (args.variables !== undefined) {
    const variables = args.variables;
    if (!variables || typeof variables !== 'object' || Array.isArray(variables))
      fail(l10n.t('"variables" must be an object of value lists, such as { "colour": ["red", "blue"] }.'));
    for (const [name, values] of Object.entries(variables as object)) {
      if (!Array.isArray(values) || !values.every((v) => typeof v === 'string'))
        fail(l10n.t('"variables.{0}" must be a list of strings.', name));
    }
  }
  if (args.rows !== undefined && (typeof args.rows !== 'string' || !args.rows.trim()))
    fail(l10n.t('"rows" must be the workspace path of a .csv or .jsonl file.'));
  if (args.models !== undefined) {
    if (!Array.isArray(args.models) || args.models.length === 0) fail(l10n.t('"models" must list at least one { "provider", "model" }.'));
    (args.models as unknown[]).forEach((m, i) => {
      const model = m as Record<string, unknown> | undefined;
      if (!model || typeof model !== 'object' || Array.isArray(model))
        return fail(l10n.t('"models[{0}]" must be an object such as { "provider": "pixapi", "model": "gpt-image-1" }.', i));
      for (const key of Object.keys(model))
        if (!['provider', 'model', 'params'].includes(key))
          fail(l10n.t('"models[{0}]": unknown field "{1}". Known: provider, model, params.', i, key));
      if (!isProviderId(model.provider)) fail(l10n.t('"models[{0}].provider" must be one of {1}.', i, PROVIDER_IDS.join(', ')));
      if (model.model !== undefined && (typeof model.model !== 'string' || !model.model.trim()))
        fail(l10n.t('"models[{0}].model" must be a model id.', i));
      if (model.params !== undefined && !isParams(model.params))
        fail(l10n.t('"models[{0}].params" must be an object of strings, numbers and booleans.', i));
      return undefined;
    });
  }
  if (args.params !== undefined && !isParams(args.params)) fail(l10n.t('"params" must be an object of strings, numbers and booleans.'));
  if (args.n !== undefined && (typeof args.n !== 'number' || !Number.isInteger(args.n) || args.n < 1))
    fail(l10n.t('"n" must be a whole number of at least 1.'));
  for (const key of ['outputFolder', 'workspaceFolder'])
    if (args[key] !== undefined && typeof args[key] !== 'string') fail(l10n.t('"{0}" must be a string.', key));
  if (args.sync !== undefined && typeof args.sync !== 'boolean') fail(l10n.t('"sync" must be true or false.'));
  if (typeof args.outputFolder === 'string') {
    const folder = resolveOutputFolder(args.outputFolder);
    if ('error' in folder) fail(folder.error);
  }
  return args as unknown as BatchArgs;
}
