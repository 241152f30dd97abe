/**
 * The model catalogs, read from the registered provider specs (src/core/spec/registry.ts): what pickers list,
 * which model a request without one gets, and how a model takes reference images.
 */
import type { ProviderId } from './providers';
import { documentedModel, modelSpec, providerSpec } from './spec/registry';
import type { ModelSpec, ParamRole, ParamSpec } from './spec/types';
import type { MediaKind } from './task';

/** A model as pickers and the panel see it: its spec. */
export type ModelInfo = ModelSpec;

/**
 * The longest prompt sent to a model whose provider documents no limit: OpenAI's gpt-image models take
 * 32,000 characters, the most any documented image model takes, so nothing a provider accepts is refused.
 */
export const DEFAULT_MAX_PROMPT_LENGTH = 32_000;

export function maxPromptLength(provider: ProviderId, model: string): number {
  return documentedModel(provider, model)?.maxPromptLength ?? DEFAULT_MAX_PROMPT_LENGTH;
}

export function catalogFor(provider: ProviderId): readonly ModelInfo[] {
  return providerSpec(provider).models;
}

export function catalogModel(provider: ProviderId, id: string): ModelInfo | undefined {
  return documentedModel(provider, id);
}

/** Takes reference images as uploaded workspace files. */
export function takesFiles(model: Pick<ModelSpec, 'references'>): boolean {
  return model.references.via === 'files';
}

/** Takes reference images only as public URLs. */
export function takesUrls(model: Pick<ModelSpec, 'references'>): boolean {
  return model.references.via === 'urls';
}

/** Takes reference images at all (as files or URLs). */
export function takesImages(model: Pick<ModelSpec, 'references'>): boolean {
  return model.references.via !== 'none';
}

function fits(model: ModelInfo, kind: MediaKind, edit: boolean): boolean {
  return model.kind === kind && (!edit || (takesImages(model) && model.operations.includes('edit')));
}

/** The first built-in model of that kind; with `edit`, one that takes reference images (as files or URLs). */
export function defaultModel(provider: ProviderId, kind: MediaKind, edit = false): string {
  return catalogFor(provider).find((m) => fits(m, kind, edit))?.id ?? '';
}

/**
 * The model a request that names none gets: the user's default model for the provider (the setting
 * mediaStudio.<provider>.defaultModel) when it suits the request, else the catalog's default. A configured id
 * that `known` lists is used only for its own kind (and for edits only if it takes reference images); an id
 * Media Studio does not know is taken to be an image model, since that is what every provider offers.
 */
export function resolveDefaultModel(provider: ProviderId, kind: MediaKind, edit: boolean, configured: string | undefined, known: readonly ModelInfo[] = catalogFor(provider)): string {
  const id = configured?.trim();
  if (!id) return defaultModel(provider, kind, edit);
  const info = known.find((m) => m.id === id);
  if (info) return fits(info, kind, edit) ? id : defaultModel(provider, kind, edit);
  return kind === 'image' ? id : defaultModel(provider, kind, edit);
}

/** A model typed by id: its documented spec if it has one, else the provider's generic schema for the kind. */
export function typedModel(provider: ProviderId, id: string, kind: MediaKind): ModelInfo {
  return modelSpec(provider, id, kind);
}

/** The model's field that plays this role (the common size, count, duration… controls), if any. */
export function paramWithRole(model: ModelSpec, role: ParamRole): ParamSpec | undefined {
  return model.params.find((p) => p.role === role);
}

/** Providers that have a model of this kind (with `edit`, one that takes reference images). */
export function providersWith(ids: readonly ProviderId[], kind: MediaKind, edit = false): ProviderId[] {
  return ids.filter((p) => catalogFor(p).some((m) => fits(m, kind, edit)));
}
