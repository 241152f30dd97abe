import * as assert from 'node:assert/strict';
import { type ProviderEmulator } from '../../emulator';
import { HELD_IN_QUEUE, KEYS, pollUntil, request, startFast } from './helpers';

describe('emulator: fault injection', () => {
  let emulator: ProviderEmulator;

  before(async () => {
    emulator = await startFast();
  });
  after(() => emulator.close());
  afterEach(() => emulator.reset());

  const pixapiSubmit = () =>
    request(`${emulator.urls.pixapi}/v1/async/images/generations`, { key: KEYS.pixapi, json: { model: 'gpt-image-2', prompt: 'x' } });
  const pixapiModels = () => request(`${emulator.urls.pixapi}/v1/models`, { key: KEYS.pixapi });

  async function finishedResultUrl(): Promise<string> {
    const id: string = (await pixapiSubmit()).body.id;
    await pollUntil(async () => emulator.task('pixapi', id)?.phase, (phase) => phase === 'succeeded');
    return emulator.task('pixapi', id)?.resultUrls[0] as string;
  }

  /** Resolves with the error fetch raised (the socket went away). */
  async function fetchError(url: string, init: RequestInit): Promise<Error> {
    try {
      await fetch(url, init);
    } catch (error) {
      return error as Error;
    }
    throw new Error('expected the request to fail');
  }

  describe('matching', () => {
    it('matches the query string when a rule has `query` (Apixo names its task in taskId=)', async () => {
      emulator.inject({ origin: 'pixapi', path: '^/v1/models$', query: '(^|&)page=2(&|$)', action: { kind: 'status', status: 500 } });
      assert.equal((await pixapiModels()).status, 200, 'no query: the rule does not match');
      assert.equal((await request(`${emulator.urls.pixapi}/v1/models?page=3`, { key: KEYS.pixapi })).status, 200);
      assert.equal((await request(`${emulator.urls.pixapi}/v1/models?page=2`, { key: KEYS.pixapi })).status, 500);
      assert.throws(() => emulator.inject({ query: '(', action: { kind: 'drop' } }), SyntaxError);
    });
  });

  describe('status', () => {
    it("answers with the provider's documented body, without Retry-After unless asked", async () => {
      emulator.inject({ origin: 'pixapi', action: { kind: 'status', status: 503 } });
      const response = await pixapiModels();
      assert.equal(response.status, 503);
      assert.equal(response.body.error.code, 503);
      assert.equal(typeof response.body.error.message, 'string');
      assert.equal(response.headers.get('retry-after'), null);
      assert.equal((await pixapiModels()).status, 200, 'used up after one request');
    });

    it('sets Retry-After when given, and Pixapi 429 carries the string code "rate_limited"', async () => {
      emulator.inject({ origin: 'pixapi', action: { kind: 'status', status: 429, retryAfter: 7 } });
      const response = await pixapiModels();
      assert.equal(response.status, 429);
      assert.equal(response.headers.get('retry-after'), '7');
      assert.deepEqual(response.body, { error: { code: 'rate_limited', message: response.body.error.message, type: 'rate_limit_error' } });
    });

    it('gives Pixapi 500 a request_id', async () => {
      emulator.inject({ origin: 'pixapi', action: { kind: 'status', status: 500 } });
      const { body } = await pixapiModels();
      assert.deepEqual(Object.keys(body.error).sort(), ['code', 'message', 'request_id', 'type']);
      assert.equal(body.error.code, 500);
      assert.equal(body.error.type, 'server_error');
    });

    it('uses {message} for PixAI, the envelope for Apixo and XML for the CDN', async () => {
      emulator.inject({ origin: 'pixai', action: { kind: 'status', status: 500 } });
      emulator.inject({ origin: 'apixo', action: { kind: 'status', status: 503 } });
      emulator.inject({ origin: 'cdn', action: { kind: 'status', status: 503 } });
      const pixai = await request(`${emulator.urls.pixai}/v1/task/1`, { key: KEYS.pixai });
      assert.equal(pixai.status, 500);
      assert.deepEqual(Object.keys(pixai.body), ['message']);
      const apixo = await request(`${emulator.urls.apixo}/api/v1/apikeys/current-balance`, { key: KEYS.apixo });
      assert.equal(apixo.status, 503);
      assert.deepEqual(apixo.body, { code: 503, message: 'Service unavailable', data: null });
      const cdn = await request(`${emulator.urls.cdn}/blob/10`);
      assert.equal(cdn.status, 503);
      assert.match(String(cdn.body), /<Error>/);
    });

    it('does not process the request: a faulted submit creates no task', async () => {
      emulator.inject({ origin: 'pixapi', path: '^/v1/async/', action: { kind: 'status', status: 500 } });
      assert.equal((await pixapiSubmit()).status, 500);
      assert.equal(emulator.tasks().length, 0);
    });

    it('can send an envelope error with HTTP 200 (Apixo)', async () => {
      const body = { code: 500, message: 'Internal error', data: null };
      emulator.inject({ origin: 'apixo', path: 'generateTask', action: { kind: 'status', status: 200, body } });
      const response = await request(`${emulator.urls.apixo}/api/v1/generateTask/nano-banana`, {
        key: KEYS.apixo,
        json: { request_type: 'async', input: { prompt: 'x' } },
      });
      assert.equal(response.status, 200);
      assert.deepEqual(response.body, body);
    });

    it('matches origin, method and path, applies `times` times, in order', async () => {
      emulator.inject({
        origin: 'pixapi',
        method: 'post',
        path: '^/v1/async/images/generations$',
        times: 2,
        action: { kind: 'status', status: 503 },
      });
      assert.equal((await pixapiModels()).status, 200, 'other path');
      assert.equal(
        (await request(`${emulator.urls.apixo}/api/v1/apikeys/current-balance`, { key: KEYS.apixo })).status,
        200,
        'other origin',
      );
      assert.equal((await pixapiSubmit()).status, 503);
      assert.equal((await pixapiSubmit()).status, 503);
      assert.equal((await pixapiSubmit()).status, 200);
    });

    it('clearFaults removes pending rules', async () => {
      emulator.inject({ action: { kind: 'status', status: 500 }, times: 100 });
      emulator.clearFaults();
      assert.equal((await pixapiModels()).status, 200);
    });
  });

  it('delay holds the answer, then handles the request normally', async () => {
    emulator.inject({ origin: 'pixapi', action: { kind: 'delay', ms: 150 } });
    const started = Date.now();
    const response = await pixapiModels();
    assert.ok(Date.now() - started >= 145);
    assert.equal(response.status, 200);
    assert.equal(emulator.requests[0].fault, 'delay:150');
  });

  it('drop processes the request (the task exists) but sends no response', async () => {
    emulator.configure({ timing: HELD_IN_QUEUE });
    emulator.inject({ origin: 'pixapi', action: { kind: 'drop' } });
    await fetchError(`${emulator.urls.pixapi}/v1/async/images/generations`, {
      method: 'POST',
      headers: { authorization: `Bearer ${KEYS.pixapi}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-image-2', prompt: 'x' }),
    });
    const tasks = emulator.tasks('pixapi');
    assert.equal(tasks.length, 1);
    const entry = emulator.requests[0];
    assert.equal(entry.fault, 'drop');
    assert.equal(entry.status, 0);
    assert.equal(entry.taskId, tasks[0].id);
    assert.ok(entry.bodySize > 0);
  });

  it('dropBeforeProcessing closes the connection without creating a task', async () => {
    emulator.inject({ origin: 'apixo', action: { kind: 'dropBeforeProcessing' } });
    await fetchError(`${emulator.urls.apixo}/api/v1/generateTask/nano-banana`, {
      method: 'POST',
      headers: { authorization: `Bearer ${KEYS.apixo}`, 'content-type': 'application/json' },
      body: JSON.stringify({ request_type: 'async', input: { prompt: 'x' } }),
    });
    assert.equal(emulator.tasks().length, 0);
    assert.equal(emulator.requests[0].fault, 'dropBeforeProcessing');
    assert.equal(emulator.requests[0].status, 0);
  });

  it('truncate announces the full Content-Length, sends half, then closes', async () => {
    const url = await finishedResultUrl();
    const full = Buffer.from(await (await fetch(url)).arrayBuffer());
    emulator.inject({ origin: 'cdn', action: { kind: 'truncate' } });
    const response = await fetch(url);
    assert.equal(response.status, 200);
    assert.equal(Number(response.headers.get('content-length')), full.length);
    await assert.rejects(response.arrayBuffer());
    assert.equal(emulator.requests.at(-1)?.fault, 'truncate');
  });

  it('truncate also cuts a JSON answer and a streamed blob', async () => {
    emulator.inject({ origin: 'pixapi', action: { kind: 'truncate' } });
    const json = await fetch(`${emulator.urls.pixapi}/v1/models`, { headers: { authorization: `Bearer ${KEYS.pixapi}` } });
    await assert.rejects(json.text());
    emulator.inject({ origin: 'cdn', path: '^/blob/', action: { kind: 'truncate' } });
    const blob = await fetch(`${emulator.urls.cdn}/blob/1000000`);
    assert.equal(blob.headers.get('content-length'), '1000000');
    await assert.rejects(blob.arrayBuffer());
  });

  it('malformed answers 200 with a body that is not JSON (the request was processed)', async () => {
    emulator.inject({ origin: 'pixapi', action: { kind: 'malformed' } });
    const response = await fetch(`${emulator.urls.pixapi}/v1/async/images/generations`, {
      method: 'POST',
      headers: { authorization: `Bearer ${KEYS.pixapi}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-image-2', prompt: 'x' }),
    });
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /application\/json/);
    const text = await response.text();
    assert.throws(() => JSON.parse(text));
    assert.equal(emulator.tasks().length, 1);
  });

  it('expire makes a CDN file expired for good', async () => {
    const url = await finishedResultUrl();
    emulator.inject({ origin: 'cdn', action: { kind: 'expire' } });
    const first = await request(url);
    assert.equal(first.status, 403);
    assert.match(String(first.body), /AccessDenied/);
    assert.equal((await request(url)).status, 403);
    assert.equal(emulator.requests.at(-2)?.fault, 'expire');
  });

  it('expire rules never match provider API requests', async () => {
    emulator.inject({ action: { kind: 'expire' } });
    const response = await pixapiModels();
    assert.equal(response.status, 200);
    assert.equal(emulator.requests[0].fault, undefined);
  });

  it('refuses invalid rules', () => {
    assert.throws(() => emulator.inject({ action: { kind: 'explode' } } as never), /kind/);
    assert.throws(() => emulator.inject({ path: '(', action: { kind: 'drop' } }));
    assert.throws(() => emulator.inject({ origin: 'control' as never, action: { kind: 'drop' } }));
    assert.throws(() => emulator.inject({ times: 0, action: { kind: 'drop' } }));
    assert.throws(() => emulator.inject({ action: { kind: 'status', status: 42 } }));
  });
  describe('hostile answers', () => {
    it('rewriteResultUrls replaces every CDN URL of a task answer, also inside Apixo\'s resultJson string', async () => {
      const id: string = (await pixapiSubmit()).body.id;
      await pollUntil(async () => emulator.task('pixapi', id)?.phase, (phase) => phase === 'succeeded');
      emulator.inject({ origin: 'pixapi', path: '^/v1/tasks/', action: { kind: 'rewriteResultUrls', url: 'file:///etc/passwd' } });
      const rewritten = await request(`${emulator.urls.pixapi}/v1/tasks/${id}`, { key: KEYS.pixapi });
      assert.deepEqual(rewritten.body.result.data, [{ url: 'file:///etc/passwd' }]);
      const plain = await request(`${emulator.urls.pixapi}/v1/tasks/${id}`, { key: KEYS.pixapi });
      assert.ok(plain.body.result.data[0].url.startsWith(emulator.urls.cdn), 'used up after one request');

      const submitted = await request(`${emulator.urls.apixo}/api/v1/generateTask/nano-banana`, {
        key: KEYS.apixo,
        json: { request_type: 'async', input: { mode: 'text-to-image', prompt: 'x' } },
      });
      const taskId: string = submitted.body.data.taskId;
      await pollUntil(async () => emulator.task('apixo', taskId)?.phase, (phase) => phase === 'succeeded');
      emulator.inject({
        origin: 'apixo',
        path: '^/api/v1/statusTask/',
        action: { kind: 'rewriteResultUrls', url: 'http://10.0.0.7/x.png' },
      });
      const status = await request(`${emulator.urls.apixo}/api/v1/statusTask/nano-banana?taskId=${taskId}`, { key: KEYS.apixo });
      assert.deepEqual(JSON.parse(status.body.data.resultJson).resultUrls, ['http://10.0.0.7/x.png']);
    });

    it('jsonBomb streams exactly the bytes asked for, all of them nested arrays', async () => {
      emulator.inject({ origin: 'pixapi', action: { kind: 'jsonBomb', bytes: 200_000 } });
      const response = await fetch(`${emulator.urls.pixapi}/v1/models`, { headers: { authorization: `Bearer ${KEYS.pixapi}` } });
      assert.equal(response.status, 200);
      assert.match(response.headers.get('content-type') ?? '', /application\/json/);
      const text = await response.text();
      assert.equal(text.length, 200_000);
      assert.match(text, /^\[+$/);
    });

    it('refuses rules without their parameters', () => {
      assert.throws(() => emulator.inject({ action: { kind: 'jsonBomb' } as never }), /bytes/);
      assert.throws(() => emulator.inject({ action: { kind: 'rewriteResultUrls' } as never }), /url/);
    });
  });
});
