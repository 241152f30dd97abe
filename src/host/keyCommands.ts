import * as vscode from 'vscode';
import { isProviderId, keyProblem, PROVIDER_IDS, PROVIDERS, type ProviderId } from '../core/providers';
import { UserError } from './commands';
import type { ApiKeys } from './keys';

export interface SetApiKeyArgs { provider?: unknown; key?: unknown }

async function pickProvider(keys: ApiKeys, placeHolder: string): Promise<ProviderId | undefined> {
  const items = await Promise.all(PROVIDER_IDS.map(async (id) => ({
    label: PROVIDERS[id].label,
    description: (await keys.has(id)) ? vscode.l10n.t('key set') : vscode.l10n.t('no key'),
    id,
  })));
  return (await vscode.window.showQuickPick(items, { placeHolder, ignoreFocusOut: true }))?.id;
}

function providerFromArgs(value: unknown): ProviderId {
  if (!isProviderId(value)) {
    throw new UserError(vscode.l10n.t('Unknown provider "{0}". Use one of: {1}.', String(value), PROVIDER_IDS.join(', ')));
  }
  return value;
}

/** "Set API Key": from arguments ({provider, key}) without asking, or through a quick pick and a password box. */
export async function setApiKey(keys: ApiKeys, args?: SetApiKeyArgs): Promise<ProviderId | undefined> {
  if (args && typeof args === 'object' && args.key !== undefined) {
    const provider = providerFromArgs(args.provider);
    if (typeof args.key !== 'string') throw new UserError(vscode.l10n.t('The key must be a string.'));
    await keys.set(provider, args.key.trim());
    return provider;
  }
  const provider =
    args?.provider !== undefined ? providerFromArgs(args.provider) : await pickProvider(keys, vscode.l10n.t('Set the API key for…'));
  if (!provider) return undefined;
  const info = PROVIDERS[provider];
  const key = await vscode.window.showInputBox({
    title: vscode.l10n.t('{0} API key', info.label),
    prompt: vscode.l10n.t('Stored in VS Code\'s secret storage, sent only to the {0} API. {1}', info.label, info.keyHelp),
    password: true,
    ignoreFocusOut: true,
    validateInput: (value) => keyProblem(value.trim()),
  });
  if (key === undefined) return undefined;
  await keys.set(provider, key.trim());
  void vscode.window.showInformationMessage(vscode.l10n.t('{0} API key saved.', info.label));
  return provider;
}

export async function clearApiKey(keys: ApiKeys, args?: { provider?: unknown }): Promise<ProviderId | undefined> {
  const provider =
    args?.provider !== undefined ? providerFromArgs(args.provider) : await pickProvider(keys, vscode.l10n.t('Clear the API key of…'));
  if (!provider) return undefined;
  await keys.clear(provider);
  if (!args) void vscode.window.showInformationMessage(vscode.l10n.t('{0} API key cleared.', PROVIDERS[provider].label));
  return provider;
}
