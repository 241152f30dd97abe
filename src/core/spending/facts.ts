/** What each provider tells about money, from its spec (PROVIDERS.md): a task's cost, an account balance. */
import type { ProviderId } from '../providers';
import { providerSpec } from '../spec/registry';

export interface SpendingFacts {
  /** The provider reports what a finished task cost. */
  readonly reportsCost: boolean;
  /** The provider reports the account balance (in USD). */
  readonly reportsBalance: boolean;
}

export function spendingFacts(provider: ProviderId): SpendingFacts {
  const { capabilities } = providerSpec(provider);
  return { reportsCost: capabilities.reportsTaskCost, reportsBalance: capabilities.balance };
}

export function reportsBalance(provider: ProviderId): boolean {
  return spendingFacts(provider).reportsBalance;
}
