import * as assert from 'assert';
import { LIMITS, readableRequestId, validateWebviewMessage } from '../../../src/core/panelProtocol';

const submit = {
  type: 'submit', requestId: 1, provider: 'pixapi', model: 'gpt-image-2', prompt: 'a red bicycle',
  params: { size: '1024x1024', n: '2' }, references: ['file:///work/images/a.png'], imageUrls: [],
};

function rejected(message: unknown): string {
  const result = validateWebviewMessage(message);
  assert.strictEqual(result.ok, false, 'a malformed message was accepted');
  return result.ok ? '' : result.error;
}

describe('panel protocol: validating webview messages', () => {
  it('accepts each well-formed message and returns it typed', () => {
    for (const message of [
      { type: 'ready' },
      { type: 'listModels', requestId: 3, provider: 'apixo' },
      submit,
      { type: 'pickReferences', requestId: 4 },
      { type: 'dropReferences', requestId: 5, uris: ['file:///w/a.png'] },
      { type: 'taskAction', requestId: 6, action: 'regenerate', taskId: 'abc', resultIndex: 0 },
    ]) {
      const result = validateWebviewMessage(message);
      assert.ok(result.ok, `rejected ${message.type}: ${result.ok ? '' : result.error}`);
      assert.deepStrictEqual(result.message, message);
    }
  });

  it('rejects anything that is not an object', () => {
    for (const value of [null, undefined, 'ready', 42, [], true]) assert.match(rejected(value), /not an object/);
  });

  it('rejects unknown types, missing types and smuggled fields', () => {
    assert.match(rejected({ type: 'deleteEverything' }), /unknown message type/);
    assert.match(rejected({}), /unknown message type/);
    assert.match(rejected({ type: 'ready', apiKey: 'x' }), /unexpected field apiKey/);
    assert.match(rejected({ ...submit, sync: true }), /unexpected field sync/);
  });

  it('rejects unknown providers and wrong field types', () => {
    assert.match(rejected({ ...submit, provider: 'evil' }), /unknown provider/);
    assert.match(rejected({ type: 'listModels', requestId: 1, provider: 'toString' }), /unknown provider/);
    assert.match(rejected({ ...submit, prompt: 5 }), /prompt is not a string/);
    assert.match(rejected({ ...submit, prompt: '   ' }), /prompt is empty/);
    assert.match(rejected({ ...submit, requestId: '1' }), /requestId/);
    assert.match(rejected({ ...submit, requestId: -1 }), /requestId/);
    assert.match(rejected({ ...submit, requestId: 1.5 }), /requestId/);
    assert.match(rejected({ ...submit, params: { n: 2 } }), /params.n is not a string/);
    assert.match(rejected({ ...submit, params: ['a'] }), /params is not an object/);
    assert.match(rejected({ ...submit, params: { 'bad name': 'x' } }), /invalid name/);
    assert.match(rejected({ ...submit, params: { __proto__x: 'x', 'a-b': 'y' } }), /invalid name/);
    assert.match(rejected({ ...submit, references: 'file:///a.png' }), /references is not an array/);
    assert.match(rejected({ ...submit, references: [''] }), /references\[0\] is empty/);
    assert.match(rejected({ ...submit, imageUrls: ['javascript:alert(1)'] }), /not an http\(s\) URL/);
    assert.match(rejected({ ...submit, imageUrls: ['not a url'] }), /not a URL/);
    assert.match(rejected({ type: 'taskAction', requestId: 1, action: 'rm -rf', taskId: 'a', resultIndex: 0 }), /unknown task action/);
    assert.match(rejected({ type: 'taskAction', requestId: 1, action: 'open', taskId: 'a', resultIndex: -1 }), /resultIndex/);
  });

  it('rejects oversized strings and lists', () => {
    assert.match(rejected({ ...submit, prompt: 'x'.repeat(LIMITS.prompt + 1) }), /longer than/);
    assert.match(rejected({ ...submit, model: 'm'.repeat(LIMITS.model + 1) }), /model is longer/);
    assert.match(rejected({ ...submit, params: { size: 's'.repeat(LIMITS.paramValue + 1) } }), /params.size is longer/);
    assert.match(rejected({ ...submit, references: Array(LIMITS.references + 1).fill('file:///a.png') }), /more than/);
    assert.match(rejected({ type: 'dropReferences', requestId: 1, uris: ['file:///' + 'a'.repeat(LIMITS.uri)] }), /longer than/);
    const many: Record<string, string> = {};
    for (let i = 0; i <= LIMITS.paramCount; i++) many[`p${i}`] = 'x';
    assert.match(rejected({ ...submit, params: many }), /more than/);
  });

  it('never throws, even on hostile objects', () => {
    const hostile = { get type(): string { throw new Error('boom'); } };
    assert.match(rejected(hostile), /unreadable message/);
  });

  it('carries the Advanced section\'s extra rows as text, by name', () => {
    const ok = validateWebviewMessage({ ...submit, extra: { seed: '7', lora: '{"123": 0.7}' } });
    assert.ok(ok.ok && ok.message.type === 'submit' && ok.message.extra?.lora === '{"123": 0.7}');
    assert.match(rejected({ ...submit, extra: { 'bad name': '1' } }), /invalid name/);
  });
});

describe('panel protocol: answering rejected messages', () => {
  it('reads a well-formed request id from a message the validator rejects, and nothing else', () => {
    assert.equal(readableRequestId({ type: 'submit', requestId: 7, prompt: 42 }), 7);
    assert.equal(readableRequestId({ type: 'submit', requestId: 0 }), 0);
    for (const raw of [
      null,
      'submit',
      [],
      { requestId: -1 },
      { requestId: 1.5 },
      { requestId: '7' },
      { requestId: Number.MAX_SAFE_INTEGER + 1 },
      {},
    ]) {
      assert.equal(readableRequestId(raw), undefined, JSON.stringify(raw));
    }
  });

  it('accepts a typed model\'s kind (image or video) on submit and refuses anything else', () => {
    const base = {
      type: 'submit',
      requestId: 1,
      provider: 'apixo',
      model: 'new-model',
      prompt: 'p',
      params: {},
      references: [],
      imageUrls: [],
    };
    const video = validateWebviewMessage({ ...base, kind: 'video' });
    assert.ok(video.ok && video.message.type === 'submit' && video.message.kind === 'video');
    const none = validateWebviewMessage(base);
    assert.ok(none.ok && none.message.type === 'submit' && !('kind' in none.message));
    const audio = validateWebviewMessage({ ...base, kind: 'audio' });
    assert.ok(!audio.ok && /kind/.test(audio.error));
  });
});

describe('panel protocol: batch mode', () => {
  it('accepts a Generate of batch mode with its variables and models, and a batch action', () => {
    const message = {
      type: 'generateBatch',
      requestId: 3,
      template: 'a {colour} mug',
      variables: { colour: ['red', 'blue'] },
      models: [{ provider: 'pixapi', model: ' gpt-image-2 ' }],
    };
    assert.deepStrictEqual(validateWebviewMessage(message), {
      ok: true,
      message: { ...message, models: [{ provider: 'pixapi', model: 'gpt-image-2' }] },
    });
    assert.deepStrictEqual(validateWebviewMessage({ type: 'batchAction', requestId: 4, action: 'retryFailed', batchId: 'b1' }), {
      ok: true,
      message: { type: 'batchAction', requestId: 4, action: 'retryFailed', batchId: 'b1' },
    });
  });

  it('refuses smuggled fields, unknown providers, non-string values and unknown actions', () => {
    const base = { type: 'generateBatch', requestId: 1, template: 't', variables: {}, models: [] };
    assert.match((validateWebviewMessage({ ...base, sendTo: 'x' }) as { error: string }).error, /unexpected field sendTo/);
    assert.match(
      (validateWebviewMessage({ ...base, models: [{ provider: 'evil', model: 'm' }] }) as { error: string }).error,
      /unknown provider/,
    );
    assert.match(
      (validateWebviewMessage({ ...base, models: [{ provider: 'pixapi', model: 'm', key: 'k' }] }) as { error: string }).error,
      /unexpected field key/,
    );
    assert.match(
      (validateWebviewMessage({ ...base, variables: { colour: [1] } }) as { error: string }).error,
      /variables\.colour\[0\] is not a string/,
    );
    assert.match(
      (validateWebviewMessage({ type: 'batchAction', requestId: 1, action: 'deleteAll', batchId: 'b' }) as { error: string }).error,
      /unknown batch action/,
    );
  });
});
