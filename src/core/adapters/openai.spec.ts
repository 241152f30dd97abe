/** From OpenAI's images API reference (not PROVIDERS.md); a gateway's other models, typed by id, get the shared fields. */
import type { MediaKind } from '../task';
import type { ModelSpec, ParamSpec, ProviderSpec } from '../spec/types';
import * as l10n from '@vscode/l10n';

const REF = 'platform.openai.com docs/api-reference/images';

const field = (name: string, type: ParamSpec['type'], more: Partial<ParamSpec> = {}): ParamSpec => ({ name, type, source: REF, ...more });

const GPT_IMAGE_PARAMS: readonly ParamSpec[] = [
  field('n', 'integer', { role: 'count', min: 1, max: 10, values: [1, 2, 3, 4] }),
  field('size', 'enum', { role: 'size', values: ['auto', '1024x1024', '1536x1024', '1024x1536'], complete: true }),
  field('quality', 'enum', { role: 'quality', values: ['auto', 'low', 'medium', 'high'], complete: true }),
  field('output_format', 'enum', { role: 'outputFormat', values: ['png', 'jpeg', 'webp'], complete: true }),
  field('background', 'enum', { values: ['auto', 'transparent', 'opaque'], complete: true, advanced: true }),
  field('output_compression', 'integer', { min: 0, max: 100, advanced: true }),
  field('moderation', 'enum', { values: ['auto', 'low'], complete: true, advanced: true, operations: ['generate'] }),
  field('input_fidelity', 'enum', { values: ['low', 'high'], complete: true, advanced: true, operations: ['edit'] }),
  // A PNG the size of the first image; its fully transparent pixels mark where to edit.
  field('mask', 'file', { advanced: true, operations: ['edit'], note: 'A PNG the size of the first image; transparent pixels mark where to edit.' }),
];

export const OPENAI_MODELS: readonly ModelSpec[] = [
  {
    provider: 'openai', id: 'gpt-image-1', kind: 'image', operations: ['generate', 'edit'],
    // OpenAI's reference: up to 16 images for gpt-image models.
    references: { via: 'files', max: 16, source: REF },
    params: GPT_IMAGE_PARAMS, maxPromptLength: 32_000, documented: true, source: REF,
  },
  {
    provider: 'openai', id: 'dall-e-3', kind: 'image', operations: ['generate'],
    references: { via: 'none', source: REF },
    params: [
      field('n', 'integer', { role: 'count', min: 1, max: 1, values: [1] }),
      field('size', 'enum', { role: 'size', values: ['1024x1024', '1792x1024', '1024x1792'], complete: true }),
      field('quality', 'enum', { role: 'quality', values: ['standard', 'hd'], complete: true }),
      field('style', 'enum', { role: 'style', values: ['vivid', 'natural'], complete: true, advanced: true }),
      field('response_format', 'enum', { values: ['url', 'b64_json'], complete: true, advanced: true }),
    ],
    maxPromptLength: 4000, documented: true, source: REF,
  },
];

function genericModel(id: string, kind: MediaKind): ModelSpec {
  return {
    provider: 'openai', id, kind, operations: ['generate', 'edit'],
    references: { via: 'files', source: REF },
    params: [
      field('n', 'integer', { role: 'count', min: 1, max: 10, values: [1, 2, 3, 4] }),
      field('size', 'string', { role: 'size', values: ['auto', '1024x1024', '1536x1024', '1024x1536'], complete: false }),
      field('quality', 'string', { role: 'quality', values: ['auto', 'low', 'medium', 'high'], complete: false }),
      field('response_format', 'enum', { values: ['url', 'b64_json'], complete: true, advanced: true }),
      field('output_format', 'string', { role: 'outputFormat', values: ['png', 'jpeg', 'webp'], complete: false, advanced: true }),
      field('background', 'string', { advanced: true }),
      field('mask', 'file', { advanced: true, operations: ['edit'] }),
    ],
    documented: false,
    source: REF,
  };
}

export const OPENAI_SPEC = {
  id: 'openai',
  // Any server that speaks OpenAI's synchronous images API (OpenAI itself, or a compatible gateway).
  label: 'OpenAI-compatible',
  defaultBaseUrl: 'https://api.openai.com',
  get keyHelp() { return l10n.t('Create a key on platform.openai.com (API keys), or use the key of your OpenAI-compatible gateway.'); },
  capabilities: { textToImage: true, editWithFiles: true, editWithUrls: false, textToVideo: false, imageToVideo: false, cancel: false, balance: false, reportsTaskCost: false, modelListing: false },
  references: { image: 'files', video: 'none' },
  concurrency: { settings: {} },
  results: {},
  models: OPENAI_MODELS,
  reservedFields: ['model', 'prompt', 'image', 'image[]'],
  genericModel,
  price: () => ({ unknown: true, reason: l10n.t('MODELS.md gives no OpenAI prices.') }),
} as const satisfies ProviderSpec<'openai'>;
