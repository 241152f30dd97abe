/**
 * OpenAI-compatible images: the synchronous `POST /v1/images/generations` (JSON) and `POST /v1/images/edits`
 * (multipart). The answer is the result, so every task completes at submit and is never polled.
 */
import { ApiClient, arr, obj, ProtocolError, str } from '../http';
import { catalogModel } from '../catalog';
import { multipartBody, MultipartPart } from '../multipart';
import type { ParamValue, RemoteStatus, ResultItem, Task, TaskRequest } from '../task';
import type { InlineResult, PollPolicy, ProviderAdapter, SubmitContext, SubmitResult } from './adapter';
import * as l10n from '@vscode/l10n';

/**
 * Optional fields passed on from request.params, by OpenAI's names. Anything else stays out: OpenAI answers
 * 400 to an unknown parameter, and request.params may carry another provider's field names.
 */
export const OPENAI_GENERATION_FIELDS = ['n', 'size', 'quality', 'response_format', 'style', 'background', 'output_format', 'output_compression', 'moderation'] as const;
export const OPENAI_EDIT_FIELDS = ['n', 'size', 'quality', 'response_format', 'background', 'output_format', 'output_compression', 'input_fidelity'] as const;

const ANSWER_MAX_BYTES = 256 * 1024 * 1024; // b64_json answers carry whole images
const ANSWER_TIMEOUT_MS = 10 * 60_000; // the answer comes only when the images are made

function chosenFields(request: TaskRequest, names: readonly string[]): Record<string, ParamValue> {
  const fields: Record<string, ParamValue> = {};
  for (const name of names) {
    const value = request.params[name];
    if (value !== undefined && value !== '') fields[name] = value;
  }
  return fields;
}

/** Reads `{created, data:[{url}|{b64_json}]}`; inline images come back as bytes for the caller to save at once. */
export function parseOpenAiImages(body: unknown): { status: RemoteStatus; inline: InlineResult[] } {
  const items = arr(obj(body)?.data);
  if (!items) throw new ProtocolError(l10n.t('The image answer has no "data" list.'));
  const inline: InlineResult[] = [];
  const results = items.map((raw, index): ResultItem => {
    const item = obj(raw);
    const b64 = str(item?.b64_json);
    if (b64) {
      inline.push({ index, bytes: Buffer.from(b64, 'base64') });
      return { inline: true };
    }
    const url = str(item?.url);
    return url ? { url } : { saveError: l10n.t('The image answer has an item with neither url nor b64_json.') };
  });
  // The raw answer only matters when it holds no media (see applyRemoteStatus), so its base64 is never kept.
  return { status: { state: 'succeeded', remoteState: 'completed', progress: 100, results, raw: inline.length ? undefined : body }, inline };
}

export class OpenAiAdapter implements ProviderAdapter {
  readonly id = 'openai' as const;
  /** Never used for checks (tasks complete at submit); kept plain so the engine has something sane. */
  readonly policy: PollPolicy = { floorMs: 1000, firstCheckMs: { image: 1000, video: 1000 }, minIntervalMs: { image: 1000, video: 1000 } };

  validate(request: TaskRequest): string | undefined {
    if (request.kind === 'video' || request.operation === 'video') return l10n.t('OpenAI\'s images API makes images only. Choose Pixapi or Apixo for video.');
    if (request.imageUrls?.length) return l10n.t('OpenAI\'s images API takes reference images as files, not URLs. Pick workspace images instead.');
    if (request.operation === 'edit') {
      if (!request.images?.length) return l10n.t('Pick at least one image to edit.');
      const model = catalogModel('openai', request.model.trim());
      if (model && !model.editsWithFiles) return l10n.t('The model {0} cannot edit images; choose gpt-image-1.', model.id);
    }
    const n = request.params.n;
    if (n !== undefined && (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > 10)) return l10n.t('The number of images must be a whole number from 1 to 10.');
    const format = request.params.response_format;
    if (format !== undefined && format !== 'url' && format !== 'b64_json') return l10n.t('response_format must be url or b64_json.');
    return undefined;
  }

  async submit(context: SubmitContext, request: TaskRequest): Promise<SubmitResult> {
    const { api } = context;
    const options = { maxBytes: ANSWER_MAX_BYTES, timeoutMs: ANSWER_TIMEOUT_MS, signal: context.signal };
    const model = request.model.trim();
    let response;
    if (request.operation === 'edit') {
      const parts: MultipartPart[] = [{ name: 'model', value: model }, { name: 'prompt', value: request.prompt }];
      for (const [name, value] of Object.entries(chosenFields(request, OPENAI_EDIT_FIELDS))) parts.push({ name, value: String(value) });
      const images = request.images ?? [];
      // OpenAI's reference: one reference is the part `image`, several are repeated `image[]` parts.
      const partName = images.length > 1 ? 'image[]' : 'image';
      for (const uri of images) {
        const image = await context.openImage(uri);
        parts.push({ name: partName, filename: image.name, type: image.mime, size: image.size, open: () => image.open() });
      }
      response = await api.call('POST', '/v1/images/edits', { ...options, form: multipartBody(parts) });
    } else {
      response = await api.call('POST', '/v1/images/generations', { ...options, json: { model, prompt: request.prompt, ...chosenFields(request, OPENAI_GENERATION_FIELDS) } });
    }
    return { kind: 'completed', ...parseOpenAiImages(response.body) };
  }

  async poll(_api: ApiClient, task: Task): Promise<RemoteStatus> {
    throw new Error(l10n.t('Task {0} used OpenAI\'s synchronous images API: it was finished when it was sent, so there is nothing to check.', task.id));
  }
}
