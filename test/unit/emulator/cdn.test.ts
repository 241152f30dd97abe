import * as assert from 'node:assert/strict';
import { type ProviderEmulator } from '../../emulator';
import { MAX_BLOB_BYTES, blobByteAt } from '../../emulator/cdn';
import { HELD_IN_QUEUE, type Json, KEYS, decodePng, download, pollUntil, request, startFast } from './helpers';

describe('emulator: CDN', () => {
  let emulator: ProviderEmulator;

  before(async () => {
    emulator = await startFast();
  });
  after(() => emulator.close());
  afterEach(() => emulator.reset());

  /** Submit a Pixapi image task and wait (through the emulator) for its result URL. */
  async function finishedResultUrl(size = '1024x1024'): Promise<string> {
    const submit = await request(`${emulator.urls.pixapi}/v1/async/images/generations`, {
      key: KEYS.pixapi,
      json: { model: 'gpt-image-2', prompt: 'x', size },
    });
    const id: string = submit.body.id;
    await pollUntil(async () => emulator.task('pixapi', id)?.phase, (phase) => phase === 'succeeded');
    return emulator.task('pixapi', id)?.resultUrls[0] as string;
  }

  it('serves result files without any Authorization and records that none arrived', async () => {
    const url = await finishedResultUrl();
    const file = await download(url);
    assert.equal(file.status, 200);
    decodePng(file.bytes);
    const cdnRequests = emulator.requests.filter((r) => r.origin === 'cdn');
    assert.equal(cdnRequests.length, 1);
    assert.equal(cdnRequests[0].headers.authorization, undefined);
    assert.ok(cdnRequests[0].taskId, 'the request log names the task');
  });

  it('uses unguessable paths and answers 404 XML for unknown ones', async () => {
    const url = await finishedResultUrl();
    assert.match(new URL(url).pathname, /^\/r\/[0-9a-f]{32}\/image-1\.png$/);
    const missing = await request(`${emulator.urls.cdn}/r/00000000000000000000000000000000/image-1.png`);
    assert.equal(missing.status, 404);
    assert.match(String(missing.body), /<Code>NoSuchKey<\/Code>/);
    const wrongName = await request(url.replace('image-1.png', 'other.png'));
    assert.equal(wrongName.status, 404);
  });

  it('does not serve a file before its task finished', async () => {
    emulator.configure({ timing: HELD_IN_QUEUE });
    const submit = await request(`${emulator.urls.pixapi}/v1/async/images/generations`, {
      key: KEYS.pixapi,
      json: { model: 'gpt-image-2', prompt: 'x' },
    });
    const url = emulator.task('pixapi', submit.body.id)?.resultUrls[0] as string;
    assert.equal((await download(url)).status, 404);
  });

  it('expires files after resultTtlMs with a 403 object-store error', async () => {
    const url = await finishedResultUrl();
    assert.equal((await download(url)).status, 200);
    emulator.configure({ resultTtlMs: 30 });
    const statuses = await pollUntil(async () => (await download(url)).status, (status) => status === 403);
    assert.equal(statuses[statuses.length - 1], 403);
    const body = await request(url);
    assert.equal(body.headers.get('content-type'), 'application/xml');
    assert.match(String(body.body), /<Code>AccessDenied<\/Code>/);
  });

  it('defaults to a 24 h lifetime', async () => {
    const url = await finishedResultUrl();
    const file = await download(url);
    assert.equal(file.status, 200);
  });

  it('answers HEAD and single byte ranges', async () => {
    const url = await finishedResultUrl();
    const full = await download(url);
    const head = await fetch(url, { method: 'HEAD' });
    assert.equal(head.status, 200);
    assert.equal(Number(head.headers.get('content-length')), full.bytes.length);
    const part = await download(url, { range: 'bytes=0-7' });
    assert.equal(part.status, 206);
    assert.equal(part.headers.get('content-range'), `bytes 0-7/${full.bytes.length}`);
    assert.deepEqual(part.bytes, full.bytes.subarray(0, 8));
    const tail = await download(url, { range: 'bytes=-4' });
    assert.deepEqual(tail.bytes, full.bytes.subarray(full.bytes.length - 4));
    assert.equal((await download(url, { range: `bytes=${full.bytes.length}-` })).status, 416);
  });

  it('streams /blob/<bytes> with deterministic content and an exact length', async () => {
    const size = 3 * 1024 * 1024 + 17;
    const file = await download(`${emulator.urls.cdn}/blob/${size}`);
    assert.equal(file.status, 200);
    assert.equal(file.headers.get('content-type'), 'application/octet-stream');
    assert.equal(Number(file.headers.get('content-length')), size);
    assert.equal(file.bytes.length, size);
    for (const offset of [0, 1, 65535, 65536, 1_000_000, size - 1]) assert.equal(file.bytes[offset], blobByteAt(offset), `byte ${offset}`);
    const again = await download(`${emulator.urls.cdn}/blob/${size}`);
    assert.ok(again.bytes.equals(file.bytes), 'same bytes every time');
  });

  it('streams /blob/<bytes>.mp4 as a video: an ftyp box, then the same bytes as /blob', async () => {
    const size = 200_000;
    const file = await download(`${emulator.urls.cdn}/blob/${size}.mp4`);
    assert.equal(file.status, 200);
    assert.equal(file.headers.get('content-type'), 'video/mp4');
    assert.equal(file.bytes.length, size);
    assert.equal(file.bytes.subarray(4, 12).toString('latin1'), 'ftypisom');
    for (const offset of [24, 65535, 65536, size - 1]) assert.equal(file.bytes[offset], blobByteAt(offset), `byte ${offset}`);
  });

  it('announces a 1 GiB blob without producing it for HEAD, and refuses larger ones', async () => {
    const head = await fetch(`${emulator.urls.cdn}/blob/${MAX_BLOB_BYTES}`, { method: 'HEAD' });
    assert.equal(head.status, 200);
    assert.equal(Number(head.headers.get('content-length')), MAX_BLOB_BYTES);
    assert.equal((await download(`${emulator.urls.cdn}/blob/${MAX_BLOB_BYTES + 1}`)).status, 400);
  });

  it('lets a client abort a large blob download part-way', async () => {
    const controller = new AbortController();
    const response = await fetch(`${emulator.urls.cdn}/blob/${MAX_BLOB_BYTES}`, { signal: controller.signal });
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    let received = 0;
    while (received < 4 * 1024 * 1024) received += ((await reader.read()).value as Uint8Array).length;
    controller.abort();
    await pollUntil(async () => emulator.requests.some((r) => r.path.startsWith('/blob/')), Boolean);
  });

  it('rejects methods other than GET and HEAD', async () => {
    const response: Json = await request(`${emulator.urls.cdn}/blob/10`, { method: 'PUT', body: 'x' });
    assert.equal(response.status, 405);
  });
});
