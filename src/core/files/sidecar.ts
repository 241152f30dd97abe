import * as l10n from '@vscode/l10n';
import { isRegisteredProvider, providerSpec } from '../spec/registry';
/** How a result was made, so it can be found, re-run or re-downloaded. Users may edit these, so parsing trusts nothing. */

export const SIDECAR_SCHEMA = 'media-studio/result@1';
/** Larger files are refused unread: no real sidecar comes close. */
export const SIDECAR_MAX_BYTES = 256 * 1024;
/** A source URL this close to its expiry is treated as expired: the download would race the deadline. */
export const URL_EXPIRY_MARGIN_MS = 5 * 60 * 1000;
/**
 * Age limit for offering a result URL with no known expiry as a reference. PixAI and Pixapi state no life, Apixo 24 h;
 * an expired reference fails a paid task, so an hour — far inside the one documented life — is all that is assumed.
 */
export const UNKNOWN_EXPIRY_MAX_AGE_MS = 60 * 60 * 1000;

export interface Cost {
  amount: number;
  unit: string;
}

export interface Sidecar {
  schema: typeof SIDECAR_SCHEMA;
  prompt: string;
  provider: string;
  model: string;
  operation: string;
  parameters: Record<string, unknown>;
  /** Fields sent in `extra`: not documented for this model, sent as given. */
  extra?: Record<string, unknown>;
  /** For a person reading the file. */
  extraNote?: string;
  taskId: string;
  remoteTaskId?: string;
  cost?: Cost;
  /** ISO 8601. */
  createdAt: string;
  /** ISO 8601: when the request was sent to the provider. */
  submittedAt?: string;
  completedAt?: string;
  /** submittedAt to completedAt: the elapsed time the Tasks view and the panel show (core/elapsed). */
  elapsedMs?: number;
  sourceUrl?: string;
  sourceUrlExpiresAt?: string;
  /** 1-based position among the task's results. */
  index: number;
  count: number;
  /** Workspace-relative paths or names of the reference images used. */
  references?: string[];
  /** Reference images sent as URLs (models that take URLs only): a regenerate needs them again. */
  imageUrls?: string[];
  /**
   * ISO 8601: when the first input image URL (imageUrls, or a parameter such as Pixapi's input_image) expires, where
   * the provider that made it says.
   */
  inputUrlsExpireAt?: string;
  sync?: boolean;
  /** The task's own output folder (relative to the workspace folder), when it had one. */
  outputFolder?: string;
  /** The batch cell it was made for: Regenerate puts the new task in the same cell. */
  batch?: SidecarBatch;
  /** Where this provider image was also written, resized or converted (a requested target path or preset), and how. */
  target?: Record<string, unknown>;
}

export interface SidecarBatch {
  id: string;
  cell: number;
  values: Record<string, string>;
}

export interface SidecarInput {
  prompt: string;
  provider: string;
  model: string;
  operation: string;
  parameters?: Record<string, unknown>;
  extra?: Record<string, unknown>;
  taskId: string;
  remoteTaskId?: string;
  cost?: Cost;
  /** Milliseconds since the epoch, or a Date. */
  createdAt: number | Date;
  submittedAt?: number | Date;
  completedAt?: number | Date;
  elapsedMs?: number;
  sourceUrl?: string;
  sourceUrlExpiresAt?: number | Date;
  index: number;
  count: number;
  references?: string[];
  imageUrls?: readonly string[];
  inputUrlsExpireAt?: number | Date;
  sync?: boolean;
  outputFolder?: string;
  batch?: { readonly id: string; readonly cell: number; readonly values: Readonly<Record<string, string>> };
  target?: Record<string, unknown>;
}

/** The sidecar's words for `extra` (kept in English: the file is data, read by people and tools alike). */
export const EXTRA_NOTE = 'not documented for this model: sent as given';

/** Serialisation order of the top-level keys, so the files diff cleanly. */
const KEY_ORDER: readonly (keyof Sidecar)[] = [
  'schema', 'prompt', 'provider', 'model', 'operation', 'parameters', 'extra', 'extraNote', 'taskId', 'remoteTaskId', 'cost',
  'createdAt', 'submittedAt', 'completedAt', 'elapsedMs', 'sourceUrl', 'sourceUrlExpiresAt', 'index', 'count', 'references',
  'imageUrls', 'inputUrlsExpireAt', 'sync', 'outputFolder', 'batch', 'target',
];

function isoTime(value: number | Date, field: string): string {
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) throw new RangeError(l10n.t('{0} is not a valid time.', field));
  return date.toISOString();
}

function jsonCopy(value: Record<string, unknown>): Record<string, unknown> {
  return JSON.parse(JSON.stringify(value)) as Record<string, unknown>;
}

/** Undefined optional fields are left out. Throws on invalid times or positions. */
export function buildSidecar(input: SidecarInput): Sidecar {
  if (!Number.isInteger(input.count) || input.count < 1) throw new RangeError(`count ${input.count} must be a positive integer.`);
  if (!Number.isInteger(input.index) || input.index < 1 || input.index > input.count) {
    throw new RangeError(`index ${input.index} must be between 1 and ${input.count}.`);
  }
  const sidecar: Sidecar = {
    schema: SIDECAR_SCHEMA,
    prompt: input.prompt,
    provider: input.provider,
    model: input.model,
    operation: input.operation,
    parameters: jsonCopy(input.parameters ?? {}),
    taskId: input.taskId,
    createdAt: isoTime(input.createdAt, 'createdAt'),
    index: input.index,
    count: input.count,
  };
  if (input.extra && Object.keys(input.extra).length) {
    sidecar.extra = jsonCopy(input.extra);
    sidecar.extraNote = EXTRA_NOTE;
  }
  if (input.remoteTaskId !== undefined) sidecar.remoteTaskId = input.remoteTaskId;
  if (input.cost !== undefined) sidecar.cost = { amount: input.cost.amount, unit: input.cost.unit };
  if (input.submittedAt !== undefined) sidecar.submittedAt = isoTime(input.submittedAt, 'submittedAt');
  if (input.completedAt !== undefined) sidecar.completedAt = isoTime(input.completedAt, 'completedAt');
  if (input.elapsedMs !== undefined) {
    if (!Number.isInteger(input.elapsedMs) || input.elapsedMs < 0)
      throw new RangeError(`elapsedMs ${input.elapsedMs} must be a non-negative integer.`);
    sidecar.elapsedMs = input.elapsedMs;
  }
  if (input.sourceUrl !== undefined) sidecar.sourceUrl = input.sourceUrl;
  if (input.sourceUrlExpiresAt !== undefined) sidecar.sourceUrlExpiresAt = isoTime(input.sourceUrlExpiresAt, 'sourceUrlExpiresAt');
  if (input.references !== undefined) sidecar.references = [...input.references];
  if (input.imageUrls?.length) sidecar.imageUrls = [...input.imageUrls];
  if (input.inputUrlsExpireAt !== undefined) sidecar.inputUrlsExpireAt = isoTime(input.inputUrlsExpireAt, 'inputUrlsExpireAt');
  if (input.sync !== undefined) sidecar.sync = input.sync;
  if (input.outputFolder !== undefined) sidecar.outputFolder = input.outputFolder;
  if (input.batch !== undefined) sidecar.batch = { id: input.batch.id, cell: input.batch.cell, values: { ...input.batch.values } };
  if (input.target !== undefined) sidecar.target = jsonCopy(input.target);
  return sidecar;
}

/** Nested objects get sorted keys so the same sidecar always serialises to the same text. */
function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== 'object') return value;
  const sorted: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) {
    // defineProperty, not assignment: a "__proto__" key from a parsed file must stay a plain key.
    Object.defineProperty(sorted, key, {
      value: sortKeys((value as Record<string, unknown>)[key]),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return sorted;
}

export function serializeSidecar(sidecar: Sidecar): string {
  const ordered: Record<string, unknown> = {};
  for (const key of KEY_ORDER) {
    if (sidecar[key] !== undefined) ordered[key] = key === 'schema' ? sidecar[key] : sortKeys(sidecar[key]);
  }
  return `${JSON.stringify(ordered, null, 2)}\n`;
}

const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isIsoTime(value: unknown): value is string {
  return typeof value === 'string' && ISO_TIME.test(value) && !Number.isNaN(Date.parse(value));
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'https:' || url.protocol === 'http:') && !url.username && !url.password;
  } catch {
    return false;
  }
}

class SidecarProblem extends Error {}

/** Reads fields of an untrusted object, throwing a SidecarProblem that names the field on the first bad one. */
function reader(data: Record<string, unknown>) {
  const has = (key: string) => Object.prototype.hasOwnProperty.call(data, key) && data[key] !== undefined;
  const fail = (key: string, expected: string): never => {
    throw new SidecarProblem(l10n.t('"{0}" must be {1}.', key, expected));
  };
  const string = (key: string, options: { nonEmpty?: boolean } = {}): string => {
    const value = data[key];
    if (typeof value !== 'string' || (options.nonEmpty && value.trim() === ''))
      return fail(key, options.nonEmpty ? l10n.t('a non-empty string') : 'a string');
    return value;
  };
  const time = (key: string): string => (isIsoTime(data[key]) ? (data[key] as string) : fail(key, l10n.t('an ISO 8601 date and time')));
  return { has, fail, string, time };
}

function validate(data: unknown): Sidecar {
  if (!isPlainObject(data)) throw new SidecarProblem(l10n.t('The file does not contain a JSON object.'));
  if (data.schema !== SIDECAR_SCHEMA) {
    throw new SidecarProblem(typeof data.schema === 'string'
      ? l10n.t('"schema" must be "{0}", not "{1}".', SIDECAR_SCHEMA, data.schema.slice(0, 60))
      : l10n.t('"schema" must be "{0}".', SIDECAR_SCHEMA));
  }
  const read = reader(data);
  const parameters = data.parameters;
  if (!isPlainObject(parameters)) read.fail('parameters', l10n.t('an object'));

  const count = data.count;
  if (typeof count !== 'number' || !Number.isInteger(count) || count < 1) return read.fail('count', l10n.t('a positive integer'));
  const index = data.index;
  if (typeof index !== 'number' || !Number.isInteger(index) || index < 1 || index > count)
    return read.fail('index', l10n.t('an integer from 1 to {0}', count));

  const sidecar: Sidecar = {
    schema: SIDECAR_SCHEMA,
    prompt: read.string('prompt'),
    provider: read.string('provider', { nonEmpty: true }),
    model: read.string('model'),
    operation: read.string('operation', { nonEmpty: true }),
    parameters: parameters as Record<string, unknown>,
    taskId: read.string('taskId', { nonEmpty: true }),
    createdAt: read.time('createdAt'),
    index,
    count,
  };
  if (read.has('extra')) {
    if (!isPlainObject(data.extra)) return read.fail('extra', l10n.t('an object'));
    sidecar.extra = data.extra;
    if (read.has('extraNote')) sidecar.extraNote = read.string('extraNote');
  }
  if (read.has('remoteTaskId')) sidecar.remoteTaskId = read.string('remoteTaskId');
  if (read.has('cost')) {
    const cost = data.cost;
    if (
      !isPlainObject(cost) ||
      typeof cost.amount !== 'number' ||
      !Number.isFinite(cost.amount) ||
      typeof cost.unit !== 'string' ||
      cost.unit === ''
    ) {
      return read.fail('cost', l10n.t('an object with a numeric "amount" and a "unit"'));
    }
    sidecar.cost = { amount: cost.amount, unit: cost.unit };
  }
  if (read.has('submittedAt')) sidecar.submittedAt = read.time('submittedAt');
  if (read.has('completedAt')) sidecar.completedAt = read.time('completedAt');
  if (read.has('elapsedMs')) {
    const elapsed = data.elapsedMs;
    if (typeof elapsed !== 'number' || !Number.isInteger(elapsed) || elapsed < 0)
      return read.fail('elapsedMs', l10n.t('a whole number of milliseconds'));
    sidecar.elapsedMs = elapsed;
  }
  if (read.has('sourceUrl')) sidecar.sourceUrl = read.string('sourceUrl');
  if (read.has('sourceUrlExpiresAt')) sidecar.sourceUrlExpiresAt = read.time('sourceUrlExpiresAt');
  if (read.has('references')) {
    const references = data.references;
    if (!Array.isArray(references) || !references.every((r): r is string => typeof r === 'string')) {
      return read.fail('references', l10n.t('a list of strings'));
    }
    sidecar.references = [...references];
  }
  if (read.has('imageUrls')) {
    const imageUrls = data.imageUrls;
    if (!Array.isArray(imageUrls) || !imageUrls.every((u): u is string => typeof u === 'string' && isHttpUrl(u))) {
      return read.fail('imageUrls', l10n.t('a list of http(s) URLs'));
    }
    sidecar.imageUrls = [...imageUrls];
  }
  if (read.has('inputUrlsExpireAt')) sidecar.inputUrlsExpireAt = read.time('inputUrlsExpireAt');
  if (read.has('sync')) {
    if (typeof data.sync !== 'boolean') return read.fail('sync', l10n.t('true or false'));
    sidecar.sync = data.sync;
  }
  if (read.has('outputFolder')) sidecar.outputFolder = read.string('outputFolder', { nonEmpty: true });
  if (read.has('batch')) {
    const batch = data.batch;
    if (
      !isPlainObject(batch) ||
      typeof batch.id !== 'string' ||
      !batch.id ||
      typeof batch.cell !== 'number' ||
      !Number.isInteger(batch.cell) ||
      batch.cell < 0 ||
      !isPlainObject(batch.values) ||
      !Object.values(batch.values).every((v) => typeof v === 'string')
    ) {
      return read.fail('batch', l10n.t('an object with an "id", a "cell" number and its "values"'));
    }
    sidecar.batch = { id: batch.id, cell: batch.cell, values: { ...(batch.values as Record<string, string>) } };
  }
  if (read.has('target')) {
    if (!isPlainObject(data.target)) return read.fail('target', l10n.t('an object'));
    sidecar.target = data.target;
  }
  return sidecar;
}

/** Never throws: anything wrong (too large, not JSON, a mistyped field) comes back as { error }. Unknown fields are ignored. */
export function parseSidecar(text: string): Sidecar | { error: string } {
  try {
    if (typeof text !== 'string') return { error: l10n.t('The sidecar is not text.') };
    // A string of n UTF-16 units is at least n UTF-8 bytes, so the cheap check comes first.
    if (text.length > SIDECAR_MAX_BYTES || Buffer.byteLength(text, 'utf8') > SIDECAR_MAX_BYTES) {
      return { error: l10n.t('The sidecar is larger than {0} KiB.', SIDECAR_MAX_BYTES / 1024) };
    }
    let data: unknown;
    try {
      data = JSON.parse(text.replace(/^\uFEFF/, ''));
    } catch (error) {
      return { error: l10n.t('The sidecar is not valid JSON: {0}', (error as Error).message) };
    }
    return validate(data);
  } catch (error) {
    if (error instanceof SidecarProblem) return { error: l10n.t('The sidecar is not valid: {0}', error.message) };
    return { error: l10n.t('The sidecar could not be read: {0}', String(error)) };
  }
}

export function isSidecarError(value: Sidecar | { error: string }): value is { error: string } {
  return 'error' in value;
}

/**
 * A route that needs the provider's key (its spec's results.keyedRoute, PixAI's `/v1/media/{id}/image`): no other
 * provider can fetch it.
 */
export function isKeyedMediaRoute(provider: string, url: string): boolean {
  try {
    const route = isRegisteredProvider(provider) ? providerSpec(provider).results.keyedRoute : undefined;
    return route !== undefined && route.test(new URL(url).pathname);
  } catch {
    return false;
  }
}

export interface ResultUrlFacts {
  readonly url: string;
  readonly provider: string;
  /** When the provider says the URL expires (ms since the epoch), if it says so. */
  readonly expiresAt?: number;
  /** When the task finished (ms since the epoch), if known. */
  readonly completedAt?: number;
}

/**
 * http(s) without credentials, not a keyed media route, and not expiring within URL_EXPIRY_MARGIN_MS (or, with no known
 * expiry, finished less than UNKNOWN_EXPIRY_MAX_AGE_MS ago). Callers still apply resultUrlProblem before fetching.
 */
export function usableAsReference(facts: ResultUrlFacts, now: number): boolean {
  let url: URL;
  try {
    url = new URL(facts.url);
  } catch {
    return false;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return false;
  if (url.username || url.password) return false;
  if (isKeyedMediaRoute(facts.provider, facts.url)) return false;
  if (facts.expiresAt !== undefined) return !Number.isNaN(facts.expiresAt) && facts.expiresAt - URL_EXPIRY_MARGIN_MS > now;
  return facts.completedAt !== undefined && !Number.isNaN(facts.completedAt) && now - facts.completedAt < UNKNOWN_EXPIRY_MAX_AGE_MS;
}

/** The sidecar's source URL when it may still serve as a reference image (see usableAsReference), else undefined. */
export function validResultUrl(sidecar: Sidecar, now: number): string | undefined {
  const raw = sidecar.sourceUrl;
  if (typeof raw !== 'string') return undefined;
  const facts: ResultUrlFacts = {
    url: raw,
    provider: sidecar.provider,
    expiresAt: sidecar.sourceUrlExpiresAt === undefined ? undefined : Date.parse(sidecar.sourceUrlExpiresAt),
    completedAt: sidecar.completedAt === undefined ? undefined : Date.parse(sidecar.completedAt),
  };
  return usableAsReference(facts, now) ? raw : undefined;
}

/** Expiry recorded within URL_EXPIRY_MARGIN_MS of `now`; with none recorded they are assumed usable (the provider decides). */
export function inputUrlsExpired(sidecar: Sidecar, now: number): boolean {
  if (sidecar.inputUrlsExpireAt === undefined) return false;
  const expiresAt = Date.parse(sidecar.inputUrlsExpireAt);
  return Number.isNaN(expiresAt) || expiresAt - URL_EXPIRY_MARGIN_MS <= now;
}

/** The URLs a request sends as input images: its imageUrls, and Pixapi's input_image parameter (a URL field). */
export function inputImageUrls(request: {
  readonly imageUrls?: readonly string[];
  readonly params: Readonly<Record<string, unknown>>;
}): string[] {
  const urls = [...(request.imageUrls ?? [])];
  const field = request.params.input_image;
  if (typeof field === 'string' && isHttpUrl(field)) urls.push(field);
  return urls;
}

/** The earliest recorded expiry of the input URLs, or — where the provider states none — usableAsReference's age limit. */
export function inputUrlsExpireAt(
  request: Parameters<typeof inputImageUrls>[0],
  tasks: readonly { readonly endedAt?: number; readonly results?: readonly { readonly url?: string; readonly expiresAt?: number }[] }[],
): number | undefined {
  const urls = new Set(inputImageUrls(request));
  if (!urls.size) return undefined;
  let earliest: number | undefined;
  for (const task of tasks) {
    for (const item of task.results ?? []) {
      if (!item.url || !urls.has(item.url)) continue;
      const expiresAt = item.expiresAt ?? (task.endedAt === undefined ? undefined : task.endedAt + UNKNOWN_EXPIRY_MAX_AGE_MS);
      if (expiresAt !== undefined) earliest = Math.min(earliest ?? Infinity, expiresAt);
    }
  }
  return earliest;
}
