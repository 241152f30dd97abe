/** describeFailure / providerMessage: what a person reads when a provider says no. */
import * as assert from 'assert';
import { describeFailure, type Failure, providerMessage } from '../../../src/core/errors';
import { ApiClient, HttpError, NetworkError, ProtocolError } from '../../../src/core/http';
import { ProviderEmulator } from '../../emulator';

function httpError(status: number, body: unknown, retryAfterMs?: number): HttpError {
  return new HttpError(status, body, retryAfterMs, 'POST', '/v1/async/images/generations');
}

/** Pixapi's documented error body: {error:{code, message, type}}. */
function pixapiBody(code: number | string, message: string, type = 'invalid_request_error'): unknown {
  return { error: { code, message, type } };
}

/** Apixo's documented envelope: {code, message, data:{error}} (data null for auth and balance errors). */
function apixoBody(code: number, message: string, detail?: string): unknown {
  return { code, message, data: detail === undefined ? null : { error: detail } };
}

describe('core/errors: describeFailure', () => {
  const cases: ReadonlyArray<{
    status: number;
    body: unknown;
    kind: Failure['kind'];
    transient: boolean;
    says: RegExp[];
    echoes: boolean;
  }> = [
    {
      status: 400,
      body: pixapiBody(400, "'n' must be an integer between 1 and 10"),
      kind: 'invalid',
      transient: false,
      says: [/^Pixapi rejected the request as invalid\./],
      echoes: true,
    },
    {
      status: 401,
      body: pixapiBody(401, 'Invalid API key', 'authentication_error'),
      kind: 'auth',
      transient: false,
      says: [/rejected the API key/, /Set a valid key with "Media Studio: Set API Key"/],
      echoes: false,
    },
    {
      status: 402,
      body: pixapiBody(402, 'Insufficient credits', 'insufficient_quota'),
      kind: 'credits',
      transient: false,
      says: [/out of credits/, /Top it up on Pixapi's site, then retry\./],
      echoes: false,
    },
    {
      status: 403,
      body: pixapiBody(403, 'Forbidden by policy', 'permission_error'),
      kind: 'rejected',
      transient: false,
      says: [/refused the request \(permission or content policy\)/],
      echoes: true,
    },
    {
      status: 404,
      body: pixapiBody(404, "Model 'gpt-9' not found"),
      kind: 'notFound',
      transient: false,
      says: [/does not know this model or task/],
      echoes: true,
    },
    {
      status: 422,
      body: pixapiBody(422, 'Prompt rejected by content policy'),
      kind: 'rejected',
      transient: false,
      says: [/rejected the prompt/, /Change the prompt and retry\.$/],
      echoes: true,
    },
    {
      status: 429,
      body: pixapiBody('rate_limited', 'Rate limit exceeded, please retry later', 'rate_limit_error'),
      kind: 'rateLimited',
      transient: true,
      says: [/rate limiting/, /backing off/],
      echoes: false,
    },
    {
      status: 500,
      body: { error: { code: 500, message: 'Internal server error', type: 'server_error', request_id: 'req_1' } },
      kind: 'server',
      transient: true,
      says: [/server error \(500\)/],
      echoes: true,
    },
    {
      status: 503,
      body: pixapiBody(503, 'Model is currently unavailable', 'service_unavailable_error'),
      kind: 'unavailable',
      transient: true,
      says: [/model is unavailable right now/],
      echoes: true,
    },
  ];

  for (const c of cases) {
    it(`${c.status}: ${c.kind}, ${c.transient ? 'transient' : 'not transient'}, says what to do`, () => {
      const failure = describeFailure('pixapi', httpError(c.status, c.body));
      assert.strictEqual(failure.kind, c.kind);
      assert.strictEqual(failure.transient, c.transient);
      assert.strictEqual(failure.status, c.status);
      assert.strictEqual(failure.raw, c.body, 'the raw body is kept for display');
      for (const pattern of c.says) assert.match(failure.message, pattern);
      assert.ok(failure.message.includes('Pixapi'), 'names the provider');
      const said = (c.body as { error: { message: string } }).error.message;
      assert.strictEqual(
        failure.message.includes(`Pixapi said: "${said}"`),
        c.echoes,
        `echo of the provider's message in: ${failure.message}`,
      );
    });
  }

  it('keeps Pixapi numeric and string error codes as strings', () => {
    assert.strictEqual(describeFailure('pixapi', httpError(402, pixapiBody(402, 'Insufficient credits'))).code, '402');
    assert.strictEqual(describeFailure('pixapi', httpError(429, pixapiBody('rate_limited', 'slow down'))).code, 'rate_limited');
  });

  it("reads Apixo's envelope: the detail from data.error, the code from the envelope", () => {
    const failure = describeFailure(
      'apixo',
      httpError(400, apixoBody(400, 'Invalid request parameters', "'aspect_ratio' must be one of 1:1, 16:9")),
    );
    assert.strictEqual(failure.kind, 'invalid');
    assert.strictEqual(failure.code, '400');
    assert.strictEqual(failure.message, `Apixo rejected the request as invalid. Apixo said: "'aspect_ratio' must be one of 1:1, 16:9"`);
    const balance = describeFailure('apixo', httpError(402, apixoBody(402, 'Insufficient balance')));
    assert.strictEqual(balance.kind, 'credits');
    assert.match(balance.message, /^Your Apixo account is out of credits\./);
  });

  it("uses each provider's label", () => {
    assert.match(describeFailure('pixai', httpError(401, { message: 'bad key' })).message, /^PixAI rejected the API key/);
    assert.match(describeFailure('openai', httpError(503, {})).message, /^The OpenAI-compatible model is unavailable/);
  });

  it('treats other 5xx as server errors and other statuses as not transient', () => {
    const bad = describeFailure('pixapi', httpError(502, 'Bad Gateway'));
    assert.deepStrictEqual([bad.kind, bad.transient], ['server', true]);
    assert.match(bad.message, /server error \(502\)\. Pixapi said: "Bad Gateway"/);
    const teapot = describeFailure('pixapi', httpError(418, { message: 'short and stout' }));
    assert.deepStrictEqual([teapot.kind, teapot.transient], ['other', false]);
    assert.strictEqual(teapot.message, 'Pixapi answered 418. Pixapi said: "short and stout"');
  });

  it('says nothing more than the status when the body has no message', () => {
    const failure = describeFailure('pixapi', httpError(400, { error: { code: 400 } }));
    assert.strictEqual(failure.message, 'Pixapi rejected the request as invalid.');
    assert.strictEqual(failure.code, '400');
  });

  it('does not echo an HTML error page', () => {
    const page =
      '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n';
    const failure = describeFailure('pixapi', httpError(502, page));
    assert.strictEqual(failure.message, 'Pixapi had a server error (502).');
    assert.ok(!failure.message.includes('<'));
  });

  it('describes a network failure as transient, with its code', () => {
    const failure = describeFailure('pixai', new NetworkError('GET /v1/task/1 failed: ECONNREFUSED', 'ECONNREFUSED', true));
    assert.deepStrictEqual([failure.kind, failure.transient, failure.code], ['network', true, 'ECONNREFUSED']);
    assert.strictEqual(failure.message, 'Could not reach PixAI: ECONNREFUSED.');
    const codeless = describeFailure('pixai', new NetworkError('socket hang up', undefined, false));
    assert.strictEqual(codeless.message, 'Could not reach PixAI: socket hang up.');
  });

  it('describes an unreadable answer as a transient protocol failure', () => {
    const failure = describeFailure('apixo', new ProtocolError('The answer to GET /x is not valid JSON.'));
    assert.deepStrictEqual([failure.kind, failure.transient], ['protocol', true]);
    assert.strictEqual(failure.message, 'Apixo sent an answer Media Studio cannot read: The answer to GET /x is not valid JSON.');
  });

  it('passes any other error through as not transient', () => {
    assert.deepStrictEqual(describeFailure('pixapi', new Error('disk full')), { kind: 'other', transient: false, message: 'disk full' });
    assert.deepStrictEqual(describeFailure('pixapi', 'just a string'), { kind: 'other', transient: false, message: 'just a string' });
  });

  describe('with errors from a real ApiClient', () => {
    let emulator: ProviderEmulator;
    before(async () => {
      emulator = await ProviderEmulator.start({ timing: { image: { queueMs: 50, runMs: 150 }, video: { queueMs: 50, runMs: 300 } } });
    });
    after(async () => {
      await emulator.close();
    });

    it('turns an emulated Pixapi 402 and a refused prompt into their messages', async () => {
      const api = new ApiClient({ baseUrl: emulator.urls.pixapi, key: 'test-pixapi-key' });
      emulator.inject({ origin: 'pixapi', method: 'POST', action: { kind: 'status', status: 402 } });
      const credits = await api
        .call('POST', '/v1/async/images/generations', { json: { model: 'gpt-image-2', prompt: 'a cat' } })
        .catch((e: unknown) => e);
      assert.strictEqual(describeFailure('pixapi', credits).kind, 'credits');
      const rejected = await api
        .call('POST', '/v1/async/images/generations', { json: { model: 'gpt-image-2', prompt: 'a cat [reject]' } })
        .catch((e: unknown) => e);
      const failure = describeFailure('pixapi', rejected);
      assert.strictEqual(failure.kind, 'rejected');
      assert.strictEqual(
        failure.message,
        'Pixapi rejected the prompt. Pixapi said: "Prompt rejected by content policy" Change the prompt and retry.',
      );
    });

    it('does not echo an HTML page sent by a proxy in front of the provider', async () => {
      const api = new ApiClient({ baseUrl: emulator.urls.pixapi, key: 'test-pixapi-key' });
      emulator.inject({
        origin: 'pixapi',
        action: { kind: 'status', status: 502, body: '<html><body><h1>502 Bad Gateway</h1></body></html>' },
      });
      const error = await api.call('GET', '/v1/models').catch((e: unknown) => e);
      assert.ok(error instanceof HttpError);
      assert.strictEqual(describeFailure('pixapi', error).message, 'Pixapi had a server error (502).');
    });
  });
});

describe('core/errors: providerMessage', () => {
  it('reads Pixapi {error:{code,message}} with numeric and string codes', () => {
    assert.strictEqual(providerMessage(pixapiBody(404, "Model 'x' not found")), "Model 'x' not found");
    assert.strictEqual(providerMessage(pixapiBody('rate_limited', 'Rate limit exceeded')), 'Rate limit exceeded');
  });

  it('reads the Apixo envelope, preferring the specific data.error', () => {
    assert.strictEqual(providerMessage(apixoBody(400, 'Invalid request parameters', "'prompt' is required")), "'prompt' is required");
    assert.strictEqual(providerMessage(apixoBody(401, 'Invalid API key')), 'Invalid API key');
  });

  it('reads a bare {message} and an {error: "text"}', () => {
    assert.strictEqual(providerMessage({ message: 'Too many tasks' }), 'Too many tasks');
    assert.strictEqual(providerMessage({ error: 'invalid token' }), 'invalid token');
  });

  it('finds nothing in bodies without a message', () => {
    assert.strictEqual(providerMessage({}), undefined);
    assert.strictEqual(providerMessage({ error: { code: 500 } }), undefined);
    assert.strictEqual(providerMessage({ message: 42 }), undefined);
    assert.strictEqual(providerMessage(undefined), undefined);
    assert.strictEqual(providerMessage(null), undefined);
    assert.strictEqual(providerMessage(['oops']), undefined);
  });

  it('echoes short plain text, trimmed, but not long text or HTML pages', () => {
    assert.strictEqual(providerMessage('  Service Unavailable \n'), 'Service Unavailable');
    assert.strictEqual(providerMessage('   '), undefined);
    assert.strictEqual(providerMessage('x'.repeat(300)), undefined);
    assert.strictEqual(providerMessage('<html><body>Bad Gateway</body></html>'), undefined);
    assert.strictEqual(providerMessage('<HTML><HEAD><TITLE>Error</TITLE></HEAD></HTML>'), undefined);
  });


  describe('found by review', () => {
  it('does not echo a short HTML page that has no <html> tag', () => {
    assert.strictEqual(providerMessage('<!DOCTYPE html><title>Error</title><h1>502 Bad Gateway</h1>'), undefined);
    assert.strictEqual(providerMessage('<h1>Service Unavailable</h1>'), undefined);
  });
  });
});
