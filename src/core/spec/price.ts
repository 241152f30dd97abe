/** The one price function, from MODELS.md's tables; pure, so the webview bundles it too. */
import { providerSpec } from './registry';
import type { CostEstimate, PricedRequest } from './types';
import * as l10n from '@vscode/l10n';

export type { CostEstimate, PricedRequest } from './types';

/** All its images or seconds, in USD and (credit-billed providers) credits. */
export function estimateCost(request: PricedRequest): CostEstimate {
  return providerSpec(request.provider).price(request);
}

function dollars(usd: number): string {
  return `$${usd < 0.1 && usd > 0 ? usd.toFixed(3).replace(/0$/, '') : usd.toFixed(2)}`;
}

/** "estimate: 4–8 credits ($0.04–$0.08) for 1 image(s)", or undefined when unknown. */
export function formatEstimate(estimate: CostEstimate): string | undefined {
  if (estimate.unknown) {
    const perSecond = estimate.perSecondUsd;
    if (!perSecond) return undefined;
    return perSecond.high === undefined
      ? l10n.t('estimate: from {0} per second', dollars(perSecond.low))
      : l10n.t('estimate: {0}–{1} per second', dollars(perSecond.low), dollars(perSecond.high));
  }
  const credits = estimate.lowCredits === undefined ? ''
    : estimate.highCredits === estimate.lowCredits ? l10n.t('{0} credits', estimate.lowCredits)
      : estimate.highCredits === undefined ? l10n.t('from {0} credits', estimate.lowCredits)
        : l10n.t('{0}–{1} credits', estimate.lowCredits, estimate.highCredits);
  const usd = estimate.highUsd === estimate.lowUsd ? dollars(estimate.lowUsd)
    : estimate.highUsd === undefined ? l10n.t('from {0}', dollars(estimate.lowUsd))
      : `${dollars(estimate.lowUsd)}–${dollars(estimate.highUsd)}`;
  return credits
    ? l10n.t('estimate: {0} ({1}) for {2}', credits, usd, estimate.basis)
    : l10n.t('estimate: {0} for {1}', usd, estimate.basis);
}

export function formatCost(cost: { amount: number; unit: string }): string {
  return cost.unit === 'credits' ? `${cost.amount} credits (${dollars(cost.amount / 100)})` : `${cost.amount} ${cost.unit}`;
}
