/** The finish notification's decision: which notice, with which buttons, for a task's change. */
import * as assert from 'assert';
import { finishNotice } from '../../../src/core/finishNotice';
import type { Task } from '../../../src/core/task';
import { sampleTask } from './fakes';

function task(partial: Partial<Task> = {}): Task {
  return sampleTask({ state: 'running', createdAt: 1, submittedAt: undefined, revision: 1, ...partial });
}

describe('core/finishNotice', () => {
  it('a saved result offers Open and Reveal, naming the first file and counting the others', () => {
    const before = task({ state: 'succeeded', results: [{ url: 'https://cdn/a' }, { url: 'https://cdn/b' }] });
    const after = task({
      state: 'succeeded',
      results: [
        { url: 'https://cdn/a', file: 'file:///ws/generated/a.png' },
        { url: 'https://cdn/b', file: 'file:///ws/generated/b.png' },
      ],
    });
    assert.deepStrictEqual(finishNotice(before, after), {
      kind: 'saved',
      file: 'file:///ws/generated/a.png',
      others: 1,
      video: false,
      actions: ['open', 'reveal'],
    });
  });

  it('says video for a video task', () => {
    const video = (t: Partial<Task>) => task({ ...t, request: { ...task().request, kind: 'video', operation: 'video' } });
    const notice = finishNotice(
      video({ state: 'succeeded', results: [{ url: 'u' }] }),
      video({ state: 'succeeded', results: [{ url: 'u', file: 'file:///ws/v.mp4' }] }),
    );
    assert.deepStrictEqual(notice, { kind: 'saved', file: 'file:///ws/v.mp4', others: 0, video: true, actions: ['open', 'reveal'] });
  });

  it('waits until every result has settled (saved or failed to save) before telling', () => {
    const before = task({ state: 'succeeded', results: [{ url: 'a' }, { url: 'b' }] });
    const oneSaved = task({ state: 'succeeded', results: [{ url: 'a', file: 'file:///ws/a.png' }, { url: 'b' }] });
    assert.strictEqual(finishNotice(before, oneSaved), undefined);
    const settled = task({ state: 'succeeded', results: [{ url: 'a', file: 'file:///ws/a.png' }, { url: 'b', file: 'file:///ws/b.png' }] });
    assert.strictEqual(finishNotice(oneSaved, settled)?.kind, 'saved');
  });

  it('no notice for a change that saved nothing new (e.g. a later revision of a finished task)', () => {
    const done = task({ state: 'succeeded', results: [{ url: 'a', file: 'file:///ws/a.png' }] });
    assert.strictEqual(finishNotice(done, { ...done, revision: 2 }), undefined);
    assert.strictEqual(finishNotice(task(), task({ progress: 50 })), undefined);
  });

  it('a rejected key (401) offers Set API Key and Retry; other failures only Retry', () => {
    assert.deepStrictEqual(finishNotice(task(), task({ state: 'failed', error: { message: 'The key was rejected.', status: 401 } })), {
      kind: 'failed',
      message: 'The key was rejected.',
      actions: ['setApiKey', 'retry'],
    });
    assert.deepStrictEqual(finishNotice(task(), task({ state: 'failed', error: { message: 'Out of credits.', status: 402 } })), {
      kind: 'failed',
      message: 'Out of credits.',
      actions: ['retry'],
    });
    assert.strictEqual(finishNotice(task({ state: 'failed' }), task({ state: 'failed', revision: 2 })), undefined, 'told once');
  });

  it('results that could not be saved offer Save Again', () => {
    const notice = finishNotice(task(), task({ state: 'succeeded', results: [{ url: 'a', saveError: 'The folder is read-only.' }] }));
    assert.deepStrictEqual(notice, { kind: 'saveFailed', error: 'The folder is read-only.', actions: ['saveAgain'] });
  });

  it('announces a save failure recorded after the task already succeeded (the transition that really happens)', () => {
    // The engine records `succeeded` first, then the writer records the save error in a second update.
    const succeeded = task({ state: 'succeeded', results: [{ inline: true, inlineFile: 'k.bin' }] });
    const failed = task({ state: 'succeeded', results: [{ inline: true, inlineFile: 'k.bin', saveError: 'Could not write the result.' }] });
    assert.deepStrictEqual(finishNotice(succeeded, failed), {
      kind: 'saveFailed',
      error: 'Could not write the result.',
      actions: ['saveAgain'],
    });
    assert.strictEqual(finishNotice(failed, { ...failed, revision: 2 }), undefined, 'not again for a later change');
  });

  it('announces a failure of one result once the others are saved, and not before they settle', () => {
    const before = task({ state: 'succeeded', results: [{ url: 'a' }, { url: 'b' }] });
    const oneFailed = task({ state: 'succeeded', results: [{ url: 'a', saveError: 'expired' }, { url: 'b' }] });
    assert.strictEqual(finishNotice(before, oneFailed), undefined);
    const settled = task({ state: 'succeeded', results: [{ url: 'a', saveError: 'expired' }, { url: 'b', file: 'file:///ws/b.png' }] });
    assert.deepStrictEqual(finishNotice(oneFailed, settled), { kind: 'saveFailed', error: 'expired', actions: ['saveAgain'] });
    assert.strictEqual(finishNotice(settled, { ...settled, revision: 2 }), undefined);
  });

  it('warns once when a submit may or may not have reached the provider', () => {
    assert.deepStrictEqual(finishNotice(task({ state: 'submitting' }), task({ state: 'unconfirmed', error: { message: 'Timed out.' } })), {
      kind: 'unconfirmed',
      message: 'Timed out.',
    });
    assert.strictEqual(finishNotice(task({ state: 'unconfirmed' }), task({ state: 'unconfirmed', revision: 2 })), undefined);
  });
});
