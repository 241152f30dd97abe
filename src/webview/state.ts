/** What the panel knows; sections change the compose area (kept with getState/setState) only through `save`. */
import { type ModelInfo, typedModel } from '../core/catalog';
import type { ComposeState, ProviderOption, TaskView } from '../core/panelProtocol';
import type { ProviderId } from '../core/providers';
import { PROVIDER_SPECS, providerSpec } from '../core/spec/registry';
import { vscodeApi } from './rpc';

interface SavedState { readonly compose: ComposeState }

const emptyCompose: ComposeState = { provider: PROVIDER_SPECS[0].id, model: '', prompt: '', params: {}, references: [], imageUrls: [] };
const saved = vscodeApi.getState() as SavedState | undefined;

export const panel = {
  compose: saved?.compose ?? emptyCompose,
  /** Then init does not reset its provider. */
  restored: saved !== undefined,
  initialised: false,
  providers: [] as readonly ProviderOption[],
};

export const modelsByProvider = new Map<ProviderId, { models: readonly ModelInfo[]; balanceUsd?: number }>();
export const tasks = new Map<string, TaskView>();

export function save(changes: Partial<ComposeState>): void {
  panel.compose = { ...panel.compose, ...changes };
  vscodeApi.setState({ compose: panel.compose } satisfies SavedState);
}

/** For a model id typed by hand. */
export const OTHER_MODEL = '\u0000other';

export function currentModel(): ModelInfo | undefined {
  const compose = panel.compose;
  const models = modelsByProvider.get(compose.provider)?.models ?? [];
  if (!compose.otherModel) return models.find((m) => m.id === compose.model);
  // A typed model gets its documented spec, or the provider's generic schema for what it makes.
  const spec = providerSpec(compose.provider);
  const kind = spec.capabilities.textToVideo ? compose.kind ?? 'image' : 'image';
  const id = spec.modelIdFrom?.(compose.model) ?? compose.model;
  return { ...typedModel(compose.provider, id, kind), id: compose.model };
}
