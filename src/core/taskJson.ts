/** Reading a stored task back: files on disk are untrusted (edited, truncated, from an older version). */
import { isProviderId } from './providers';
import type { Task, TaskState } from './task';

const STATES: readonly TaskState[] = ['queued', 'submitting', 'unconfirmed', 'submitted', 'running', 'succeeded', 'failed', 'cancelled', 'stale'];

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
    && typeof request.workspaceFolder === 'string'
    && (task.results === undefined || Array.isArray(task.results))
    && (task.remoteId === undefined || typeof task.remoteId === 'string');
  if (!valid) return undefined;
  return { origin: 'user', ...task, request: { ...request, params: request.params ?? {} } } as Task;
}
