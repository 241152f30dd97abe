/**
 * ApiClient and its error types, against the in-process provider emulator and, where the emulator has no
 * such behaviour (another origin, a refused connection, a huge body, an HTTP-date Retry-After), a tiny
 * server on 127.0.0.1.
 */
import * as assert from 'assert';
import {
  ApiClient,
  arr,
  errorCode,
  HttpError,
  NetworkError,
  num,
  obj,
  parseJson,
  parseRetryAfter,
  ProtocolError,
  readLimited,
  redactSecret,
  str,
  toNetworkError,
} from '../../../src/core/http';
import { describeFailure } from '../../../src/core/errors';
import { multipartBody } from '../../../src/core/multipart';
import { ProviderEmulator } from '../../emulator';
import { localServer, refusedPort } from '../../support/localServer';

const PIXAPI_KEY = 'test-pixapi-key';
const TIMING = { image: { queueMs: 50, runMs: 150 }, video: { queueMs: 50, runMs: 300 } };


async function* chunks(...parts: string[]): AsyncIterable<Uint8Array> {
  for (const part of parts) yield Buffer.from(part);
}

describe('core/http: ApiClient', () => {
  let emulator: ProviderEmulator;
  let api: ApiClient;

  before(async () => {
    emulator = await ProviderEmulator.start({ timing: TIMING });
  });
  after(async () => {
    await emulator.close();
  });
  beforeEach(() => {
    emulator.reset();
    api = new ApiClient({ baseUrl: emulator.urls.pixapi, key: PIXAPI_KEY });
  });

  describe('where the key goes', () => {
    it('sends "Authorization: Bearer <key>" to its own origin', async () => {
      const response = await api.call('GET', '/v1/models');
      assert.strictEqual(response.status, 200);
      assert.ok(Array.isArray(obj(response.body)?.data), 'the models list is parsed');
      assert.strictEqual(emulator.requests.length, 1);
      const [logged] = emulator.requests;
      assert.strictEqual(logged.origin, 'pixapi');
      assert.strictEqual(logged.path, '/v1/models');
      assert.strictEqual(logged.headers.authorization, `Bearer ${PIXAPI_KEY}`);
      assert.strictEqual(logged.headers.accept, 'application/json');
    });

    it('builds URLs under its base path, with the query encoded', () => {
      const client = new ApiClient({ baseUrl: 'http://127.0.0.1:7002/api/v1/', key: 'k' });
      assert.strictEqual(client.origin, 'http://127.0.0.1:7002');
      assert.strictEqual(
        client.url('/statusTask/nano-banana', { taskId: 'task a&b' }).toString(),
        'http://127.0.0.1:7002/api/v1/statusTask/nano-banana?taskId=task+a%26b',
      );
    });

    it('url() refuses a path that would leave the origin', () => {
      const client = new ApiClient({ baseUrl: 'https://api.pixapi.ai', key: 'k' });
      // Each of these, glued to the origin, names another host.
      for (const path of ['@evil.example/v1/models', '.evil.example/v1/models', '@127.0.0.1:9/x']) {
        assert.throws(() => client.url(path), /Refusing to send an API key outside https:\/\/api\.pixapi\.ai/, path);
      }
      assert.strictEqual(client.url('/v1/tasks/a').origin, 'https://api.pixapi.ai');
    });

    it('never connects anywhere when the path escapes the origin', async () => {
      const own = await localServer((_req, res) => res.end('{}'));
      const other = await localServer((_req, res) => res.end('{}'));
      try {
        const client = new ApiClient({ baseUrl: own.url, key: 'secret-key-123' });
        await assert.rejects(client.call('GET', `@127.0.0.1:${other.port}/steal`), /Refusing to send an API key/);
        assert.strictEqual(other.received.length, 0, 'the other origin got nothing');
        assert.strictEqual(own.received.length, 0);
      } finally {
        await own.close();
        await other.close();
      }
    });

    it('logs one line per request without the key', async () => {
      const lines: string[] = [];
      const client = new ApiClient({ baseUrl: emulator.urls.pixapi, key: PIXAPI_KEY, log: (line) => lines.push(line) });
      await client.call('GET', '/v1/models');
      await assert.rejects(client.call('GET', '/v1/tasks/task_missing'), HttpError);
      assert.strictEqual(lines.length, 2);
      assert.match(lines[0], /^GET \/v1\/models → 200 \(\d+ ms\)$/);
      assert.match(lines[1], /^GET \/v1\/tasks\/task_missing → 404 \(\d+ ms\)$/);
      assert.ok(lines.every((line) => !line.includes(PIXAPI_KEY)));
    });
  });

  describe('request bodies', () => {
    it('sends JSON with its content type, as given', async () => {
      const sent = { model: 'gpt-image-2', prompt: 'a red bicycle', n: 2, size: '1024x1024' };
      const response = await api.call('POST', '/v1/async/images/generations', { json: sent });
      const id = str(obj(response.body)?.id);
      assert.ok(id, 'a task id came back');
      assert.deepStrictEqual(emulator.task('pixapi', id)?.request, sent);
      assert.strictEqual(emulator.requests[0].headers['content-type'], 'application/json');
      assert.strictEqual(emulator.requests[0].query, '');
    });

    it('streams a multipart body with its boundary and exact Content-Length', async () => {
      const server = await localServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}'));
      try {
        const client = new ApiClient({ baseUrl: server.url, key: 'k-12345678' });
        const form = multipartBody([
          { name: 'prompt', value: 'make it blue' },
          { name: 'image', filename: 'a.png', type: 'image/png', size: 10, open: () => chunks('01234', '56789') },
        ]);
        const response = await client.call('POST', '/v1/images/edits', { form });
        assert.deepStrictEqual(response.body, { ok: true });
        const [got] = server.received;
        assert.strictEqual(got.headers['content-type'], form.contentType);
        assert.strictEqual(got.headers['content-length'], String(form.contentLength));
        assert.strictEqual(got.body.length, form.contentLength);
        assert.strictEqual(got.headers.authorization, 'Bearer k-12345678');
        assert.ok(got.body.includes('0123456789'), 'the file bytes were sent');
      } finally {
        await server.close();
      }
    });
  });

  describe('statuses', () => {
    it('throws HttpError for a 4xx with the parsed JSON body', async () => {
      emulator.inject({ origin: 'pixapi', path: '^/v1/async/', action: { kind: 'status', status: 402 } });
      const error = await api.call('POST', '/v1/async/images/generations', { json: { model: 'gpt-image-2', prompt: 'x' } }).then(
        () => assert.fail('expected an HttpError'),
        (e: unknown) => e,
      );
      assert.ok(error instanceof HttpError);
      assert.strictEqual(error.status, 402);
      assert.strictEqual(error.method, 'POST');
      assert.strictEqual(error.path, '/v1/async/images/generations');
      assert.strictEqual(error.retryAfterMs, undefined);
      assert.deepStrictEqual(obj(error.body)?.error, { code: 402, message: 'Insufficient credits', type: 'insufficient_quota' });
      assert.strictEqual(emulator.tasks('pixapi').length, 0);
    });

    it('throws HttpError for a 5xx and reads Retry-After in seconds', async () => {
      emulator.inject({ origin: 'pixapi', action: { kind: 'status', status: 503, retryAfter: 7 } });
      await assert.rejects(api.call('GET', '/v1/models'), (error: unknown) => {
        assert.ok(error instanceof HttpError);
        assert.strictEqual(error.status, 503);
        assert.strictEqual(error.retryAfterMs, 7000);
        assert.strictEqual(str(obj(obj(error.body)?.error)?.type), 'service_unavailable_error');
        return true;
      });
    });

    it('reads Retry-After given as an HTTP date', async () => {
      const server = await localServer((_req, res) => {
        res.writeHead(429, { 'content-type': 'application/json', 'retry-after': new Date(Date.now() + 30_000).toUTCString() });
        res.end('{"error":{"code":"rate_limited","message":"slow down"}}');
      });
      try {
        const client = new ApiClient({ baseUrl: server.url, key: 'k' });
        await assert.rejects(client.call('GET', '/x'), (error: unknown) => {
          assert.ok(error instanceof HttpError);
          assert.strictEqual(error.status, 429);
          assert.ok(
            error.retryAfterMs !== undefined && error.retryAfterMs > 27_000 && error.retryAfterMs <= 30_000,
            `retryAfterMs ${error.retryAfterMs}`,
          );
          return true;
        });
      } finally {
        await server.close();
      }
    });

    it('keeps a non-JSON error body as (truncated) text', async () => {
      const page = `<html><body>${'x'.repeat(5000)}</body></html>`;
      emulator.inject({ origin: 'pixapi', action: { kind: 'status', status: 502, body: page } });
      await assert.rejects(api.call('GET', '/v1/models'), (error: unknown) => {
        assert.ok(error instanceof HttpError);
        assert.strictEqual(error.status, 502);
        assert.strictEqual(typeof error.body, 'string');
        assert.strictEqual(error.body, page.slice(0, 2000));
        return true;
      });
    });

    it('returns an accepted error status as a response instead of throwing', async () => {
      const response = await api.call('GET', '/v1/tasks/task_nope', { acceptStatuses: [404] });
      assert.strictEqual(response.status, 404);
      assert.strictEqual(num(obj(obj(response.body)?.error)?.code), 404);
    });

    it('returns an accepted redirect with its Location and text body', async () => {
      const server = await localServer((_req, res) =>
        res.writeHead(302, { location: 'https://cdn.example/file.png', 'content-type': 'text/plain' }).end('Found'),
      );
      try {
        const client = new ApiClient({ baseUrl: server.url, key: 'k' });
        const response = await client.call('GET', '/v1/media/m1/image', { acceptStatuses: [302] });
        assert.strictEqual(response.status, 302);
        assert.strictEqual(response.headers.location, 'https://cdn.example/file.png');
        assert.strictEqual(response.body, 'Found');
        assert.strictEqual(server.received.length, 1, 'the redirect is not followed');
      } finally {
        await server.close();
      }
    });

    it('gives an empty answer as an undefined body', async () => {
      const server = await localServer((_req, res) => res.writeHead(204).end());
      try {
        const response = await new ApiClient({ baseUrl: server.url, key: 'k' }).call('POST', '/x', { json: {} });
        assert.strictEqual(response.status, 204);
        assert.strictEqual(response.body, undefined);
      } finally {
        await server.close();
      }
    });
  });

  describe('a gateway that echoes the Authorization header', () => {
    const KEY = 'sk-echoed-secret-0123456789';

    async function echoing(
      status: number,
      contentType: string,
      render: (authorization: string) => string,
    ): Promise<{ error: unknown; close: () => Promise<void> }> {
      const server = await localServer((req, res) =>
        res.writeHead(status, { 'content-type': contentType }).end(render(String(req.headers.authorization))),
      );
      const client = new ApiClient({ baseUrl: server.url, key: KEY });
      const error = await client.call('POST', '/v1/images/generations', { json: {} }).then(
        () => undefined,
        (e: unknown) => e,
      );
      return { error, close: () => server.close() };
    }

    it('keeps the key out of a JSON error body, its message and the stored failure', async () => {
      const { error, close } = await echoing(400, 'application/json', (auth) =>
        JSON.stringify({ error: { message: `bad request; you sent ${auth}`, headers: { authorization: auth, [auth]: 1 } } }),
      );
      try {
        assert.ok(error instanceof HttpError);
        assert.ok(!JSON.stringify(error.body).includes(KEY), JSON.stringify(error.body));
        assert.strictEqual(str(obj(obj(error.body)?.error)?.message), 'bad request; you sent Bearer ***');
        const failure = describeFailure('openai', error);
        assert.ok(!failure.message.includes(KEY) && !JSON.stringify(failure.raw).includes(KEY), failure.message);
        assert.match(failure.message, /Bearer \*\*\*/);
      } finally {
        await close();
      }
    });

    it('keeps the key out of a text error body, even where the body is cut', async () => {
      // The key straddles the 2000-character cut: no prefix of it may survive.
      const { error, close } = await echoing(502, 'text/plain', (auth) => `${'x'.repeat(1985)}${auth} and more`);
      try {
        assert.ok(error instanceof HttpError);
        const text = String(error.body);
        assert.ok(!text.includes(KEY.slice(0, 8)), text.slice(-40));
        assert.strictEqual(text.length, 2000);
        assert.ok(text.endsWith('Bearer *** and '), text.slice(-40));
      } finally {
        await close();
      }
    });

    it('keeps the key out of a 200 answer that is kept (a failed task, an envelope)', async () => {
      const server = await localServer((req, res) =>
        res
          .writeHead(200, { 'content-type': 'application/json' })
          .end(JSON.stringify({ status: 'failed', error: { message: `echo: ${req.headers.authorization}` } })),
      );
      try {
        const response = await new ApiClient({ baseUrl: server.url, key: KEY }).call('GET', '/v1/tasks/1');
        assert.deepStrictEqual(response.body, { status: 'failed', error: { message: 'echo: Bearer ***' } });
      } finally {
        await server.close();
      }
    });

    it('redactSecret replaces the key in strings, object keys and arrays at any depth, and leaves other values alone', () => {
      const value = { a: [`x${KEY}y`, 3, null, { [KEY]: true, b: { c: [KEY] } }], d: false };
      assert.deepStrictEqual(redactSecret(value, KEY), { a: ['x***y', 3, null, { '***': true, b: { c: ['***'] } }], d: false });
      assert.strictEqual(redactSecret('nothing secret', KEY), 'nothing secret');
      assert.strictEqual(redactSecret('abc', 'ab'), 'abc', 'a string too short to be a key is not redacted');
    });
  });

  describe('untrusted answers', () => {
    it('stops reading a body larger than the default 4 MiB (JSON bomb) with a ProtocolError', async () => {
      const bomb = Buffer.from(`[${'0,'.repeat(3 * 1024 * 1024)}0]`); // 6 MiB of valid JSON
      const server = await localServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(bomb));
      try {
        const client = new ApiClient({ baseUrl: server.url, key: 'k' });
        await assert.rejects(client.call('GET', '/v1/tasks/x'), (error: unknown) => {
          assert.ok(error instanceof ProtocolError, String(error));
          assert.match(error.message, /larger than 4096 KiB/);
          return true;
        });
      } finally {
        await server.close();
      }
    });

    it('honours a smaller maxBytes', async () => {
      await assert.rejects(api.call('GET', '/v1/models', { maxBytes: 64 }), ProtocolError);
      const response = await api.call('GET', '/v1/models', { maxBytes: 64 * 1024 });
      assert.strictEqual(response.status, 200);
    });

    it('turns malformed JSON into a ProtocolError', async () => {
      emulator.inject({ origin: 'pixapi', path: '^/v1/models$', action: { kind: 'malformed' } });
      await assert.rejects(api.call('GET', '/v1/models'), (error: unknown) => {
        assert.ok(error instanceof ProtocolError);
        assert.match(error.message, /not valid JSON/);
        return true;
      });
    });

    it('turns a 200 HTML page into a ProtocolError', async () => {
      const server = await localServer((_req, res) =>
        res.writeHead(200, { 'content-type': 'text/html' }).end('<html>captive portal</html>'),
      );
      try {
        await assert.rejects(new ApiClient({ baseUrl: server.url, key: 'k' }).call('GET', '/v1/models'), ProtocolError);
      } finally {
        await server.close();
      }
    });
  });

  describe('network failures', () => {
    it('marks a refused connection as never reached', async () => {
      const port = await refusedPort();
      const client = new ApiClient({ baseUrl: `http://127.0.0.1:${port}`, key: 'k' });
      await assert.rejects(client.call('POST', '/v1/async/images/generations', { json: { prompt: 'x' } }), (error: unknown) => {
        assert.ok(error instanceof NetworkError, String(error));
        assert.strictEqual(error.code, 'ECONNREFUSED');
        assert.strictEqual(error.neverReached, true);
        assert.match(error.message, /^POST \/v1\/async\/images\/generations failed: ECONNREFUSED$/);
        return true;
      });
    });

    it('does not mark a connection dropped after the request was sent as never reached (the task exists)', async () => {
      emulator.inject({ origin: 'pixapi', method: 'POST', action: { kind: 'drop' } });
      await assert.rejects(
        api.call('POST', '/v1/async/images/generations', { json: { model: 'gpt-image-2', prompt: 'x' } }),
        (error: unknown) => {
          assert.ok(error instanceof NetworkError, String(error));
          assert.strictEqual(error.neverReached, false);
          return true;
        },
      );
      assert.strictEqual(emulator.tasks('pixapi').length, 1, 'the provider did create the task');
      assert.strictEqual(emulator.requests[0].fault, 'drop');
    });

    it('does not mark a drop before processing as never reached either (the client cannot tell)', async () => {
      emulator.inject({ origin: 'pixapi', method: 'POST', action: { kind: 'dropBeforeProcessing' } });
      await assert.rejects(
        api.call('POST', '/v1/async/images/generations', { json: { model: 'gpt-image-2', prompt: 'x' } }),
        (error: unknown) => {
          assert.ok(error instanceof NetworkError);
          assert.strictEqual(error.neverReached, false);
          return true;
        },
      );
    });

    it('reports a body cut off mid-way as a NetworkError, not as bad JSON', async () => {
      emulator.inject({ origin: 'pixapi', path: '^/v1/models$', action: { kind: 'truncate' } });
      await assert.rejects(api.call('GET', '/v1/models'), (error: unknown) => {
        assert.ok(error instanceof NetworkError, String(error));
        assert.strictEqual(error.neverReached, false);
        assert.match(error.message, /^Reading the answer to GET \/v1\/models failed/);
        return true;
      });
    });
  });
});

describe('core/http: helpers', () => {
  it('parseRetryAfter reads seconds', () => {
    assert.strictEqual(parseRetryAfter('120'), 120_000);
    assert.strictEqual(parseRetryAfter('0'), 0);
    assert.strictEqual(parseRetryAfter('1.5'), 1500);
    assert.strictEqual(parseRetryAfter(' 3 '), 3000);
    assert.strictEqual(parseRetryAfter(['5', '9']), 5000);
  });

  it('parseRetryAfter reads an HTTP date relative to now, never negative', () => {
    const date = 'Wed, 21 Oct 2015 07:28:00 GMT';
    const at = Date.parse(date);
    assert.strictEqual(parseRetryAfter(date, at - 2500), 2500);
    assert.strictEqual(parseRetryAfter(date, at + 60_000), 0);
  });

  it('parseRetryAfter ignores a missing or meaningless value', () => {
    assert.strictEqual(parseRetryAfter(undefined), undefined);
    assert.strictEqual(parseRetryAfter(''), undefined);
    assert.strictEqual(parseRetryAfter([]), undefined);
    assert.strictEqual(parseRetryAfter('soon'), undefined);
  });

  it('errorCode digs a string code out of nested causes', () => {
    assert.strictEqual(errorCode({ code: 'ECONNRESET' }), 'ECONNRESET');
    assert.strictEqual(errorCode(new TypeError('fetch failed', { cause: { cause: { code: 'ENOTFOUND' } } })), 'ENOTFOUND');
    assert.strictEqual(errorCode({ code: 42, cause: { code: 'EPIPE' } }), 'EPIPE', 'a numeric code is skipped');
    assert.strictEqual(errorCode({ cause: { cause: { cause: { cause: { code: 'EDEEP' } } } } }), undefined, 'at most four levels');
    assert.strictEqual(errorCode('ECONNREFUSED'), undefined);
    assert.strictEqual(errorCode(undefined), undefined);
  });

  it('toNetworkError classifies codes that mean the request never left', () => {
    for (const code of ['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'UND_ERR_CONNECT_TIMEOUT', 'ENETUNREACH', 'EHOSTUNREACH']) {
      const failure = toNetworkError(new Error('x', { cause: { code } }), 'GET /v1/models');
      assert.strictEqual(failure.neverReached, true, code);
      assert.strictEqual(failure.code, code);
      assert.strictEqual(failure.message, `GET /v1/models failed: ${code}`);
    }
    for (const code of ['ECONNRESET', 'UND_ERR_SOCKET', 'UND_ERR_HEADERS_TIMEOUT', 'EPIPE']) {
      assert.strictEqual(toNetworkError({ code }, 'POST /x').neverReached, false, code);
    }
  });

  it('toNetworkError keeps a NetworkError and describes code-less failures', () => {
    const original = new NetworkError('boom', 'ECONNREFUSED', true);
    assert.strictEqual(toNetworkError(original, 'x'), original);
    const plain = toNetworkError(new Error('socket hang up'), 'GET /a');
    assert.strictEqual(plain.code, undefined);
    assert.strictEqual(plain.neverReached, false);
    assert.strictEqual(plain.message, 'GET /a failed: socket hang up');
    assert.strictEqual(toNetworkError('weird', 'GET /b').message, 'GET /b failed: weird');
  });

  it('readLimited stops at the limit and parseJson reports bad JSON as a ProtocolError', async () => {
    assert.strictEqual((await readLimited(chunks('ab', 'cd'), 4, 'it')).toString(), 'abcd');
    await assert.rejects(
      readLimited(chunks('ab', 'cde'), 4, 'The thing'),
      (error: unknown) => error instanceof ProtocolError && /^The thing is larger than/.test(error.message),
    );
    assert.deepStrictEqual(parseJson(Buffer.from('{"a":[1]}'), 'it'), { a: [1] });
    assert.throws(
      () => parseJson(Buffer.from('{"a":'), 'The answer'),
      (error: unknown) => error instanceof ProtocolError && error.message === 'The answer is not valid JSON.',
    );
  });

  it('obj/str/num/arr accept only their own shape', () => {
    assert.deepStrictEqual(obj({ a: 1 }), { a: 1 });
    assert.strictEqual(obj([1]), undefined);
    assert.strictEqual(obj(null), undefined);
    assert.strictEqual(obj('x'), undefined);
    assert.strictEqual(str('x'), 'x');
    assert.strictEqual(str(1), undefined);
    assert.strictEqual(num(3), 3);
    assert.strictEqual(num(Number.NaN), undefined);
    assert.strictEqual(num(Infinity), undefined);
    assert.strictEqual(num('3'), undefined);
    assert.deepStrictEqual(arr([1]), [1]);
    assert.strictEqual(arr({ length: 1 }), undefined);
  });
});
