import { listPixapiModels } from '../core/adapters/pixapi';
import { catalogFor, defaultModel, ModelInfo, pixapiModel } from '../core/catalog';
import type { ApiClient } from '../core/http';
import { PROVIDER_IDS, ProviderId } from '../core/providers';
import type { MediaKind } from '../core/task';
import type { Log } from './log';

const CACHE_MS = 10 * 60_000;

/** Models per provider: the provider's own list where it has one (cached), the built-in catalog otherwise. */
export class ModelCatalog {
  private readonly cache = new Map<ProviderId, { at: number; models: ModelInfo[] }>();

  constructor(private readonly api: (provider: ProviderId) => Promise<ApiClient | undefined>, private readonly log: Log) {}

  builtIn(provider: ProviderId): ModelInfo[] {
    return [...catalogFor(provider)];
  }

  async list(provider: ProviderId): Promise<ModelInfo[]> {
    const cached = this.cache.get(provider);
    if (cached && Date.now() - cached.at < CACHE_MS) return cached.models;
    let models = this.builtIn(provider);
    if (provider === 'pixapi') {
      const api = await this.api(provider);
      if (api) {
        try {
          const listed = await listPixapiModels(api);
          if (listed.length) models = listed.map((m) => pixapiModel(m.id, m.kind, m.edits));
        } catch (error) {
          this.log.warn(`Could not list Pixapi models, using the built-in list: ${error instanceof Error ? error.message : String(error)}`);
        }
      }
    }
    this.cache.set(provider, { at: Date.now(), models });
    return models;
  }

  defaultModel(provider: ProviderId, kind: MediaKind, edit = false): string {
    return defaultModel(provider, kind, edit);
  }

  providersFor(kind: MediaKind, edit = false): ProviderId[] {
    return PROVIDER_IDS.filter((p) => this.builtIn(p).some((m) => m.kind === kind && (!edit || m.editsWithFiles || m.imageUrls)));
  }

  forget(provider: ProviderId): void {
    this.cache.delete(provider);
  }
}
