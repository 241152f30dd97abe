/**
 * THE price seam of spending: every estimate the limits, confirmations and displays use comes from
 * `estimateSpend` here, and nowhere else. Today it narrows the documented ranges of `webview/estimate.ts` by the
 * per-tier prices MODELS.md lists (so a request that fixes size and quality gets one price) and adds Apixo's
 * documented per-model prices; when the per-provider model specs (#13) export their own `estimateCost(request)`,
 * only this function's body changes.
 */
import * as l10n from '@vscode/l10n';
import { PROVIDERS, ProviderId } from '../providers';
import type { ParamValue, TaskRequest } from '../task';
import { estimateCost } from '../../webview/estimate';

/** What a request may cost, in USD; `minUSD === maxUSD` when the request fixes the price. */
export interface SpendEstimate {
  readonly minUSD: number;
  readonly maxUSD: number;
  /** "$0.14" or "$0.04–$0.08", with what it is for ("for 2 images"). */
  readonly text: string;
}

export type PriceLookup =
  | { readonly kind: 'priced'; readonly estimate: SpendEstimate }
  /** No documented price (PixAI, OpenAI-compatible, unlisted models), or no upper end ("from 2 credits a second"). */
  | { readonly kind: 'unknown'; readonly reason: string };

export type PricedRequest = Pick<TaskRequest, 'provider' | 'model' | 'kind' | 'params'>;

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

type Tier = '512' | '1K' | '2K' | '4K';

/**
 * The price tiers a Pixapi size can fall in. `auto` is documented as the 1K tier (gpt-image-2), the listed
 * sizes 1024x1024, 1536x1024 and 1024x1536 are 1K, `2K`/`4K` name their tier; the tier of any other WxH is not
 * documented, so it could be any of them.
 */
function tiersOf(size: ParamValue | undefined): readonly Tier[] {
  const value = typeof size === 'string' ? size.trim() : undefined;
  if (value === undefined || value === '') return ['1K', '2K', '4K']; // the provider's default size is not documented
  if (value === 'auto' || value === '1K' || value === '1024x1024' || value === '1536x1024' || value === '1024x1536') return ['1K'];
  if (value === '512x512') return ['512'];
  if (value === '2K' || value === '4K') return [value];
  return ['512', '1K', '2K', '4K'];
}

/** gpt-image-2 (MODELS.md): credits by tier and quality; `auto` is billed as high; size `auto` is 1K. */
const GPT_IMAGE_2: Record<Exclude<Tier, '512'>, Record<'low' | 'medium' | 'high', number>> = {
  '1K': { low: 1, medium: 4, high: 14 },
  '2K': { low: 2, medium: 17, high: 67 },
  '4K': { low: 4, medium: 34, high: 133 },
};

function count(value: ParamValue | undefined): number | undefined {
  if (value === undefined || value === '') return 1;
  const n = Number(value);
  return Number.isInteger(n) && n > 0 && n <= 10_000 ? n : undefined;
}

function seconds(value: ParamValue | undefined): number | undefined {
  if (value === undefined || value === '') return undefined;
  const n = Number(value);
  return Number.isFinite(n) && n > 0 && n <= 100_000 ? n : undefined;
}

/** Per-image credits of a Pixapi image model for each tier the size may be, or undefined when not documented. */
function pixapiImageCredits(model: string, params: Readonly<Record<string, ParamValue>>): number[] | undefined {
  const id = model.trim();
  // gpt-image-2 documents a size default: `auto`, the 1K tier. A missing quality is Pixapi's default, `auto`.
  if (/^gpt-image-2/.test(id)) {
    const tiers = params.size === undefined || params.size === '' ? (['1K'] as const) : tiersOf(params.size);
    const quality = String(params.quality ?? 'auto').trim();
    const column = quality === 'low' || quality === 'medium' ? quality : quality === 'high' || quality === 'auto' ? 'high' : undefined;
    const rows = tiers.map((t) => GPT_IMAGE_2[t === '512' ? '1K' : t]);
    return column ? rows.map((r) => r[column]) : rows.flatMap((r) => [r.low, r.medium, r.high]);
  }
  if (id === 'gemini-2.5-flash-image' || id === 'nano-banana') return [2];
  if (/^gemini-3\.1-flash-image/.test(id) || id === 'nano-banana-2') return tiersOf(params.size).map((t) => ({ '512': 4, '1K': 4, '2K': 6, '4K': 8 })[t]);
  if (/^gemini-3-pro-image/.test(id) || id === 'nano-banana-pro') return tiersOf(params.size).map((t) => (t === '4K' ? 16 : 8));
  return undefined;
}

function priced(minUSD: number, maxUSD: number, what: string): PriceLookup {
  return { kind: 'priced', estimate: { minUSD, maxUSD, text: l10n.t('{0} for {1}', formatRange(minUSD, maxUSD), what) } };
}

function images(n: number): string {
  return n === 1 ? l10n.t('1 image') : l10n.t('{0} images', n);
}

function unknown(provider: ProviderId, model: string): PriceLookup {
  return { kind: 'unknown', reason: l10n.t('{0} documents no price for {1}', providerLabel(provider), model) };
}

function providerLabel(provider: ProviderId): string {
  return PROVIDERS[provider].label;
}

/** Apixo's documented per-model prices in USD (MODELS.md; older copies of its model pages). */
function apixoPrice(request: PricedRequest): { min: number; max: number; per: 'image' | 'video' } | undefined {
  const mode = String(request.params.mode ?? '');
  switch (request.model.trim()) {
    case 'nano-banana': return { min: 0.03, max: 0.03, per: 'image' };
    case 'veo-3-1': return mode === 'fast' ? { min: 0.2, max: 0.2, per: 'video' } : mode === 'quality' ? { min: 1.5, max: 1.5, per: 'video' } : { min: 0.2, max: 1.5, per: 'video' };
    case 'sora-2': return { min: 0.1, max: 0.15, per: 'video' };
    default: return undefined;
  }
}

/** The estimate of one request before it is sent. */
export function estimateSpend(request: PricedRequest): PriceLookup {
  const { provider, model, params } = request;
  if (provider === 'pixapi') {
    if (request.kind === 'image') {
      const n = count(params.n);
      const credits = pixapiImageCredits(model, params);
      if (!credits || n === undefined) return unknown(provider, model);
      return priced(creditsToUSD(Math.min(...credits) * n), creditsToUSD(Math.max(...credits) * n), images(n));
    }
    // Videos: today's per-second ranges (veo 1–12 credits a second by tier), times the duration asked for.
    const s = seconds(params.duration);
    const range = estimateCost(provider, model, s === undefined ? {} : { duration: String(s) });
    if (!range || s === undefined || range.per !== 'second') return unknown(provider, model);
    return priced(creditsToUSD(range.minCredits), creditsToUSD(range.maxCredits), l10n.t('{0} s', s));
  }
  if (provider === 'apixo') {
    const price = apixoPrice(request);
    if (!price) return unknown(provider, model);
    return priced(price.min, price.max, price.per === 'image' ? images(1) : l10n.t('1 video'));
  }
  return unknown(provider, model);
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
