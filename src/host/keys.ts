import * as vscode from 'vscode';
import { keyProblem, PROVIDERS, ProviderId } from '../core/providers';

const secretName = (provider: ProviderId) => `mediaStudio.apiKey.${provider}`;

/** One API key per provider, kept only in SecretStorage. */
export class ApiKeys {
  private readonly changed = new vscode.EventEmitter<ProviderId>();
  readonly onDidChange = this.changed.event;
  private readonly subscription: vscode.Disposable;

  constructor(private readonly secrets: vscode.SecretStorage) {
    this.subscription = secrets.onDidChange((e) => {
      const provider = (Object.keys(PROVIDERS) as ProviderId[]).find((p) => secretName(p) === e.key);
      if (provider) this.changed.fire(provider);
    });
  }

  async get(provider: ProviderId): Promise<string | undefined> {
    return (await this.secrets.get(secretName(provider))) || undefined;
  }

  async has(provider: ProviderId): Promise<boolean> {
    return (await this.get(provider)) !== undefined;
  }

  /** Stores a key after checking it; throws with a message that never contains the key. */
  async set(provider: ProviderId, key: string): Promise<void> {
    const problem = keyProblem(key);
    if (problem) throw new Error(`${PROVIDERS[provider].label} key not saved: ${problem}`);
    await this.secrets.store(secretName(provider), key);
  }

  async clear(provider: ProviderId): Promise<void> {
    await this.secrets.delete(secretName(provider));
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }
}
