/** The panel ↔ host messages and the validator: webview input is untrusted, so only the exact shapes below pass. */
import type { ModelInfo } from './catalog';
import { isProviderId, type ProviderId } from './providers';
import type { MediaKind, TaskState } from './task';

// ---- shared views (what the webview is shown; never a key, never a raw provider answer) ----

export interface ProviderOption {
  readonly id: ProviderId;
  readonly label: string;
  readonly hasKey: boolean;
}

/** A reference image: the workspace file (URI string) and a webview URI for its thumbnail. */
export interface ReferenceView {
  readonly uri: string;
  readonly name: string;
  readonly src: string;
}

export interface ResultView {
  readonly index: number;
  readonly kind: MediaKind;
  readonly src?: string;
  readonly name?: string;
  /** Whether the provider's result URL is still usable (as a video's input image). */
  readonly hasUrl: boolean;
  readonly saveError?: string;
}

export interface TaskView {
  readonly id: string;
  readonly prompt: string;
  readonly provider: ProviderId;
  readonly providerLabel: string;
  readonly model: string;
  readonly kind: MediaKind;
  readonly state: TaskState;
  readonly progress?: number;
  readonly createdAt: number;
  readonly submittedAt?: number;
  readonly startedAt?: number;
  readonly endedAt?: number;
  readonly cost?: { readonly amount: number; readonly unit: string };
  readonly error?: string;
  readonly results: readonly ResultView[];
  readonly cancellable: boolean;
}

/** What the compose area holds; kept in the webview's state so it survives hiding and reloads. */
export interface ComposeState {
  readonly provider: ProviderId;
  readonly model: string;
  readonly prompt: string;
  readonly params: Readonly<Record<string, string>>;
  /** The Advanced section's free rows: fields the model does not document, sent as given in `extra`. */
  readonly extra?: readonly { readonly name: string; readonly value: string }[];
  readonly references: readonly ReferenceView[];
  /** Public input-image URLs for models that take URLs only (e.g. an earlier result's URL). */
  readonly imageUrls: readonly string[];
  /** The model was typed ("Other…"), not picked from the list; `kind` says what it makes. */
  readonly otherModel?: boolean;
  readonly kind?: MediaKind;
}

// ---- webview → host ----

export type TaskAction = 'open' | 'reveal' | 'copyPrompt' | 'useAsReference' | 'animate' | 'regenerate' | 'cancel';
export const TASK_ACTIONS: readonly TaskAction[] = ['open', 'reveal', 'copyPrompt', 'useAsReference', 'animate', 'regenerate', 'cancel'];

export interface SubmitMessage {
  readonly type: 'submit';
  readonly requestId: number;
  readonly provider: ProviderId;
  readonly model: string;
  readonly prompt: string;
  readonly params: Readonly<Record<string, string>>;
  /** Undocumented fields by name, as typed (JSON for objects and lists); sent in the request's `extra`. */
  readonly extra?: Readonly<Record<string, string>>;
  readonly references: readonly string[];
  readonly imageUrls: readonly string[];
  /** What a model typed with "Other…" makes; listed models say so themselves. */
  readonly kind?: MediaKind;
}

/** Batch mode's Generate: the same fields as mediaStudio.generateBatch's argument object (the host checks them as it does). */
export interface GenerateBatchMessage {
  readonly type: 'generateBatch';
  readonly requestId: number;
  readonly template: string;
  readonly variables: Readonly<Record<string, readonly string[]>>;
  readonly models: readonly { readonly provider: ProviderId; readonly model: string }[];
  readonly rows?: string;
}

export type BatchAction = 'retryFailed' | 'cancel' | 'export';
export const BATCH_ACTIONS: readonly BatchAction[] = ['retryFailed', 'cancel', 'export'];

/**
 * A batch as the panel's grid shows it: rows are variable combinations, columns models; cells name their task (sent as
 * 'task' messages).
 */
export interface BatchView {
  readonly id: string;
  readonly slug: string;
  readonly template: string;
  readonly variables: readonly string[];
  readonly rows: readonly Readonly<Record<string, string>>[];
  readonly models: readonly string[];
  /** Row-major: rows × models; undefined where a cell has no task. */
  readonly cellTaskIds: readonly (string | undefined)[];
  readonly progress: string;
  readonly cost: string;
  readonly retryable: boolean;
  readonly cancellable: boolean;
}

export type WebviewMessage =
  | { readonly type: 'ready' }
  | GenerateBatchMessage
  | { readonly type: 'batchAction'; readonly requestId: number; readonly action: BatchAction; readonly batchId: string }
  | { readonly type: 'pickRowsFile'; readonly requestId: number }
  | { readonly type: 'listModels'; readonly requestId: number; readonly provider: ProviderId }
  | SubmitMessage
  | { readonly type: 'pickReferences'; readonly requestId: number }
  | { readonly type: 'dropReferences'; readonly requestId: number; readonly uris: readonly string[] }
  | {
      readonly type: 'taskAction';
      readonly requestId: number;
      readonly action: TaskAction;
      readonly taskId: string;
      readonly resultIndex: number;
    };

// ---- host → webview ----

export interface ModelsReply {
  readonly type: 'models';
  readonly requestId: number;
  readonly provider: ProviderId;
  readonly models: readonly ModelInfo[];
  readonly balanceUsd?: number;
}

export interface SubmittedReply { readonly type: 'submitted'; readonly requestId: number; readonly taskId: string }
export interface DoneReply { readonly type: 'done'; readonly requestId: number }
export interface BatchSubmittedReply {
  readonly type: 'batchSubmitted';
  readonly requestId: number;
  readonly batchId: string;
  readonly warnings: readonly string[];
}
export interface RowsFileReply { readonly type: 'rowsFile'; readonly requestId: number; readonly path?: string }
/** The reply to a request that failed (requestId) or a notice about something the host did. */
export interface ErrorMessage { readonly type: 'error'; readonly requestId?: number; readonly message: string }

export type HostMessage =
  | {
      readonly type: 'init';
      readonly providers: readonly ProviderOption[];
      readonly defaultProvider: ProviderId;
      readonly tasks: readonly TaskView[];
    }
  | ModelsReply
  | { readonly type: 'task'; readonly task: TaskView }
  | { readonly type: 'taskRemoved'; readonly id: string }
  /** The account balance read again (an Apixo task of this window has ended and been charged). */
  | { readonly type: 'balance'; readonly provider: ProviderId; readonly balanceUsd: number }
  | { readonly type: 'addReferences'; readonly references: readonly ReferenceView[] }
  /** Fills the compose area (Animate: a video model with an image result's URL as input image). */
  | {
      readonly type: 'prefill';
      readonly provider: ProviderId;
      readonly model: string;
      readonly prompt: string;
      readonly imageUrls: readonly string[];
    }
  | SubmittedReply
  | ErrorMessage
  | DoneReply
  | { readonly type: 'batch'; readonly batch: BatchView }
  | { readonly type: 'batchRemoved'; readonly id: string }
  | BatchSubmittedReply
  | RowsFileReply;

// ---- requests and their replies ----

/** Every webview message but the handshake carries a requestId and is answered once. */
export type PanelRequest = Exclude<WebviewMessage, { readonly type: 'ready' }>;
export type RequestType = PanelRequest['type'];
export type RequestFields<K extends RequestType> = Omit<Extract<PanelRequest, { readonly type: K }>, 'type' | 'requestId'>;

/** A failed request gets an ErrorMessage instead. Extending the Record makes a request type without a reply here an error. */
export interface PanelReplies extends Record<RequestType, HostMessage> {
  listModels: ModelsReply;
  submit: SubmittedReply;
  pickReferences: DoneReply;
  dropReferences: DoneReply;
  /** Regenerate is answered with its new task; every other action with done. */
  taskAction: SubmittedReply | DoneReply;
  generateBatch: BatchSubmittedReply;
  batchAction: DoneReply;
  pickRowsFile: RowsFileReply;
}
export type ReplyTo<K extends RequestType> = PanelReplies[K];

/** PanelReplies at run time. A request the person stopped (a cancelled confirmation) is answered with done, whatever its type. */
export const REPLY_TYPES: { readonly [K in RequestType]: readonly ReplyTo<K>['type'][] } = {
  listModels: ['models'],
  submit: ['submitted'],
  pickReferences: ['done'],
  dropReferences: ['done'],
  taskAction: ['submitted', 'done'],
  generateBatch: ['batchSubmitted'],
  batchAction: ['done'],
  pickRowsFile: ['rowsFile'],
};

export function replyTo<K extends RequestType>(_request: { readonly type: K }, reply: ReplyTo<K>): HostMessage {
  return reply;
}

// ---- limits ----

export const LIMITS = {
  prompt: 32_000,
  model: 200,
  uri: 4096,
  references: 16,
  paramCount: 24,
  /** Long enough for a JSON object field (PixAI's lora, ltx-2-19b's loras). */
  paramValue: 2000,
  taskId: 100,
  batchVariables: 24,
  batchValues: 100,
  batchModels: 12,
} as const;

const PARAM_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,39}$/;

export type Validated = { readonly ok: true; readonly message: WebviewMessage } | { readonly ok: false; readonly error: string };

class Invalid extends Error {}

function record(value: unknown, what: string): Record<string, unknown> {
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw new Invalid(`${what} is not an object`);
  return value as Record<string, unknown>;
}

function string(value: unknown, field: string, max: number, allowEmpty = true): string {
  if (typeof value !== 'string') throw new Invalid(`${field} is not a string`);
  if (value.length > max) throw new Invalid(`${field} is longer than ${max} characters`);
  if (!allowEmpty && !value.trim()) throw new Invalid(`${field} is empty`);
  return value;
}

function requestId(value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) throw new Invalid('requestId is not a non-negative integer');
  return value;
}

function provider(value: unknown): ProviderId {
  if (!isProviderId(value)) throw new Invalid(`unknown provider ${JSON.stringify(String(value)).slice(0, 60)}`);
  return value;
}

function mediaKind(value: unknown): MediaKind {
  if (value !== 'image' && value !== 'video') throw new Invalid('kind is not image or video');
  return value;
}

function stringList(value: unknown, field: string, maxItems: number, maxLength: number): string[] {
  if (!Array.isArray(value)) throw new Invalid(`${field} is not an array`);
  if (value.length > maxItems) throw new Invalid(`${field} has more than ${maxItems} items`);
  return value.map((item, i) => string(item, `${field}[${i}]`, maxLength, false));
}

function httpUrl(value: string, field: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Invalid(`${field} is not a URL`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Invalid(`${field} is not an http(s) URL`);
  return value;
}

function params(value: unknown): Record<string, string> {
  const raw = record(value, 'params');
  const entries = Object.entries(raw);
  if (entries.length > LIMITS.paramCount) throw new Invalid(`params has more than ${LIMITS.paramCount} entries`);
  const result: Record<string, string> = {};
  for (const [name, item] of entries) {
    if (!PARAM_NAME.test(name)) throw new Invalid(`params has an invalid name ${JSON.stringify(name.slice(0, 40))}`);
    result[name] = string(item, `params.${name}`, LIMITS.paramValue);
  }
  return result;
}

/** Rejects fields the message type does not have, so a misspelt or smuggled field is noticed. */
function onlyFields(message: Record<string, unknown>, allowed: readonly string[]): void {
  const extra = Object.keys(message).filter((k) => k !== 'type' && !allowed.includes(k));
  if (extra.length) throw new Invalid(`unexpected field ${extra.slice(0, 3).join(', ')}`);
}

export function validateWebviewMessage(raw: unknown): Validated {
  try {
    const m = record(raw, 'the message');
    const type = m.type;
    switch (type) {
      case 'ready':
        onlyFields(m, []);
        return { ok: true, message: { type } };
      case 'listModels':
        onlyFields(m, ['requestId', 'provider']);
        return { ok: true, message: { type, requestId: requestId(m.requestId), provider: provider(m.provider) } };
      case 'submit':
        onlyFields(m, ['requestId', 'provider', 'model', 'prompt', 'params', 'extra', 'references', 'imageUrls', 'kind']);
        return {
          ok: true,
          message: {
            type,
            requestId: requestId(m.requestId),
            provider: provider(m.provider),
            model: string(m.model, 'model', LIMITS.model, false).trim(),
            prompt: string(m.prompt, 'prompt', LIMITS.prompt, false),
            params: params(m.params),
            ...(m.extra === undefined ? {} : { extra: params(m.extra) }),
            references: stringList(m.references, 'references', LIMITS.references, LIMITS.uri),
            imageUrls: stringList(m.imageUrls, 'imageUrls', LIMITS.references, LIMITS.uri).map((u, i) => httpUrl(u, `imageUrls[${i}]`)),
            ...(m.kind === undefined ? {} : { kind: mediaKind(m.kind) }),
          },
        };
      case 'pickReferences':
        onlyFields(m, ['requestId']);
        return { ok: true, message: { type, requestId: requestId(m.requestId) } };
      case 'dropReferences':
        onlyFields(m, ['requestId', 'uris']);
        return {
          ok: true,
          message: { type, requestId: requestId(m.requestId), uris: stringList(m.uris, 'uris', LIMITS.references, LIMITS.uri) },
        };
      case 'taskAction': {
        onlyFields(m, ['requestId', 'action', 'taskId', 'resultIndex']);
        const action = m.action;
        if (typeof action !== 'string' || !(TASK_ACTIONS as readonly string[]).includes(action)) throw new Invalid('unknown task action');
        const resultIndex = m.resultIndex;
        if (typeof resultIndex !== 'number' || !Number.isInteger(resultIndex) || resultIndex < 0 || resultIndex > 100)
          throw new Invalid('resultIndex is not a small non-negative integer');
        return {
          ok: true,
          message: {
            type,
            requestId: requestId(m.requestId),
            action: action as TaskAction,
            taskId: string(m.taskId, 'taskId', LIMITS.taskId, false),
            resultIndex,
          },
        };
      }
      case 'generateBatch': {
        onlyFields(m, ['requestId', 'template', 'variables', 'models', 'rows']);
        const raw = record(m.variables, 'variables');
        if (Object.keys(raw).length > LIMITS.batchVariables) throw new Invalid(`variables has more than ${LIMITS.batchVariables} entries`);
        const variables: Record<string, string[]> = {};
        for (const [name, values] of Object.entries(raw)) {
          if (!PARAM_NAME.test(name.replace(/-/g, '_')))
            throw new Invalid(`variables has an invalid name ${JSON.stringify(name.slice(0, 40))}`);
          if (!Array.isArray(values) || values.length > LIMITS.batchValues)
            throw new Invalid(`variables.${name} is not a list of at most ${LIMITS.batchValues} values`);
          variables[name] = values.map((v, i) => string(v, `variables.${name}[${i}]`, LIMITS.paramValue));
        }
        if (!Array.isArray(m.models) || m.models.length > LIMITS.batchModels)
          throw new Invalid(`models is not a list of at most ${LIMITS.batchModels}`);
        const models = m.models.map((item, i) => {
          const model = record(item, `models[${i}]`);
          onlyFields({ ...model, type: 'x' }, ['provider', 'model']);
          return { provider: provider(model.provider), model: string(model.model, `models[${i}].model`, LIMITS.model, false).trim() };
        });
        return {
          ok: true,
          message: {
            type, requestId: requestId(m.requestId), template: string(m.template, 'template', LIMITS.prompt, false), variables, models,
            ...(m.rows === undefined ? {} : { rows: string(m.rows, 'rows', LIMITS.uri, false) }),
          },
        };
      }
      case 'batchAction': {
        onlyFields(m, ['requestId', 'action', 'batchId']);
        const action = m.action;
        if (typeof action !== 'string' || !(BATCH_ACTIONS as readonly string[]).includes(action)) throw new Invalid('unknown batch action');
        return {
          ok: true,
          message: {
            type,
            requestId: requestId(m.requestId),
            action: action as BatchAction,
            batchId: string(m.batchId, 'batchId', LIMITS.taskId, false),
          },
        };
      }
      case 'pickRowsFile':
        onlyFields(m, ['requestId']);
        return { ok: true, message: { type, requestId: requestId(m.requestId) } };
      default:
        throw new Invalid(`unknown message type ${JSON.stringify(String(type)).slice(0, 60)}`);
    }
  } catch (error) {
    if (error instanceof Invalid) return { ok: false, error: error.message };
    return { ok: false, error: `unreadable message (${String(error).slice(0, 100)})` };
  }
}

/** So a rejected request can be answered with an error instead of waiting forever. Only a well-formed id is returned. */
export function readableRequestId(raw: unknown): number | undefined {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return undefined;
  const id = (raw as Record<string, unknown>).requestId;
  return typeof id === 'number' && Number.isSafeInteger(id) && id >= 0 ? id : undefined;
}

