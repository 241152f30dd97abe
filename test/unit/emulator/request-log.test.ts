import * as assert from 'node:assert/strict';
import { type ProviderEmulator } from '../../emulator';
import { KEYS, pollUntil, request, startFast } from './helpers';

describe('emulator: request log', () => {
  let emulator: ProviderEmulator;

  before(async () => {
    emulator = await startFast();
  });
  after(() => emulator.close());
  afterEach(() => emulator.reset());

  it('records every request with lower-cased headers, the key as sent, body size, status and task id', async () => {
    const json = { request_type: 'async', input: { prompt: 'x' } };
    const submit = await request(`${emulator.urls.apixo}/api/v1/generateTask/nano-banana?trace=1`, {
      key: KEYS.apixo,
      json,
      headers: { 'X-Custom-Header': 'Value' },
    });
    const [entry] = emulator.requests;
    assert.equal(entry.origin, 'apixo');
    assert.equal(entry.method, 'POST');
    assert.equal(entry.path, '/api/v1/generateTask/nano-banana');
    assert.equal(entry.query, 'trace=1');
    assert.equal(entry.headers.authorization, `Bearer ${KEYS.apixo}`);
    assert.equal(entry.headers['x-custom-header'], 'Value');
    assert.ok(Object.keys(entry.headers).every((name) => name === name.toLowerCase()));
    assert.equal(entry.bodySize, Buffer.byteLength(JSON.stringify(json)));
    assert.equal(entry.status, 200);
    assert.equal(entry.taskId, submit.body.data.taskId);
    assert.equal(entry.fault, undefined);
    assert.ok(Math.abs(entry.time - Date.now()) < 5000);
  });

  it('records failures, unknown paths and every origin, with increasing seq', async () => {
    await request(`${emulator.urls.pixapi}/v1/models`, { key: 'wrong' });
    await request(`${emulator.urls.pixai}/nowhere`);
    await request(`${emulator.urls.cdn}/blob/4`);
    const statuses = emulator.requests.map((r) => [r.origin, r.status]);
    assert.deepEqual(statuses, [
      ['pixapi', 401],
      ['pixai', 404],
      ['cdn', 200],
    ]);
    const seqs = emulator.requests.map((r) => r.seq);
    assert.deepEqual(seqs, [...seqs].sort((a, b) => a - b));
    assert.equal(new Set(seqs).size, seqs.length);
  });

  it('shows where each key went: provider keys never reach the CDN', async () => {
    const submit = await request(`${emulator.urls.pixai}/v2/image/create`, { key: KEYS.pixai, json: { modelVersionId: '1', prompt: 'x' } });
    const id: string = submit.body.id;
    await pollUntil(async () => emulator.task('pixai', id)?.phase, (phase) => phase === 'succeeded');
    const url = emulator.task('pixai', id)?.resultUrls[0] as string;
    await fetch(url);
    const withKey = emulator.requests.filter((r) => r.headers.authorization !== undefined).map((r) => r.origin);
    assert.deepEqual(withKey, ['pixai']);
  });

  it('notes which watched secrets a body carried', async () => {
    emulator.watchForSecrets(['secret-in-prompt', 'never-sent']);
    await request(`${emulator.urls.pixapi}/v1/async/images/generations`, {
      key: KEYS.pixapi,
      json: { model: 'gpt-image-2', prompt: 'a secret-in-prompt here' },
    });
    await request(`${emulator.urls.pixapi}/v1/models`, { key: KEYS.pixapi });
    emulator.watchForSecrets([]);
    assert.deepEqual(emulator.requests.map((r) => r.secretsInBody), [['secret-in-prompt'], undefined]);
  });

  it('forgets requests on reset but never reuses a seq', async () => {
    await request(`${emulator.urls.cdn}/blob/1`);
    const last = emulator.requests[0].seq;
    emulator.reset();
    assert.equal(emulator.requests.length, 0);
    await request(`${emulator.urls.cdn}/blob/1`);
    assert.ok(emulator.requests[0].seq > last);
  });
  it('records the prompt of each JSON submit, also when the submit was refused', async () => {
    emulator.inject({ origin: 'pixapi', method: 'POST', path: '^/v1/async/images/generations$', action: { kind: 'status', status: 503 } });
    await request(`${emulator.urls.pixapi}/v1/async/images/generations`, {
      key: KEYS.pixapi,
      json: { model: 'gpt-image-2', prompt: 'refused once' },
    });
    await request(`${emulator.urls.pixapi}/v1/async/images/generations`, {
      key: KEYS.pixapi,
      json: { model: 'gpt-image-2', prompt: 'refused once' },
    });
    await request(`${emulator.urls.apixo}/api/v1/generateTask/nano-banana`, {
      key: KEYS.apixo,
      json: { request_type: 'async', input: { prompt: 'apixo prompt' } },
    });
    await request(`${emulator.urls.pixai}/v2/image/create`, { key: KEYS.pixai, json: { modelVersionId: '1', prompt: 'pixai prompt' } });
    await request(`${emulator.urls.pixapi}/v1/models`, { key: KEYS.pixapi });
    assert.deepEqual(emulator.requests.map((r) => [r.status, r.prompt]), [
      [503, 'refused once'],
      [200, 'refused once'],
      [200, 'apixo prompt'],
      [200, 'pixai prompt'],
      [200, undefined],
    ]);
  });
});
