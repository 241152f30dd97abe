/**
 * Apixo (https://api.apixo.ai/api/v1): POST /generateTask/{model}, GET /statusTask/{model}?taskId=,
 * GET /apikeys/current-balance. Every answer is an envelope `{code, message, data}`.
 */
import { STATUS_CODES } from 'http';
import { type CdnFormat, SAMPLE_VIDEO } from './cdn';
import { type Exchange, type Reply, bearerKey, contentTypeOf, isHttpUrl, isPlainObject, jsonReply, parseJson } from './http';
import { lowerAlnumId } from './ids';
import { APIXO_PLAN_LIMITS, type EmulatorState, roundMoney } from './state';
import { TaskRecord, parseOutcomeSwitches } from './tasks';
import { type MediaKind } from './types';

export const API_PREFIX = '/api/v1';

/**
 * One model as MODELS.md describes its page: the complete mode list (the page's `mode` values; absent: the
 * model documents none and any mode is refused), which modes need `image_urls`, how many images it takes, and
 * the value lists its page gives. Lists a page gives only as an example are not enforced.
 */
interface ApixoModel {
  id: string;
  kind: MediaKind;
  /** Allowed `input.mode` values; the first is used when mode is omitted. Empty: `mode` is not a field of this model. */
  modes: string[];
  /** Modes that need `input.image_urls`. */
  imageModes: string[];
  /** Most `image_urls` the model takes (per mode where the page says so); undefined: not documented. */
  maxImages?: number | ((mode: string) => number);
  /** At least this many when image_urls is given. */
  minImages?: number;
  /** The model documents no image input at all (image_urls is refused). */
  noImages?: boolean;
  aspectRatios?: string[];
  defaultAspectRatio?: string;
  /** Image resolutions and their longest side; video resolutions as a list. */
  resolutions?: Record<string, number> | string[];
  durations?: number[];
  outputFormats?: string[];
  /** veo-3-1's generationType values. */
  generationTypes?: string[];
  /** USD per image, or per second of video (may depend on mode); per video where `pricePerVideo`. */
  price: (mode: string) => number;
  /** The model page prices a whole video (MODELS.md: veo-3-1, sora-2), not a second of it. */
  pricePerVideo?: boolean;
  /** Images per task. */
  outputs?: number;
  defaultSeconds?: number;
}

const T2I = ['text-to-image', 'image-to-image'];
const T2V = ['text-to-video', 'image-to-video'];
const COMMON_IMAGE_ASPECTS = ['1:1', '4:3', '3:4', '3:2', '2:3', '4:5', '5:4', '9:16', '16:9', '21:9', 'auto'];
const UPPER_RES = { '1K': 1024, '2K': 2048, '4K': 4096 };
/** The common parameters page's lists: what a model whose page gives no list of its own takes. */
const COMMON_VIDEO_ASPECTS = ['1:1', '16:9', '9:16'];
const COMMON_VIDEO_RESOLUTIONS = ['480p', '720p', '1080p'];
const COMMON_OUTPUT_FORMATS = ['png', 'jpeg'];
const LOWER_RES = { '1k': 1024, '2k': 2048, '4k': 4096 };

const MODELS: ApixoModel[] = [
  {
    id: 'nano-banana',
    kind: 'image',
    modes: T2I,
    imageModes: ['image-to-image'],
    maxImages: 5,
    aspectRatios: COMMON_IMAGE_ASPECTS,
    outputFormats: ['jpeg', 'png'],
    price: () => 0.03, // MODELS.md: $0.03 an image
  },
  {
    id: 'nano-banana-2',
    kind: 'image',
    modes: T2I,
    imageModes: ['image-to-image'],
    maxImages: 14,
    aspectRatios: [...COMMON_IMAGE_ASPECTS, '1:4', '4:1', '1:8', '8:1'],
    resolutions: LOWER_RES,
    outputFormats: ['png', 'jpeg', 'jpg'],
    price: () => 0.04,
  },
  {
    id: 'gpt-image-1',
    kind: 'image',
    modes: ['gpt-image-1'],
    imageModes: [],
    maxImages: 5,
    aspectRatios: ['1:1', '2:3', '3:2'],
    price: () => 0.04,
  },
  {
    id: 'gpt-image-2',
    kind: 'image',
    modes: T2I,
    imageModes: ['image-to-image'],
    maxImages: 16,
    aspectRatios: ['auto', '1:1', '4:3', '3:4', '16:9', '9:16'],
    resolutions: LOWER_RES,
    price: () => 0.06,
  },
  {
    id: 'flux-2',
    kind: 'image',
    modes: ['pro-text-to-image', 'pro-image-to-image', 'flex-text-to-image', 'flex-image-to-image'],
    imageModes: ['pro-image-to-image', 'flex-image-to-image'],
    price: () => 0.03,
  },
  {
    id: 'midjourney',
    kind: 'image',
    modes: ['text-to-image', 'image-to-image', 'upload-paint', 'vary', 'upscale', 'image-edit', 'reroll', 'enhance'],
    imageModes: ['image-to-image'],
    maxImages: 1,
    price: () => 0.06,
    outputs: 4,
  },
  { id: 'wan-2-5', kind: 'video', modes: T2V, imageModes: ['image-to-video'], price: () => 0.05, defaultSeconds: 5 },
  {
    id: 'veo-3-1',
    kind: 'video',
    modes: ['quality', 'fast'],
    imageModes: [],
    maxImages: 3,
    aspectRatios: ['16:9', '9:16', 'auto'],
    defaultAspectRatio: '16:9',
    generationTypes: ['TEXT_2_VIDEO', 'FIRST_AND_LAST_FRAMES_2_VIDEO', 'REFERENCE_2_VIDEO'],
    // MODELS.md: fast $0.20, quality $1.50 a video.
    price: (mode) => (mode === 'quality' ? 1.5 : 0.2),
    pricePerVideo: true,
    defaultSeconds: 8,
  },
  // No `mode` on the sora pages: image-to-video is exactly one URL in image_urls.
  {
    id: 'sora-2',
    kind: 'video',
    modes: [],
    imageModes: [],
    minImages: 1,
    maxImages: 1,
    aspectRatios: ['landscape', 'portrait'],
    defaultAspectRatio: 'landscape',
    durations: [4, 8, 12],
    // MODELS.md: $0.10–0.15 a video; the lower figure.
    price: () => 0.1,
    pricePerVideo: true,
    defaultSeconds: 4,
  },
  { id: 'sora-2-pro', kind: 'video', modes: [], imageModes: [], noImages: true, price: () => 0.3, defaultSeconds: 8 },
  {
    id: 'kling-2-1',
    kind: 'video',
    modes: ['standard-image-to-video', 'pro-image-to-video', 'master-text-to-video', 'master-image-to-video'],
    imageModes: ['standard-image-to-video', 'pro-image-to-video', 'master-image-to-video'],
    maxImages: (mode) => (mode === 'standard-image-to-video' ? 1 : 2),
    aspectRatios: ['16:9', '9:16', '1:1'],
    durations: [5, 10],
    price: () => 0.06,
    defaultSeconds: 5,
  },
  {
    id: 'ltx-2-19b',
    kind: 'video',
    modes: ['text-to-video', 'image-to-video', 'text-to-video-LoRA', 'image-to-video-LoRA'],
    imageModes: ['image-to-video', 'image-to-video-LoRA'],
    price: () => 0.05,
    defaultSeconds: 5,
  },
];

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
function imagePixels(aspectRatio: string, longest: number): { width: number; height: number } {
  const [w, h] = /^\d+:\d+$/.test(aspectRatio) ? aspectRatio.split(':').map(Number) : [1, 1];
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

    const cost = switches.fail ? 0 : roundMoney(model.price(mode) * (model.kind === 'video' ? (model.pricePerVideo ? 1 : seconds) : (model.outputs ?? 1)));
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
            prompt,
            model: model.id,
            ...(model.kind === 'video' ? { seconds } : {}),
            availableAt: task.endsAt,
          }),
        );
      }
    }
    this.state.tasks.add(task);
    ex.taskId = task.id;
    return success({ taskId: task.id });
  }

  /** The parsed input, or the text of the first problem found (each answered as Apixo's 400 envelope). */
  private validateInput(
    model: ApixoModel,
    input: Record<string, unknown>,
  ): { mode: string; prompt: string; seconds: number; pixels: { width: number; height: number }; format: CdnFormat } | string {
    let mode = '';
    if (model.modes.length) {
      const given = input.mode ?? model.modes[0];
      if (typeof given !== 'string' || !model.modes.includes(given))
        return `input.mode must be one of ${model.modes.join(', ')} for ${model.id}`;
      mode = given;
    } else if (input.mode !== undefined) {
      return `input.mode is not a parameter of ${model.id}`;
    }
    const prompt = input.prompt;
    if (typeof prompt !== 'string' || prompt.trim() === '') return 'input.prompt is required';

    const imageUrls = input.image_urls;
    let imageCount = 0;
    if (imageUrls !== undefined) {
      if (model.noImages) return `input.image_urls is not a parameter of ${model.id}`;
      if (!Array.isArray(imageUrls) || imageUrls.length === 0) return 'input.image_urls must be a non-empty array of URLs';
      imageCount = imageUrls.length;
      const max = typeof model.maxImages === 'function' ? model.maxImages(mode) : model.maxImages;
      if (max !== undefined && imageCount > max)
        return `input.image_urls takes at most ${max} image(s) for ${model.id}${mode ? ` ${mode}` : ''}`;
      if (model.minImages !== undefined && imageCount < model.minImages)
        return `input.image_urls needs at least ${model.minImages} image(s) for ${model.id}`;
      for (const [index, url] of imageUrls.entries()) {
        if (!isHttpUrl(url)) return `input.image_urls[${index}] must be a public http(s) URL`;
        if (!this.state.files.isFetchable(url, this.state.now(), this.state.options.resultTtlMs)) {
          return `input.image_urls[${index}] could not be downloaded`;
        }
      }
    } else if (model.imageModes.includes(mode)) {
      return `input.image_urls is required for mode ${mode}`;
    }

    if (model.generationTypes) {
      const type = input.generationType ?? model.generationTypes[0];
      if (typeof type !== 'string' || !model.generationTypes.includes(type))
        return `input.generationType must be one of ${model.generationTypes.join(', ')}`;
      if (type !== 'TEXT_2_VIDEO' && imageCount === 0) return `input.image_urls is required for generationType ${type}`;
      if (type === 'FIRST_AND_LAST_FRAMES_2_VIDEO' && imageCount > 2)
        return 'FIRST_AND_LAST_FRAMES_2_VIDEO takes 1 or 2 image_urls (first and last frame)';
      if (type === 'REFERENCE_2_VIDEO' && mode !== 'fast') return 'REFERENCE_2_VIDEO is available in fast mode only';
      if (type === 'REFERENCE_2_VIDEO' && input.aspect_ratio !== undefined && input.aspect_ratio !== '16:9')
        return 'REFERENCE_2_VIDEO supports aspect_ratio 16:9 only';
    }

    // "Models may add or override fields": a page's own list wins, else the common page's list applies.
    const aspectRatios = model.aspectRatios ?? (model.kind === 'video' ? COMMON_VIDEO_ASPECTS : COMMON_IMAGE_ASPECTS);
    const aspectRatio = input.aspect_ratio ?? model.defaultAspectRatio ?? (model.kind === 'video' ? '16:9' : '1:1');
    if (typeof aspectRatio !== 'string' || !aspectRatios.includes(aspectRatio))
      return `input.aspect_ratio must be one of ${aspectRatios.join(', ')} for ${model.id}`;

    const resolutionList =
      model.resolutions === undefined
        ? model.kind === 'video'
          ? COMMON_VIDEO_RESOLUTIONS
          : Object.keys(UPPER_RES)
        : Array.isArray(model.resolutions)
          ? model.resolutions
          : Object.keys(model.resolutions);
    const resolution = input.resolution;
    if (resolution !== undefined && (typeof resolution !== 'string' || !resolutionList.includes(resolution)))
      return `input.resolution must be one of ${resolutionList.join(', ')} for ${model.id}`;

    if (model.kind === 'video') {
      const seconds = input.duration ?? model.defaultSeconds ?? 5;
      if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds <= 0)
        return 'input.duration must be a positive number of seconds';
      if (model.durations && !model.durations.includes(seconds))
        return `input.duration must be one of ${model.durations.join(', ')} for ${model.id}`;
      return { mode, prompt, seconds, pixels: SAMPLE_VIDEO, format: 'mp4' };
    }
    const outputFormats = model.outputFormats ?? COMMON_OUTPUT_FORMATS;
    const outputFormat = input.output_format ?? outputFormats[0];
    if (typeof outputFormat !== 'string' || !outputFormats.includes(outputFormat))
      return `input.output_format must be one of ${outputFormats.join(', ')} for ${model.id}`;
    const table: Record<string, number> = model.resolutions && !Array.isArray(model.resolutions) ? model.resolutions : UPPER_RES;
    const longest = typeof resolution === 'string' ? table[resolution] ?? 1024 : 1024;
    return { mode, prompt, seconds: 0, pixels: imagePixels(aspectRatio, longest), format: outputFormat === 'png' ? 'png' : 'jpeg' };
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
