/** PixAI: v2 create, v1 status, images by URL or the keyed media route, cancel only through GraphQL; no video or balance. */
import { type ApiClient, arr, isHttpUrl, num, obj, ProtocolError, str } from '../http';
import type { ParamValue, RemoteStatus, ResultItem, Task, TaskRequest } from '../task';
import { parseModelVersionId } from './pixai.spec';
import type { CancelOutcome, PollPolicy, ProviderAdapter, SubmitContext, SubmitResult } from './adapter';
import * as l10n from '@vscode/l10n';

export { parseModelVersionId, PIXAI_EXAMPLE_MODEL_VERSION_ID, PIXAI_SPEC } from './pixai.spec';

/** PixAI's REST API has no cancel. The answer is undocumented, so only `id` is asked for and the task is read back. */
export const PIXAI_CANCEL_MUTATION = 'mutation($id: ID!){ cancelGenerationTask(id: $id) { id } }';

/** The result writer sends the key only to this origin. */
export function pixaiMediaUrl(api: ApiClient, mediaId: string): string {
  return api.url(`/v1/media/${encodeURIComponent(mediaId)}/image`).toString();
}

function isoMs(value: unknown): number | undefined {
  const text = str(value);
  const ms = text === undefined ? NaN : Date.parse(text);
  return Number.isNaN(ms) ? undefined : ms;
}

function mediaIdsOf(outputs: Record<string, unknown> | undefined): (string | undefined)[] {
  const current = arr(outputs?.mediaIds);
  if (current?.length) return current.map(str);
  // Older shapes: a single `mediaId`, or `batch: [{mediaId}, …]`.
  const single = str(outputs?.mediaId);
  if (single) return [single];
  return (arr(outputs?.batch) ?? []).map((entry) => str(obj(entry)?.mediaId));
}

/** Its URL when PixAI gave one (fetched without the key), else the keyed media route. */
function pixaiResults(outputs: Record<string, unknown> | undefined, mediaUrl: (mediaId: string) => string): ResultItem[] {
  const urls = (arr(outputs?.mediaUrls) ?? []).map(str);
  const ids = mediaIdsOf(outputs);
  const count = Math.max(urls.length, ids.length);
  if (count === 0) return [{ saveError: l10n.t('PixAI reported the task as completed but named no images.') }];
  return Array.from({ length: count }, (_, i): ResultItem => {
    const url = urls[i];
    if (url) return { url };
    const id = ids[i];
    return id ? { url: mediaUrl(id) } : { saveError: l10n.t('PixAI returned this image without a URL or media id.') };
  });
}

export function parsePixaiTask(body: unknown, mediaUrl: (mediaId: string) => string): RemoteStatus {
  const task = obj(body);
  const status = str(task?.status);
  if (!task || !status) throw new ProtocolError(l10n.t('The PixAI task answer has no "status".'));
  const startedAt = isoMs(task.startedAt);
  switch (status) {
    case 'waiting':
      return { state: 'submitted', remoteState: status };
    case 'running':
      return { state: 'running', remoteState: status, startedAt };
    case 'completed':
      return { state: 'succeeded', remoteState: status, startedAt, results: pixaiResults(obj(task.outputs), mediaUrl), raw: task };
    case 'failed': {
      // PixAI documents no error fields for a failed task: show a message if one is there, keep the whole task.
      const error = task.error ?? task.message;
      const said = str(obj(error)?.message) ?? str(error);
      return {
        state: 'failed',
        remoteState: status,
        startedAt,
        error: { message: `PixAI: ${said ?? l10n.t('the task failed (PixAI gave no reason).')}`, raw: task },
      };
    }
    case 'cancelled':
      return { state: 'cancelled', remoteState: status, startedAt };
    default:
      // An undocumented state: keep polling and show the word as PixAI said it.
      return { state: 'running', remoteState: status, startedAt };
  }
}

export class PixaiAdapter implements ProviderAdapter {
  readonly id = 'pixai' as const;
  readonly policy: PollPolicy = {
    floorMs: 1500, // documented: "no more often than once every 1.5 s"
    firstCheckMs: { image: 1500, video: 1500 },
    minIntervalMs: { image: 2000, video: 2000 },
    maxActiveTasks: 10, // documented: 10 tasks per account waiting or running; the rest wait here
  };

  /** Transport rules only; the engine checks the fields and the one reference against the spec. */
  validate(request: TaskRequest): string | undefined {
    if (request.kind === 'video' || request.operation === 'video')
      return l10n.t('PixAI makes no videos through its API. Choose Pixapi or Apixo for video.');
    if (request.images?.length) {
      return l10n.t(
        "PixAI takes a reference image only as a public URL (its mediaUrl), not as a file from your workspace. Give the image's http(s) address instead (a previous result's URL works while it is valid).",
      );
    }
    const imageUrls = request.imageUrls ?? [];
    if (imageUrls.length > 1)
      return l10n.t('PixAI takes one reference image; {0} were given. Keep one, or use Pixapi or Apixo for several.', imageUrls.length);
    if (imageUrls.length === 1 && !isHttpUrl(imageUrls[0]))
      return l10n.t('PixAI takes a reference image only as a public URL: "{0}" is not an http(s) URL.', imageUrls[0]);
    if (request.operation === 'edit' && imageUrls.length === 0)
      return l10n.t('PixAI takes a reference image only as a public URL: give one image URL.');
    if (!parseModelVersionId(request.model)) {
      return l10n.t(
        '"{0}" is not a PixAI model version id. Paste the number, or a model page address pixai.art/model/<id>/<version> (the last number is used).',
        request.model,
      );
    }
    return undefined;
  }

  async submit(context: SubmitContext, request: TaskRequest): Promise<SubmitResult> {
    const modelVersionId = parseModelVersionId(request.model);
    if (!modelVersionId) throw new Error(l10n.t('"{0}" is not a PixAI model version id.', request.model)); // validate() said so first
    const body: Record<string, ParamValue> = { modelVersionId, prompt: request.prompt };
    for (const [name, value] of Object.entries(request.params)) {
      if (name === 'strength') continue;
      const text = typeof value === 'string' ? value.trim() : value;
      if (text !== '') body[name] = text;
    }
    const mediaUrl = request.imageUrls?.[0];
    if (mediaUrl) {
      body.mediaUrl = mediaUrl;
      const strength = num(request.params.strength);
      if (strength !== undefined) body.strength = strength;
    }
    // Fields PixAI documents only for its SDK (lora, seed…), asked for by name: sent as given, objects intact.
    Object.assign(body, request.extra);
    const response = await context.api.call('POST', '/v2/image/create', { json: body });
    const task = obj(response.body);
    const id = str(task?.id);
    if (!id) throw new ProtocolError(l10n.t('PixAI accepted the task but sent no task id.'));
    return { kind: 'accepted', remoteId: id, status: { state: 'submitted', remoteState: str(task?.status) ?? 'waiting', progress: 0 } };
  }

  async poll(api: ApiClient, task: Task): Promise<RemoteStatus> {
    if (!task.remoteId) throw new Error(l10n.t('This task has no PixAI task id to check.'));
    const response = await api.call('GET', `/v1/task/${encodeURIComponent(task.remoteId)}`);
    return parsePixaiTask(response.body, (mediaId) => pixaiMediaUrl(api, mediaId));
  }

  /**
   * Works while the task waits; a running one answers `errors` (HTTP 200). The answer is undocumented, so success is
   * confirmed by reading the task back: only `cancelled` counts.
   */
  async cancel(api: ApiClient, task: Task): Promise<CancelOutcome> {
    if (!task.remoteId) return 'notCancellable';
    const response = await api.call('POST', '/graphql', { json: { query: PIXAI_CANCEL_MUTATION, variables: { id: task.remoteId } } });
    if (arr(obj(response.body)?.errors)?.length) return 'notCancellable';
    // Read back no sooner than the documented 1.5 s after the task's last check.
    const wait = Math.min(this.policy.floorMs, (task.lastCheckedAt ?? -Infinity) + this.policy.floorMs - Date.now());
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const status = await this.poll(api, task);
    return status.state === 'cancelled' ? 'cancelled' : 'notCancellable';
  }
}
