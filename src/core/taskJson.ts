/** Reading a stored task back: files on disk are untrusted (edited, truncated, from an older version). */
import { isBatchRef } from './batch/batch';
import { isProviderId } from './providers';
import { TASK_STATES, type Task } from './task';
import { parseJsonObject } from './json';

/** A JSON value as a parameter may hold (objects and lists included, as PixAI's lora); no null, bounded depth. */
function isParamValue(value: unknown, depth = 0): boolean {
  if (['string', 'number', 'boolean'].includes(typeof value)) return true;
  if (depth > 8 || value === null || typeof value !== 'object') return false;
  return Object.values(value).every((v) => isParamValue(v, depth + 1));
}

function isParamObject(value: unknown): boolean {
  return !!value && typeof value === 'object' && !Array.isArray(value) && Object.values(value).every((v) => isParamValue(v));
}

const optional = (value: unknown, type: 'string' | 'number' | 'boolean'): boolean =>
  value === undefined || (typeof value === type && (type !== 'number' || Number.isFinite(value)));

const isObject = (value: unknown): value is Record<string, unknown> => !!value && typeof value === 'object' && !Array.isArray(value);

/** A stored result item: every field the writer reads has its type (a `null` item would throw where it is used). */
function isResultItem(value: unknown): boolean {
  if (!isObject(value)) return false;
  const placing = value.placing;
  return (
    optional(value.url, 'string') &&
    optional(value.inline, 'boolean') &&
    optional(value.inlineFile, 'string') &&
    optional(value.expiresAt, 'number') &&
    optional(value.file, 'string') &&
    optional(value.savedAt, 'number') &&
    optional(value.saveError, 'string') &&
    optional(value.sidecarError, 'string') &&
    (placing === undefined ||
      (isObject(placing) && typeof placing.file === 'string' && optional(placing.size, 'number') && optional(placing.mtime, 'number')))
  );
}

function isCost(value: unknown): boolean {
  return (
    value === undefined ||
    (isObject(value) &&
      typeof value.amount === 'number' &&
      Number.isFinite(value.amount) &&
      (value.unit === 'credits' || value.unit === 'USD'))
  );
}

function isTaskError(value: unknown): boolean {
  return (
    value === undefined ||
    (isObject(value) && typeof value.message === 'string' && optional(value.status, 'number') && optional(value.code, 'string'))
  );
}

export function parseStoredTask(text: string): Task | undefined {
  return storedTask(parseJsonObject(text));
}

/** A parsed stored task checked field by field (also each record of the task index, see taskIndex.ts). */
export function storedTask(value: unknown): Task | undefined {
  if (!value || typeof value !== 'object') return undefined;
  const task = value as Partial<Task>;
  const request = task.request;
  const valid =
    typeof task.id === 'string' &&
    task.id.length > 0 &&
    typeof task.state === 'string' &&
    (TASK_STATES as readonly string[]).includes(task.state) &&
    typeof task.createdAt === 'number' &&
    typeof task.revision === 'number' &&
    !!request &&
    typeof request === 'object' &&
    isProviderId(request.provider) &&
    typeof request.model === 'string' &&
    typeof request.prompt === 'string' &&
    (request.kind === 'image' || request.kind === 'video') &&
    ['generate', 'edit', 'video'].includes(request.operation) &&
    (request.params === undefined || request.params === null || isParamObject(request.params)) &&
    (request.extra === undefined || isParamObject(request.extra)) &&
    (task.origin === undefined || ['user', 'agent', 'api'].includes(task.origin)) &&
    typeof request.workspaceFolder === 'string' &&
    (request.outputFolder === undefined || typeof request.outputFolder === 'string') &&
    (task.results === undefined || (Array.isArray(task.results) && task.results.every(isResultItem))) &&
    (task.remoteId === undefined || typeof task.remoteId === 'string') &&
    optional(task.remoteState, 'string') &&
    optional(task.progress, 'number') &&
    optional(task.submittedAt, 'number') &&
    optional(task.startedAt, 'number') &&
    optional(task.endedAt, 'number') &&
    optional(task.lastCheckedAt, 'number') &&
    isCost(task.cost) &&
    isTaskError(task.error) &&
    (request.images === undefined || (Array.isArray(request.images) && request.images.every((i) => typeof i === 'string'))) &&
    (request.imageUrls === undefined || (Array.isArray(request.imageUrls) && request.imageUrls.every((i) => typeof i === 'string'))) &&
    optional(request.sync, 'boolean');
  if (!valid) return undefined;
  // A malformed batch field is dropped: the task still runs, outside any batch.
  const { batch, ...rest } = request;
  return { origin: 'user', ...task, request: { ...rest, params: request.params ?? {}, ...(isBatchRef(batch) ? { batch } : {}) } } as Task;
}
