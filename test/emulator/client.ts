/**
 * Drives a running emulator through its control port, from any process (extension host, UI tests).
 * Uses only the global fetch of Node ≥ 18 / VS Code's Electron.
 */
import { type EmulatedTask, type EmulatorOptions, type Endpoint, type FaultRule, type ProviderName, type RecordedRequest } from './types';

export class EmulatorClient {
  private readonly base: string;

  constructor(controlUrl: string) {
    this.base = controlUrl.replace(/\/+$/, '');
  }

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await fetch(this.base + path, {
      method,
      headers: body === undefined ? undefined : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`emulator control ${method} ${path} → ${response.status}: ${text}`);
    return JSON.parse(text) as T;
  }

  /** Resolves with the origins when the emulator is up. */
  async health(): Promise<{ ok: boolean; urls: Record<Endpoint, string> }> {
    return this.call('GET', '/health');
  }

  async urls(): Promise<Record<Endpoint, string>> {
    return (await this.health()).urls;
  }

  /** Recorded requests with seq > since (all when omitted). */
  async requests(since = 0): Promise<RecordedRequest[]> {
    return this.call('GET', `/requests?since=${since}`);
  }

  async inject(rule: FaultRule): Promise<void> {
    await this.call('POST', '/faults', rule);
  }

  async clearFaults(): Promise<void> {
    await this.call('DELETE', '/faults');
  }

  async reset(): Promise<void> {
    await this.call('POST', '/reset');
  }

  async configure(partial: EmulatorOptions): Promise<void> {
    await this.call('POST', '/configure', partial);
  }

  async tasks(provider?: ProviderName): Promise<EmulatedTask[]> {
    return this.call('GET', provider ? `/tasks?provider=${provider}` : '/tasks');
  }

  async task(provider: ProviderName, id: string): Promise<EmulatedTask | undefined> {
    const response = await fetch(`${this.base}/tasks/${provider}/${encodeURIComponent(id)}`);
    if (response.status === 404) return undefined;
    if (!response.ok) throw new Error(`emulator control GET task → ${response.status}: ${await response.text()}`);
    return (await response.json()) as EmulatedTask;
  }

  /** Pixapi credits and Apixo USD left. */
  async balances(): Promise<{ pixapi: number; apixo: number }> {
    return this.call('GET', '/balances');
  }
}
