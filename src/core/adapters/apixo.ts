/** Apixo: one task API for many models; every answer is an envelope whose `code` counts as much as the HTTP status. */
import {
  type ApiClient,
  type ApiResponse,
  arr,
  type CallOptions,
  HttpError,
  isHttpUrl,
  num,
  obj,
  parseRetryAfter,
  ProtocolError,
  str,
} from '../http';
import { prepareRequest, specOf } from '../spec/validate';
import type { ParamValue, RemoteStatus, ResultItem, Task, TaskRequest } from '../task';
import { APIXO_PLANS, APIXO_RESULT_LIFE_MS, type ApixoPlan, apixoTopLevel } from './apixo.spec';
import type { PollPolicy, ProviderAdapter, SubmitContext, SubmitResult } from './adapter';
import * as l10n from '@vscode/l10n';

const API = '/api/v1';
export { APIXO_PLANS, APIXO_RESULT_LIFE_MS, APIXO_SPEC } from './apixo.spec';
export type { ApixoPlan } from './apixo.spec';

/** Out of funds, however Apixo says it: code 402, or a message such as "INSUFFICIENT_CREDITS" / "Insufficient balance". */
function saysOutOfFunds(envelope: Record<string, unknown> | undefined): boolean {
  if (!envelope) return false;
  if (envelope.code === 402 || envelope.code === '402') return true;
  const text = `${str(envelope.message) ?? ''} ${str(obj(envelope.data)?.error) ?? ''}`;
  // Not "insufficient permissions" (403): only money words.
  return /insufficient[\s_-]*(credit|balance|fund)/i.test(text);
}

/** Envelope codes are HTTP-like; anything else is reported as a rejected request (400) with the envelope kept. */
function statusForCode(code: number, envelope: Record<string, unknown>): number {
  if (saysOutOfFunds(envelope)) return 402;
  return code >= 400 && code <= 599 ? code : 400;
}

/** Any `code` other than 200 becomes an HttpError. */
async function callApixo(api: ApiClient, method: 'GET' | 'POST', path: string, options: CallOptions = {}): Promise<unknown> {
  let response: ApiResponse;
  try {
    response = await api.call(method, `${API}${path}`, options);
  } catch (error) {
    // An HTTP error status whose envelope says "insufficient credits" reads the same as a 402.
    if (error instanceof HttpError && error.status !== 402 && saysOutOfFunds(obj(error.body))) {
      throw new HttpError(402, error.body, error.retryAfterMs, error.method, error.path);
    }
    throw error;
  }
  const envelope = obj(response.body);
  const code = num(envelope?.code);
  if (!envelope || code === undefined)
    throw new ProtocolError(l10n.t("The answer to {0} {1}{2} is not Apixo's {code, message, data} envelope.", method, API, path));
  if (code !== 200) {
    const retryAfterMs = parseRetryAfter(response.headers['retry-after']);
    throw new HttpError(statusForCode(code, envelope), envelope, retryAfterMs, method, api.url(`${API}${path}`).pathname);
  }
  return envelope.data;
}

/** The model id as sent: it is part of both the submit and the status path, so it must be the same twice. */
function modelOf(request: TaskRequest): string {
  return request.model.trim();
}

/** Fields by Apixo's names (rules applied), `extra` as given, prompt and reference URLs; top-level fields beside `input`. */
export function apixoBody(request: TaskRequest): { request_type: 'async'; input: Record<string, ParamValue> } & Record<string, ParamValue> {
  const prepared = prepareRequest(request);
  const model = specOf(prepared);
  const input: Record<string, ParamValue> = {};
  const top: Record<string, ParamValue> = {};
  if (typeof prepared.params.mode === 'string' && prepared.params.mode.trim()) input.mode = prepared.params.mode.trim();
  input.prompt = request.prompt;
  for (const [name, value] of Object.entries(prepared.params)) {
    if (name === 'mode' || value === '') continue;
    if (apixoTopLevel(model, name)) top[name] = value;
    else input[name] = value;
  }
  for (const [name, value] of Object.entries(prepared.extra ?? {})) input[name] = value;
  const imageUrls = [...(request.imageUrls ?? [])];
  if (imageUrls.length) input.image_urls = imageUrls;
  return { request_type: 'async', ...top, input };
}

export function apixoInput(request: TaskRequest): Record<string, ParamValue> {
  return apixoBody(request).input;
}

function resultUrls(resultJson: unknown): unknown[] {
  let parsed: unknown = resultJson;
  if (typeof resultJson === 'string') {
    try {
      parsed = JSON.parse(resultJson);
    } catch {
      throw new ProtocolError(l10n.t('Apixo reported success, but its resultJson is not valid JSON.'));
    }
  }
  const urls = arr(obj(parsed)?.resultUrls);
  if (!urls) throw new ProtocolError(l10n.t('Apixo reported success, but its resultJson has no "resultUrls" list.'));
  return urls;
}

/** `costTime` is processing time in ms, not money. */
export function parseApixoStatus(data: unknown): RemoteStatus {
  const status = obj(data);
  const state = str(status?.state);
  if (!status || !state) throw new ProtocolError(l10n.t('The Apixo status answer has no "state".'));
  switch (state) {
    case 'pending':
      return { state: 'submitted', remoteState: state };
    case 'processing':
      return { state: 'running', remoteState: state };
    case 'success': {
      const completeTime = num(status.completeTime);
      const expiresAt = completeTime === undefined ? undefined : completeTime + APIXO_RESULT_LIFE_MS;
      const results = resultUrls(status.resultJson).map((raw): ResultItem => {
        const url = str(raw);
        if (!url) return { saveError: l10n.t('Apixo returned a result that is not a URL.') };
        return expiresAt === undefined ? { url } : { url, expiresAt };
      });
      return { state: 'succeeded', remoteState: state, results, raw: data };
    }
    case 'failed': {
      // failCode is an open set in two naming styles (CONTENT_VIOLATION, SensitiveContentDetected): shown as is.
      const failCode = str(status.failCode) ?? (num(status.failCode) !== undefined ? String(status.failCode) : undefined);
      const failMsg = str(status.failMsg) ?? l10n.t('the task failed without a message');
      return {
        state: 'failed',
        remoteState: state,
        error: { message: `Apixo: ${failMsg}${failCode ? ` (${failCode})` : ''}`, code: failCode, raw: data },
      };
    }
    default:
      // An undocumented state: keep polling and show the word as Apixo said it.
      return { state: 'running', remoteState: state };
  }
}

/**
 * Apixo's advice: images wait ~5 s, then every 3 s; videos ~60 s, then every 15 s; back off ×1.5 up to 30 s.
 * Deadlines about three times the longest run Apixo expects (10 / 30 min), so a slow but healthy task is not stale.
 * Ready-from times (~5 s / ~60 s) let a tight request budget go to tasks past them first (see budgetOrder.ts).
 */
export function apixoPolicy(plan: ApixoPlan): PollPolicy {
  const limits = APIXO_PLANS[plan];
  return {
    floorMs: 3000,
    firstCheckMs: { image: 5000, video: 60_000 },
    minIntervalMs: { image: 3000, video: 15_000 },
    growth: 1.5,
    maxIntervalMs: 30_000,
    errorBackoff: { firstMs: 3000, growth: 1.5, jitterMs: 500 },
    deadlinesMs: { image: 10 * 60_000, video: 30 * 60_000 },
    maxActiveTasks: limits.concurrentTasks,
    requestsPerMinute: limits.requestsPerMinute,
    // Documented: 404 is "model or task not found".
    notFoundMeansNoTask: true,
    earliestReadyMs: { image: 5000, video: 60_000 },
  };
}

export class ApixoAdapter implements ProviderAdapter {
  readonly id = 'apixo' as const;

  /** Read at every use, so a change of the plan setting applies at once. */
  constructor(private readonly plan: () => ApixoPlan = () => 'pro') {}

  get policy(): PollPolicy {
    return apixoPolicy(this.plan());
  }

  /** Transport rules only; the engine checks the model's fields, counts and modes against its spec. */
  validate(request: TaskRequest): string | undefined {
    if (request.images?.length) {
      return l10n.t(
        "Apixo takes reference images only as public URLs, not as files from your workspace. Give the image's http(s) address instead (a previous result's URL works while it is valid).",
      );
    }
    const imageUrls = request.imageUrls ?? [];
    for (const url of imageUrls) {
      if (!isHttpUrl(url)) return l10n.t('Apixo takes reference images only as public URLs: "{0}" is not an http(s) URL.', url);
    }
    if (request.operation === 'edit' && imageUrls.length === 0)
      return l10n.t('Apixo takes reference images only as public URLs: give at least one image URL to edit.');
    return undefined;
  }

  async submit(context: SubmitContext, request: TaskRequest): Promise<SubmitResult> {
    const body = apixoBody(request);
    const data = await callApixo(context.api, 'POST', `/generateTask/${encodeURIComponent(modelOf(request))}`, { json: body });
    const taskId = str(obj(data)?.taskId);
    if (!taskId) throw new ProtocolError(l10n.t('Apixo accepted the task but sent no taskId.'));
    return { kind: 'accepted', remoteId: taskId, status: { state: 'submitted', remoteState: 'pending', progress: 0 } };
  }

  balance(api: ApiClient): Promise<number> {
    return fetchApixoBalance(api);
  }

  async poll(api: ApiClient, task: Task): Promise<RemoteStatus> {
    if (!task.remoteId) throw new Error(l10n.t('This task has no Apixo task id to check.'));
    // The status path names the model again: it comes from the stored request.
    const data = await callApixo(api, 'GET', `/statusTask/${encodeURIComponent(modelOf(task.request))}`, {
      query: { taskId: task.remoteId },
    });
    return parseApixoStatus(data);
  }
}

export async function fetchApixoBalance(api: ApiClient): Promise<number> {
  const data = await callApixo(api, 'GET', '/apikeys/current-balance');
  const balance = num(data);
  if (balance === undefined) throw new ProtocolError(l10n.t('Apixo sent a balance that is not a number.'));
  return balance;
}
