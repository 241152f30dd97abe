/** What each provider's models take: the pickers offer these values, and free values where allowed. */
import { PIXAPI_FALLBACK_MODELS, PIXAPI_IMAGE_SIZES, PIXAPI_QUALITIES, PIXAPI_VIDEO_SIZES, pixapiTakesQuality } from './adapters/pixapi';
import type { ProviderId } from './providers';
import type { MediaKind } from './task';
import * as l10n from '@vscode/l10n';

export interface ModelInfo {
  readonly provider: ProviderId;
  readonly id: string;
  readonly kind: MediaKind;
  /** Shown beside the id in pickers when the id alone says nothing (PixAI's numeric version ids). */
  readonly label?: string;
  /** Takes reference images as uploaded files. */
  readonly editsWithFiles: boolean;
  /** Takes reference images only as URLs. */
  readonly imageUrls: boolean;
  readonly sizes?: readonly string[];
  readonly qualities?: readonly string[];
  readonly durations?: readonly number[];
  /** Values of the provider's `mode` field; the first is the default for a request without reference images. */
  readonly modes?: readonly string[];
  readonly aspectRatios?: readonly string[];
  readonly resolutions?: readonly string[];
  readonly outputFormats?: readonly string[];
  /** The value lists are suggestions, not the provider's full list: the user may type other values. */
  readonly openValues?: boolean;
  /** The longest prompt the model takes, in characters, where the provider documents it. */
  readonly maxPromptLength?: number;
}

/**
 * The longest prompt sent to a model whose provider documents no limit: OpenAI's gpt-image models take
 * 32,000 characters, the most any documented image model takes, so nothing a provider accepts is refused.
 */
export const DEFAULT_MAX_PROMPT_LENGTH = 32_000;

export function maxPromptLength(provider: ProviderId, model: string): number {
  return catalogModel(provider, model)?.maxPromptLength ?? DEFAULT_MAX_PROMPT_LENGTH;
}

/** Which request.params name each ModelInfo list fills, per provider (the providers' own field names). */
export interface ParamNames {
  readonly size?: string;
  readonly quality?: string;
  readonly duration?: string;
  readonly mode?: string;
  readonly aspectRatio?: string;
  readonly resolution?: string;
  readonly outputFormat?: string;
  /** A free-text field with no documented values (PixAI's style). */
  readonly style?: string;
}

export const PARAM_NAMES: Readonly<Record<ProviderId, ParamNames>> = {
  pixapi: { size: 'size', quality: 'quality', duration: 'duration' },
  pixai: { mode: 'mode', aspectRatio: 'aspectRatio', style: 'style' },
  apixo: { mode: 'mode', aspectRatio: 'aspect_ratio', resolution: 'resolution', duration: 'duration', outputFormat: 'output_format' },
  openai: { size: 'size', quality: 'quality', outputFormat: 'output_format' },
};

// ---- Pixapi ----

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

// ---- PixAI ----

/** The model version id PixAI's quick-start uses; PixAI has no list-models endpoint. */
export const PIXAI_EXAMPLE_MODEL_VERSION_ID = '1983308862240288769';

export const PIXAI_CATALOG: readonly ModelInfo[] = [
  {
    provider: 'pixai',
    id: PIXAI_EXAMPLE_MODEL_VERSION_ID,
    kind: 'image',
    // A getter: translated when read, after activation has configured the bundle (this table is built at load).
    get label() { return l10n.t('Example model from PixAI\'s docs (paste another pixai.art/model/… URL for any other model)'); },
    editsWithFiles: false,
    imageUrls: false,
    // Only "9:16" and "standard" are documented (as examples); the other ratios are common ones offered as
    // suggestions. PixAI's full lists are not public, so any value may be typed.
    aspectRatios: ['9:16', '1:1', '16:9', '2:3', '3:2', '3:4', '4:3'],
    modes: ['standard'],
    openValues: true,
  },
];

// ---- Apixo ----

const APIXO_TEXT_OR_IMAGE = ['text-to-image', 'image-to-image'];
const APIXO_TEXT_OR_IMAGE_VIDEO = ['text-to-video', 'image-to-video'];
/** Documented as the "common input values" for images; which model takes which one is not documented. */
const APIXO_IMAGE_ASPECT_RATIOS = ['1:1', '4:3', '3:4', '3:2', '2:3', '4:5', '5:4', '9:16', '16:9', '21:9', 'auto'];
const APIXO_IMAGE_RESOLUTIONS = ['1K', '2K', '4K'];
const APIXO_OUTPUT_FORMATS = ['png', 'jpeg'];
const APIXO_VIDEO_ASPECT_RATIOS = ['1:1', '16:9', '9:16'];
const APIXO_VIDEO_RESOLUTIONS = ['480p', '720p', '1080p'];
/** "duration: seconds" is all that is documented; these are suggestions (the emulator takes 4–20 whole seconds). */
const APIXO_VIDEO_DURATIONS = [4, 5, 8, 10];

function apixoImage(id: string, modes: readonly string[]): ModelInfo {
  return {
    provider: 'apixo', id, kind: 'image', editsWithFiles: false, imageUrls: true, modes,
    aspectRatios: APIXO_IMAGE_ASPECT_RATIOS, resolutions: APIXO_IMAGE_RESOLUTIONS, outputFormats: APIXO_OUTPUT_FORMATS, openValues: true,
  };
}

function apixoVideo(id: string, modes: readonly string[]): ModelInfo {
  return {
    provider: 'apixo', id, kind: 'video', editsWithFiles: false, imageUrls: true, modes,
    aspectRatios: APIXO_VIDEO_ASPECT_RATIOS, resolutions: APIXO_VIDEO_RESOLUTIONS, durations: APIXO_VIDEO_DURATIONS, openValues: true,
  };
}

/**
 * Apixo has no list-models endpoint: these are the documented model ids. Modes documented: text/image-to-image
 * for nano-banana and gpt-image-2, text/image-to-video for wan-2-5, pro-text-to-image for flux-2, quality/fast
 * for veo-3-1. The others (nano-banana-2, gpt-image-1, midjourney, sora-2, sora-2-pro, kling-2-1, and flux-2's
 * pro-image-to-image) are not documented and follow the emulator's table; a typed mode is sent as is.
 */
export const APIXO_CATALOG: readonly ModelInfo[] = [
  apixoImage('nano-banana', APIXO_TEXT_OR_IMAGE),
  apixoImage('nano-banana-2', APIXO_TEXT_OR_IMAGE),
  apixoImage('gpt-image-1', APIXO_TEXT_OR_IMAGE),
  apixoImage('gpt-image-2', APIXO_TEXT_OR_IMAGE),
  apixoImage('flux-2', ['pro-text-to-image', 'pro-image-to-image']),
  apixoImage('midjourney', APIXO_TEXT_OR_IMAGE),
  apixoVideo('sora-2', APIXO_TEXT_OR_IMAGE_VIDEO),
  apixoVideo('sora-2-pro', APIXO_TEXT_OR_IMAGE_VIDEO),
  // 'fast' first: Veo's faster, cheaper tier is the default; 'quality' is a deliberate choice.
  apixoVideo('veo-3-1', ['fast', 'quality']),
  apixoVideo('kling-2-1', APIXO_TEXT_OR_IMAGE_VIDEO),
  apixoVideo('wan-2-5', APIXO_TEXT_OR_IMAGE_VIDEO),
];

/** The mode to send when the user chose none: the model's image-to-… mode when there are reference URLs. */
export function apixoDefaultMode(model: string, withImageUrls: boolean): string | undefined {
  const modes = APIXO_CATALOG.find((m) => m.id === model)?.modes;
  if (!modes?.length) return undefined;
  const takesImages = (mode: string) => /(^|-)image-to-/.test(mode);
  if (withImageUrls) {
    const imageMode = modes.find(takesImages);
    if (imageMode) return imageMode;
  }
  return modes.find((mode) => !takesImages(mode)) ?? modes[0];
}

// ---- OpenAI-compatible ----

/**
 * From OpenAI's public image API reference (not from PROVIDERS.md): gpt-image-1 generates and edits,
 * dall-e-3 only generates. A gateway may serve other models; any id may be typed.
 */
export const OPENAI_CATALOG: readonly ModelInfo[] = [
  {
    provider: 'openai', id: 'gpt-image-1', kind: 'image', editsWithFiles: true, imageUrls: false, maxPromptLength: 32_000,
    sizes: ['auto', '1024x1024', '1536x1024', '1024x1536'], qualities: ['auto', 'low', 'medium', 'high'], outputFormats: ['png', 'jpeg', 'webp'],
  },
  {
    provider: 'openai', id: 'dall-e-3', kind: 'image', editsWithFiles: false, imageUrls: false, maxPromptLength: 4000,
    sizes: ['1024x1024', '1792x1024', '1024x1792'], qualities: ['standard', 'hd'],
  },
];

// ---- all providers ----

export function catalogFor(provider: ProviderId): readonly ModelInfo[] {
  switch (provider) {
    case 'pixapi': return PIXAPI_CATALOG;
    case 'pixai': return PIXAI_CATALOG;
    case 'apixo': return APIXO_CATALOG;
    case 'openai': return OPENAI_CATALOG;
  }
}

export function catalogModel(provider: ProviderId, id: string): ModelInfo | undefined {
  return catalogFor(provider).find((m) => m.id === id);
}

/** The first built-in model of that kind; with `edit`, one that takes reference images (as files or URLs). */
export function defaultModel(provider: ProviderId, kind: MediaKind, edit = false): string {
  const models = catalogFor(provider).filter((m) => m.kind === kind && (!edit || m.editsWithFiles || m.imageUrls));
  return models[0]?.id ?? '';
}
