import * as vscode from 'vscode';
import type { ProviderAdapter } from '../core/adapters/adapter';
import { describeFailure } from '../core/errors';
import type { ApiClient } from '../core/http';
import { PROVIDER_IDS, PROVIDERS, type ProviderId } from '../core/providers';
import { providerSpec } from '../core/spec/registry';
import { UserError } from './commands';

/** The provider whose balance the Show Balance command reads: the one whose spec has a balance call. */
const balanceProvider = PROVIDER_IDS.find((id) => providerSpec(id).capabilities.balance);

/** Show Balance: reads the balance and shows it; returns it for automation. */
export async function showBalance(
  adapters: ReadonlyMap<ProviderId, ProviderAdapter>,
  api: (provider: ProviderId) => Promise<ApiClient | undefined>,
): Promise<number> {
  const provider = balanceProvider;
  const adapter = provider && adapters.get(provider);
  if (!provider || !adapter?.balance) throw new UserError(vscode.l10n.t('No provider reports a balance.'));
  const label = PROVIDERS[provider].label;
  const client = await api(provider);
  if (!client)
    throw new UserError(vscode.l10n.t('No {0} API key is set.', label), [
      { title: vscode.l10n.t('Set API Key'), command: 'mediaStudio.setApiKey', args: [{ provider }] },
    ]);
  let balance: number;
  try {
    balance = await adapter.balance(client);
  } catch (error) {
    throw new UserError(describeFailure(provider, error).message);
  }
  void vscode.window.showInformationMessage(vscode.l10n.t('{0} balance: ${1} USD', label, balance.toFixed(2)));
  return balance;
}
