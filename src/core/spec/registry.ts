/** The registered providers. Everything that lists providers derives from here; a unit test checks the manifest. */
import { APIXO_SPEC } from '../adapters/apixo.spec';
import { OPENAI_SPEC } from '../adapters/openai.spec';
import { PIXAI_SPEC } from '../adapters/pixai.spec';
import { PIXAPI_SPEC } from '../adapters/pixapi.spec';
import type { MediaKind } from '../task';
import type { ModelSpec, ProviderSpec } from './types';

export const PROVIDER_SPECS = [PIXAPI_SPEC, PIXAI_SPEC, APIXO_SPEC, OPENAI_SPEC] as const;

export type RegisteredProviderId = (typeof PROVIDER_SPECS)[number]['id'];

const BY_ID: ReadonlyMap<string, ProviderSpec> = new Map(PROVIDER_SPECS.map((spec) => [spec.id, spec as ProviderSpec]));

export function isRegisteredProvider(id: unknown): id is RegisteredProviderId {
  return typeof id === 'string' && BY_ID.has(id);
}

/** Throws for an unknown id (a programming error: ids are checked at the edges). */
export function providerSpec(id: string): ProviderSpec {
  const spec = BY_ID.get(id);
  if (!spec) throw new Error(`No provider "${id}" is registered.`);
  return spec;
}

/** By id or alias. */
export function documentedModel(provider: string, id: string): ModelSpec | undefined {
  const models = providerSpec(provider).models;
  return models.find((m) => m.id === id) ?? models.find((m) => m.aliases?.includes(id));
}

/** The documented spec (when it makes `kind`, or `kind` is not given), else the generic schema under the id as given. */
export function modelSpec(provider: string, id: string, kind?: MediaKind): ModelSpec {
  const documented = documentedModel(provider, id);
  if (documented && (kind === undefined || documented.kind === kind)) return documented;
  return documented ?? providerSpec(provider).genericModel(id, kind ?? 'image');
}
