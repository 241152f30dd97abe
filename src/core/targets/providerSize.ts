/**
 * Which size to ask a provider for when the result must end up width×height: the closest one the model is
 * known to take (the same shape first, then the smallest that needs no enlarging). The rest is done locally.
 *
 * One function on purpose: the lead rewires it to the per-model specs of #13 (today the facts come from
 * `ModelInfo` in catalog.ts and the field names from PARAM_NAMES).
 */
import { PARAM_NAMES, type ModelInfo } from '../catalog';
import type { ProviderId } from '../providers';
import type { ParamValue } from '../task';

interface Candidate<T> { readonly value: T; readonly ratio: number; readonly width?: number; readonly height?: number }

function pixelSize(value: string): { width: number; height: number } | undefined {
  const match = /^(\d+)\s*[x×*]\s*(\d+)$/i.exec(value.trim());
  return match ? { width: Number(match[1]), height: Number(match[2]) } : undefined;
}

function ratioOf(value: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?)\s*:\s*(\d+(?:\.\d+)?)$/.exec(value.trim());
  return match && Number(match[2]) > 0 ? Number(match[1]) / Number(match[2]) : undefined;
}

/** Candidates of the nearest shape (log-ratio within 2 %), then the smallest one at least as large, else the largest. */
function closest<T>(candidates: readonly Candidate<T>[], width: number, height: number): T | undefined {
  if (candidates.length === 0) return undefined;
  const wanted = Math.log(width / height);
  const distance = (c: Candidate<T>) => Math.abs(Math.log(c.ratio) - wanted);
  const best = Math.min(...candidates.map(distance));
  const shaped = candidates.filter((c) => distance(c) <= best + 0.02);
  const area = (c: Candidate<T>) => (c.width ?? 0) * (c.height ?? 0);
  // Scaled to cover width×height, a candidate needs no enlarging when both its sides reach the target's.
  const covering = shaped.filter((c) => c.width === undefined || (c.width >= width && c.height !== undefined && c.height >= height));
  if (covering.length) return covering.sort((a, b) => area(a) - area(b))[0].value;
  return shaped.sort((a, b) => area(b) - area(a))[0].value;
}

/** "1K" → 1024 px on the long side (Apixo's and Pixapi's resolution words). */
function resolutionPixels(value: string): number | undefined {
  const match = /^(\d+)k$/i.exec(value.trim());
  return match ? Number(match[1]) * 1024 : undefined;
}

/**
 * The request parameters (by the provider's own field names) that come closest to width×height for this model;
 * empty when nothing about its sizes is known, so the provider's default applies. Parameters the user gave win
 * over these (the caller merges them under the user's).
 */
export function closestProviderSize(provider: ProviderId, model: ModelInfo | undefined, width: number, height: number): Record<string, ParamValue> {
  const names = PARAM_NAMES[provider];
  const result: Record<string, ParamValue> = {};
  if (names.size && model?.sizes?.length) {
    const sized = model.sizes.flatMap((value) => {
      const size = pixelSize(value);
      return size ? [{ value, ratio: size.width / size.height, ...size }] : [];
    });
    const pick = closest(sized, width, height);
    if (pick) result[names.size] = pick;
    return result;
  }
  if (names.aspectRatio && model?.aspectRatios?.length) {
    const ratios = model.aspectRatios.flatMap((value) => {
      const ratio = ratioOf(value);
      return ratio ? [{ value, ratio }] : [];
    });
    const pick = closest(ratios, width, height);
    if (pick) result[names.aspectRatio] = pick;
  }
  const long = Math.max(width, height);
  // 1K is every provider's default tier: ask for more only when the target needs it (a higher tier costs more).
  if (names.resolution && model?.resolutions?.length && long > 1024) {
    const tiers = model.resolutions.flatMap((value) => {
      const pixels = resolutionPixels(value);
      return pixels ? [{ value, pixels }] : [];
    }).sort((a, b) => a.pixels - b.pixels);
    const tier = tiers.find((t) => t.pixels >= long) ?? tiers[tiers.length - 1];
    if (tier) result[names.resolution] = tier.value;
  }
  return result;
}
