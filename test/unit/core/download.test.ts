/** openDownload: redirects by hand, the key only on the API origin, every hop checked. */
import * as assert from 'assert';
import { openDownload, UnsafeUrlError } from '../../../src/core/download';
import { ApiClient, arr, HttpError, NetworkError, obj, str } from '../../../src/core/http';
import { ProviderEmulator } from '../../emulator';
import { localServer, refusedPort } from '../../support/localServer';

const KEY = 'test-pixapi-key';
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);


async function readAll(body: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks);
}

describe('core/download: openDownload', () => {
  let emulator: ProviderEmulator;

  before(async () => {
    emulator = await ProviderEmulator.start({ timing: { image: { queueMs: 50, runMs: 150 }, video: { queueMs: 50, runMs: 300 } } });
  });
  after(async () => {
    await emulator.close();
  });
  beforeEach(() => emulator.reset());

  /** A finished Pixapi result on the emulator's CDN (the synchronous endpoint answers once it is done). */
  async function cdnResult(): Promise<string> {
    emulator.configure({ timing: { image: { queueMs: 0, runMs: 0 } } });
    const api = new ApiClient({ baseUrl: emulator.urls.pixapi, key: KEY });
    const response = await api.call('POST', '/v1/images/generations', {
      json: { model: 'gemini-3.1-flash-image-preview', prompt: 'a cat', size: '512x512' },
    });
    const url = str(obj(arr(obj(response.body)?.data)?.[0])?.url);
    assert.ok(url, 'the emulator returned a URL');
    return url;
  }

  it('opens a CDN result with its type and length, without sending the key there', async () => {
    const url = await cdnResult();
    const download = await openDownload(url, { allowLoopback: true, auth: { origin: emulator.urls.pixapi, key: KEY } });
    assert.strictEqual(download.finalUrl, url);
    assert.strictEqual(download.contentType, 'image/png');
    const bytes = await readAll(download.body);
    assert.strictEqual(download.contentLength, bytes.length);
    assert.ok(bytes.subarray(0, 8).equals(PNG_SIGNATURE));
    const cdn = emulator.requests.filter((r) => r.origin === 'cdn');
    assert.strictEqual(cdn.length, 1);
    assert.strictEqual(cdn[0].headers.authorization, undefined);
  });

  it('sends the key on the API origin and drops it after a redirect to another origin', async () => {
    const cdn = await localServer((_req, res) =>
      res.writeHead(200, { 'content-type': 'image/png', 'content-length': '8' }).end(PNG_SIGNATURE),
    );
    const api = await localServer((req, res) => {
      if (req.url === '/v1/media/m1/image') res.writeHead(302, { location: '/v1/media/m1/file' }).end();
      else res.writeHead(302, { location: `${cdn.url}/r/abc/image.png` }).end();
    });
    try {
      const download = await openDownload(`${api.url}/v1/media/m1/image`, {
        allowLoopback: true,
        auth: { origin: api.url, key: 'secret-pixai-key' },
      });
      assert.ok((await readAll(download.body)).equals(PNG_SIGNATURE));
      assert.strictEqual(download.finalUrl, `${cdn.url}/r/abc/image.png`);
      assert.deepStrictEqual(
        api.received.map((r) => r.headers.authorization),
        ['Bearer secret-pixai-key', 'Bearer secret-pixai-key'],
        'the key stays on for a same-origin redirect',
      );
      assert.strictEqual(cdn.received.length, 1);
      assert.strictEqual(cdn.received[0].headers.authorization, undefined, 'the other origin never sees the key');
      assert.ok(!JSON.stringify(cdn.received[0].headers).includes('secret-pixai-key'));
    } finally {
      await api.close();
      await cdn.close();
    }
  });

  it("follows PixAI's keyed media route to the CDN: the key reaches PixAI, never the CDN", async () => {
    emulator.configure({ timing: { image: { queueMs: 0, runMs: 0 } } }); // finished at once: no waiting
    const pixai = new ApiClient({ baseUrl: emulator.urls.pixai, key: 'test-pixai-key' });
    const created = await pixai.call('POST', '/v2/image/create', { json: { modelVersionId: '1983308862240288769', prompt: 'a cat' } });
    const id = str(obj(created.body)?.id);
    assert.ok(id);
    const mediaId = emulator.task('pixai', id)?.mediaIds[0];
    assert.ok(mediaId, 'the task finished with a media id');
    const download = await openDownload(`${emulator.urls.pixai}/v1/media/${mediaId}/image`, {
      allowLoopback: true,
      auth: { origin: emulator.urls.pixai, key: 'test-pixai-key' },
    });
    assert.ok((await readAll(download.body)).subarray(0, 8).equals(PNG_SIGNATURE));
    assert.ok(download.finalUrl.startsWith(emulator.urls.cdn));
    const media = emulator.requests.filter((r) => r.origin === 'pixai' && r.path.startsWith('/v1/media/'));
    const files = emulator.requests.filter((r) => r.origin === 'cdn');
    assert.deepStrictEqual(media.map((r) => [r.status, r.headers.authorization]), [[302, 'Bearer test-pixai-key']]);
    assert.deepStrictEqual(files.map((r) => [r.status, r.headers.authorization]), [[200, undefined]]);
  });

  it('logs every request, redirect and status without the key, headers or the query', async () => {
    const cdn = await localServer((_req, res) =>
      res.writeHead(200, { 'content-type': 'image/png', 'content-length': '8' }).end(PNG_SIGNATURE),
    );
    const api = await localServer((_req, res) =>
      res.writeHead(302, { location: `${cdn.url}/r/abc/image.png?X-Signature=topsecret` }).end(),
    );
    const lines: string[] = [];
    try {
      const download = await openDownload(`${api.url}/v1/media/m1/image`, {
        allowLoopback: true,
        auth: { origin: api.url, key: 'secret-pixai-key' },
        log: (line) => lines.push(line),
      });
      await readAll(download.body);
      assert.strictEqual(lines.length, 4, lines.join('\n'));
      assert.match(lines[0], new RegExp(`^Download: GET ${api.url}/v1/media/m1/image \\(provider API, with the key\\)$`));
      assert.match(
        lines[1],
        new RegExp(`^Download: GET ${api.url}/v1/media/m1/image → 302, redirected to ${cdn.url}/r/abc/image.png\\?… \\(\\d+ ms\\)$`),
      );
      assert.strictEqual(lines[2], `Download: GET ${cdn.url}/r/abc/image.png?…`);
      assert.match(lines[3], /→ 200 \(\d+ ms\)$/);
      for (const line of lines) assert.ok(!/secret-pixai-key|topsecret|authorization/i.test(line), line);
    } finally {
      await api.close();
      await cdn.close();
    }
  });

  it('logs a refused connection and keeps an echoed key out of an error body', async () => {
    const lines: string[] = [];
    const port = await refusedPort();
    await assert.rejects(
      openDownload(`http://127.0.0.1:${port}/x.png`, { allowLoopback: true, log: (line) => lines.push(line) }),
      NetworkError,
    );
    assert.match(lines[1] ?? '', /→ ECONNREFUSED/);
    const api = await localServer((req, res) =>
      res.writeHead(403, { 'content-type': 'text/plain' }).end(`denied for ${req.headers.authorization}`),
    );
    try {
      await assert.rejects(
        openDownload(`${api.url}/v1/media/m1/image`, { allowLoopback: true, auth: { origin: api.url, key: 'secret-pixai-key' } }),
        (error: unknown) => {
          assert.ok(error instanceof HttpError);
          assert.strictEqual(error.body, 'denied for Bearer ***');
          return true;
        },
      );
    } finally {
      await api.close();
    }
  });

  it('sends no key at all without auth', async () => {
    const server = await localServer((_req, res) => res.writeHead(200).end('ok'));
    try {
      const download = await openDownload(`${server.url}/file`, { allowLoopback: true });
      assert.strictEqual((await readAll(download.body)).toString(), 'ok');
      assert.strictEqual(server.received[0].headers.authorization, undefined);
      assert.strictEqual(download.contentType, undefined);
    } finally {
      await server.close();
    }
  });

  it('refuses file:, data: and private-address URLs without connecting', async () => {
    for (const url of [
      'file:///etc/passwd',
      'data:image/png;base64,iVBORw0KGgo=',
      'http://10.0.0.8/r/x.png',
      'http://169.254.169.254/latest/meta-data/',
      'http://[fd00::1]/x.png',
      'ftp://cdn.example/x.png',
    ]) {
      await assert.rejects(openDownload(url, { allowLoopback: true }), UnsafeUrlError, url);
    }
  });

  it('refuses loopback unless allowed', async () => {
    const server = await localServer((_req, res) => res.writeHead(200).end('ok'));
    try {
      await assert.rejects(
        openDownload(`${server.url}/x`, { allowLoopback: false }),
        (error: unknown) => error instanceof UnsafeUrlError && /loopback/.test(error.message),
      );
      assert.strictEqual(server.received.length, 0);
      await openDownload(`${server.url}/x`, { allowLoopback: true }).then((d) => readAll(d.body));
      assert.strictEqual(server.received.length, 1);
    } finally {
      await server.close();
    }
  });

  it('checks every hop: a redirect to a private address or file: is refused', async () => {
    const server = await localServer((req, res) => {
      res.writeHead(302, { location: req.url === '/a' ? 'http://192.168.1.1/router.png' : 'file:///etc/passwd' }).end();
    });
    try {
      await assert.rejects(
        openDownload(`${server.url}/a`, { allowLoopback: true }),
        (error: unknown) => error instanceof UnsafeUrlError && /private network address/.test(error.message),
      );
      await assert.rejects(
        openDownload(`${server.url}/b`, { allowLoopback: true }),
        (error: unknown) => error instanceof UnsafeUrlError && /"file:" scheme/.test(error.message),
      );
    } finally {
      await server.close();
    }
  });

  it('gives HttpError 403 for an expired CDN URL and 404 for a missing one', async () => {
    const url = await cdnResult();
    emulator.inject({ origin: 'cdn', action: { kind: 'expire' } });
    await assert.rejects(openDownload(url, { allowLoopback: true }), (error: unknown) => {
      assert.ok(error instanceof HttpError);
      assert.strictEqual(error.status, 403);
      assert.match(String(error.body), /Request has expired/);
      assert.strictEqual(error.path, new URL(url).pathname);
      return true;
    });
    await assert.rejects(
      openDownload(`${emulator.urls.cdn}/r/00000000000000000000000000000000/missing.png`, { allowLoopback: true }),
      (error: unknown) => {
        assert.ok(error instanceof HttpError);
        assert.strictEqual(error.status, 404);
        assert.match(String(error.body), /NoSuchKey/);
        return true;
      },
    );
  });

  it('caps the number of redirects', async () => {
    const server = await localServer((req, res) =>
      res.writeHead(302, { location: `/hop${Number((req.url ?? '').replace(/\D/g, '') || 0) + 1}` }).end(),
    );
    try {
      await assert.rejects(
        openDownload(`${server.url}/hop0`, { allowLoopback: true, maxRedirects: 3 }),
        (error: unknown) => error instanceof UnsafeUrlError && /too many times/.test(error.message),
      );
      assert.deepStrictEqual(server.received.map((r) => r.url), ['/hop0', '/hop1', '/hop2', '/hop3']);
      server.received.length = 0;
      await assert.rejects(openDownload(`${server.url}/hop0`, { allowLoopback: true }), UnsafeUrlError);
      assert.strictEqual(server.received.length, 6, 'five redirects by default');
    } finally {
      await server.close();
    }
  });

  it('follows up to maxRedirects redirects', async () => {
    const server = await localServer((req, res) => {
      if (req.url === '/hop2') res.writeHead(200, { 'content-type': 'text/plain' }).end('done');
      else res.writeHead(307, { location: req.url === '/hop0' ? '/hop1' : '/hop2' }).end();
    });
    try {
      const download = await openDownload(`${server.url}/hop0`, { allowLoopback: true, maxRedirects: 2 });
      assert.strictEqual((await readAll(download.body)).toString(), 'done');
      assert.strictEqual(download.finalUrl, `${server.url}/hop2`);
    } finally {
      await server.close();
    }
  });

  it('treats a redirect without Location as an HTTP error', async () => {
    const server = await localServer((_req, res) => res.writeHead(302).end());
    try {
      await assert.rejects(
        openDownload(`${server.url}/x`, { allowLoopback: true }),
        (error: unknown) => error instanceof HttpError && error.status === 302,
      );
    } finally {
      await server.close();
    }
  });

  it('reports a refused connection as a NetworkError that never reached the server', async () => {
    const port = await refusedPort();
    await assert.rejects(openDownload(`http://127.0.0.1:${port}/x.png`, { allowLoopback: true }), (error: unknown) => {
      assert.ok(error instanceof NetworkError);
      assert.strictEqual(error.code, 'ECONNREFUSED');
      assert.strictEqual(error.neverReached, true);
      return true;
    });
  });
});
