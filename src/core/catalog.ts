/** The model catalogs, read from the provider specs: what pickers list, defaults, and how models take references. */
import type { ProviderId } from './providers';
import { documentedModel, modelSpec, providerSpec } from './spec/registry';
import type { ModelSpec, ParamRole, ParamSpec } from './spec/types';
import type { MediaKind } from './task';

export type ModelInfo = ModelSpec;

/** For providers that document no limit: gpt-image's 32,000, the most any documented model takes, so nothing valid is refused. */
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

/** As uploaded workspace files. */
export function takesFiles(model: Pick<ModelSpec, 'references'>): boolean {
  return model.references.via === 'files';
}

/** Only as public URLs. */
export function takesUrls(model: Pick<ModelSpec, 'references'>): boolean {
  return model.references.via === 'urls';
}

export function takesImages(model: Pick<ModelSpec, 'references'>): boolean {
  return model.references.via !== 'none';
}

function fits(model: ModelInfo, kind: MediaKind, edit: boolean): boolean {
  return model.kind === kind && (!edit || (takesImages(model) && model.operations.includes('edit')));
}

/** With `edit`, one that takes reference images. */
export function defaultModel(provider: ProviderId, kind: MediaKind, edit = false): string {
  return catalogFor(provider).find((m) => fits(m, kind, edit))?.id ?? '';
}

/**
 * The mediaStudio.<provider>.defaultModel setting when it suits the request, else the catalog's default. A known id is
 * used only for its kind (edits: only if it takes references); an unknown id is taken to be an image model, since
 * every provider offers those.
 */
export function resolveDefaultModel(
  provider: ProviderId,
  kind: MediaKind,
  edit: boolean,
  configured: string | undefined,
  known: readonly ModelInfo[] = catalogFor(provider),
): string {
  const id = configured?.trim();
  if (!id) return defaultModel(provider, kind, edit);
  const info = known.find((m) => m.id === id);
  if (info) return fits(info, kind, edit) ? id : defaultModel(provider, kind, edit);
  return kind === 'image' ? id : defaultModel(provider, kind, edit);
}

/** Its documented spec, else the provider's generic schema for the kind. */
export function typedModel(provider: ProviderId, id: string, kind: MediaKind): ModelInfo {
  return modelSpec(provider, id, kind);
}

export function paramWithRole(model: ModelSpec, role: ParamRole): ParamSpec | undefined {
  return model.params.find((p) => p.role === role);
}

/** With `edit`, one that takes reference images. */
export function providersWith(ids: readonly ProviderId[], kind: MediaKind, edit = false): ProviderId[] {
  return ids.filter((p) => catalogFor(p).some((m) => fits(m, kind, edit)));
}
