/**
 * Pixapi's model catalog (the data of its spec, src/core/adapters/pixapi.spec.ts, loaded on first use):
 * OpenAI-compatible field names, images as multipart files for edits, one input image URL for
 * a video. Models come from GET /v1/models where a key is set; an id it lists that is not described here gets
 * the generic schema (the fields PROVIDERS.md documents for every model). Prices: MODELS.md's credit table.
 */
import type { MediaKind } from '../task';
import type { CostEstimate, ModelSpec, ParamSpec, PricedRequest } from '../spec/types';
import * as l10n from '@vscode/l10n';
import { pixapiOperations } from './pixapi.spec';

const DOCS = 'pixapi.ai docs/model-catalog';
const CREDIT_USD = 0.01;

const IMAGE_SIZES = ['auto', '1024x1024', '1536x1024', '1024x1536'];
const VIDEO_SIZES = ['1280x720', '720x1280', '16:9'];

const n: ParamSpec = {
  name: 'n',
  type: 'integer',
  role: 'count',
  min: 1,
  values: [1, 2, 3, 4],
  source: DOCS,
  note: 'How many images; Pixapi documents no maximum.',
};
const responseFormat: ParamSpec = {
  name: 'response_format',
  type: 'enum',
  values: ['url', 'b64_json'],
  complete: true,
  advanced: true,
  source: DOCS,
  note: 'Synchronous requests only.',
};
const quality: ParamSpec = {
  name: 'quality',
  type: 'enum',
  role: 'quality',
  values: ['low', 'medium', 'high', 'auto'],
  complete: true,
  source: 'pixapi.ai docs/models/gpt-image',
};

function size(values: readonly string[], source = DOCS): ParamSpec {
  // "other WxH per model": the list is the documented examples, any WxH may be typed.
  return { name: 'size', type: 'string', role: 'size', values, complete: false, source };
}

function imageModel(
  id: string,
  options: { aliases?: string[]; sizes?: readonly string[]; quality?: boolean; source?: string; documented?: boolean } = {},
): ModelSpec {
  return {
    provider: 'pixapi',
    id,
    kind: 'image',
    aliases: options.aliases,
    operations: ['generate', 'edit'],
    // Edits: the `image` part, repeated for several references; no maximum is documented.
    references: { via: 'files', source: DOCS },
    params: [n, size(options.sizes ?? IMAGE_SIZES, options.source), ...(options.quality ? [quality] : []), responseFormat],
    documented: options.documented ?? true,
    source: options.source ?? DOCS,
  };
}

function videoModel(id: string, documented = true, source = 'pixapi.ai docs/models/veo'): ModelSpec {
  return {
    provider: 'pixapi',
    id,
    kind: 'video',
    operations: ['video'],
    // `input_image` is one URL: the video endpoint takes no files.
    references: { via: 'urls', max: 1, source: DOCS },
    params: [
      {
        name: 'duration',
        type: 'number',
        role: 'duration',
        min: Number.MIN_VALUE,
        values: [4, 5, 8, 10],
        complete: false,
        source: DOCS,
        note: 'Seconds; no list or maximum is documented.',
      },
      size(VIDEO_SIZES),
      // Older requests carry the input image URL as this field; new ones give it as the request's image URL.
      { name: 'input_image', type: 'string', advanced: true, source: DOCS, note: 'A public URL of the first frame.' },
    ],
    documented,
    source,
  };
}

export const PIXAPI_MODELS: readonly ModelSpec[] = [
  imageModel('gemini-3.1-flash-image-preview', {
    aliases: ['nano-banana-2'],
    sizes: [...IMAGE_SIZES, '512x512', '2K', '4K'],
    source: 'pixapi.ai docs/models/gemini-3.1-flash-image-preview',
  }),
  imageModel('gemini-2.5-flash-image', { aliases: ['nano-banana'], source: 'pixapi.ai docs/models/gemini-2.5-flash-image' }),
  imageModel('gemini-3-pro-image-preview', {
    aliases: ['nano-banana-pro'],
    sizes: [...IMAGE_SIZES, '2K', '4K'],
    source: 'pixapi.ai docs/models/gemini-3-pro-image-preview',
  }),
  imageModel('gpt-image-2', { quality: true, sizes: [...IMAGE_SIZES, '2048x2048', '2K', '4K'], source: 'pixapi.ai docs/models/gpt-image' }),
  imageModel('gpt-image-1.5', { quality: true, source: 'pixapi.ai docs/models/gpt-image' }),
  videoModel('veo'),
  videoModel('wan', true, DOCS),
  videoModel('kling', true, DOCS),
];

// ---- prices (MODELS.md "Pixapi — prices"; 1 credit = $0.01) ----

interface CreditRange { readonly low: number; readonly high: number | undefined; readonly what: string }

function sizeTier(size: unknown): '512' | '1K' | '2K' | '4K' | undefined {
  if (size === '512x512') return '512';
  if (size === 'auto' || size === '1024x1024' || size === '1536x1024' || size === '1024x1536') return '1K';
  if (size === '2K' || size === '2048x2048') return '2K';
  if (size === '4K') return '4K';
  return undefined; // a typed WxH: which tier it bills at is not documented
}

function pick(table: Readonly<Record<string, number>>, key: string | undefined): { low: number; high: number } {
  if (key !== undefined && table[key] !== undefined) return { low: table[key], high: table[key] };
  const all = Object.values(table);
  return { low: Math.min(...all), high: Math.max(...all) };
}

function imageCredits(model: string, params: PricedRequest['params']): CreditRange | undefined {
  const tier = sizeTier(params.size);
  if (model === 'gemini-2.5-flash-image' || model === 'nano-banana') return { low: 2, high: 2, what: 'image' };
  if (model === 'gemini-3.1-flash-image-preview' || model === 'nano-banana-2')
    return { ...pick({ '512': 4, '1K': 4, '2K': 6, '4K': 8 }, tier), what: 'image' };
  if (model === 'gemini-3-pro-image-preview' || model === 'nano-banana-pro')
    return { ...pick({ '1K': 8, '2K': 8, '4K': 16 }, tier === '512' ? undefined : tier), what: 'image' };
  if (model === 'gpt-image-1.5') return { low: 1, high: undefined, what: 'image' };
  if (model === 'gpt-image-2') {
    // quality=auto is billed as high; size=auto is the 1K tier.
    const table: Record<string, Record<string, number>> = {
      '1K': { low: 1, medium: 4, high: 14 },
      '2K': { low: 2, medium: 17, high: 67 },
      '4K': { low: 4, medium: 34, high: 133 },
    };
    // No quality sends Pixapi's default, auto; no size sends auto, the 1K tier.
    const q =
      params.quality === undefined || params.quality === 'auto' ? 'high' : typeof params.quality === 'string' ? params.quality : undefined;
    const tiers = tier && tier !== '512' ? [table[tier]] : params.size === undefined ? [table['1K']] : Object.values(table);
    const ranges = tiers.map((t) => pick(t, q));
    return { low: Math.min(...ranges.map((r) => r.low)), high: Math.max(...ranges.map((r) => r.high)), what: 'image' };
  }
  return undefined;
}

function videoCredits(model: string): CreditRange | undefined {
  // veo: Lite 720P 1/s … Standard 4K 12/s; how a request picks the tier is not documented.
  if (model === 'veo') return { low: 1, high: 12, what: 'second' };
  if (model === 'kling') return { low: 2.24, high: undefined, what: 'second' };
  if (model === 'wan') return { low: 2, high: undefined, what: 'second' };
  return undefined;
}

const usd = (credits: number) => Math.round(credits * CREDIT_USD * 10_000) / 10_000;

export function pixapiPrice(request: PricedRequest): CostEstimate {
  const source = 'MODELS.md · Pixapi prices (pixapi.ai docs/model-catalog)';
  if (request.kind === 'image') {
    const range = imageCredits(request.model, request.params);
    if (!range) return { unknown: true, reason: l10n.t('Pixapi documents no price for {0}.', request.model) };
    const n = request.params.n;
    if (n !== undefined && !(typeof n === 'number' && Number.isInteger(n) && n >= 1))
      return { unknown: true, reason: l10n.t('"n" is not a whole number of images, so no price can be given.') };
    const count = n ?? 1;
    const low = range.low * count;
    const high = range.high === undefined ? undefined : range.high * count;
    return {
      lowUsd: usd(low),
      highUsd: high === undefined ? undefined : usd(high),
      lowCredits: low,
      highCredits: high,
      basis: l10n.t('{0} image(s)', count),
      source,
    };
  }
  const range = videoCredits(request.model);
  if (!range) return { unknown: true, reason: l10n.t('Pixapi documents no price for {0}.', request.model) };
  const seconds = typeof request.params.duration === 'number' && request.params.duration > 0 ? request.params.duration : undefined;
  if (seconds === undefined) {
    return {
      unknown: true,
      reason: l10n.t('{0} is billed per second and no duration is given.', request.model),
      perSecondUsd: { low: usd(range.low), high: range.high === undefined ? undefined : usd(range.high) },
    };
  }
  // Rounded to a hundredth of a credit: 2.24 × 5 must read 11.2, not 11.200000000000001.
  const low = Math.round(range.low * seconds * 100) / 100;
  const high = range.high === undefined ? undefined : Math.round(range.high * seconds * 100) / 100;
  return {
    lowUsd: usd(low),
    highUsd: high === undefined ? undefined : usd(high),
    lowCredits: low,
    highCredits: high,
    basis: l10n.t('{0} s', seconds),
    source,
  };
}

export function genericModel(id: string, kind: MediaKind): ModelSpec {
  // A model GET /v1/models lists that is not described here: the fields PROVIDERS.md documents for every model.
  return kind === 'video' ? videoModel(id, false, DOCS) : imageModel(id, { documented: false });
}

/**
 * The models GET /v1/models lists, each with its spec: the documented one (by id or alias), else the generic
 * schema, able to edit only where the listing says `image-to-image`.
 */
export function mergePixapiModels(listed: readonly { id: string; kind: MediaKind; edits: boolean }[]): ModelSpec[] {
  return listed.map((entry) => {
    const known = PIXAPI_MODELS.find((m) => m.id === entry.id || m.aliases?.includes(entry.id));
    if (known && known.kind === entry.kind) return known.id === entry.id ? known : { ...known, id: entry.id, aliases: [known.id] };
    const generic = genericModel(entry.id, entry.kind);
    return entry.kind === 'image' && !entry.edits
      ? { ...generic, operations: pixapiOperations('image', false), references: { via: 'none' } }
      : generic;
  });
}
