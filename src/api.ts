import type { ProviderId } from './core/providers';

/** What `activate()` returns to other extensions. */
export interface MediaStudioApi {
  /** Whether a key is stored for the provider (the key itself is never exposed). */
  hasApiKey(provider: ProviderId): Promise<boolean>;
}
