/**
 * The OpenAI-compatible model catalog (the data of its spec, src/core/adapters/openai.spec.ts, loaded on first use),
 * from OpenAI's public images API reference (not from PROVIDERS.md): gpt-image-1
 * generates and edits (reference images as files, an optional `mask`), dall-e-3 only generates. A gateway may
 * serve other models: a typed id gets the fields both endpoints share.
 */
import type { MediaKind } from '../task';
import type { ModelSpec, ParamSpec } from '../spec/types';

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
  field('mask', 'file', {
    advanced: true,
    operations: ['edit'],
    note: 'A PNG the size of the first image; transparent pixels mark where to edit.',
  }),
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

export function genericModel(id: string, kind: MediaKind): ModelSpec {
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
