/** Reading a stored task back: files on disk are untrusted (edited, truncated, from an older version). */
import { isBatchRef } from './batch/batch';
import { isProviderId } from './providers';
import type { Task, TaskState } from './task';

const STATES: readonly TaskState[] = ['queued', 'submitting', 'unconfirmed', 'submitted', 'running', 'succeeded', 'failed', 'cancelled', 'stale'];

function isParamObject(value: unknown): boolean {
  return !!value && typeof value === 'object' && !Array.isArray(value)
    && Object.values(value).every((v) => ['string', 'number', 'boolean'].includes(typeof v));
}

export function parseStoredTask(text: string): Task | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!value || typeof value !== 'object') return undefined;
  const task = value as Partial<Task>;
  const request = task.request;
  const valid = typeof task.id === 'string' && task.id.length > 0
    && typeof task.state === 'string' && STATES.includes(task.state)
    && typeof task.createdAt === 'number' && typeof task.revision === 'number'
    && !!request && typeof request === 'object' && isProviderId(request.provider)
    && typeof request.model === 'string' && typeof request.prompt === 'string'
    && (request.kind === 'image' || request.kind === 'video')
    && ['generate', 'edit', 'video'].includes(request.operation)
    && (request.params === undefined || request.params === null || isParamObject(request.params))
    && (task.origin === undefined || ['user', 'agent', 'api'].includes(task.origin))
    && typeof request.workspaceFolder === 'string'
    && (request.outputFolder === undefined || typeof request.outputFolder === 'string')
    && (task.results === undefined || Array.isArray(task.results))
    && (task.remoteId === undefined || typeof task.remoteId === 'string');
  if (!valid) return undefined;
  // A malformed batch field is dropped: the task still runs, outside any batch.
  const { batch, ...rest } = request;
  return { origin: 'user', ...task, request: { ...rest, params: request.params ?? {}, ...(isBatchRef(batch) ? { batch } : {}) } } as Task;
}
