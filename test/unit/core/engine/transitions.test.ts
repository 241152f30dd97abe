import * as assert from 'assert';
import { describeFailure } from '../../../../src/core/errors';
import { HttpError, NetworkError, ProtocolError } from '../../../../src/core/http';
import { MAX_NEVER_REACHED_RETRIES, onCheckError, onSubmitError } from '../../../../src/core/engine/transitions';

const refused = () => new HttpError(429, {}, undefined, 'POST', '/x');
const neverReached = () => new NetworkError('refused', 'ECONNREFUSED', true);

describe('engine transitions: a failed submit', () => {
  it('requeues a refused (429) submit, counting the try, however many came before', () => {
    const outcome = onSubmitError('pixapi', refused(), 9);
    assert.strictEqual(outcome.kind, 'requeue');
    assert.strictEqual(outcome.kind === 'requeue' && outcome.tries, 10);
  });

  it('requeues a submit that never reached the provider until the last try, then fails it saying nothing was sent', () => {
    const last = onSubmitError('pixapi', neverReached(), MAX_NEVER_REACHED_RETRIES - 1);
    assert.deepStrictEqual(last.kind === 'requeue' && last.tries, MAX_NEVER_REACHED_RETRIES);
    const outcome = onSubmitError('pixapi', neverReached(), MAX_NEVER_REACHED_RETRIES);
    assert.strictEqual(outcome.kind, 'failed');
    assert.ok(
      outcome.kind === 'failed' &&
        outcome.message.endsWith(`Tried ${MAX_NEVER_REACHED_RETRIES} times; nothing was sent. Retry when the connection is back.`),
      JSON.stringify(outcome),
    );
    assert.strictEqual(outcome.kind === 'failed' && outcome.failure?.kind, 'network');
  });

  it('fails an error raised before any request went out as "Nothing was sent", with no provider status', () => {
    const outcome = onSubmitError('pixapi', new Error('cannot read the image'), 0);
    assert.deepStrictEqual(outcome, {
      kind: 'failed',
      message: `Nothing was sent: ${describeFailure('pixapi', new Error('cannot read the image')).message}`,
    });
  });

  it('marks a 5xx, a reset or an unreadable answer unconfirmed: the provider may have it', () => {
    for (const error of [
      new HttpError(500, {}, undefined, 'POST', '/x'),
      new NetworkError('reset', 'ECONNRESET', false),
      new ProtocolError('garbled'),
    ]) {
      const outcome = onSubmitError('pixapi', error, 0);
      assert.strictEqual(outcome.kind, 'unconfirmed', error.message);
      assert.ok(
        outcome.kind === 'unconfirmed' &&
          outcome.error.message.includes('may have reached Pixapi; Media Studio will not send it again by itself'),
        error.message,
      );
    }
    const http = onSubmitError('pixapi', new HttpError(502, {}, undefined, 'POST', '/x'), 0);
    assert.strictEqual(http.kind === 'unconfirmed' && http.error.status, 502);
  });

  it('fails a submit the provider refused for good (400) with the provider\'s reason and status', () => {
    const error = new HttpError(400, { error: { message: 'bad size' } }, undefined, 'POST', '/x');
    const outcome = onSubmitError('pixapi', error, 0);
    assert.strictEqual(outcome.kind, 'failed');
    assert.strictEqual(outcome.kind === 'failed' && outcome.message, describeFailure('pixapi', error).message);
    assert.strictEqual(outcome.kind === 'failed' && outcome.failure?.status, 400);
  });
});

describe('engine transitions: a failed status check', () => {
  const notFound = () => new HttpError(404, {}, undefined, 'GET', '/t');
  const calm = { notFoundForGood: false, pastDeadline: false };

  it('fails a task only once its 404s have lasted, and otherwise checks slowly', () => {
    const lasting = onCheckError('pixapi', notFound(), { notFoundForGood: true, pastDeadline: false });
    assert.strictEqual(lasting.kind, 'failed');
    assert.ok(lasting.kind === 'failed' && lasting.message.endsWith('Its status checks answered 404 for several minutes.'));
    assert.strictEqual(onCheckError('pixapi', notFound(), calm).kind, 'slow');
  });

  it('checks slowly after a refused check (401), keeping the provider\'s status and reason', () => {
    const error = new HttpError(401, {}, undefined, 'GET', '/t');
    const outcome = onCheckError('pixapi', error, { notFoundForGood: false, pastDeadline: true });
    assert.strictEqual(outcome.kind, 'slow', 'a refused check is not made stale here: the deadline is checked after the update');
    assert.strictEqual(outcome.kind === 'slow' && outcome.reason, describeFailure('pixapi', error).message);
    assert.strictEqual(outcome.kind === 'slow' && outcome.error.status, 401);
    assert.ok(
      outcome.kind === 'slow' && outcome.error.message.endsWith('Checking on now and then, as the task may still finish at Pixapi.'),
    );
  });

  it('retries a transient failure, and makes the task stale once past its deadline', () => {
    const error = new HttpError(503, {}, undefined, 'GET', '/t');
    const retry = onCheckError('pixapi', error, calm);
    assert.strictEqual(retry.kind, 'retry');
    assert.ok(retry.kind === 'retry' && retry.error.message.endsWith('Retrying.') && retry.error.status === 503);
    const stale = onCheckError('pixapi', error, { notFoundForGood: false, pastDeadline: true });
    assert.strictEqual(stale.kind, 'stale');
    assert.ok(stale.kind === 'stale' && stale.error.message.endsWith('Still no answer after the usual time; use Refresh to check again.'));
  });
});
