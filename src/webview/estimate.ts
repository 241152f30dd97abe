import * as l10n from '@vscode/l10n';
/**
 * Price estimates shown before submitting. Only Pixapi's documented examples are used (1 credit = $0.01),
 * and only as ranges: the exact price depends on size, quality or tier in ways not documented per value.
 * Pure (no DOM), so it is unit-tested in Node.
 */
export interface Estimate {
  readonly minCredits: number;
  readonly maxCredits: number;
  /** What one unit of the documented range is ("image", "second"). */
  readonly per: string;
  readonly text: string;
}

interface DocumentedRange {
  readonly model: RegExp;
  readonly min: number;
  readonly max: number;
  readonly per: 'image' | 'second';
}

const PIXAPI_RANGES: readonly DocumentedRange[] = [
  { model: /^gemini-3\.1/, min: 4, max: 8, per: 'image' },      // by size
  { model: /^gpt-image-2/, min: 1, max: 133, per: 'image' },    // by size and quality
  { model: /^veo/, min: 1, max: 12, per: 'second' },             // by tier
];

function dollars(credits: number): string {
  return `$${(credits / 100).toFixed(2)}`;
}

/** The estimate for a request, or undefined where no price is documented. */
export function estimateCost(provider: string, model: string, params: Readonly<Record<string, string>>): Estimate | undefined {
  if (provider !== 'pixapi') return undefined;
  const range = PIXAPI_RANGES.find((r) => r.model.test(model));
  if (!range) return undefined;
  const unitsText = range.per === 'image' ? params.n : params.duration;
  // Any whole count: a request for 10,000 images must never be priced "for 1 image".
  const units = /^\d+$/.test((unitsText ?? '').trim()) && Number.isSafeInteger(Number(unitsText)) && Number(unitsText) > 0 ? Number(unitsText) : undefined;
  if (units === undefined) {
    const fallback = range.per === 'image' ? 1 : undefined;
    if (fallback === undefined) {
      return { minCredits: range.min, maxCredits: range.max, per: range.per, text: l10n.t('estimate: {0}–{1} credits per second ({2}–{3})', range.min, range.max, dollars(range.min), dollars(range.max)) };
    }
  }
  const count = units ?? 1;
  const min = range.min * count;
  const max = range.max * count;
  const what = range.per === 'image' ? `${count.toLocaleString('en-US')} image${count === 1 ? '' : 's'}` : `${count.toLocaleString('en-US')} s`;
  return { minCredits: min, maxCredits: max, per: range.per, text: l10n.t('estimate: {0}–{1} credits ({2}–{3}) for {4}', min, max, dollars(min), dollars(max), what) };
}

/** A reported cost, as the task gives it. */
export function formatCost(cost: { amount: number; unit: string }): string {
  return cost.unit === 'credits' ? `${cost.amount} credits (${dollars(cost.amount)})` : `${cost.amount} ${cost.unit}`;
}
