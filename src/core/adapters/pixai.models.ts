/**
 * PixAI's model catalog (the data of its spec, src/core/adapters/pixai.spec.ts, loaded on first use). The v2 create
 * page documents `modelVersionId`, `prompt`, `aspectRatio`, `mode` and `style`
 * (their full value lists are not public: examples only); image-to-image goes through the v1 parameters
 * `mediaUrl` + `strength`. The other task parameters PixAI's SDK names (`negativePrompts`, `seed`, `lora`…)
 * are not documented for v2: they are offered only through `extra`, with a note that PixAI may ignore them.
 */
import type { ModelSpec, ParamSpec } from '../spec/types';
import * as l10n from '@vscode/l10n';
import { PIXAI_EXAMPLE_MODEL_VERSION_ID } from './pixai.spec';

const V2 = 'platform.pixai.art docs/api-v2/image/createImage';
const V1 = 'platform.pixai.art en/docs/api/task/createGenerationTask';
const SDK = 'github.com/pixai-art/pixai-client-js src/parameters.types.ts';

const PARAMS: readonly ParamSpec[] = [
  // Only "9:16" is documented (as an example); the others are common ratios offered as suggestions.
  {
    name: 'aspectRatio',
    type: 'string',
    role: 'aspectRatio',
    values: ['9:16', '1:1', '16:9', '2:3', '3:2', '3:4', '4:3'],
    complete: false,
    source: V2,
  },
  { name: 'mode', type: 'string', role: 'mode', values: ['standard'], complete: false, source: V2 },
  { name: 'style', type: 'string', role: 'style', source: V2, note: 'No values are documented.' },
  {
    name: 'strength',
    type: 'number',
    inputCase: 'withImages',
    advanced: true,
    source: V1,
    note: 'How far image-to-image may move from the reference.',
  },
];

const sdk = (name: string, type: ParamSpec['type'], note?: string): ParamSpec => ({ name, type, source: SDK, note });

/** Task parameters of PixAI's SDK (GraphQL/v1 names): suggested for `extra`, never sent as documented fields. */
const SDK_PARAMS: readonly ParamSpec[] = [
  sdk('negativePrompts', 'string'), sdk('seed', 'string', 'A number or a string; random if omitted.'), sdk('batchSize', 'integer'),
  sdk('width', 'integer'), sdk('height', 'integer'), sdk('samplingSteps', 'integer', 'Usually 20–25.'), sdk('samplingMethod', 'string'),
  sdk('cfgScale', 'number', 'Recommended below 7.'), sdk('clipSkip', 'integer'), sdk('lora', 'object', 'LoRA model id → weight.'),
  sdk('vaeModelId', 'string'), sdk('controlNets', 'objectList'), sdk('upscale', 'number'), sdk('upscaler', 'string'),
  sdk('upscaleDenoisingSteps', 'integer'), sdk('upscaleDenoisingStrength', 'number'), sdk('upscaleSampler', 'string'),
  sdk('enableADetailer', 'boolean'), sdk('enableTile', 'boolean'), sdk('maskMediaUrl', 'string'),
];

export function model(id: string, label: string | undefined, documented: boolean): ModelSpec {
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
