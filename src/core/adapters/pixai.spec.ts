/**
 * PixAI's spec: v2 create documents `modelVersionId`, `prompt`, `aspectRatio`, `mode`, `style` (examples only);
 * image-to-image via v1's `mediaUrl` + `strength`. SDK-only parameters (`seed`, `lora`…) go through `extra` only.
 */
import type { MediaKind } from '../task';
import type { ModelSpec, ParamSpec, ProviderSpec } from '../spec/types';
import * as l10n from '@vscode/l10n';

const V2 = 'platform.pixai.art docs/api-v2/image/createImage';
const V1 = 'platform.pixai.art en/docs/api/task/createGenerationTask';
const SDK = 'github.com/pixai-art/pixai-client-js src/parameters.types.ts';

/** From PixAI's quick-start; PixAI has no list-models endpoint. */
export const PIXAI_EXAMPLE_MODEL_VERSION_ID = '1983308862240288769';

const MODEL_PAGE = /^(?:https?:\/\/)?(?:www\.)?pixai\.art\/model\/[^/?#\s]+\/(\d+)\/?(?:[?#]\S*)?$/i;

/** A bare id or `pixai.art/model/<id>/<modelVersionId>` (with or without https://, www., slash or query). */
export function parseModelVersionId(input: string): string | undefined {
  const text = input.trim();
  if (/^\d+$/.test(text)) return text;
  return MODEL_PAGE.exec(text)?.[1];
}

const PARAMS: readonly ParamSpec[] = [
  // Only "9:16" is documented (as an example); the others are common ratios offered as suggestions.
  { name: 'aspectRatio', type: 'string', role: 'aspectRatio', values: ['9:16', '1:1', '16:9', '2:3', '3:2', '3:4', '4:3'], complete: false, source: V2 },
  { name: 'mode', type: 'string', role: 'mode', values: ['standard'], complete: false, source: V2 },
  { name: 'style', type: 'string', role: 'style', source: V2, note: 'No values are documented.' },
  { name: 'strength', type: 'number', inputCase: 'withImages', advanced: true, source: V1, note: 'How far image-to-image may move from the reference.' },
];

const sdk = (name: string, type: ParamSpec['type'], note?: string): ParamSpec => ({ name, type, source: SDK, note });

/** GraphQL/v1 names: suggested for `extra`, never sent as documented fields. */
const SDK_PARAMS: readonly ParamSpec[] = [
  sdk('negativePrompts', 'string'), sdk('seed', 'string', 'A number or a string; random if omitted.'), sdk('batchSize', 'integer'),
  sdk('width', 'integer'), sdk('height', 'integer'), sdk('samplingSteps', 'integer', 'Usually 20–25.'), sdk('samplingMethod', 'string'),
  sdk('cfgScale', 'number', 'Recommended below 7.'), sdk('clipSkip', 'integer'), sdk('lora', 'object', 'LoRA model id → weight.'),
  sdk('vaeModelId', 'string'), sdk('controlNets', 'objectList'), sdk('upscale', 'number'), sdk('upscaler', 'string'),
  sdk('upscaleDenoisingSteps', 'integer'), sdk('upscaleDenoisingStrength', 'number'), sdk('upscaleSampler', 'string'),
  sdk('enableADetailer', 'boolean'), sdk('enableTile', 'boolean'), sdk('maskMediaUrl', 'string'),
];

function model(id: string, label: string | undefined, documented: boolean): ModelSpec {
  return {
    provider: 'pixai',
    id,
    kind: 'image',
    label,
    operations: ['generate', 'edit'],
    // One reference, as `mediaUrl` (image-to-image through the v1 parameters).
    references: { via: 'urls', max: 1, source: V1 },
    params: PARAMS,
    knownExtra: SDK_PARAMS,
    documented,
    source: V2,
  };
}

export const PIXAI_MODELS: readonly ModelSpec[] = [
  {
    ...model(PIXAI_EXAMPLE_MODEL_VERSION_ID, undefined, true),
    // A getter: translated when read, after activation has configured the bundle (this table is built at load).
    get label() { return l10n.t('Example model from PixAI\'s docs (paste another pixai.art/model/… URL for any other model)'); },
  },
];

export const PIXAI_SPEC = {
  id: 'pixai',
  label: 'PixAI',
  defaultBaseUrl: 'https://api.pixai.art',
  get keyHelp() { return l10n.t('Create a key in PixAI account settings → API.'); },
  capabilities: { textToImage: true, editWithFiles: false, editWithUrls: true, textToVideo: false, imageToVideo: false, cancel: true, balance: false, reportsTaskCost: false, modelListing: false },
  references: { image: 'urls', video: 'none' },
  // Documented: at most 10 tasks per account waiting or running; the setting may lower it.
  concurrency: { maxActiveTasks: 10, settings: { maxActiveTasks: 'pixai.maxConcurrentTasks' }, source: 'platform.pixai.art docs (rate limits)' },
  // Results "are not kept permanently" (no life stated); the media route needs the key.
  results: { keyedRoute: /^\/v1\/media\/[^/]+\/image\/?$/ },
  models: PIXAI_MODELS,
  reservedFields: ['modelVersionId', 'prompt', 'prompts', 'mediaUrl', 'mediaId'],
  // Every PixAI model version takes the same documented fields.
  genericModel: (id: string, _kind: MediaKind) => model(id, undefined, true),
  modelIdFrom: parseModelVersionId,
  modelIdHint: 'https://pixai.art/model/…/…',
  price: () => ({ unknown: true, reason: l10n.t('PixAI documents no prices for its API.') }),
} as const satisfies ProviderSpec<'pixai'>;
