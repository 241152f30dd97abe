/** Every estimate the limits, confirmations and displays use comes from here, from the specs' documented prices. */
import * as l10n from '@vscode/l10n';
import { estimateCost } from '../spec/price';
import type { Operation, TaskRequest } from '../task';

/** `minUSD === maxUSD` when the request fixes the price. */
export interface SpendEstimate {
  readonly minUSD: number;
  readonly maxUSD: number;
  /** "$0.14" or "$0.04–$0.08", with what it is for. */
  readonly text: string;
}

export type PriceLookup =
  | { readonly kind: 'priced'; readonly estimate: SpendEstimate }
  /** No documented price (PixAI, OpenAI-compatible, unlisted models), or no upper end ("from 2 credits a second"). */
  | { readonly kind: 'unknown'; readonly reason: string };

export type PricedRequest = Pick<TaskRequest, 'provider' | 'model' | 'kind' | 'params'> & {
  readonly operation?: Operation;
  readonly imageCount?: number;
};

/** Pixapi: 1 credit = $0.01. */
export function creditsToUSD(credits: number): number {
  return credits / 100;
}

export function formatUSD(usd: number): string {
  return `$${usd.toFixed(2)}`;
}

export function formatRange(minUSD: number, maxUSD: number): string {
  return minUSD === maxUSD ? formatUSD(minUSD) : `${formatUSD(minUSD)}–${formatUSD(maxUSD)}`;
}

function priced(minUSD: number, maxUSD: number, what: string): PriceLookup {
  return { kind: 'priced', estimate: { minUSD, maxUSD, text: l10n.t('{0} for {1}', formatRange(minUSD, maxUSD), what) } };
}

export function estimateSpend(request: PricedRequest): PriceLookup {
  const operation = request.operation ?? (request.kind === 'video' ? 'video' : 'generate');
  const estimate = estimateCost({ ...request, operation });
  if (estimate.unknown) return { kind: 'unknown', reason: estimate.reason };
  // A documented starting price only ("from 2.24 credits a second") has no upper end to reserve.
  if (estimate.highUsd === undefined)
    return {
      kind: 'unknown',
      reason: l10n.t('Only a starting price is documented for {0} ({1}).', request.model, formatUSD(estimate.lowUsd)),
    };
  return priced(estimate.lowUsd, estimate.highUsd, estimate.basis);
}

/**
 * The estimate a quick input shows on its last step (and on each count): "estimate $0.14 for 1 image", a range
 * where the price depends on what the request does not fix, or "price not documented".
 */
export function estimateNote(request: PricedRequest): string {
  const lookup = estimateSpend(request);
  return lookup.kind === 'priced' ? l10n.t('estimate {0}', lookup.estimate.text) : l10n.t('price not documented');
}

/** The estimate of several requests together (a batch): the sum of their ranges; unknown when any is. */
export function estimateAll(requests: readonly PricedRequest[]): { minUSD: number; maxUSD: number; unknown: number } {
  let minUSD = 0;
  let maxUSD = 0;
  let unknownCount = 0;
  for (const request of requests) {
    const lookup = estimateSpend(request);
    if (lookup.kind === 'unknown') unknownCount += 1;
    else {
      minUSD += lookup.estimate.minUSD;
      maxUSD += lookup.estimate.maxUSD;
    }
  }
  return { minUSD: round(minUSD), maxUSD: round(maxUSD), unknown: unknownCount };
}

/** Whole cents: sums of cents in floating point drift (0.1 + 0.2). */
export function round(usd: number): number {
  return Math.round(usd * 1e6) / 1e6;
}
