/**
 * Apixo (https://api.apixo.ai/api/v1): POST /generateTask/{model}, GET /statusTask/{model}?taskId=,
 * GET /apikeys/current-balance. Every answer is an envelope `{code, message, data}`.
 */
import { STATUS_CODES } from 'http';
import { CdnFormat, SAMPLE_VIDEO } from './cdn';
import { Exchange, Reply, bearerKey, contentTypeOf, isHttpUrl, isPlainObject, jsonReply, parseJson } from './http';
import { lowerAlnumId } from './ids';
import { APIXO_PLAN_LIMITS, EmulatorState, roundMoney } from './state';
import { TaskRecord, parseOutcomeSwitches } from './tasks';
import { MediaKind } from './types';

export const API_PREFIX = '/api/v1';

interface ApixoModel {
  id: string;
  kind: MediaKind;
  /** Allowed `input.mode` values; the first is used when mode is omitted. */
  modes: string[];
  /** Modes that need `input.image_urls`. */
  imageModes: string[];
  /** USD per image, or per second of video (may depend on mode). */
  price: (mode: string) => number;
  /** Images per task. */
  outputs?: number;
  defaultSeconds?: number;
}

const T2I = ['text-to-image', 'image-to-image'];
const T2V = ['text-to-video', 'image-to-video'];

const MODELS: ApixoModel[] = [
  { id: 'nano-banana', kind: 'image', modes: T2I, imageModes: ['image-to-image'], price: () => 0.02 },
  { id: 'nano-banana-2', kind: 'image', modes: T2I, imageModes: ['image-to-image'], price: () => 0.04 },
  { id: 'gpt-image-1', kind: 'image', modes: T2I, imageModes: ['image-to-image'], price: () => 0.04 },
  { id: 'gpt-image-2', kind: 'image', modes: T2I, imageModes: ['image-to-image'], price: () => 0.06 },
  { id: 'flux-2', kind: 'image', modes: ['pro-text-to-image', 'pro-image-to-image'], imageModes: ['pro-image-to-image'], price: () => 0.03 },
  { id: 'midjourney', kind: 'image', modes: T2I, imageModes: ['image-to-image'], price: () => 0.06, outputs: 4 },
  { id: 'wan-2-5', kind: 'video', modes: T2V, imageModes: ['image-to-video'], price: () => 0.05, defaultSeconds: 5 },
  { id: 'veo-3-1', kind: 'video', modes: ['quality', 'fast'], imageModes: [], price: (mode) => (mode === 'quality' ? 0.25 : 0.1), defaultSeconds: 8 },
  { id: 'sora-2', kind: 'video', modes: T2V, imageModes: ['image-to-video'], price: () => 0.1, defaultSeconds: 4 },
  { id: 'sora-2-pro', kind: 'video', modes: T2V, imageModes: ['image-to-video'], price: () => 0.3, defaultSeconds: 4 },
  { id: 'kling-2-1', kind: 'video', modes: T2V, imageModes: ['image-to-video'], price: () => 0.06, defaultSeconds: 5 },
];

const IMAGE_ASPECT_RATIOS = ['1:1', '4:3', '3:4', '3:2', '2:3', '4:5', '5:4', '9:16', '16:9', '21:9', 'auto'];
const VIDEO_ASPECT_RATIOS = ['1:1', '16:9', '9:16'];
const IMAGE_RESOLUTIONS: Record<string, number> = { '1K': 1024, '2K': 2048, '4K': 4096 };
const VIDEO_RESOLUTIONS = ['480p', '720p', '1080p'];
const OUTPUT_FORMATS = ['png', 'jpeg'];

const FAIL_MESSAGES: Record<string, string> = {
  CONTENT_VIOLATION: 'The generated content violates the content policy',
  SensitiveContentDetected: 'Sensitive content detected in the output',
};

const DEFAULT_MESSAGES: Record<number, string> = {
  400: 'Invalid request parameters',
  401: 'Invalid API key',
  402: 'Insufficient balance',
  403: 'Insufficient permissions',
  404: 'Not found',
  429: 'Rate limit exceeded',
  500: 'Internal server error',
  503: 'Service unavailable',
};

/** The error envelope; 400 carries `data:{error}`, the others `data:null`. */
export function apixoErrorBody(status: number, message?: string, detail?: string): { code: number; message: string; data: unknown } {
  const text = message ?? DEFAULT_MESSAGES[status] ?? STATUS_CODES[status] ?? 'Error';
  return { code: status, message: text, data: status === 400 ? { error: detail ?? text } : null };
}

function errorReply(status: number, message?: string, detail?: string): Reply {
  return jsonReply(status, apixoErrorBody(status, message, detail));
}

function invalid(detail: string): Reply {
  return errorReply(400, undefined, detail);
}

function success(data: unknown): Reply {
  return jsonReply(200, { code: 200, message: 'success', data });
}

/** Pixel size for aspect_ratio × resolution (longest side 1K=1024, 2K=2048, 4K=4096; auto = square). */
function imagePixels(aspectRatio: string, resolution: string): { width: number; height: number } {
  const longest = IMAGE_RESOLUTIONS[resolution];
  const [w, h] = aspectRatio === 'auto' ? [1, 1] : aspectRatio.split(':').map(Number);
  return w >= h ? { width: longest, height: Math.round((longest * h) / w) } : { width: Math.round((longest * w) / h), height: longest };
}

export class ApixoOrigin {
  constructor(private readonly state: EmulatorState) {}

  errorReply(status: number): Reply {
    return errorReply(status);
  }

  async handle(ex: Exchange): Promise<Reply> {
    const path = ex.url.pathname.startsWith(API_PREFIX + '/') ? ex.url.pathname.slice(API_PREFIX.length) : undefined;
    const generate = path ? /^\/generateTask\/([^/]+)$/.exec(path) : null;
    const status = path ? /^\/statusTask\/([^/]+)$/.exec(path) : null;
    const balance = path === '/apikeys/current-balance';
    if (!generate && !status && !balance) return errorReply(404, 'Not found');
    if (ex.method !== (generate ? 'POST' : 'GET')) return errorReply(405, 'Method not allowed');

    const key = bearerKey(ex.headers);
    if (!this.state.acceptsKey('apixo', key)) return errorReply(401, 'Invalid API key');
    const now = this.state.now();
    if (this.state.options.enforceRateLimits && !this.state.admitApixoRequest(key, now)) {
      const limit = APIXO_PLAN_LIMITS[this.state.options.apixoPlan].requestsPerMinute;
      return errorReply(429, `Rate limit exceeded: ${limit} requests per minute`);
    }

    if (generate) return this.generate(ex, key, decodeURIComponent(generate[1]));
    if (status) return this.status(ex, key, decodeURIComponent(status[1]));
    return success(this.state.balances.apixo);
  }

  private generate(ex: Exchange, key: string, modelId: string): Reply {
    const model = MODELS.find((m) => m.id === modelId);
    if (!model) return errorReply(404, `Model '${modelId}' not found`);
    if (contentTypeOf(ex.headers) !== 'application/json') return invalid('Content-Type must be application/json');
    const body = parseJson(ex.body);
    if (!isPlainObject(body)) return invalid('Request body must be a JSON object');

    const requestType = body.request_type;
    if (requestType !== 'async' && requestType !== 'callback') return invalid("request_type must be 'async' or 'callback'");
    if (requestType === 'callback') {
      const callbackUrl = body.callback_url;
      if (typeof callbackUrl !== 'string' || !isHttpUrl(callbackUrl) || !callbackUrl.startsWith('https:')) {
        return invalid('callback_url must be a public HTTPS URL when request_type is callback');
      }
    }
    const input = body.input;
    if (!isPlainObject(input)) return invalid('input is required and must be an object');

    const parsed = this.validateInput(model, input);
    if (typeof parsed !== 'object' || parsed === null) return invalid(parsed);
    const { mode, prompt, seconds, pixels, format } = parsed;

    const switches = parseOutcomeSwitches(prompt);
    if (switches.reject) return errorReply(403, 'Content policy violation: the prompt was rejected');

    const now = this.state.now();
    if (this.state.options.enforceRateLimits) {
      const cap = APIXO_PLAN_LIMITS[this.state.options.apixoPlan].concurrentTasks;
      if (this.state.tasks.activeCount('apixo', key, now) >= cap) {
        return errorReply(429, `Rate limit exceeded: at most ${cap} concurrent tasks`);
      }
    }

    const cost = switches.fail ? 0 : roundMoney(model.price(mode) * (model.kind === 'video' ? seconds : (model.outputs ?? 1)));
    if (!this.state.charge('apixo', cost)) return errorReply(402, 'Insufficient balance');

    const timing = this.state.timingFor(model.kind, switches.slow);
    const failCode = switches.fail ? (switches.failCode ?? 'CONTENT_VIOLATION') : undefined;
    const task = new TaskRecord({
      provider: 'apixo',
      id: `task_${lowerAlnumId(12)}`,
      model: model.id,
      kind: model.kind,
      prompt,
      key,
      request: body,
      createdAt: now,
      queueMs: timing.queueMs,
      runMs: timing.runMs,
      switches,
      cost,
      failCode,
      failMessage: failCode ? (FAIL_MESSAGES[failCode] ?? `Generation failed (${failCode})`) : undefined,
    });
    if (!switches.fail) {
      const count = model.kind === 'video' ? 1 : (model.outputs ?? 1);
      for (let i = 0; i < count; i++) {
        task.resultUrls.push(
          this.state.files.add({
            name: model.kind === 'video' ? 'output.mp4' : `output-${i + 1}.${format === 'jpeg' ? 'jpg' : 'png'}`,
            format,
            width: pixels.width,
            height: pixels.height,
            provider: 'apixo',
            taskId: task.id,
            availableAt: task.endsAt,
          }),
        );
      }
    }
    this.state.tasks.add(task);
    ex.taskId = task.id;
    return success({ taskId: task.id });
  }

  /** The parsed input, or the text of the first problem found. */
  private validateInput(
    model: ApixoModel,
    input: Record<string, unknown>,
  ): { mode: string; prompt: string; seconds: number; pixels: { width: number; height: number }; format: CdnFormat } | string {
    const mode = input.mode ?? model.modes[0];
    if (typeof mode !== 'string' || !model.modes.includes(mode)) return `input.mode must be one of ${model.modes.join(', ')} for ${model.id}`;
    const prompt = input.prompt;
    if (typeof prompt !== 'string' || prompt.trim() === '') return 'input.prompt is required';

    const imageUrls = input.image_urls;
    if (imageUrls !== undefined) {
      if (!Array.isArray(imageUrls) || imageUrls.length === 0) return 'input.image_urls must be a non-empty array of URLs';
      for (const [index, url] of imageUrls.entries()) {
        if (!isHttpUrl(url)) return `input.image_urls[${index}] must be a public http(s) URL`;
        if (!this.state.files.isFetchable(url, this.state.now(), this.state.options.resultTtlMs)) {
          return `input.image_urls[${index}] could not be downloaded`;
        }
      }
    } else if (model.imageModes.includes(mode)) {
      return `input.image_urls is required for mode ${mode}`;
    }

    const aspectRatios = model.kind === 'video' ? VIDEO_ASPECT_RATIOS : IMAGE_ASPECT_RATIOS;
    const aspectRatio = input.aspect_ratio ?? (model.kind === 'video' ? '16:9' : '1:1');
    if (typeof aspectRatio !== 'string' || !aspectRatios.includes(aspectRatio)) return `input.aspect_ratio must be one of ${aspectRatios.join(', ')}`;

    const resolutions = model.kind === 'video' ? VIDEO_RESOLUTIONS : Object.keys(IMAGE_RESOLUTIONS);
    const resolution = input.resolution ?? (model.kind === 'video' ? '720p' : '1K');
    if (typeof resolution !== 'string' || !resolutions.includes(resolution)) return `input.resolution must be one of ${resolutions.join(', ')}`;

    if (model.kind === 'video') {
      const seconds = input.duration ?? model.defaultSeconds ?? 5;
      // Documented only as "duration: seconds": any positive number.
      if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds <= 0) return 'input.duration must be a positive number of seconds';
      return { mode, prompt, seconds, pixels: SAMPLE_VIDEO, format: 'mp4' };
    }
    const outputFormat = input.output_format ?? 'png';
    if (typeof outputFormat !== 'string' || !OUTPUT_FORMATS.includes(outputFormat)) return 'input.output_format must be png or jpeg';
    return { mode, prompt, seconds: 0, pixels: imagePixels(aspectRatio, resolution), format: outputFormat === 'jpeg' ? 'jpeg' : 'png' };
  }

  private status(ex: Exchange, key: string, modelId: string): Reply {
    const taskId = ex.url.searchParams.get('taskId');
    if (!taskId) return invalid('taskId is required');
    if (!MODELS.some((m) => m.id === modelId)) return errorReply(404, `Model '${modelId}' not found`);
    const task = this.state.tasks.get('apixo', taskId);
    // A task asked for under another model (or another key) is not found.
    if (!task || task.model !== modelId || task.key !== key) return errorReply(404, 'Task not found');
    ex.taskId = task.id;
    const now = this.state.now();
    task.polls.push(now);
    return success(this.taskData(task, now));
  }

  taskData(task: TaskRecord, now: number): Record<string, unknown> {
    const phase = task.phaseAt(now);
    const data: Record<string, unknown> = { taskId: task.id, state: task.statusAt(now) };
    const terminal = phase === 'succeeded' || phase === 'failed';
    if (phase === 'succeeded') data.resultJson = JSON.stringify({ resultUrls: task.switches.empty ? [] : task.resultUrls });
    if (terminal) data.costTime = task.runMs;
    data.createTime = task.createdAt;
    if (terminal) data.completeTime = task.endsAt;
    if (phase === 'failed') {
      data.failCode = task.failCode;
      data.failMsg = task.failMessage;
    }
    return data;
  }
}
