/**
 * Which sidecars this machine's Media Studio wrote. A sidecar in the workspace may come from anywhere (a cloned
 * repository can ship `x.png` + `x.png.json` asking for 10,000 images), so Regenerate asks first unless the
 * sidecar's exact text is one this machine wrote: a keyed hash (HMAC-SHA256 with a secret that never leaves
 * this machine) of every sidecar written is remembered, so a copied list of hashes proves nothing elsewhere.
 * Kept apart from the request validation, which this does not replace.
 */
import { createHmac } from 'crypto';
import type { TaskRequest } from '../task';

/** The most sidecar hashes remembered; the oldest are forgotten first (Regenerate then asks, nothing worse). */
export const MAX_REMEMBERED_SIDECARS = 5000;

/** The keyed hash of a sidecar's text as written. */
export function sidecarDigest(secret: string, text: string): string {
  return createHmac('sha256', secret).update(text, 'utf8').digest('hex');
}

/** The remembered hashes with `digest` added (once), newest last, at most MAX_REMEMBERED_SIDECARS. */
export function rememberDigest(known: readonly unknown[], digest: string): string[] {
  const kept = known.filter((d): d is string => typeof d === 'string' && d !== digest);
  kept.push(digest);
  return kept.slice(-MAX_REMEMBERED_SIDECARS);
}

/** How many results a request asks for: its `n` for images (1 when absent), 1 for a video. */
export function requestedCount(request: Pick<TaskRequest, 'kind' | 'params'>): number {
  const n = request.params.n;
  if (request.kind !== 'image') return 1;
  return typeof n === 'number' && Number.isFinite(n) && n >= 1 ? Math.floor(n) : 1;
}

/** The request's parameters as the price estimate reads them (text values). */
export function estimateParams(request: Pick<TaskRequest, 'params'>): Record<string, string> {
  const params: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.params)) if (value !== undefined) params[name] = String(value);
  return params;
}
