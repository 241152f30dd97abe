import * as vscode from 'vscode';
import { keyProblem, PROVIDERS, type ProviderId } from '../core/providers';

const secretName = (provider: ProviderId) => `mediaStudio.apiKey.${provider}`;

/** Kept only in SecretStorage. */
export class ApiKeys {
  private readonly changed = new vscode.EventEmitter<ProviderId>();
  readonly onDidChange = this.changed.event;
  private readonly subscription: vscode.Disposable;
  /** Read once per provider and dropped on every change, so the poll loop does not ask SecretStorage each check. */
  private readonly cache = new Map<ProviderId, Promise<string | undefined>>();

  constructor(private readonly secrets: vscode.SecretStorage) {
    this.subscription = secrets.onDidChange((e) => {
      const provider = (Object.keys(PROVIDERS) as ProviderId[]).find((p) => secretName(p) === e.key);
      if (!provider) return;
      this.cache.delete(provider);
      this.changed.fire(provider);
    });
  }

  get(provider: ProviderId): Promise<string | undefined> {
    let key = this.cache.get(provider);
    if (!key) {
      key = Promise.resolve(this.secrets.get(secretName(provider))).then((value) => value || undefined);
      this.cache.set(provider, key);
    }
    return key;
  }

  async has(provider: ProviderId): Promise<boolean> {
    return (await this.get(provider)) !== undefined;
  }

  /** Throws with a message that never contains the key. */
  async set(provider: ProviderId, key: string): Promise<void> {
    const problem = keyProblem(key);
    if (problem) throw new Error(vscode.l10n.t('{0} key not saved: {1}', PROVIDERS[provider].label, problem));
    this.cache.delete(provider);
    await this.secrets.store(secretName(provider), key);
    this.cache.delete(provider);
  }

  async clear(provider: ProviderId): Promise<void> {
    this.cache.delete(provider);
    await this.secrets.delete(secretName(provider));
    this.cache.delete(provider);
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }
}
