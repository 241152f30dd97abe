/** Which notification a task's change calls for (the host words and shows it). */
import type { ResultItem, Task } from './task';

export type FinishNotice =
  /** Every result has settled and at least one was saved just now: "Image ready: <file>" with Open / Reveal. */
  | {
      readonly kind: 'saved';
      readonly file: string;
      readonly others: number;
      readonly video: boolean;
      readonly actions: readonly ['open', 'reveal'];
    }
  /** Announced once per task. The save error comes in an update after `succeeded`, so this looks at errors, not state. */
  | { readonly kind: 'saveFailed'; readonly error: string; readonly actions: readonly ['saveAgain'] }
  /** A rejected key (401) also offers to set the key. */
  | { readonly kind: 'failed'; readonly message?: string; readonly actions: readonly ('setApiKey' | 'retry')[] }
  | { readonly kind: 'unconfirmed'; readonly message?: string };

function settled(results: readonly ResultItem[]): boolean {
  return results.every((r) => r.file || r.saveError || (!r.url && !r.inline && !r.inlineFile));
}

/** An item the provider sent empty is no save failure. */
function failure(results: readonly ResultItem[]): string | undefined {
  return results.find((r) => !r.file && r.saveError && (r.url || r.inline || r.inlineFile))?.saveError;
}

export function finishNotice(previous: Task, task: Task): FinishNotice | undefined {
  const results = task.results ?? [];
  const savedNow = results.filter((r) => r.file).length > (previous.results ?? []).filter((r) => r.file).length;
  const allSettled = settled(results);
  // Announced when the task's results have all settled with a save error among them, and had not before.
  if (
    task.state === 'succeeded' &&
    allSettled &&
    failure(results) &&
    !(settled(previous.results ?? []) && failure(previous.results ?? []))
  ) {
    return { kind: 'saveFailed', error: failure(results) ?? '', actions: ['saveAgain'] };
  }
  if (task.state === 'succeeded' && savedNow && allSettled) {
    const file = results.find((r) => r.file)?.file as string;
    return {
      kind: 'saved',
      file,
      others: Math.max(0, results.length - 1),
      video: task.request.kind === 'video',
      actions: ['open', 'reveal'],
    };
  }
  if (task.state === 'failed' && previous.state !== 'failed') {
    return { kind: 'failed', message: task.error?.message, actions: task.error?.status === 401 ? ['setApiKey', 'retry'] : ['retry'] };
  }
  if (task.state === 'unconfirmed' && previous.state !== 'unconfirmed') return { kind: 'unconfirmed', message: task.error?.message };
  return undefined;
}
