/**
 * The address a download connects to is checked, on every hop, with a resolver stub: no test connects to a
 * private address (a refused answer stops the connection before it is made).
 */
import * as assert from 'assert';
import type { LookupFunction } from 'net';
import { openDownload, UnsafeUrlError } from '../../../src/core/download';
import { guardedLookup, PrivateAddressError } from '../../../src/core/guardedConnect';
import { localServer } from '../../support/localServer';

/** A resolver that answers from a table and records every name asked for. */
function stubResolver(table: Record<string, string>, asked: string[]): LookupFunction {
  return ((hostname: string, options: { all?: boolean }, callback: (e: Error | null, a: unknown, f?: number) => void) => {
    asked.push(hostname);
    const address = table[hostname];
    if (!address) return callback(Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' }), '');
    const family = address.includes(':') ? 6 : 4;
    if (options?.all) callback(null, [{ address, family }]);
    else callback(null, address, family);
  }) as unknown as LookupFunction;
}

describe('core/guardedConnect: the connected address is checked', () => {
  it('guardedLookup refuses private, link-local and (unless allowed) loopback answers, single or all', async () => {
    const lookupOf = (address: string, allowLoopback: boolean, all: boolean) => new Promise<unknown>((resolve) => {
      guardedLookup(allowLoopback, stubResolver({ 'h.example': address }, []))('h.example', { all }, (error, answer) =>
        resolve(error ?? answer),
      );
    });
    for (const address of ['10.0.0.5', '169.254.169.254', '192.168.1.1', 'fd00::1', '::ffff:10.0.0.1', '0.0.0.0']) {
      for (const all of [false, true])
        assert.ok((await lookupOf(address, true, all)) instanceof PrivateAddressError, `${address} all=${all}`);
    }
    assert.ok((await lookupOf('127.0.0.1', false, false)) instanceof PrivateAddressError, 'loopback without the exception');
    assert.strictEqual(await lookupOf('127.0.0.1', true, false), '127.0.0.1', 'loopback with the exception');
    assert.strictEqual(await lookupOf('93.184.216.34', false, false), '93.184.216.34');
    assert.deepStrictEqual(await lookupOf('93.184.216.34', false, true), [{ address: '93.184.216.34', family: 4 }]);
  });

  describe('openDownload', () => {
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    let port = 0;
    let server: Awaited<ReturnType<typeof localServer>>;
    before(async () => {
      server = await localServer((req, res) => {
        if (req.url === '/hop') {
          res.writeHead(302, { location: 'http://metadata.example/latest/meta-data' });
          res.end();
          return;
        }
        res.writeHead(200, { 'content-type': 'image/png', 'content-length': String(png.length) });
        res.end(png);
      });
      port = server.port;
    });
    after(() => server.close());

    it('refuses a public-looking name that resolves to a private address, without connecting', async () => {
      const asked: string[] = [];
      const lookup = stubResolver({ 'cdn.example': '10.20.30.40' }, asked);
      const error = await openDownload(`http://cdn.example:${port}/r.png`, { allowLoopback: true, lookup }).then(
        () => undefined,
        (e: unknown) => e,
      );
      assert.ok(error instanceof UnsafeUrlError, String(error));
      assert.match(error.message, /cdn\.example resolves to 10\.20\.30\.40, which is a private network address/);
      assert.deepStrictEqual(asked, ['cdn.example']);
      assert.strictEqual(server.received.length, 0);
    });

    it('refuses a redirect to a name that resolves to the cloud metadata address', async () => {
      const asked: string[] = [];
      const lookup = stubResolver({ 'start.example': '127.0.0.1', 'metadata.example': '169.254.169.254' }, asked);
      const error = await openDownload(`http://start.example:${port}/hop`, { allowLoopback: true, lookup }).then(
        () => undefined,
        (e: unknown) => e,
      );
      assert.ok(error instanceof UnsafeUrlError, String(error));
      assert.match(error.message, /169\.254\.169\.254.*link-local/);
      assert.deepStrictEqual(asked, ['start.example', 'metadata.example']);
    });

    it('keeps the per-task loopback exception: a name resolving to 127.0.0.1 is fetched only when loopback is allowed', async () => {
      const lookup = stubResolver({ 'local.example': '127.0.0.1' }, []);
      const opened = await openDownload(`http://local.example:${port}/r.png`, { allowLoopback: true, lookup });
      for await (const chunk of opened.body) void chunk;
      assert.strictEqual(opened.contentType, 'image/png');
      const error = await openDownload(`http://local.example:${port}/r.png`, { allowLoopback: false, lookup }).then(
        () => undefined,
        (e: unknown) => e,
      );
      assert.ok(error instanceof UnsafeUrlError, String(error));
      assert.match(error.message, /loopback/);
    });
  });
});
