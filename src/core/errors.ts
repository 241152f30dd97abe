/** Turns provider failures into messages that say what happened and what to do. */
import { HttpError, NetworkError, obj, ProtocolError, str } from './http';
import { PROVIDERS, type ProviderId } from './providers';
import type { TaskError } from './task';
import * as l10n from '@vscode/l10n';

export type FailureKind =
  'auth' | 'credits' | 'rejected' | 'invalid' | 'notFound' | 'rateLimited' | 'server' | 'unavailable' | 'network' | 'protocol' | 'other';

export interface Failure extends TaskError {
  readonly kind: FailureKind;
  /** Whether the same request may be tried again later unchanged (429, 5xx, network). */
  readonly transient: boolean;
}

/** Finds a human message in the documented error shapes: {error:{message}}, {message}, {code,message,data:{error}}. */
export function providerMessage(body: unknown): string | undefined {
  const root = obj(body);
  // Short plain text is shown; markup (an HTML error page, with or without <html>) never is.
  if (!root) return typeof body === 'string' && body.trim() && body.length < 300 && !/^\s*</.test(body) ? body.trim() : undefined;
  const nested = obj(root.error);
  const data = obj(root.data);
  return str(nested?.message) ?? str(data?.error) ?? str(root.message) ?? str(root.error) ?? str(root.msg);
}

function providerCode(body: unknown): string | undefined {
  const root = obj(body);
  const nested = obj(root?.error);
  const code = nested?.code ?? root?.code;
  return code === undefined || code === null ? undefined : String(code);
}

export function describeFailure(provider: ProviderId, error: unknown): Failure {
  const label = PROVIDERS[provider].label;
  if (error instanceof HttpError) {
    const said = providerMessage(error.body);
    const detail = said ? l10n.t(' {0} said: "{1}"', label, said) : '';
    const base = { status: error.status, code: providerCode(error.body), raw: error.body };
    switch (error.status) {
      case 400:
        return { ...base, kind: 'invalid', transient: false, message: l10n.t('{0} rejected the request as invalid.{1}', label, detail) };
      case 401:
        return {
          ...base,
          kind: 'auth',
          transient: false,
          message: l10n.t('{0} rejected the API key. Set a valid key with "Media Studio: Set API Key".', label),
        };
      case 402:
        return {
          ...base,
          kind: 'credits',
          transient: false,
          message: l10n.t("Your {0} account is out of credits. Top it up on {0}'s site, then retry.", label),
        };
      case 403:
        return {
          ...base,
          kind: 'rejected',
          transient: false,
          message: l10n.t('{0} refused the request (permission or content policy).{1}', label, detail),
        };
      case 404:
        return { ...base, kind: 'notFound', transient: false, message: l10n.t('{0} does not know this model or task.{1}', label, detail) };
      case 422:
        return {
          ...base,
          kind: 'rejected',
          transient: false,
          message: l10n.t('{0} rejected the prompt.{1} Change the prompt and retry.', label, detail),
        };
      case 429:
        return {
          ...base,
          kind: 'rateLimited',
          transient: true,
          message: l10n.t('{0} is rate limiting requests; Media Studio is backing off.', label),
        };
      case 503:
        return {
          ...base,
          kind: 'unavailable',
          transient: true,
          message: l10n.t('The {0} model is unavailable right now.{1}', label, detail),
        };
      default:
        if (error.status >= 500)
          return {
            ...base,
            kind: 'server',
            transient: true,
            message: l10n.t('{0} had a server error ({1}).{2}', label, error.status, detail),
          };
        return { ...base, kind: 'other', transient: false, message: `${label} answered ${error.status}.${detail}` };
    }
  }
  if (error instanceof NetworkError) {
    return {
      kind: 'network',
      transient: true,
      code: error.code,
      message: l10n.t('Could not reach {0}: {1}.', label, error.code ?? error.message),
    };
  }
  if (error instanceof ProtocolError) {
    return { kind: 'protocol', transient: true, message: l10n.t('{0} sent an answer Media Studio cannot read: {1}', label, error.message) };
  }
  return { kind: 'other', transient: false, message: error instanceof Error ? error.message : String(error) };
}
