/**
 * What each provider tells about money (PROVIDERS.md). One function, so the per-provider specs (#13) can
 * answer it at merge: Pixapi reports each task's cost (`credits_cost`); Apixo reports none per task but has
 * an account balance; PixAI and OpenAI-compatible servers report neither.
 */
import type { ProviderId } from '../providers';

export interface SpendingFacts {
  /** The provider reports what a finished task cost. */
  readonly reportsCost: boolean;
  /** The provider reports the account balance (in USD). */
  readonly reportsBalance: boolean;
}

export function spendingFacts(provider: ProviderId): SpendingFacts {
  return { reportsCost: provider === 'pixapi', reportsBalance: provider === 'apixo' };
}

export function reportsBalance(provider: ProviderId): boolean {
  return spendingFacts(provider).reportsBalance;
}
