/** The closest size the model's spec lists to width×height (same shape first, then no enlarging); the rest is local. */
import { paramWithRole, type ModelInfo } from '../catalog';
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

/** Empty when nothing about the sizes is known (the provider's default applies). The user's parameters win over these. */
export function closestProviderSize(model: ModelInfo | undefined, width: number, height: number): Record<string, ParamValue> {
  const result: Record<string, ParamValue> = {};
  if (!model) return result;
  const listed = (role: Parameters<typeof paramWithRole>[1]) => {
    const field = paramWithRole(model, role);
    return field ? { name: field.name, values: (field.values ?? []).map(String) } : undefined;
  };
  const size = listed('size');
  const sized = (size?.values ?? []).flatMap((value) => {
    const pixels = pixelSize(value);
    return pixels ? [{ value, ratio: pixels.width / pixels.height, ...pixels }] : [];
  });
  if (size && sized.length) {
    const pick = closest(sized, width, height);
    if (pick) result[size.name] = pick;
    return result;
  }
  const aspect = listed('aspectRatio');
  if (aspect) {
    const ratios = aspect.values.flatMap((value) => {
      const ratio = ratioOf(value);
      return ratio ? [{ value, ratio }] : [];
    });
    const pick = closest(ratios, width, height);
    if (pick) result[aspect.name] = pick;
  }
  const long = Math.max(width, height);
  const resolution = listed('resolution');
  // 1K is every provider's default tier: ask for more only when the target needs it (a higher tier costs more).
  if (resolution && long > 1024) {
    const tiers = resolution.values.flatMap((value) => {
      const pixels = resolutionPixels(value);
      return pixels ? [{ value, pixels }] : [];
    }).sort((a, b) => a.pixels - b.pixels);
    const tier = tiers.find((t) => t.pixels >= long) ?? tiers[tiers.length - 1];
    if (tier) result[resolution.name] = tier.value;
  }
  return result;
}
