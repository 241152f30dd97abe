/**
 * Writes the chat tools' `inputSchema`s (package.json contributes.languageModelTools) from the registered specs:
 * the provider enums, which providers take a common field (size, count, quality, aspect ratio, style, duration),
 * its examples and bounds, and an enum only where every model that takes the field lists its values completely.
 * The rest (the tools' own fields, the target-path fields) is written here once. Run: `npm run chat-tool-schemas`;
 * test/unit/manifest/chatToolSchemas.test.ts fails when package.json differs from what this writes.
 */
import * as fs from 'fs';
import * as path from 'path';
import { PROVIDER_IDS, type ProviderId } from '../src/core/providers';
import { providerSpec } from '../src/core/spec/registry';
import type { ModelSpec, ParamRole, ParamSpec } from '../src/core/spec/types';
import type { MediaKind, Operation } from '../src/core/task';
import { MAX_TARGET_SIDE, PRESET_IDS } from '../src/core/targets/target';

/** A JSON schema as the manifest holds it. */
export type Schema = { readonly [key: string]: unknown };

/** Media Studio's own bound on a video's length for the tool (no provider documents a maximum for every model). */
const MAX_DURATION_SECONDS = 60;

/** The models of a provider a tool can reach for this kind and operation: the documented ones and the generic schema. */
function modelsFor(provider: ProviderId, kind: MediaKind, operation: Operation): ModelSpec[] {
  const spec = providerSpec(provider);
  const does = kind === 'video' ? spec.capabilities.textToVideo || spec.capabilities.imageToVideo : spec.capabilities.textToImage;
  if (!does) return [];
  return [...spec.models.filter((m) => m.kind === kind), spec.genericModel('', kind)].filter((m) => m.operations.includes(operation));
}

interface RoleUse { readonly provider: ProviderId; readonly model: ModelSpec; readonly param: ParamSpec }

/** Every model field that plays this role for the kind and operation, provider by provider. */
function roleUses(role: ParamRole, kind: MediaKind, operation: Operation): RoleUse[] {
  return PROVIDER_IDS.flatMap((provider) => modelsFor(provider, kind, operation).flatMap((model) => {
    const param = model.params.find((p) => p.role === role && (!p.operations || p.operations.includes(operation)));
    return param ? [{ provider, model, param }] : [];
  }));
}

function providersOf(uses: readonly RoleUse[]): ProviderId[] {
  return PROVIDER_IDS.filter((id) => uses.some((u) => u.provider === id));
}

/** "pixapi", "pixapi and openai", "pixapi, apixo and openai". */
function listed(ids: readonly string[]): string {
  return ids.length < 2 ? ids.join('') : `${ids.slice(0, -1).join(', ')} and ${ids[ids.length - 1]}`;
}

/** The values every use lists, when each lists them completely (else the field stays open: no enum). */
function completeValues(uses: readonly RoleUse[]): (string | number)[] | undefined {
  if (!uses.length || uses.some((u) => !u.param.complete || !u.param.values?.length)) return undefined;
  return [...new Set(uses.flatMap((u) => u.param.values ?? []))];
}

function examples(uses: readonly RoleUse[], skip: readonly (string | number)[] = []): (string | number)[] {
  return [...new Set(uses.flatMap((u) => u.param.values ?? []))].filter((v) => !skip.includes(v));
}

/** A string field of a common role: an enum where the specs' lists are complete, else a described string. */
function roleString(uses: readonly RoleUse[], description: string): Schema {
  const values = completeValues(uses);
  return values ? { type: 'string', enum: values, description } : { type: 'string', description };
}

const PROVIDER = {
  type: 'string',
  enum: [...PROVIDER_IDS],
  description:
    'Which provider to use. Omit to use the default provider (setting mediaStudio.defaultProvider) or any provider that has an API key.',
};

function modelField(): Schema {
  const [first] = PROVIDER_IDS;
  const image = providerSpec(first).models.filter((m) => m.kind === 'image').slice(0, 2).map((m) => m.id);
  const [video] = PROVIDER_IDS.flatMap((id) => providerSpec(id).models.filter((m) => m.kind === 'video'));
  const videoExample = video ? `, ${video.id}${video.provider === first ? '' : ` on ${video.provider}`} for video` : '';
  return {
    type: 'string',
    description: `The provider's model id (for example ${image.join(' or ')} on ${first}${videoExample}). Omit for the provider's default model.`,
  };
}

const OUTPUT_FOLDER = {
  type: 'string',
  description:
    'Folder, relative to the workspace folder, to save the results in (for example "assets/hero"). Defaults to the user\'s Media Studio output folder ("generated"). Must stay inside the workspace.',
};
const PARAMS = {
  type: 'object',
  description:
    'The model\'s own fields, by the provider\'s names (the README\'s "Models and their parameters" tables), for example {"aspect_ratio": "16:9"} on Apixo. A field the model does not document is refused with the list of fields it takes.',
};
const EXTRA = {
  type: 'object',
  description:
    'Fields the model does not document, sent as given (objects and lists included) and recorded in the sidecar as not documented. Only when the user asks for such a field by name.',
};

/** The exact-target fields of the image tools (src/core/targets/target.ts). */
function targetFields(): Record<string, Schema> {
  return {
    targetPath: {
      type: 'string',
      description:
        'Write the image exactly here: a path relative to the workspace folder, such as "public/logo.png" (.png, .jpg or .webp; .ico with the favicon preset; a folder for the app-icons preset). An existing file is never replaced: a numbered sibling is written instead.',
    },
    width: {
      type: 'integer',
      minimum: 1,
      maximum: MAX_TARGET_SIDE,
      description: 'Width in pixels of the file at targetPath (the image is resized locally).',
    },
    height: { type: 'integer', minimum: 1, maximum: MAX_TARGET_SIDE, description: 'Height in pixels of the file at targetPath.' },
    fit: {
      type: 'string',
      enum: ['cover', 'contain'],
      description:
        'cover (default) fills width×height and crops the overflow; contain fits inside and pads with transparency or background.',
    },
    background: {
      type: 'string',
      description: 'Padding colour for fit=contain, such as "#ffffff" (default transparent; white behind a JPEG).',
    },
    format: {
      type: 'string',
      enum: ['png', 'jpeg', 'webp'],
      description: 'Format of the target file; by default the one its extension names.',
    },
    preset: {
      type: 'string',
      enum: [...PRESET_IDS],
      description:
        'An asset set from one generation: app-icons (1024, 512, 192, 180, 32, 16 px PNGs in the targetPath folder, default "icons"), og-image (1200×630 JPEG), favicon (favicon.ico with 16/32/48 px), hero (1920×1080 WebP).',
    },
  };
}

/** The image count: from 1 to the largest count any model lists. */
function countField(uses: readonly RoleUse[], what: string): Schema {
  const values = examples(uses).filter((v): v is number => typeof v === 'number');
  return {
    type: 'integer',
    minimum: Math.min(...uses.map((u) => u.param.min ?? 1)),
    maximum: Math.max(...values),
    description: `How many ${what} (${listed(providersOf(uses))} only). Default 1.`,
  };
}

/** How style is taken, per provider: open (the provider lists no values) or the model's complete list. */
function styleNotes(uses: readonly RoleUse[]): string {
  return providersOf(uses).map((id) => {
    const mine = uses.filter((u) => u.provider === id);
    const closed = mine.filter((u) => u.param.complete && u.param.values?.length);
    if (closed.length === mine.length)
      return closed
        .map((u) => `${id} ${u.model.id} takes ${listed((u.param.values ?? []).map(String)).replace(/ and /, ' or ')}`)
        .join('; ');
    return `${providerSpec(id).label}'s is passed as given (${providerSpec(id).label} documents no list of values)`;
  }).join('; ');
}

function imageTool(operation: 'generate' | 'edit'): Schema {
  const uses = (role: ParamRole) => roleUses(role, 'image', operation);
  const size = uses('size');
  const aspect = uses('aspectRatio');
  const quality = uses('quality');
  const style = uses('style');
  const sizeExamples = examples(size, ['auto']).slice(0, 2).join(', ');
  const edit = operation === 'edit';
  const properties: Record<string, Schema> = {
    prompt: {
      type: 'string',
      description: edit ? 'The edit to make, in detail.' : 'What to generate, in detail: subject, style, lighting, composition.',
    },
    ...(edit
      ? {
          images: {
            type: 'array',
            minItems: 1,
            items: { type: 'string' },
            description:
              'Workspace-relative paths of the images to edit, such as "images/product.png". Only files inside the workspace are accepted; copy any other image into the workspace first.',
          },
        }
      : {}),
    provider: PROVIDER,
    model: modelField(),
    size: roleString(
      size,
      edit
        ? `Output size as WIDTHxHEIGHT; ${listed(providersOf(size))} only.`
        : `Image size as WIDTHxHEIGHT (for example ${sizeExamples}); ${listed(providersOf(size))} only.`,
    ),
    aspectRatio: roleString(
      aspect,
      edit
        ? `Aspect ratio such as 1:1 or 16:9; ${listed(providersOf(aspect))} only.`
        : `Aspect ratio such as 1:1, 16:9, 9:16; ${listed(providersOf(aspect))} only (use size for ${providersOf(size).join('/')}).`,
    ),
    count: countField(uses('count'), edit ? 'results' : 'images'),
    quality: roleString(
      quality,
      edit
        ? `Quality where the model takes it; ${listed(providersOf(quality))} only.`
        : `Quality where the model takes it (${examples(quality, ['auto']).slice(0, 3).join(', ')}); ${listed(providersOf(quality))} only.`,
    ),
    ...(edit
      ? {}
      : { style: roleString(style, `The model's style value: ${styleNotes(style)}; ${listed(providersOf(style))} only. Omit for none.`) }),
    outputFolder: OUTPUT_FOLDER,
    params: PARAMS,
    extra: EXTRA,
    ...targetFields(),
  };
  return { type: 'object', required: edit ? ['prompt', 'images'] : ['prompt'], additionalProperties: false, properties };
}

function videoTool(): Schema {
  const uses = (role: ParamRole) => roleUses(role, 'video', 'video');
  const durations = examples(uses('duration')).filter((v): v is number => typeof v === 'number').sort((a, b) => a - b);
  const size = uses('size');
  const aspect = uses('aspectRatio');
  return {
    type: 'object',
    required: ['prompt'],
    additionalProperties: false,
    properties: {
      prompt: { type: 'string', description: 'What to generate, in detail: subject, style, lighting, composition.' },
      provider: PROVIDER,
      model: modelField(),
      duration: {
        type: 'integer',
        minimum: 1,
        maximum: MAX_DURATION_SECONDS,
        description: `Length in seconds, as the model documents it (for example ${listed(durations.map(String)).replace(/ and /, ' or ')}).`,
      },
      size: roleString(size, `Video size such as ${examples(size)[0]} (${providersOf(size).join(', ')}).`),
      aspectRatio: roleString(aspect, `Aspect ratio such as 16:9 or 9:16 (${providersOf(aspect).join(', ')}).`),
      inputImageUrl: {
        type: 'string',
        description: 'Public http(s) URL of an image to animate (image-to-video). Workspace files are not accepted here.',
      },
      outputFolder: OUTPUT_FOLDER,
      params: PARAMS,
      extra: EXTRA,
    },
  };
}

function batchTool(): Schema {
  const count = roleUses('count', 'image', 'generate');
  const n = countField(count, 'images');
  return {
    type: 'object',
    required: ['template'],
    additionalProperties: false,
    properties: {
      template: {
        type: 'string',
        description: 'The prompt, with {name} where a variable\'s value goes, e.g. "a {colour} ceramic {product} on white".',
      },
      variables: {
        type: 'object',
        additionalProperties: { type: 'array', items: { type: 'string' } },
        description:
          'Value lists per variable, e.g. {"colour": ["red", "blue"], "product": ["mug", "vase"]}; every combination is generated.',
      },
      rows: {
        type: 'string',
        description: 'Workspace-relative path of a .csv (header names the variables) or .jsonl file (keys name them): one prompt per line.',
      },
      models: {
        type: 'array',
        items: {
          type: 'object',
          required: ['provider'],
          additionalProperties: false,
          properties: { provider: { type: 'string', enum: [...PROVIDER_IDS] }, model: { type: 'string' }, params: { type: 'object' } },
        },
        description: "The models to compare; each prompt goes to each. Omit for the default provider's default model.",
      },
      params: { type: 'object', description: "Parameters shared by all tasks, by the providers' own field names." },
      n: { type: 'integer', minimum: n.minimum, maximum: n.maximum, description: `Images per task (${listed(providersOf(count))} only).` },
      outputFolder: {
        type: 'string',
        description: 'Folder inside the workspace; the batch gets a subfolder there. Default: the mediaStudio.outputFolder setting.',
      },
    },
  };
}

/** The input schema of each chat tool, by its name in the manifest. */
export function chatToolSchemas(): Record<string, Schema> {
  return { generate_image: imageTool('generate'), edit_image: imageTool('edit'), generate_video: videoTool(), generate_batch: batchTool() };
}

/** The manifest's text with each tool's inputSchema replaced by the generated one (formatted as npm writes package.json). */
export function withChatToolSchemas(manifestText: string): string {
  const manifest = JSON.parse(manifestText) as { contributes: { languageModelTools: { name: string; inputSchema?: Schema }[] } };
  const schemas = chatToolSchemas();
  for (const tool of manifest.contributes.languageModelTools) {
    const schema = schemas[tool.name];
    if (!schema) throw new Error(`No schema is generated for the chat tool "${tool.name}"`);
    tool.inputSchema = schema;
  }
  const missing = Object.keys(schemas).filter((name) => !manifest.contributes.languageModelTools.some((t) => t.name === name));
  if (missing.length) throw new Error(`package.json declares no chat tool ${missing.join(', ')}`);
  return `${JSON.stringify(manifest, null, 2)}\n`;
}

if (require.main === module) {
  const file = path.resolve(__dirname, '..', '..', 'package.json');
  const before = fs.readFileSync(file, 'utf8');
  const after = withChatToolSchemas(before);
  if (after !== before) fs.writeFileSync(file, after);
  console.log(after === before ? 'package.json: chat tool schemas already up to date' : 'package.json: chat tool schemas rewritten');
}
