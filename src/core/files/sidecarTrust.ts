/**
 * A cloned repository can ship `x.png` + `x.png.json` asking for 10,000 images, so Regenerate asks first unless this
 * machine wrote that exact text: an HMAC (secret never leaves the machine) of every sidecar written is remembered.
 * Not a replacement for request validation.
 */
import { createHmac } from 'crypto';
import type { TaskRequest } from '../task';

/** The oldest are forgotten first (Regenerate then asks, nothing worse). */
export const MAX_REMEMBERED_SIDECARS = 5000;

export function sidecarDigest(secret: string, text: string): string {
  return createHmac('sha256', secret).update(text, 'utf8').digest('hex');
}

/** Newest last. */
export function rememberDigest(known: readonly unknown[], digest: string): string[] {
  const kept = known.filter((d): d is string => typeof d === 'string' && d !== digest);
  kept.push(digest);
  return kept.slice(-MAX_REMEMBERED_SIDECARS);
}

/** `n` for images (1 when absent), 1 for a video. */
export function requestedCount(request: Pick<TaskRequest, 'kind' | 'params'>): number {
  const n = request.params.n;
  if (request.kind !== 'image') return 1;
  return typeof n === 'number' && Number.isFinite(n) && n >= 1 ? Math.floor(n) : 1;
}

/** As text values, as the price estimate reads them. */
export function estimateParams(request: Pick<TaskRequest, 'params'>): Record<string, string> {
  const params: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.params)) if (value !== undefined) params[name] = String(value);
  return params;
}
