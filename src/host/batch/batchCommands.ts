/** Generate Batch's walk-through (src/host/commandTable.ts registers the batch commands). */
import * as vscode from 'vscode';
import type { BatchArgs } from '../../core/batch/batchArgs';
import { templateVariables } from '../../core/batch/template';
import { PROVIDER_IDS, PROVIDERS, type ProviderId } from '../../core/providers';
import { UserError } from '../commands';
import type { BatchCreated, Batches, BatchDeps } from './batches';

/** By "|" when there is one (so values may hold commas), else by commas. */
export function splitValues(text: string): string[] {
  const separator = text.includes('|') ? '|' : ',';
  return text.split(separator).map((v) => v.trim()).filter(Boolean);
}

async function providersWithKeys(deps: BatchDeps): Promise<ProviderId[]> {
  const found: ProviderId[] = [];
  for (const id of PROVIDER_IDS) if (await deps.keys.has(id)) found.push(id);
  return found;
}

/** Template, values (typed, or a rows file), models, then a confirmation with count and estimate. */
export async function generateBatchInteractive(deps: BatchDeps, batches: Batches): Promise<BatchCreated | undefined> {
  const title = vscode.l10n.t('Generate Batch');
  const providers = await providersWithKeys(deps);
  if (providers.length === 0) {
    throw new UserError(vscode.l10n.t('No API key is set yet. Set one to start generating.'), [
      { title: vscode.l10n.t('Set API Key'), command: 'mediaStudio.setApiKey' },
    ]);
  }
  const template = await vscode.window.showInputBox({
    title: `${title} (1/3)`,
    prompt: vscode.l10n.t('The prompt template: write {name} where a variable goes, such as "a {colour} ceramic {product}".'),
    placeHolder: vscode.l10n.t('a {colour} ceramic {product} on a white background'),
    ignoreFocusOut: true,
    validateInput: (v) => (v.trim() ? undefined : vscode.l10n.t('The template is empty.')),
  });
  if (!template) return undefined;
  const names = templateVariables(template);
  const args: { -readonly [K in keyof BatchArgs]: BatchArgs[K] } = { template };
  if (names.length) {
    const typed = { label: vscode.l10n.t('$(edit) Type the values'), file: undefined as vscode.Uri | undefined };
    const files = (await vscode.workspace.findFiles('**/*.{csv,jsonl}', '**/node_modules/**', 50)).map((file) => ({
      label: `$(table) ${vscode.workspace.asRelativePath(file)}`,
      file,
    }));
    const source = files.length
      ? await vscode.window.showQuickPick([typed, ...files], {
          title: `${title} (2/3)`,
          placeHolder: vscode.l10n.t(
            'Values for {0}: type them, or take one row per line of a CSV / JSON Lines file',
            names.map((n) => `{${n}}`).join(', '),
          ),
          ignoreFocusOut: true,
        })
      : typed;
    if (!source) return undefined;
    if (source.file) {
      args.rows = vscode.workspace.asRelativePath(source.file, false);
    } else {
      const variables: Record<string, string[]> = {};
      for (const name of names) {
        const text = await vscode.window.showInputBox({
          title: `${title} (2/3)`,
          prompt: vscode.l10n.t('Values for {0}, separated by commas (or by | when a value holds a comma)', `{${name}}`),
          placeHolder: vscode.l10n.t('red, blue, green'),
          ignoreFocusOut: true,
          validateInput: (v) => (splitValues(v).length ? undefined : vscode.l10n.t('Give at least one value.')),
        });
        if (text === undefined) return undefined;
        variables[name] = splitValues(text);
      }
      args.variables = variables;
    }
  }
  const items: (vscode.QuickPickItem & { provider: ProviderId; model: string })[] = [];
  for (const provider of providers) {
    for (const model of (await deps.models.list(provider)).filter((m) => m.kind === 'image')) {
      items.push({
        label: model.id,
        description: PROVIDERS[provider].label,
        detail: model.label,
        provider,
        model: model.id,
        picked: items.length === 0,
      });
    }
  }
  const picked = await vscode.window.showQuickPick(items, {
    title: `${title} (3/3)`,
    placeHolder: vscode.l10n.t('The models to compare (each prompt goes to each model)'),
    canPickMany: true,
    ignoreFocusOut: true,
  });
  if (!picked?.length) return undefined;
  args.models = picked.map((p) => ({ provider: p.provider, model: p.model }));
  const draft = await batches.draft(args);
  const generate = vscode.l10n.t('Generate');
  const detail = [
    vscode.l10n.t('{0} prompts × {1} models; {2}', draft.plan.rows.length, picked.length, draft.estimate.text),
    ...draft.plan.warnings,
  ].join('\n');
  const answer = await vscode.window.showInformationMessage(
    vscode.l10n.t('Generate {0} tasks?', draft.requests.length),
    { modal: true, detail },
    generate,
  );
  if (answer !== generate) return undefined;
  return batches.start(draft);
}
