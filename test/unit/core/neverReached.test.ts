/** "Never reached" needs the error code AND a body not yet started: a socket error after the bytes went out is unsure. */
import * as assert from 'assert';
import type { Dispatcher } from 'undici';
import { ApiClient, loadUndici, NetworkError } from '../../../src/core/http';
import { refusedPort } from '../../support/localServer';

/** A dispatcher whose connection fails with `code`, after reading the request body first when `readBody` is set. */
function failingDispatcher(code: string, readBody: boolean): Dispatcher {
  class Failing extends loadUndici().Dispatcher {
    override dispatch(options: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): boolean {
      void (async () => {
        const body = options.body as AsyncIterable<Uint8Array> | undefined;
        if (readBody && body) for await (const chunk of body) void chunk;
        const error = Object.assign(new Error(`connect ${code}`), { code });
        // undici's request handler takes errors through onError (older) or onResponseError (newer API).
        const h = handler as { onError?: (e: Error) => void; onResponseError?: (c: unknown, e: Error) => void };
        if (h.onResponseError) h.onResponseError({}, error); else h.onError?.(error);
      })();
      return true;
    }
  }
  return new Failing();
}

describe('core/http: never reached only before the body was sent', () => {
  for (const code of ['EHOSTUNREACH', 'ENETUNREACH', 'ECONNREFUSED']) {
    it(`${code} after the body was written is not "never reached" (the submit may have arrived)`, async () => {
      const client = new ApiClient({ baseUrl: 'http://api.example', key: 'k', dispatcher: failingDispatcher(code, true) });
      const error = await client.call('POST', '/v1/async/images/generations', { json: { prompt: 'x' } }).then(
        () => undefined,
        (e: unknown) => e,
      );
      assert.ok(error instanceof NetworkError, String(error));
      assert.strictEqual(error.code, code);
      assert.strictEqual(error.neverReached, false);
    });

    it(`${code} before any of the body was written is "never reached"`, async () => {
      const client = new ApiClient({ baseUrl: 'http://api.example', key: 'k', dispatcher: failingDispatcher(code, false) });
      const error = await client.call('POST', '/v1/async/images/generations', { json: { prompt: 'x' } }).then(
        () => undefined,
        (e: unknown) => e,
      );
      assert.ok(error instanceof NetworkError, String(error));
      assert.strictEqual(error.neverReached, true);
    });
  }

  it('a real refused connection is still "never reached" (the body is not pulled before the connection)', async () => {
    const port = await refusedPort();
    const client = new ApiClient({ baseUrl: `http://127.0.0.1:${port}`, key: 'k' });
    const error = await client.call('POST', '/v1/x', { json: { prompt: 'x' } }).then(() => undefined, (e: unknown) => e);
    assert.ok(error instanceof NetworkError && error.neverReached, String(error));
  });
});
