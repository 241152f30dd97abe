/** Pixapi: OpenAI-compatible images (sync and async), multipart edits, async video; tasks at /v1/tasks/{id}. */
import { type ApiClient, arr, isHttpUrl, num, obj, ProtocolError, str } from '../http';
import { multipartBody, type MultipartPart } from '../multipart';
import type { Cost, ParamValue, RemoteStatus, ResultItem, Task, TaskRequest } from '../task';
import type { InlineResult, PollPolicy, ProviderAdapter, SubmitContext, SubmitResult } from './adapter';
import { parseOpenAiImages } from './openai';
import * as l10n from '@vscode/l10n';
import type { ModelSpec } from '../spec/types';
import { mergePixapiModels } from './pixapi.spec';
export { mergePixapiModels, PIXAPI_SPEC } from './pixapi.spec';

const SYNC_MAX_BYTES = 256 * 1024 * 1024; // b64_json answers carry whole images
const SYNC_TIMEOUT_MS = 10 * 60_000;

/** Documented fields and `extra` as given; `response_format` only goes to the synchronous endpoints. */
function fields(request: TaskRequest): Record<string, ParamValue> {
  const body: Record<string, ParamValue> = {};
  for (const [name, value] of Object.entries(request.params)) {
    if (value === '' || name === 'input_image') continue;
    if (name === 'response_format' && !request.sync) continue;
    body[name] = value;
  }
  return { ...body, ...request.extra };
}

function imageBody(request: TaskRequest): Record<string, ParamValue> {
  return { model: request.model, prompt: request.prompt, ...fields(request) };
}

/** Strings as they are, other JSON values as JSON. */
function partValue(value: ParamValue): string {
  return typeof value === 'string' ? value : typeof value === 'object' ? JSON.stringify(value) : String(value);
}

/** The OpenAI image shape; items without a URL are named as Pixapi's. */
function syncResult(body: unknown): { status: RemoteStatus; inline: InlineResult[] } {
  const parsed = parseOpenAiImages(body);
  const results = parsed.status.results?.map((r) => (r.saveError ? { saveError: l10n.t('Pixapi returned this item without a URL.') } : r));
  return { status: { ...parsed.status, results }, inline: parsed.inline };
}

export function parsePixapiTask(body: unknown): RemoteStatus {
  const task = obj(body);
  const status = str(task?.status);
  if (!task || !status) throw new ProtocolError(l10n.t('The task answer has no "status".'));
  const progress = num(task.progress);
  const credits = num(task.credits_cost);
  const cost: Cost | undefined = credits !== undefined ? { amount: credits, unit: 'credits' } : undefined;
  switch (status) {
    case 'submitted':
      return { state: 'submitted', remoteState: status, progress, cost };
    case 'processing':
      return { state: 'running', remoteState: status, progress, cost };
    case 'completed': {
      const items = arr(obj(task.result)?.data) ?? [];
      const results: ResultItem[] = items.map((raw) => {
        const url = str(obj(raw)?.url);
        return url ? { url } : { saveError: l10n.t('Pixapi returned this item without a URL.') };
      });
      return { state: 'succeeded', remoteState: status, progress: 100, cost, results, raw: task };
    }
    case 'failed': {
      // The error object of a failed task is not documented: keep it whole and show its message if it has one.
      const error = task.error ?? task.message;
      const message = str(obj(error)?.message) ?? str(error) ?? l10n.t('Pixapi reported the task as failed without a reason.');
      const code = obj(error)?.code;
      return {
        state: 'failed',
        remoteState: status,
        progress,
        cost,
        error: { message: `Pixapi: ${message}`, code: code === undefined ? undefined : String(code), raw: error },
      };
    }
    default:
      // An undocumented state: keep polling and show the word as the provider said it.
      return { state: 'running', remoteState: status, progress, cost };
  }
}

export class PixapiAdapter implements ProviderAdapter {
  readonly id = 'pixapi' as const;
  readonly policy: PollPolicy = {
    floorMs: 1000, // not documented; one check a second per task is already generous
    firstCheckMs: { image: 1000, video: 5000 },
    minIntervalMs: { image: 2000, video: 3000 },
    // Documented: retry with min(8000, 500·2^attempt) + rand(0..250) ms; past 8 s it grows on to the longest interval.
    errorBackoff: { firstMs: 1000, growth: 2, jitterMs: 250 },
  };

  /** Transport rules only; the engine checks fields, types and counts against the spec. */
  validate(request: TaskRequest): string | undefined {
    if (!request.model.trim()) return l10n.t('Choose a Pixapi model.');
    if (request.operation === 'edit' && !request.images?.length) return l10n.t('Pick at least one image to edit.');
    if (request.operation === 'video') {
      for (const input of [request.params.input_image, ...(request.imageUrls ?? [])]) {
        if (input !== undefined && (typeof input !== 'string' || !isHttpUrl(input)))
          return l10n.t('The input image for a video must be an http(s) URL.');
      }
    } else if (request.imageUrls?.length) {
      return l10n.t('Pixapi takes reference images for images as workspace files, not URLs. Pick workspace images instead.');
    }
    return undefined;
  }

  async submit(context: SubmitContext, request: TaskRequest): Promise<SubmitResult> {
    const { api } = context;
    if (request.operation === 'video') {
      // The one input image travels as the URL field `input_image` (older requests carry it as a parameter).
      const inputImage = request.imageUrls?.[0] ?? request.params.input_image;
      const body: Record<string, ParamValue> = { model: request.model, prompt: request.prompt, ...fields(request) };
      if (typeof inputImage === 'string' && inputImage) body.input_image = inputImage;
      return this.accepted(await api.call('POST', '/v1/async/videos/generations', { json: body }));
    }
    const path = `${request.sync ? '' : '/async'}/images/${request.operation === 'edit' ? 'edits' : 'generations'}`;
    const options = request.sync ? { maxBytes: SYNC_MAX_BYTES, timeoutMs: SYNC_TIMEOUT_MS } : {};
    let response;
    if (request.operation === 'edit') {
      const parts: MultipartPart[] = Object.entries(imageBody(request)).map(([name, value]) => ({ name, value: partValue(value) }));
      for (const uri of request.images ?? []) {
        const image = await context.openImage(uri);
        parts.push({ name: 'image', filename: image.name, type: image.mime, size: image.size, open: () => image.open() });
      }
      response = await api.call('POST', `/v1${path}`, { ...options, form: multipartBody(parts) });
    } else {
      response = await api.call('POST', `/v1${path}`, { ...options, json: imageBody(request) });
    }
    if (request.sync) return { kind: 'completed', ...syncResult(response.body) };
    return this.accepted(response);
  }

  private accepted(response: { body: unknown }): SubmitResult {
    const id = str(obj(response.body)?.id);
    if (!id) throw new ProtocolError(l10n.t('Pixapi accepted the task but sent no task id.'));
    return {
      kind: 'accepted',
      remoteId: id,
      status: { state: 'submitted', remoteState: str(obj(response.body)?.status) ?? 'submitted', progress: 0 },
    };
  }

  async listModels(api: ApiClient): Promise<ModelSpec[]> {
    const listed = await listPixapiModels(api);
    return listed.length ? mergePixapiModels(listed) : [];
  }

  async poll(api: ApiClient, task: Task): Promise<RemoteStatus> {
    if (!task.remoteId) throw new Error(l10n.t('This task has no Pixapi task id to check.'));
    const response = await api.call('GET', `/v1/tasks/${encodeURIComponent(task.remoteId)}`);
    return parsePixapiTask(response.body);
  }
}

/** Reduced to what the pickers need. */
export async function listPixapiModels(api: ApiClient): Promise<{ id: string; kind: 'image' | 'video'; edits: boolean }[]> {
  const response = await api.call('GET', '/v1/models');
  const data = arr(obj(response.body)?.data) ?? [];
  return data.flatMap((raw) => {
    const model = obj(raw);
    const id = str(model?.id);
    const category = str(model?.category);
    if (!id || (category !== 'image' && category !== 'video')) return [];
    const capabilities = (arr(model?.capabilities) ?? []).filter((c): c is string => typeof c === 'string');
    return [{ id, kind: category, edits: capabilities.includes('image-to-image') }];
  });
}
