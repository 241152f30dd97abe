import * as l10n from '@vscode/l10n';
/** The providers and facts about them that need no editor, from the registered specs. */
import { isRegisteredProvider, PROVIDER_SPECS, type RegisteredProviderId } from './spec/registry';

export type ProviderId = RegisteredProviderId;
export const PROVIDER_IDS: readonly ProviderId[] = PROVIDER_SPECS.map((spec) => spec.id);

export interface ProviderInfo {
  readonly id: ProviderId;
  readonly label: string;
  readonly defaultBaseUrl: string;
  /** Shown in the Set API Key prompt. */
  readonly keyHelp: string;
}

/** keyHelp is read through, so translated late. */
export const PROVIDERS: Readonly<Record<ProviderId, ProviderInfo>> = Object.fromEntries(
  PROVIDER_SPECS.map((spec) => [spec.id, spec]),
) as unknown as Record<ProviderId, ProviderInfo>;

export function isProviderId(value: unknown): value is ProviderId {
  return isRegisteredProvider(value);
}

export function keyProblem(key: string): string | undefined {
  if (key.length === 0) return l10n.t('The key is empty.');
  if (/^bearer\s/i.test(key)) return l10n.t('Paste the key without the "Bearer " prefix.');
  if (/\s/.test(key)) return l10n.t('The key contains spaces or line breaks; paste only the key itself.');
  if (key.length < 8) return l10n.t('The key is too short to be an API key.');
  if (key.length > 512) return l10n.t('The key is too long to be an API key.');
  if (/[^\x21-\x7e]/.test(key)) return l10n.t('The key contains characters that cannot be sent in an HTTP header.');
  return undefined;
}

/** https with a host and no credentials; plain http only to this machine, because the key is in every request. */
export function baseUrlProblem(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return l10n.t('"{0}" is not a URL.', value);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return l10n.t('"{0}" must start with https://.', value);
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
    return l10n.t(
      '"{0}" must start with https:// (plain http:// is allowed only for 127.0.0.1, ::1 or localhost): the API key would travel unencrypted.',
      value,
    );
  }
  if (url.username || url.password) return l10n.t('The base URL must not contain a user name or password.');
  if (url.search || url.hash) return l10n.t('The base URL must not contain a query or fragment.');
  return undefined;
}

/** An emulator or a local gateway. */
export function isLoopbackUrl(value: string): boolean {
  try {
    return isLoopbackHost(new URL(value).hostname);
  } catch {
    return false;
  }
}

function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return host === 'localhost' || host.endsWith('.localhost') || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host) || host === '::1';
}

/**
 * Only when that provider's own API is local: one local provider does not open loopback to the others' results. An
 * unusable setting answers false rather than throwing, so it cannot break another provider's downloads.
 */
export function loopbackResultsAllowed(provider: ProviderId, baseUrlSetting: string | undefined): boolean {
  const value = baseUrlSetting || PROVIDERS[provider].defaultBaseUrl;
  return baseUrlProblem(value) === undefined && isLoopbackUrl(value);
}
