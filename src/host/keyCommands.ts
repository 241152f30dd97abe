import * as vscode from 'vscode';
import { isProviderId, keyProblem, PROVIDER_IDS, PROVIDERS, ProviderId } from '../core/providers';
import { UserError } from './commands';
import type { ApiKeys } from './keys';

export interface SetApiKeyArgs { provider?: unknown; key?: unknown }

async function pickProvider(keys: ApiKeys, placeHolder: string): Promise<ProviderId | undefined> {
  const items = await Promise.all(PROVIDER_IDS.map(async (id) => ({
    label: PROVIDERS[id].label,
    description: (await keys.has(id)) ? 'key set' : 'no key',
    id,
  })));
  return (await vscode.window.showQuickPick(items, { placeHolder, ignoreFocusOut: true }))?.id;
}

function providerFromArgs(value: unknown): ProviderId {
  if (!isProviderId(value)) {
    throw new UserError(`Unknown provider "${String(value)}". Use one of: ${PROVIDER_IDS.join(', ')}.`);
  }
  return value;
}

/** "Set API Key": from arguments ({provider, key}) without asking, or through a quick pick and a password box. */
export async function setApiKey(keys: ApiKeys, args?: SetApiKeyArgs): Promise<ProviderId | undefined> {
  if (args && typeof args === 'object' && args.key !== undefined) {
    const provider = providerFromArgs(args.provider);
    if (typeof args.key !== 'string') throw new UserError('The key must be a string.');
    await keys.set(provider, args.key.trim());
    return provider;
  }
  const provider = args?.provider !== undefined ? providerFromArgs(args.provider) : await pickProvider(keys, 'Set the API key for…');
  if (!provider) return undefined;
  const info = PROVIDERS[provider];
  const key = await vscode.window.showInputBox({
    title: `${info.label} API key`,
    prompt: `Stored in VS Code's secret storage, sent only to the ${info.label} API. ${info.keyHelp}`,
    password: true,
    ignoreFocusOut: true,
    validateInput: (value) => keyProblem(value.trim()),
  });
  if (key === undefined) return undefined;
  await keys.set(provider, key.trim());
  void vscode.window.showInformationMessage(`${info.label} API key saved.`);
  return provider;
}

export async function clearApiKey(keys: ApiKeys, args?: { provider?: unknown }): Promise<ProviderId | undefined> {
  const provider = args?.provider !== undefined ? providerFromArgs(args.provider) : await pickProvider(keys, 'Clear the API key of…');
  if (!provider) return undefined;
  await keys.clear(provider);
  if (!args) void vscode.window.showInformationMessage(`${PROVIDERS[provider].label} API key cleared.`);
  return provider;
}
