/** OpenAI-compatible images: synchronous generations (JSON) and edits (multipart); tasks complete at submit, never polled. */
import { type ApiClient, arr, obj, ProtocolError, str } from '../http';
import { multipartBody, type MultipartPart } from '../multipart';
import type { ParamValue, RemoteStatus, ResultItem, Task, TaskRequest } from '../task';
import type { InlineResult, PollPolicy, ProviderAdapter, SubmitContext, SubmitResult } from './adapter';
import * as l10n from '@vscode/l10n';

export { OPENAI_SPEC } from './openai.spec';

const ANSWER_MAX_BYTES = 256 * 1024 * 1024; // b64_json answers carry whole images
const ANSWER_TIMEOUT_MS = 10 * 60_000; // the answer comes only when the images are made

/** Documented parameters and `extra` as given; the `mask` file goes as a file part of its own. */
function chosenFields(request: TaskRequest): Record<string, ParamValue> {
  const fields: Record<string, ParamValue> = {};
  for (const [name, value] of Object.entries({ ...request.params, ...request.extra })) {
    if (value !== '' && name !== 'mask') fields[name] = value;
  }
  return fields;
}

function partValue(value: ParamValue): string {
  return typeof value === 'string' ? value : typeof value === 'object' ? JSON.stringify(value) : String(value);
}

/** Inline images come back as bytes for the caller to save at once. */
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
  return {
    status: { state: 'succeeded', remoteState: 'completed', progress: 100, results, raw: inline.length ? undefined : body },
    inline,
  };
}

export class OpenAiAdapter implements ProviderAdapter {
  readonly id = 'openai' as const;
  /** Never used (tasks complete at submit); kept plain so the engine has something sane. */
  readonly policy: PollPolicy = { floorMs: 1000, firstCheckMs: { image: 1000, video: 1000 }, minIntervalMs: { image: 1000, video: 1000 } };

  /** Transport rules only; the engine checks fields against the spec. */
  validate(request: TaskRequest): string | undefined {
    if (request.kind === 'video' || request.operation === 'video')
      return l10n.t("OpenAI's images API makes images only. Choose Pixapi or Apixo for video.");
    if (request.imageUrls?.length)
      return l10n.t("OpenAI's images API takes reference images as files, not URLs. Pick workspace images instead.");
    if (request.operation === 'edit' && !request.images?.length) return l10n.t('Pick at least one image to edit.');
    const mask = request.params.mask;
    if (mask !== undefined && request.operation !== 'edit') return l10n.t('A mask applies only to an edit.');
    return undefined;
  }

  async submit(context: SubmitContext, request: TaskRequest): Promise<SubmitResult> {
    const { api } = context;
    const options = { maxBytes: ANSWER_MAX_BYTES, timeoutMs: ANSWER_TIMEOUT_MS };
    const model = request.model.trim();
    let response;
    if (request.operation === 'edit') {
      const parts: MultipartPart[] = [{ name: 'model', value: model }, { name: 'prompt', value: request.prompt }];
      for (const [name, value] of Object.entries(chosenFields(request))) parts.push({ name, value: partValue(value) });
      const images = request.images ?? [];
      // OpenAI's reference: one reference is the part `image`, several are repeated `image[]` parts.
      const partName = images.length > 1 ? 'image[]' : 'image';
      for (const uri of images) {
        const image = await context.openImage(uri);
        parts.push({ name: partName, filename: image.name, type: image.mime, size: image.size, open: () => image.open() });
      }
      const mask = request.params.mask;
      if (typeof mask === 'string' && mask) {
        const file = await context.openImage(mask);
        parts.push({ name: 'mask', filename: file.name, type: file.mime, size: file.size, open: () => file.open() });
      }
      response = await api.call('POST', '/v1/images/edits', { ...options, form: multipartBody(parts) });
    } else {
      response = await api.call('POST', '/v1/images/generations', {
        ...options,
        json: { model, prompt: request.prompt, ...chosenFields(request) },
      });
    }
    return { kind: 'completed', ...parseOpenAiImages(response.body) };
  }

  async poll(_api: ApiClient, task: Task): Promise<RemoteStatus> {
    throw new Error(
      l10n.t("Task {0} used OpenAI's synchronous images API: it was finished when it was sent, so there is nothing to check.", task.id),
    );
  }
}
