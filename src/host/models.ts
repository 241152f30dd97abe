import type { ProviderAdapter } from '../core/adapters/adapter';
import { catalogFor, type ModelInfo, providersWith, resolveDefaultModel, typedModel } from '../core/catalog';
import { providerSpec } from '../core/spec/registry';
import type { ApiClient } from '../core/http';
import { PROVIDER_IDS, type ProviderId } from '../core/providers';
import type { MediaKind } from '../core/task';
import type { Log } from './log';

const CACHE_MS = 10 * 60_000;

/** The provider's own list where it has one (cached), the built-in catalog otherwise. */
export class ModelCatalog {
  private readonly cache = new Map<ProviderId, { at: number; models: ModelInfo[] }>();

  constructor(
    private readonly adapters: ReadonlyMap<ProviderId, Pick<ProviderAdapter, 'listModels'>>,
    private readonly api: (provider: ProviderId) => Promise<ApiClient | undefined>,
    private readonly log: Log,
    /** Passed in so this class needs no `vscode`. */
    private readonly configuredDefault: (provider: ProviderId) => string | undefined = () => undefined,
  ) {}

  builtIn(provider: ProviderId): ModelInfo[] {
    return [...catalogFor(provider)];
  }

  /** Each kind's default first, so pickers and the panel preselect what a request without one gets; configured ids added. */
  async list(provider: ProviderId): Promise<ModelInfo[]> {
    const models = await this.fetch(provider);
    const firsts: ModelInfo[] = [];
    for (const kind of ['image', 'video'] as const) {
      if (!models.some((m) => m.kind === kind)) continue;
      const id = this.defaultModel(provider, kind, false, models);
      firsts.push(models.find((m) => m.id === id) ?? typedModel(provider, id, kind));
    }
    return [...firsts, ...models.filter((m) => !firsts.includes(m))];
  }

  private async fetch(provider: ProviderId): Promise<ModelInfo[]> {
    const cached = this.cache.get(provider);
    if (cached && Date.now() - cached.at < CACHE_MS) return cached.models;
    let models = this.builtIn(provider);
    const adapter = this.adapters.get(provider);
    const api = adapter?.listModels ? await this.api(provider) : undefined;
    if (adapter?.listModels && api) {
      try {
        const listed = await adapter.listModels(api);
        if (listed.length) models = listed;
      } catch (error) {
        this.log.warn(
          `Could not list ${providerSpec(provider).label} models, using the built-in list: ${error instanceof Error ? error.message : String(error)}`,
        );
      }
    }
    this.cache.set(provider, { at: Date.now(), models });
    return models;
  }

  defaultModel(
    provider: ProviderId,
    kind: MediaKind,
    edit = false,
    known: readonly ModelInfo[] = this.cache.get(provider)?.models ?? this.builtIn(provider),
  ): string {
    return resolveDefaultModel(provider, kind, edit, this.configuredDefault(provider), known);
  }

  providersFor(kind: MediaKind, edit = false): ProviderId[] {
    return providersWith(PROVIDER_IDS, kind, edit);
  }

  forget(provider: ProviderId): void {
    this.cache.delete(provider);
  }
}
