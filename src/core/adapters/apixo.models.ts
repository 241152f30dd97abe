/**
 * Apixo's model catalog (the data of its spec, src/core/adapters/apixo.spec.ts, loaded on first use): every model
 * MODELS.md lists, with the fields its page documents (per-model pages are
 * authoritative over the common parameters page), reference images as public URLs in `image_urls`, and the
 * rules that decide the mode or generationType from the situation. Prices where a model page gives one.
 */
import type { MediaKind, ParamValue } from '../task';
import type { CostEstimate, ModelRules, ModelSpec, ParamSpec, PricedRequest, RequestFacts } from '../spec/types';
import * as l10n from '@vscode/l10n';

const COMMON = 'apixo.ai docs/api-reference/parameters';
const page = (path: string) => `apixo.ai ${path}`;

const IMAGE_ASPECTS = ['1:1', '4:3', '3:4', '3:2', '2:3', '4:5', '5:4', '9:16', '16:9', '21:9', 'auto'];

function p(name: string, type: ParamSpec['type'], source: string, more: Partial<ParamSpec> = {}): ParamSpec {
  return { name, type, source, ...more };
}

const modeOf = (values: readonly string[], source: string, more: Partial<ParamSpec> = {}): ParamSpec =>
  p('mode', 'enum', source, { role: 'mode', values, complete: true, ...more });
const aspect = (values: readonly string[], source: string, complete = true): ParamSpec =>
  p('aspect_ratio', 'enum', source, { role: 'aspectRatio', values, complete });
const negative = (source: string, maxLength?: number): ParamSpec =>
  p('negative_prompt', 'string', source, { role: 'negativePrompt', maxLength, advanced: true });
/** Top level, beside `input`: `auto` (default) | `value` | `official`. */
const routing = (source: string, official = false): ParamSpec =>
  p('provider', 'enum', source, {
    values: ['auto', 'value', 'official'],
    complete: true,
    topLevel: true,
    advanced: true,
    ...(official ? { default: 'official', defaultIsOurs: true } : {}),
  });

function image(
  id: string,
  source: string,
  params: readonly ParamSpec[],
  references: ModelSpec['references'],
  more: Partial<ModelSpec> = {},
): ModelSpec {
  return {
    provider: 'apixo',
    id,
    kind: 'image',
    operations: ['generate', 'edit'],
    references,
    params: [...params, routing(COMMON)],
    documented: true,
    source,
    ...more,
  };
}

function video(
  id: string,
  source: string,
  params: readonly ParamSpec[],
  references: ModelSpec['references'],
  more: Partial<ModelSpec> & { official?: boolean } = {},
): ModelSpec {
  const { official, ...rest } = more;
  return {
    provider: 'apixo',
    id,
    kind: 'video',
    operations: ['video'],
    references,
    params: [...params, routing(official ? source : COMMON, official)],
    documented: true,
    source,
    ...rest,
  };
}

const T2I = ['text-to-image', 'image-to-image'];
const T2V = ['text-to-video', 'image-to-video'];

const NANO = page('docs/models/image/nano-banana');
const NANO2 = page('ko/docs/models/image/nano-banana-2');
const GPT1 = page('docs/models/image/gpt-image-1');
const GPT2 = page('docs/models/image/gpt-image-2');
const FLUX = page('ko/docs/models/image/flux-2');
const MJ = page('docs/models/image/midjourney (and es/docs/models/image/midjourney)');
const SORA = page('docs/models/video/sora-2');
const SORA_PRO = page('zh/docs/models/video/sora-2-pro');
const VEO = page('docs/models/video/veo-3-1');
const KLING = page('docs/ru/models/video/kling-2-1');
const WAN = page('de/docs/models/video/wan-2-5');
const LTX = page('es/docs/models/video/ltx-2-19b');

export const APIXO_MODELS: readonly ModelSpec[] = [
  image(
    'nano-banana',
    NANO,
    [
      modeOf(T2I, NANO),
      aspect(IMAGE_ASPECTS, NANO),
      p('output_format', 'enum', NANO, { role: 'outputFormat', values: ['jpeg', 'png'], complete: true, default: 'jpeg' }),
    ],
    { via: 'urls', max: 5, source: NANO },
    { maxPromptLength: 5000 },
  ),
  image(
    'nano-banana-2',
    NANO2,
    [
      modeOf(T2I, NANO2),
      aspect([...IMAGE_ASPECTS, '1:4', '4:1', '1:8', '8:1'], NANO2),
      // Lower case on this model's page (the common page's 1K/2K/4K is upper case).
      p('resolution', 'enum', NANO2, { role: 'resolution', values: ['1k', '2k', '4k'], complete: true }),
      p('output_format', 'enum', NANO2, { role: 'outputFormat', values: ['png', 'jpeg', 'jpg'], complete: true }),
    ],
    { via: 'urls', max: 14, source: NANO2 },
    { maxPromptLength: 20_000 },
  ),
  image(
    'gpt-image-1',
    GPT1,
    [
      modeOf(['gpt-image-1'], GPT1, { default: 'gpt-image-1', defaultIsOurs: true, advanced: true }),
      aspect(['1:1', '2:3', '3:2'], GPT1),
      // Two copies of the page disagree: the newer names num_images, the older nVariants (1/2/4).
      p('num_images', 'integer', GPT1, { role: 'count', min: 1, values: [1, 2, 4], note: "The newer page's name for the image count." }),
      p('nVariants', 'enum', GPT1, {
        values: [1, 2, 4],
        complete: true,
        advanced: true,
        note: "The older page's name for the image count.",
      }),
      p('isEnhance', 'boolean', GPT1, { advanced: true }),
    ],
    { via: 'urls', max: 5, source: GPT1 },
  ),
  image(
    'gpt-image-2',
    GPT2,
    [
      modeOf(T2I, GPT2),
      aspect(['auto', '1:1', '4:3', '3:4', '16:9', '9:16'], GPT2),
      p('resolution', 'enum', GPT2, { role: 'resolution', values: ['1k', '2k', '4k'], complete: true }),
    ],
    { via: 'urls', max: 16, source: GPT2 },
    { maxPromptLength: 20_000 },
  ),
  image(
    'flux-2',
    FLUX,
    [
      modeOf(['pro-text-to-image', 'pro-image-to-image', 'flex-text-to-image', 'flex-image-to-image'], FLUX),
      aspect(IMAGE_ASPECTS, FLUX, false),
      p('resolution', 'string', FLUX, { role: 'resolution', values: ['1K'], complete: false }),
    ],
    { via: 'urls', source: FLUX },
    { rules: ["The image-to-image modes need image_urls; the mode's tier (pro/flex) is kept when an image is given or taken away."] },
  ),
  image(
    'midjourney',
    MJ,
    [
      modeOf(['text-to-image', 'image-to-image', 'upload-paint', 'vary', 'upscale', 'image-edit', 'reroll', 'enhance'], MJ),
      p('speed', 'enum', MJ, { values: ['fast', 'turbo'], complete: true }),
      p('aspect_ratio', 'string', MJ, { role: 'aspectRatio', values: ['1:1', '16:9', '9:16', '4:3', '3:4'], complete: false }),
      p('stylization', 'number', MJ, { advanced: true }),
      p('variety', 'number', MJ, { advanced: true }),
      p('weirdness', 'number', MJ, { advanced: true }),
      p('version', 'string', MJ, { advanced: true }),
      // The older copy's names for the same four.
      p('aspect', 'string', MJ, { advanced: true }),
      p('chaos', 'number', MJ, { advanced: true }),
      p('stylize', 'number', MJ, { advanced: true }),
      p('weird', 'number', MJ, { advanced: true }),
      p('taskId', 'string', MJ, { advanced: true, note: 'The earlier task, for vary, upscale, reroll and the other follow-up modes.' }),
      p('imageIndex', 'integer', MJ, { advanced: true, min: 0 }),
      p('mask', 'string', MJ, { advanced: true, note: 'upload-paint only.' }),
      p('canvas', 'object', MJ, { advanced: true }),
      p('imgPos', 'object', MJ, { advanced: true }),
    ],
    { via: 'urls', max: 1, source: MJ },
    { maxPromptLength: 1999, rules: ['Usually 4 results (1 for upscale).'] },
  ),
  video(
    'sora-2',
    SORA,
    [
      aspect(['landscape', 'portrait'], SORA),
      p('duration', 'enum', SORA, { role: 'duration', values: [4, 8, 12], complete: true }),
      p('remove_watermark', 'boolean', SORA, { advanced: true }),
    ],
    { via: 'urls', min: 1, max: 1, source: SORA },
    { official: true, rules: ['Image-to-video takes exactly one image URL.', 'Sent with provider "official", as the page says.'] },
  ),
  video(
    'sora-2-pro',
    SORA_PRO,
    [
      p('duration', 'number', SORA_PRO, { role: 'duration', values: [8], complete: false, min: Number.MIN_VALUE }),
      p('size', 'enum', SORA_PRO, { role: 'size', values: ['1280*720', '720*1280'], complete: true }),
    ],
    { via: 'none', source: SORA_PRO },
    { official: true, rules: ['Sent with provider "official", as the page says.'] },
  ),
  video(
    'veo-3-1',
    VEO,
    [
      // 'fast' is sent when none is chosen: the cheaper tier; 'quality' is a deliberate choice.
      modeOf(['fast', 'quality'], VEO, { default: 'fast', defaultIsOurs: true }),
      p('generationType', 'enum', VEO, {
        values: ['TEXT_2_VIDEO', 'FIRST_AND_LAST_FRAMES_2_VIDEO', 'REFERENCE_2_VIDEO'],
        complete: true,
        default: 'TEXT_2_VIDEO',
      }),
      aspect(['16:9', '9:16', 'auto'], VEO),
      p('seed', 'integer', VEO, { role: 'seed', advanced: true }),
      p('watermark', 'string', VEO, { advanced: true }),
      p('enableTranslation', 'boolean', VEO, { advanced: true }),
    ],
    { via: 'urls', max: 3, source: VEO },
    {
      rules: [
        'With an image and no generationType chosen, FIRST_AND_LAST_FRAMES_2_VIDEO is sent (1–2 images: first and last frame); an image sent as TEXT_2_VIDEO would be ignored.',
        'REFERENCE_2_VIDEO: fast mode only, at most 3 images, 16:9 only.',
      ],
    },
  ),
  video(
    'kling-2-1',
    KLING,
    [
      modeOf(['standard-image-to-video', 'pro-image-to-video', 'master-text-to-video', 'master-image-to-video'], KLING),
      p('duration', 'enum', KLING, { role: 'duration', values: [5, 10], complete: true }),
      aspect(['16:9', '9:16', '1:1'], KLING),
      negative(KLING, 500),
      p('cfg_scale', 'number', KLING, { min: 0, max: 1, advanced: true }),
    ],
    { via: 'urls', max: 2, source: KLING },
    {
      rules: [
        'The mode follows the tier and whether an image is given: standard (1 image) and pro (1–2 images) are image-to-video only; master has both. Without a chosen mode: master-text-to-video, or standard-image-to-video with one image and pro-image-to-video with two.',
      ],
    },
  ),
  video(
    'wan-2-5',
    WAN,
    [
      modeOf(T2V, WAN),
      p('resolution', 'string', WAN, { role: 'resolution', values: ['1080p'], complete: false }),
      p('duration', 'number', WAN, { role: 'duration', min: Number.MIN_VALUE, values: [5, 10], complete: false }),
      aspect(['16:9', '9:16', '1:1'], WAN, false),
      negative(WAN),
      p('seed', 'integer', WAN, { role: 'seed', advanced: true }),
      p('enable_prompt_expansion', 'boolean', WAN, { advanced: true }),
    ],
    { via: 'urls', source: WAN },
  ),
  video(
    'ltx-2-19b',
    LTX,
    [
      modeOf(['text-to-video', 'image-to-video', 'text-to-video-LoRA', 'image-to-video-LoRA'], LTX),
      p('loras', 'objectList', LTX, { advanced: true, note: 'A list of {path, scale}: the LoRA modes only.' }),
    ],
    { via: 'urls', source: LTX },
  ),
];

// ---- rules ----

const takesImage = (mode: string) => /(^|-)image-to-/.test(mode);

/** The same tier's mode for the situation: `pro-text-to-image` ↔ `pro-image-to-image`, `text-to-video-LoRA` ↔ `image-to-video-LoRA`. */
function pairedMode(mode: string, withImages: boolean, modes: readonly (string | number)[]): string | undefined {
  const paired = withImages ? mode.replace('text-to-', 'image-to-') : mode.replace('image-to-', 'text-to-');
  return modes.includes(paired) ? paired : undefined;
}

/**
 * The mode rule every Apixo model with text-/image-to modes shares: none chosen → the first mode that fits
 * (image-to-… when an image is given); a text/image mode → its pair when the situation is the other one.
 */
function modeRule(model: ModelSpec, preferred?: (facts: RequestFacts) => string | undefined): ModelRules {
  const modes = model.params.find((x) => x.name === 'mode')?.values ?? [];
  const pairs = modes.some((m) => typeof m === 'string' && m.includes('text-to-'));
  return {
    derive(facts): Record<string, ParamValue> {
      if (!pairs) return {};
      const withImages = facts.imageCount > 0;
      const chosen = facts.params.mode;
      if (typeof chosen === 'string' && chosen) {
        if (takesImage(chosen) === withImages) return {};
        const paired = pairedMode(chosen, withImages, modes);
        return paired ? { mode: paired } : {};
      }
      const fallback = modes.find((m): m is string => typeof m === 'string' && takesImage(m) === withImages);
      const mode = preferred?.(facts) ?? fallback;
      return mode ? { mode } : {};
    },
    check(facts) {
      const mode = facts.params.mode;
      if (typeof mode !== 'string') return undefined;
      if (takesImage(mode) && facts.imageCount === 0)
        return l10n.t('The mode {0} of {1} needs at least one reference image URL.', mode, model.id);
      if (pairs && !takesImage(mode) && mode.includes('text-to-') && facts.imageCount > 0) {
        return l10n.t(
          'The mode {0} of {1} takes no image, and this model has no image-to mode of that tier; choose another mode or remove the image.',
          mode,
          model.id,
        );
      }
      return undefined;
    },
  };
}

function veoRules(): ModelRules {
  return {
    derive(facts): Record<string, ParamValue> {
      const chosen = facts.params.generationType;
      // An image sent without a non-text generationType is not an image-to-video: the user would pay for a video that ignores it.
      if (facts.imageCount > 0 && (chosen === undefined || chosen === 'TEXT_2_VIDEO'))
        return { generationType: 'FIRST_AND_LAST_FRAMES_2_VIDEO' };
      return {};
    },
    check(facts) {
      const type = facts.params.generationType;
      if ((type === 'FIRST_AND_LAST_FRAMES_2_VIDEO' || type === 'REFERENCE_2_VIDEO') && facts.imageCount === 0) {
        return l10n.t('veo-3-1 {0} needs image_urls (documented at {1}).', type, VEO);
      }
      if (type === 'FIRST_AND_LAST_FRAMES_2_VIDEO' && facts.imageCount > 2) {
        return l10n.t(
          'veo-3-1 FIRST_AND_LAST_FRAMES_2_VIDEO takes 1–2 images (first and last frame); {0} were given (documented at {1}).',
          facts.imageCount,
          VEO,
        );
      }
      if (type === 'REFERENCE_2_VIDEO') {
        if (facts.params.mode !== undefined && facts.params.mode !== 'fast')
          return l10n.t('veo-3-1 REFERENCE_2_VIDEO works in fast mode only (documented at {0}).', VEO);
        const ratio = facts.params.aspect_ratio;
        if (ratio !== undefined && ratio !== '16:9')
          return l10n.t('veo-3-1 REFERENCE_2_VIDEO makes 16:9 only, not {0} (documented at {1}).', String(ratio), VEO);
      }
      return undefined;
    },
  };
}

function klingRules(model: ModelSpec): ModelRules {
  const base = modeRule(model, (facts) =>
    facts.imageCount === 0 ? 'master-text-to-video' : facts.imageCount === 1 ? 'standard-image-to-video' : 'pro-image-to-video',
  );
  return {
    derive: base.derive,
    check(facts) {
      const problem = base.check?.(facts);
      if (problem) return problem;
      if (facts.params.mode === 'standard-image-to-video' && facts.imageCount > 1) {
        return l10n.t(
          'kling-2-1 standard-image-to-video takes 1 image; {0} were given. Choose pro-image-to-video for 2 (documented at {1}).',
          facts.imageCount,
          KLING,
        );
      }
      return undefined;
    },
  };
}

function rulesFor(model: ModelSpec): ModelRules | undefined {
  if (model.id === 'veo-3-1') return veoRules();
  if (model.id === 'kling-2-1') return klingRules(model);
  return model.params.some((x) => x.name === 'mode' && x.values?.some((m) => String(m).includes('-to-'))) ? modeRule(model) : undefined;
}

export const MODEL_RULES: Readonly<Record<string, ModelRules>> = Object.fromEntries(
  APIXO_MODELS.flatMap((m) => {
    const rules = rulesFor(m);
    return rules ? [[m.id, rules]] : [];
  }),
);

// ---- prices (model pages, older copies; MODELS.md) ----

export function apixoPrice(request: PricedRequest): CostEstimate {
  const source = 'MODELS.md · Apixo model pages (older copies)';
  const fixed = (usd: number, basis: string): CostEstimate => ({ lowUsd: usd, highUsd: usd, basis, source });
  switch (request.model) {
    case 'nano-banana':
      return fixed(0.03, l10n.t('1 image'));
    case 'veo-3-1': {
      const mode = request.params.mode;
      if (mode === 'quality') return fixed(1.5, l10n.t('1 video (quality)'));
      if (mode === 'fast') return fixed(0.2, l10n.t('1 video (fast)'));
      // No mode chosen: Apixo's default tier is not documented, so either price.
      return { lowUsd: 0.2, highUsd: 1.5, basis: l10n.t('1 video (fast or quality)'), source };
    }
    case 'sora-2':
      return { lowUsd: 0.1, highUsd: 0.15, basis: l10n.t('1 video'), source };
    default:
      return { unknown: true, reason: l10n.t('Apixo\'s page for {0} gives no price.', request.model) };
  }
}

export function genericModel(id: string, kind: MediaKind): ModelSpec {
  // A model id the user types that MODELS.md does not list: the common parameters page's fields, values open.
  const common: ParamSpec[] = kind === 'video'
    ? [
      p('mode', 'string', COMMON, { role: 'mode', values: T2V, complete: false }),
      p('aspect_ratio', 'string', COMMON, { role: 'aspectRatio', values: ['1:1', '16:9', '9:16'], complete: false }),
      p('resolution', 'string', COMMON, { role: 'resolution', values: ['480p', '720p', '1080p'], complete: false }),
      p('duration', 'number', COMMON, { role: 'duration', min: Number.MIN_VALUE }),
      p('sound', 'boolean', COMMON, { advanced: true }),
    ]
    : [
      p('mode', 'string', COMMON, { role: 'mode', values: T2I, complete: false }),
      p('aspect_ratio', 'string', COMMON, { role: 'aspectRatio', values: IMAGE_ASPECTS, complete: false }),
      p('resolution', 'string', COMMON, { role: 'resolution', values: ['1K', '2K', '4K'], complete: false }),
      p('output_format', 'string', COMMON, { role: 'outputFormat', values: ['png', 'jpeg'], complete: false }),
    ];
  return {
    provider: 'apixo', id, kind, operations: kind === 'video' ? ['video'] : ['generate', 'edit'],
    references: { via: 'urls', max: 5, source: COMMON },
    params: [...common, negative(COMMON), routing(COMMON)],
    maxPromptLength: 5000,
    documented: false,
    source: COMMON,
  };
}
