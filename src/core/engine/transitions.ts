/** What a failed submit or check means for the task, without side effects. Paid work is resent only if it never arrived. */
import { describeFailure, type Failure } from '../errors';
import { HttpError, NetworkError, ProtocolError } from '../http';
import type { ProviderId } from '../providers';
import type { TaskError } from '../task';
import { messages } from './messages';

export const MAX_NEVER_REACHED_RETRIES = 5;

export type SubmitErrorOutcome =
  /** Certainly not accepted (refused, or never reached): safe to send again after a pause. */
  | { readonly kind: 'requeue'; readonly failure: Failure; readonly tries: number }
  /** A timeout, reset, 5xx or unreadable answer: the provider may have accepted (and charged) it. */
  | { readonly kind: 'unconfirmed'; readonly error: TaskError }
  | { readonly kind: 'failed'; readonly message: string; readonly failure?: Failure };

/** `tries`: earlier refused or never-reached submits. */
export function onSubmitError(provider: ProviderId, error: unknown, tries: number): SubmitErrorOutcome {
  const failure = describeFailure(provider, error);
  const refused = error instanceof HttpError && error.status === 429;
  const neverReached = error instanceof NetworkError && error.neverReached;
  if (refused || neverReached) {
    if (neverReached && tries + 1 > MAX_NEVER_REACHED_RETRIES) {
      return { kind: 'failed', message: messages.neverReachedGaveUp(failure.message, MAX_NEVER_REACHED_RETRIES), failure };
    }
    return { kind: 'requeue', failure, tries: tries + 1 };
  }
  if (!(error instanceof HttpError || error instanceof NetworkError || error instanceof ProtocolError)) {
    // Failed here, before a request went out (reading a reference image, building the body): nothing was sent.
    return { kind: 'failed', message: messages.nothingSent(failure.message) };
  }
  if (failure.transient || !(error instanceof HttpError)) {
    return { kind: 'unconfirmed', error: { ...failure, message: messages.mayHaveReached(failure.message, provider) } };
  }
  return { kind: 'failed', message: failure.message, failure };
}

export type CheckErrorOutcome =
  /** The provider documents 404 as "no such task" and has said so for several minutes. */
  | { readonly kind: 'failed'; readonly message: string; readonly failure: Failure }
  /** 401, 400, 402, 403, 422…: it may still finish (and be charged), so it is checked slowly, and still goes stale. */
  | { readonly kind: 'slow'; readonly error: TaskError; readonly reason: string }
  /** A provider that keeps failing past the deadline is not asked forever: the task waits for Refresh. */
  | { readonly kind: 'stale'; readonly error: TaskError }
  | { readonly kind: 'retry'; readonly error: TaskError };

export interface CheckErrorFacts {
  /** Where the provider documents 404 as "no such task". */
  readonly notFoundForGood: boolean;
  readonly pastDeadline: boolean;
}

export function onCheckError(provider: ProviderId, error: unknown, facts: CheckErrorFacts): CheckErrorOutcome {
  const failure = describeFailure(provider, error);
  if (!failure.transient) {
    if (isNotFound(error) && facts.notFoundForGood) {
      return { kind: 'failed', message: messages.notFoundForGood(failure.message), failure };
    }
    const refusal = {
      message: messages.checkRefused(failure.message, provider),
      status: failure.status,
      code: failure.code,
      raw: failure.raw,
    };
    return { kind: 'slow', error: refusal, reason: failure.message };
  }
  if (facts.pastDeadline)
    return { kind: 'stale', error: { message: messages.stillNoAnswerBecause(failure.message), status: failure.status } };
  return { kind: 'retry', error: { message: messages.retrying(failure.message), status: failure.status } };
}

export function isNotFound(error: unknown): boolean {
  return error instanceof HttpError && error.status === 404;
}
