/**
 * PixAI (https://api.pixai.art): POST /v2/image/create, GET /v1/task/{id}, GET /v1/media/{id}/image
 * (302 to the CDN), and POST /graphql with the cancelGenerationTask mutation. Error bodies are not
 * documented: the emulator answers `{message}`.
 */
import { STATUS_CODES } from 'http';
import { type Exchange, type Reply, bearerKey, contentTypeOf, isHttpUrl, isPlainObject, jsonReply, parseJson } from './http';
import { snowflakeLikeId } from './ids';
import type { EmulatorState } from './state';
import { TaskRecord, parseOutcomeSwitches } from './tasks';

/** "Each account allows up to 10 concurrent tasks in waiting or running state." */
export const PIXAI_MAX_ACTIVE_TASKS = 10;
/** Outputs of a [batch] task (the older batch shape always carried several images). */
const BATCH_SIZE = 4;

export function pixaiErrorBody(status: number, message?: string): { message: string } {
  return { message: message ?? STATUS_CODES[status] ?? 'Error' };
}

function errorReply(status: number, message?: string): Reply {
  return jsonReply(status, pixaiErrorBody(status, message));
}

/** Pixel size for an aspect ratio such as "9:16" (longest side 1024); unknown values give 1:1. */
function pixelsForAspectRatio(aspectRatio: string | undefined): { width: number; height: number } {
  const match = aspectRatio ? /^(\d+(?:\.\d+)?):(\d+(?:\.\d+)?)$/.exec(aspectRatio) : null;
  const w = match ? Number(match[1]) : 1;
  const h = match ? Number(match[2]) : 1;
  if (!(w > 0 && h > 0)) return { width: 1024, height: 1024 };
  const roundTo8 = (value: number) => Math.max(8, Math.round(value / 8) * 8);
  return w >= h ? { width: 1024, height: roundTo8((1024 * h) / w) } : { width: roundTo8((1024 * w) / h), height: 1024 };
}

interface MediaEntry {
  taskId: string;
  url: string;
}

export class PixaiOrigin {
  /** mediaId → the task that produced it and its CDN URL. */
  private readonly media = new Map<string, MediaEntry>();

  constructor(private readonly state: EmulatorState) {}

  errorReply(status: number): Reply {
    return errorReply(status);
  }

  reset(): void {
    this.media.clear();
  }

  async handle(ex: Exchange): Promise<Reply> {
    const path = ex.url.pathname;
    const task = /^\/v1\/task\/([^/]+)$/.exec(path);
    const media = /^\/v1\/media\/([^/]+)\/image$/.exec(path);
    const known = path === '/v2/image/create' || path === '/graphql' || task !== null || media !== null;
    if (!known) return errorReply(404, 'Not found');
    const wantedMethod = path === '/v2/image/create' || path === '/graphql' ? 'POST' : 'GET';
    if (ex.method !== wantedMethod) return errorReply(405, 'Method not allowed');

    // Documented: 401 for a bad key, 403/404 for a missing token or missing permission.
    const key = bearerKey(ex.headers);
    if (key === undefined) return errorReply(403, 'Missing access token');
    if (!this.state.acceptsKey('pixai', key)) return errorReply(401, 'Invalid API key');

    if (path === '/v2/image/create') return this.create(ex, key);
    if (path === '/graphql') return this.graphql(ex, key);
    if (task) return this.readTask(ex, key, decodeURIComponent(task[1]));
    return this.redirectToMedia(ex, key, decodeURIComponent((media as RegExpExecArray)[1]));
  }

  private create(ex: Exchange, key: string): Reply {
    if (contentTypeOf(ex.headers) !== 'application/json') return errorReply(400, 'Content-Type must be application/json');
    const body = parseJson(ex.body);
    if (!isPlainObject(body)) return errorReply(400, 'Request body must be a JSON object');
    const { modelVersionId, prompt, aspectRatio, mode, style, mediaUrl, strength } = body;
    if (modelVersionId === undefined) return errorReply(400, 'modelVersionId is required');
    // Documented only as the last segment of a model page URL (the example is digits): any non-empty string.
    if (typeof modelVersionId !== 'string' || modelVersionId.trim() === '')
      return errorReply(400, 'modelVersionId must be a non-empty string');
    if (typeof prompt !== 'string' || prompt.trim() === '') return errorReply(400, 'prompt is required');
    for (const [name, value] of Object.entries({ aspectRatio, mode, style })) {
      if (value !== undefined && typeof value !== 'string') return errorReply(400, `${name} must be a string`);
    }
    // Image-to-image through the v1 parameters mediaUrl + strength; their limits are not documented.
    if (mediaUrl !== undefined) {
      if (!isHttpUrl(mediaUrl)) return errorReply(400, 'mediaUrl must be an http(s) URL');
      if (!this.state.files.isFetchable(mediaUrl, this.state.now(), this.state.options.resultTtlMs))
        return errorReply(400, 'mediaUrl could not be downloaded');
    }
    if (strength !== undefined && (typeof strength !== 'number' || !Number.isFinite(strength)))
      return errorReply(400, 'strength must be a number');
    const switches = parseOutcomeSwitches(prompt);
    if (switches.reject) return errorReply(400, 'Prompt rejected by content moderation');

    const now = this.state.now();
    if (this.state.tasks.activeCount('pixai', key, now) >= PIXAI_MAX_ACTIVE_TASKS) {
      return errorReply(429, `Too many concurrent tasks: at most ${PIXAI_MAX_ACTIVE_TASKS} tasks may be waiting or running`);
    }

    const timing = this.state.timingFor('image', switches.slow);
    const task = new TaskRecord({
      provider: 'pixai',
      id: snowflakeLikeId(),
      model: modelVersionId,
      kind: 'image',
      prompt,
      key,
      request: body,
      createdAt: now,
      queueMs: timing.queueMs,
      runMs: timing.runMs,
      switches,
      cost: 0,
    });
    if (!switches.fail) {
      const { width, height } = pixelsForAspectRatio(typeof aspectRatio === 'string' ? aspectRatio : undefined);
      const count = switches.batch ? BATCH_SIZE : 1;
      for (let i = 0; i < count; i++) {
        const mediaId = snowflakeLikeId();
        const url = this.state.files.add({
          name: `${mediaId}.png`,
          format: 'png',
          width,
          height,
          provider: 'pixai',
          taskId: task.id,
          prompt,
          model: modelVersionId,
          availableAt: task.endsAt,
        });
        task.mediaIds.push(mediaId);
        task.resultUrls.push(url);
        this.media.set(mediaId, { taskId: task.id, url });
      }
    }
    this.state.tasks.add(task);
    ex.taskId = task.id;
    return jsonReply(200, this.taskJson(task, now));
  }

  private readTask(ex: Exchange, key: string, id: string): Reply {
    const task = this.state.tasks.get('pixai', id);
    if (!task || task.key !== key) return errorReply(404, 'Task not found');
    ex.taskId = task.id;
    const now = this.state.now();
    task.polls.push(now);
    return jsonReply(200, this.taskJson(task, now));
  }

  taskJson(task: TaskRecord, now: number): Record<string, unknown> {
    const phase = task.phaseAt(now);
    const iso = (ms: number) => new Date(ms).toISOString();
    const json: Record<string, unknown> = {
      id: task.id,
      status: task.statusAt(now),
      createdAt: iso(task.createdAt),
      updatedAt: iso(task.lastChangeAt(now)),
    };
    if (phase === 'running' || phase === 'succeeded' || phase === 'failed') json.startedAt = iso(task.startsAt);
    if (phase === 'succeeded' || phase === 'failed') json.endAt = iso(task.endsAt);
    if (phase === 'cancelled') json.endAt = iso(task.cancelledAt as number);
    json.outputs = this.outputsJson(task, phase === 'succeeded');
    return json;
  }

  /** The current shape, or an older one chosen by [mediaIdsOnly] / [legacy] / [batch]. */
  private outputsJson(task: TaskRecord, done: boolean): Record<string, unknown> {
    if (task.switches.empty) return done ? { mediaIds: [], mediaUrls: [] } : {};
    const mediaIds = done ? task.mediaIds : [];
    if (task.switches.legacy) return done ? { mediaId: mediaIds[0] } : {};
    if (task.switches.batch) return done ? { batch: mediaIds.map((mediaId) => ({ mediaId })) } : {};
    if (task.switches.mediaIdsOnly) return { mediaIds: [...mediaIds] };
    return { mediaIds: [...mediaIds], mediaUrls: done ? [...task.resultUrls] : [] };
  }

  private redirectToMedia(ex: Exchange, key: string, mediaId: string): Reply {
    const entry = this.media.get(mediaId);
    const task = entry ? this.state.tasks.get('pixai', entry.taskId) : undefined;
    if (!entry || !task || task.key !== key || task.phaseAt(this.state.now()) !== 'succeeded') {
      return errorReply(404, 'Media not found');
    }
    ex.taskId = task.id;
    return { status: 302, headers: { location: entry.url }, body: Buffer.alloc(0) };
  }

  /**
   * A deliberately small GraphQL surface: only `cancelGenerationTask(id: …)`, with the id inline or
   * as a variable. Request errors answer 400, execution errors 200 with `errors` (GraphQL style).
   */
  private graphql(ex: Exchange, key: string): Reply {
    const body = parseJson(ex.body);
    if (!isPlainObject(body) || typeof body.query !== 'string') {
      return jsonReply(400, { errors: [{ message: 'Must provide a query string' }] });
    }
    const variables = isPlainObject(body.variables) ? body.variables : {};
    const query = body.query;
    const call = /cancelGenerationTask\s*\(\s*id\s*:\s*(?:"((?:[^"\\]|\\.)*)"|\$(\w+))\s*\)/.exec(query);
    if (!/^\s*mutation\b/.test(query) || !call) {
      return jsonReply(400, { errors: [{ message: 'The emulator supports only the mutation cancelGenerationTask(id: ID!)' }] });
    }
    let id: unknown = call[1];
    if (call[2] !== undefined) {
      id = variables[call[2]];
      if (id === undefined) {
        return jsonReply(400, { errors: [{ message: `Variable "$${call[2]}" of required type "ID!" was not provided.` }] });
      }
    }
    const task = typeof id === 'string' || typeof id === 'number' ? this.state.tasks.get('pixai', String(id)) : undefined;
    const path = ['cancelGenerationTask'];
    if (!task || task.key !== key) return jsonReply(200, { data: null, errors: [{ message: 'Task not found', path }] });
    ex.taskId = task.id;
    const now = this.state.now();
    const status = task.statusAt(now);
    if (status !== 'waiting') {
      return jsonReply(200, { data: null, errors: [{ message: `Task cannot be cancelled: it is ${status}`, path }] });
    }
    task.cancelledAt = now;
    this.state.files.removeTask(task.id);
    for (const mediaId of task.mediaIds) this.media.delete(mediaId);
    return jsonReply(200, { data: { cancelGenerationTask: { id: task.id, status: 'cancelled' } } });
  }
}
