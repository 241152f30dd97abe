/**
 * The proxy from VS Code's `http.*` settings and the environment, as VS Code applies them: `proxySupport: "off"`
 * disables, `http.proxy` wins over `HTTPS_PROXY`/`HTTP_PROXY`, `http.noProxy` adds to `NO_PROXY`.
 */
import * as l10n from '@vscode/l10n';
import type { Dispatcher } from 'undici';
import { loadUndici } from './http';
import { isLoopbackUrl } from './files/urlSafety';

/** Direct to an API on this computer (a local gateway), so the key never travels in clear text to a proxy. */
export function apiDispatcher(baseUrl: string, proxied: Dispatcher | undefined): Dispatcher | undefined {
  return isLoopbackUrl(baseUrl) ? undefined : proxied;
}

export interface ProxyInputs {
  readonly proxy?: string;
  /** VS Code's default is true. */
  readonly strictSSL?: boolean;
  /** Hosts (and suffixes such as `.corp.example`) reached directly. */
  readonly noProxy?: readonly string[];
  /** `off` means no proxy at all. */
  readonly support?: string;
  /** Sent as `Proxy-Authorization` to the proxy, never to a provider. */
  readonly authorization?: string;
  readonly env: Readonly<Record<string, string | undefined>>;
}

export interface ProxyPlan {
  readonly httpProxy?: string;
  readonly httpsProxy?: string;
  readonly noProxy: string;
  readonly strictSSL: boolean;
  readonly authorization?: string;
}

function envValue(env: ProxyInputs['env'], name: string): string | undefined {
  return (env[name] ?? env[name.toLowerCase()])?.trim() || undefined;
}

/** Undefined to connect directly. An unusable `http.proxy` value throws with a message. */
export function proxyPlan(inputs: ProxyInputs): ProxyPlan | undefined {
  if (inputs.support === 'off') return undefined;
  const configured = inputs.proxy?.trim();
  if (configured) {
    let url: URL | undefined;
    try {
      url = new URL(configured);
    } catch {
      url = undefined;
    }
    if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
      throw new Error(l10n.t('The proxy setting "http.proxy" must be an http:// or https:// URL, such as http://proxy.example:8080.'));
    }
  }
  const httpsProxy = configured || envValue(inputs.env, 'HTTPS_PROXY') || envValue(inputs.env, 'HTTP_PROXY');
  const httpProxy = configured || envValue(inputs.env, 'HTTP_PROXY');
  if (!httpsProxy && !httpProxy) return undefined;
  const noProxy = [...(inputs.noProxy ?? []), envValue(inputs.env, 'NO_PROXY') ?? '']
    .flatMap((entry) => entry.split(','))
    .map((entry) => entry.trim())
    .filter(Boolean)
    .join(',');
  return { httpProxy, httpsProxy, noProxy, strictSSL: inputs.strictSSL ?? true, authorization: inputs.authorization?.trim() || undefined };
}

/** Unless the host is exempt. */
export function proxyDispatcher(plan: ProxyPlan): Dispatcher {
  const tls = { rejectUnauthorized: plan.strictSSL };
  return new (loadUndici().EnvHttpProxyAgent)({
    // Empty strings, not undefined: undefined would make undici fall back to the environment again.
    httpProxy: plan.httpProxy ?? '',
    httpsProxy: plan.httpsProxy ?? '',
    noProxy: plan.noProxy,
    token: plan.authorization,
    requestTls: tls,
    proxyTls: tls,
  });
}
