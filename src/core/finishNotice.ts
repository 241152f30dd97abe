/** Which notification a task's change calls for, and with which buttons (the host words and shows it). */
import { isTerminal, Task } from './task';

export type FinishNotice =
  /** Every result has settled and at least one was saved just now: "Image ready: <file>" with Open / Reveal. */
  | { readonly kind: 'saved'; readonly file: string; readonly others: number; readonly video: boolean; readonly actions: readonly ['open', 'reveal'] }
  /** The task succeeded but no result could be saved. */
  | { readonly kind: 'saveFailed'; readonly error: string; readonly actions: readonly ['saveAgain'] }
  /** A rejected key (401) also offers to set the key. */
  | { readonly kind: 'failed'; readonly message?: string; readonly actions: readonly ('setApiKey' | 'retry')[] }
  | { readonly kind: 'unconfirmed'; readonly message?: string };

/** The notice for a change from `previous` to `task`, or undefined when the change needs none. */
export function finishNotice(previous: Task, task: Task): FinishNotice | undefined {
  const results = task.results ?? [];
  const savedNow = results.filter((r) => r.file).length > (previous.results ?? []).filter((r) => r.file).length;
  const allSettled = results.every((r) => r.file || r.saveError || (!r.url && !r.inline));
  if (task.state === 'succeeded' && savedNow && allSettled) {
    const file = results.find((r) => r.file)?.file as string;
    return { kind: 'saved', file, others: Math.max(0, results.length - 1), video: task.request.kind === 'video', actions: ['open', 'reveal'] };
  }
  if (task.state === 'succeeded' && !isTerminal(previous.state) && results.length && results.every((r) => r.saveError)) {
    return { kind: 'saveFailed', error: results[0].saveError ?? '', actions: ['saveAgain'] };
  }
  if (task.state === 'failed' && previous.state !== 'failed') {
    return { kind: 'failed', message: task.error?.message, actions: task.error?.status === 401 ? ['setApiKey', 'retry'] : ['retry'] };
  }
  if (task.state === 'unconfirmed' && previous.state !== 'unconfirmed') return { kind: 'unconfirmed', message: task.error?.message };
  return undefined;
}
