/**
 * Pixapi (https://api.pixapi.ai): OpenAI-compatible image endpoints (sync and /v1/async/*), async-only
 * video, GET /v1/tasks/{id}, GET /v1/models. Errors are `{error:{code, message, type?, request_id?}}`.
 */
import { STATUS_CODES } from 'http';
import { type CdnFormat, SAMPLE_VIDEO } from './cdn';
import {
  type Exchange,
  type Reply,
  bearerKey,
  contentTypeOf,
  imageFormatOf,
  isHttpUrl,
  isPlainObject,
  jsonReply,
  parseJson,
} from './http';
import { ulid } from './ids';
import { pngImage } from './png';
import type { EmulatorState } from './state';
import { TaskRecord, parseOutcomeSwitches } from './tasks';
import { type MediaKind } from './types';

interface PixapiModel {
  id: string;
  category: MediaKind;
  capabilities: string[];
  /** gpt-image-* take quality low|medium|high|auto. */
  acceptsQuality: boolean;
  /** Image models: credits per image for (size, quality). Video models: credits per second. */
  price: (size: string, quality: string) => number;
}

const IMAGE_CAPABILITIES = ['text-to-image', 'image-to-image'];
const VIDEO_CAPABILITIES = ['text-to-video', 'image-to-video'];
/**
 * Sizes are documented as `auto`, listed `WxH` values, "other WxH per model" and the tokens `2K`, `4K` (an
 * image model) and `16:9` (video). Which model takes which WxH is not documented, so only the shape is checked.
 */
const SIZE_SHAPE = /^(auto|[1-9]\d*x[1-9]\d*|2K|4K|16:9)$/;
const QUALITIES = ['low', 'medium', 'high', 'auto'];
const RESPONSE_FORMATS = ['url', 'b64_json'];
/** Requested duration when the client sends none (not documented). */
const DEFAULT_VIDEO_SECONDS = 5;

function pixelsOf(size: string): { width: number; height: number } {
  if (size === '2K') return { width: 2048, height: 2048 };
  if (size === '4K') return { width: 4096, height: 4096 };
  const match = /^(\d+)x(\d+)$/.exec(size);
  return match ? { width: Number(match[1]), height: Number(match[2]) } : { width: 1024, height: 1024 };
}

/**
 * The documented price tier of a size: `auto` is the 1K tier (MODELS.md). Which tier any other WxH falls in is
 * not documented; the emulator takes the longer side: up to 1536 px 1K (the listed 1024x1024, 1536x1024,
 * 1024x1536), up to 2048 px 2K, larger 4K.
 */
function tierOf(size: string): '512' | '1K' | '2K' | '4K' {
  if (size === 'auto' || size === '1K') return '1K';
  if (size === '2K' || size === '4K') return size;
  const { width, height } = pixelsOf(size);
  const longer = Math.max(width, height);
  return longer <= 512 ? '512' : longer <= 1536 ? '1K' : longer <= 2048 ? '2K' : '4K';
}

/** gpt-image-2 (MODELS.md): 1K low 1, medium 4, high/auto 14; 2K 2 / 17 / 67; 4K 4 / 34 / 133; `auto` billed as high. */
const GPT_IMAGE_2_CREDITS: Record<'1K' | '2K' | '4K', Record<'low' | 'medium' | 'high', number>> = {
  '1K': { low: 1, medium: 4, high: 14 },
  '2K': { low: 2, medium: 17, high: 67 },
  '4K': { low: 4, medium: 34, high: 133 },
};

function gptImage2Price(size: string, quality: string): number {
  const tier = tierOf(size);
  const row = GPT_IMAGE_2_CREDITS[tier === '512' ? '1K' : tier];
  return row[quality === 'low' || quality === 'medium' ? quality : 'high'];
}

/** gpt-image-1.5 is documented only as "from 1": the emulator charges gpt-image-2's table at half, at least 1. */
function gptImage15Price(size: string, quality: string): number {
  return Math.max(1, Math.round(gptImage2Price(size, quality) / 2));
}

const MODELS: PixapiModel[] = [
  // "2 an image"
  { id: 'gemini-2.5-flash-image', category: 'image', capabilities: IMAGE_CAPABILITIES, acceptsQuality: false, price: () => 2 },
  {
    id: 'gemini-3.1-flash-image-preview',
    category: 'image',
    capabilities: IMAGE_CAPABILITIES,
    acceptsQuality: false,
    // "512px 4, 1K 4, 2K 6, 4K 8"
    price: (size) => ({ '512': 4, '1K': 4, '2K': 6, '4K': 8 })[tierOf(size)],
  },
  // "1K 8, 2K 8, 4K 16"
  {
    id: 'gemini-3-pro-image-preview',
    category: 'image',
    capabilities: IMAGE_CAPABILITIES,
    acceptsQuality: false,
    price: (size) => (tierOf(size) === '4K' ? 16 : 8),
  },
  { id: 'gpt-image-1.5', category: 'image', capabilities: IMAGE_CAPABILITIES, acceptsQuality: true, price: gptImage15Price },
  { id: 'gpt-image-2', category: 'image', capabilities: IMAGE_CAPABILITIES, acceptsQuality: true, price: gptImage2Price },
  { id: 'veo', category: 'video', capabilities: VIDEO_CAPABILITIES, acceptsQuality: false, price: () => 12 },
  { id: 'wan', category: 'video', capabilities: VIDEO_CAPABILITIES, acceptsQuality: false, price: () => 5 },
  { id: 'kling', category: 'video', capabilities: VIDEO_CAPABILITIES, acceptsQuality: false, price: () => 7 },
  { id: 'sora-2', category: 'video', capabilities: VIDEO_CAPABILITIES, acceptsQuality: false, price: () => 10 },
];

const ALIASES: Record<string, string> = {
  'nano-banana': 'gemini-2.5-flash-image',
  'nano-banana-2': 'gemini-3.1-flash-image-preview',
  'nano-banana-pro': 'gemini-3-pro-image-preview',
};

export function pixapiModel(id: string): PixapiModel | undefined {
  const canonical = ALIASES[id] ?? id;
  return MODELS.find((model) => model.id === canonical);
}

const ERROR_TYPES: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  402: 'insufficient_quota',
  403: 'permission_error',
  404: 'invalid_request_error',
  422: 'invalid_request_error',
  429: 'rate_limit_error',
  500: 'server_error',
  503: 'service_unavailable_error',
};

const DEFAULT_MESSAGES: Record<number, string> = {
  400: 'Invalid request',
  401: 'Invalid API key',
  402: 'Insufficient credits',
  404: 'Not found',
  422: 'Prompt rejected by content policy',
  429: 'Rate limit exceeded, please retry later',
  500: 'Internal server error',
  503: 'Model is currently unavailable',
};

/** `{error:{code, message, type, request_id?}}`; 429 uses the string code "rate_limited". */
export function pixapiErrorBody(status: number, message?: string): { error: Record<string, unknown> } {
  const error: Record<string, unknown> = {
    code: status === 429 ? 'rate_limited' : status,
    message: message ?? DEFAULT_MESSAGES[status] ?? STATUS_CODES[status] ?? 'Error',
    type: ERROR_TYPES[status] ?? (status >= 500 ? 'server_error' : 'invalid_request_error'),
  };
  if (status >= 500) error.request_id = `req_${ulid().toLowerCase()}`;
  return { error };
}

function errorReply(status: number, message?: string): Reply {
  return jsonReply(status, pixapiErrorBody(status, message));
}

/** A validation failure carried as an exception to keep the request parsing linear. */
class RequestError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

interface UploadedImage {
  filename: string;
  type: string;
  size: number;
}

/** A generation request after parsing JSON or multipart (field values as sent). */
interface GenerationRequest {
  fields: Record<string, unknown>;
  images: UploadedImage[];
}

type Workload = 'generation' | 'edit' | 'video';

export class PixapiOrigin {
  constructor(private readonly state: EmulatorState) {}

  errorReply(status: number): Reply {
    return errorReply(status);
  }

  async handle(ex: Exchange): Promise<Reply> {
    const route = this.route(ex.method, ex.url.pathname);
    if (route === 'not-found') return errorReply(404, `Unknown path ${ex.url.pathname}`);
    if (route === 'method-not-allowed') return errorReply(405, `Method ${ex.method} not allowed`);

    const key = bearerKey(ex.headers);
    if (key === undefined) return errorReply(401, 'Missing API key');
    if (!this.state.acceptsKey('pixapi', key)) return errorReply(401, 'Invalid API key');

    try {
      switch (route.name) {
        case 'models':
          return this.listModels();
        case 'task':
          return this.readTask(ex, key, route.id);
        case 'submit':
          return await this.submit(ex, key, route.workload, route.async);
      }
    } catch (error) {
      if (error instanceof RequestError) return errorReply(error.status, error.message);
      throw error;
    }
  }

  private route(
    method: string,
    pathname: string,
  ):
    | { name: 'models' }
    | { name: 'task'; id: string }
    | { name: 'submit'; workload: Workload; async: boolean }
    | 'not-found'
    | 'method-not-allowed' {
    const expect = <T>(wanted: string, value: T) => (method === wanted ? value : 'method-not-allowed' as const);
    if (pathname === '/v1/models') return expect('GET', { name: 'models' as const });
    const task = /^\/v1\/tasks\/([^/]+)$/.exec(pathname);
    if (task) return expect('GET', { name: 'task' as const, id: decodeURIComponent(task[1]) });
    const submits: Record<string, { workload: Workload; async: boolean }> = {
      '/v1/images/generations': { workload: 'generation', async: false },
      '/v1/images/edits': { workload: 'edit', async: false },
      '/v1/async/images/generations': { workload: 'generation', async: true },
      '/v1/async/images/edits': { workload: 'edit', async: true },
      '/v1/async/videos/generations': { workload: 'video', async: true },
      // '/v1/videos/generations' is deliberately absent: "never use" it, it answers 404.
    };
    const submit = submits[pathname];
    if (submit) return expect('POST', { name: 'submit' as const, ...submit });
    return 'not-found';
  }

  private listModels(): Reply {
    return jsonReply(200, {
      object: 'list',
      data: MODELS.map((model) => ({ id: model.id, object: 'model', category: model.category, capabilities: model.capabilities })),
    });
  }

  private readTask(ex: Exchange, key: string, id: string): Reply {
    const task = this.state.tasks.get('pixapi', id);
    // Another key's task is reported as missing.
    if (!task || task.key !== key || task.sync) return errorReply(404, `Task '${id}' not found`);
    ex.taskId = task.id;
    const now = this.state.now();
    task.polls.push(now);
    return jsonReply(200, this.taskJson(task, now));
  }

  taskJson(task: TaskRecord, now: number): Record<string, unknown> {
    const phase = task.phaseAt(now);
    const json: Record<string, unknown> = { id: task.id, status: task.statusAt(now) };
    if (phase === 'succeeded') json.credits_cost = task.cost;
    json.model = task.model;
    json.progress = task.progressAt(now);
    if (phase === 'succeeded') {
      json.result = {
        type: task.kind,
        data: task.switches.empty ? [] : task.resultUrls.map((url) => (task.switches.noUrl ? {} : { url })),
      };
    }
    if (phase === 'failed') json.error = { code: task.failCode, message: task.failMessage };
    json.created = Math.floor(task.createdAt / 1000);
    if (phase === 'succeeded' || phase === 'failed') json.completed = Math.floor(task.endsAt / 1000);
    return json;
  }

  private async submit(ex: Exchange, key: string, workload: Workload, isAsync: boolean): Promise<Reply> {
    if (ex.url.searchParams.has('async')) {
      throw new RequestError(400, 'The async query parameter is not supported; use the /v1/async/* endpoints');
    }
    const request = workload === 'edit' ? await this.parseMultipart(ex) : this.parseJsonBody(ex);
    const { fields } = request;
    if ('async' in fields) throw new RequestError(400, 'The "async" field is not supported; use the /v1/async/* endpoints');

    const modelId = fields.model;
    if (modelId === undefined || modelId === '') throw new RequestError(400, "'model' is required");
    if (typeof modelId !== 'string') throw new RequestError(400, "'model' must be a string");
    const model = pixapiModel(modelId);
    if (!model) throw new RequestError(404, `Model '${modelId}' not found`);
    const wantedCategory: MediaKind = workload === 'video' ? 'video' : 'image';
    if (model.category !== wantedCategory) {
      throw new RequestError(400, `Model '${modelId}' is a ${model.category} model and cannot be used on this endpoint`);
    }

    const prompt = fields.prompt;
    if (typeof prompt !== 'string' || prompt.trim() === '')
      throw new RequestError(400, "'prompt' is required and must be a non-empty string");

    const size = this.optionalString(fields, 'size') ?? (model.category === 'video' ? '1280x720' : 'auto');
    if (!SIZE_SHAPE.test(size)) throw new RequestError(400, `Invalid size '${size}'; use auto, WxH (such as 1024x1024), 2K, 4K or 16:9`);

    let count = 1;
    let seconds = 0;
    let quality = 'auto';
    let responseFormat = 'url';
    if (model.category === 'image') {
      count = this.imageCount(fields.n, workload === 'edit');
      const requestedQuality = this.optionalString(fields, 'quality');
      if (requestedQuality !== undefined) {
        if (!model.acceptsQuality) throw new RequestError(400, `Model '${model.id}' does not support 'quality'`);
        if (!QUALITIES.includes(requestedQuality))
          throw new RequestError(400, `Invalid quality '${requestedQuality}'; use low, medium, high or auto`);
        quality = requestedQuality;
      }
      responseFormat = this.optionalString(fields, 'response_format') ?? 'url';
      if (!RESPONSE_FORMATS.includes(responseFormat))
        throw new RequestError(400, `Invalid response_format '${responseFormat}'; use url or b64_json`);
    } else {
      seconds = this.videoSeconds(fields.duration);
      const inputImage = fields.input_image;
      if (inputImage !== undefined) {
        if (!isHttpUrl(inputImage)) throw new RequestError(400, "'input_image' must be an http(s) URL");
        if (!this.state.files.isFetchable(inputImage, this.state.now(), this.state.options.resultTtlMs)) {
          throw new RequestError(400, "'input_image' could not be downloaded");
        }
      }
    }
    if (workload === 'edit' && request.images.length === 0)
      throw new RequestError(400, "'image' is required: send at least one image file");

    const switches = parseOutcomeSwitches(prompt);
    if (switches.reject) throw new RequestError(422, 'Prompt rejected by content policy');

    const cost = switches.fail ? 0 : model.category === 'video' ? model.price(size, quality) * seconds : model.price(size, quality) * count;
    // Documented: credits are charged after the task completes. What is checked at submit is not documented;
    // the emulator refuses a task the balance cannot pay for now, and takes the credits at completion.
    this.state.settlePixapiCharges(this.state.now());
    if (this.state.balances.pixapi < cost) throw new RequestError(402, 'Insufficient credits');

    const now = this.state.now();
    const timing = this.state.timingFor(model.category, switches.slow);
    const task = new TaskRecord({
      provider: 'pixapi',
      id: `task_${ulid(now)}`,
      model: modelId,
      kind: model.category,
      prompt,
      key,
      request: request.images.length > 0 ? { ...fields, image: request.images } : fields,
      sync: !isAsync,
      createdAt: now,
      queueMs: timing.queueMs,
      runMs: timing.runMs,
      switches,
      cost,
      failCode: switches.fail ? (switches.failCode ?? 'generation_failed') : undefined,
      failMessage: switches.fail ? 'The upstream model failed to generate the media' : undefined,
    });
    if (!switches.fail) {
      const { width, height } = model.category === 'video' ? SAMPLE_VIDEO : pixelsOf(size);
      const format: CdnFormat = model.category === 'video' ? 'mp4' : 'png';
      for (let i = 0; i < count; i++) {
        task.resultUrls.push(
          this.state.files.add({
            name: model.category === 'video' ? 'video.mp4' : `image-${i + 1}.png`,
            format,
            width,
            height,
            provider: 'pixapi',
            taskId: task.id,
            prompt,
            model: modelId,
            ...(model.category === 'video' ? { seconds } : {}),
            availableAt: task.endsAt,
          }),
        );
      }
    }
    this.state.tasks.add(task);
    ex.taskId = task.id;

    if (isAsync) {
      return jsonReply(200, { status: 'submitted', id: task.id, progress: 0, created_at: Math.floor(now / 1000), model: modelId });
    }
    return this.answerSynchronously(task, responseFormat, pixelsOf(size));
  }

  /** Sync endpoints hold the connection for the task's whole queue + run time. */
  private async answerSynchronously(task: TaskRecord, responseFormat: string, pixels: { width: number; height: number }): Promise<Reply> {
    await this.state.sleep(task.endsAt - this.state.now());
    if (task.willFail) return errorReply(500, `Generation failed: ${task.failMessage}`);
    const data = task.switches.empty ? [] : task.resultUrls.map((url) => {
      if (task.switches.noUrl) return {};
      if (responseFormat === 'b64_json') return { b64_json: pngImage(pixels.width, pixels.height, task).toString('base64') };
      return { url };
    });
    return jsonReply(200, { created: Math.floor(task.endsAt / 1000), data });
  }

  private optionalString(fields: Record<string, unknown>, name: string): string | undefined {
    const value = fields[name];
    if (value === undefined) return undefined;
    if (typeof value !== 'string') throw new RequestError(400, `'${name}' must be a string`);
    return value;
  }

  /** n: a positive integer (a string in multipart bodies); no maximum is documented. */
  private imageCount(value: unknown, fromMultipart: boolean): number {
    if (value === undefined) return 1;
    const n = fromMultipart && typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
    if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 1) throw new RequestError(400, "'n' must be a positive integer");
    return n;
  }

  /** duration: a positive number of seconds; no range is documented. */
  private videoSeconds(value: unknown): number {
    if (value === undefined) return DEFAULT_VIDEO_SECONDS;
    if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0)
      throw new RequestError(400, "'duration' must be a positive number of seconds");
    return value;
  }

  private parseJsonBody(ex: Exchange): GenerationRequest {
    if (contentTypeOf(ex.headers) !== 'application/json') throw new RequestError(400, 'Content-Type must be application/json');
    const body = parseJson(ex.body);
    if (!isPlainObject(body)) throw new RequestError(400, 'Request body must be a JSON object');
    return { fields: body, images: [] };
  }

  private async parseMultipart(ex: Exchange): Promise<GenerationRequest> {
    const contentType = ex.headers['content-type'] ?? '';
    if (contentTypeOf(ex.headers) !== 'multipart/form-data') throw new RequestError(400, 'Image edits must be sent as multipart/form-data');
    let form: FormData;
    try {
      form = await new Response(Uint8Array.from(ex.body), { headers: { 'content-type': contentType } }).formData();
    } catch {
      throw new RequestError(400, 'Malformed multipart body');
    }
    const fields: Record<string, unknown> = {};
    const images: UploadedImage[] = [];
    // (the DOM lib in use has no FormData iterator typings; forEach is typed)
    const parts: Array<[string, FormDataEntryValue]> = [];
    form.forEach((value, name) => parts.push([name, value]));
    for (const [name, value] of parts) {
      if (name === 'image' || name === 'image[]') {
        if (typeof value === 'string') throw new RequestError(400, "'image' must be a file part");
        const bytes = new Uint8Array(await value.arrayBuffer());
        if (!imageFormatOf(bytes)) throw new RequestError(400, `'image' part '${value.name}' is not a PNG, JPEG or WebP image`);
        images.push({ filename: value.name, type: value.type, size: bytes.length });
      } else if (typeof value === 'string') {
        fields[name] = value;
      } else {
        throw new RequestError(400, `Unexpected file part '${name}'`);
      }
    }
    return { fields, images };
  }
}
