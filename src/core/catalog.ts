/** What each provider's models take: the pickers offer these values, and free values where allowed. */
import { PIXAPI_FALLBACK_MODELS, PIXAPI_IMAGE_SIZES, PIXAPI_QUALITIES, PIXAPI_VIDEO_SIZES, pixapiTakesQuality } from './adapters/pixapi';
import type { ProviderId } from './providers';
import type { MediaKind } from './task';

export interface ModelInfo {
  readonly provider: ProviderId;
  readonly id: string;
  readonly kind: MediaKind;
  /** Takes reference images as uploaded files. */
  readonly editsWithFiles: boolean;
  /** Takes reference images only as URLs. */
  readonly imageUrls: boolean;
  readonly sizes?: readonly string[];
  readonly qualities?: readonly string[];
  readonly durations?: readonly number[];
}

export function pixapiModel(id: string, kind: MediaKind, edits: boolean): ModelInfo {
  const sizes = kind === 'video'
    ? PIXAPI_VIDEO_SIZES
    : /^gemini-3\.1|^nano-banana-2$/.test(id) ? [...PIXAPI_IMAGE_SIZES, '512x512', '2K', '4K'] : PIXAPI_IMAGE_SIZES;
  return {
    provider: 'pixapi',
    id,
    kind,
    editsWithFiles: kind === 'image' && edits,
    imageUrls: kind === 'video',
    sizes,
    qualities: pixapiTakesQuality(id) ? PIXAPI_QUALITIES : undefined,
    durations: kind === 'video' ? [4, 5, 8, 10] : undefined,
  };
}

export const PIXAPI_CATALOG: readonly ModelInfo[] = PIXAPI_FALLBACK_MODELS.map((m) => pixapiModel(m.id, m.kind, m.edits));

export function defaultModel(provider: ProviderId, kind: MediaKind, edit = false): string {
  const models = PIXAPI_CATALOG.filter((m) => m.provider === provider && m.kind === kind && (!edit || m.editsWithFiles));
  return models[0]?.id ?? '';
}
