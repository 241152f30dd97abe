/** The download byte path: every chunk checked, then written into a new file; and undici loaded only when needed. */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import { Readable } from 'stream';
import * as os from 'os';
import * as path from 'path';
import { openDownload } from '../../../src/core/download';
import { DownloadRefused, resultInspector, streamToNewFile } from '../../../src/core/files/saveDownload';
import { ProviderEmulator } from '../../emulator';
import { blobByteAt } from '../../emulator/cdn';

const PNG_HEAD = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489', 'hex');

/** A source that yields `chunks` and records whether it was stopped early (as a stream is destroyed). */
function source(chunks: Buffer[]): AsyncIterable<Buffer> & { stopped: boolean; destroy(): void } {
  const state = {
    stopped: false,
    destroy() { state.stopped = true; },
    async *[Symbol.asyncIterator]() {
      let done = false;
      try {
        for (const chunk of chunks) yield chunk;
        done = true;
      } finally {
        if (!done) state.stopped = true;
      }
    },
  };
  return state;
}

describe('core/files/saveDownload', () => {
  let dir: string;
  beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ms-save-')); });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const chunks = () => [PNG_HEAD, ...Array.from({ length: 20 }, (_, i) => Buffer.alloc(65536 + i, i))];

  for (const [name, slowWriteMs] of [['synchronous writes', 20], ['the slow-disk fallback (asynchronous writes)', -1]] as const) {
    it(`writes every byte in order with ${name}`, async () => {
      const file = path.join(dir, 'out.bin');
      const seen: number[] = [];
      const written = await streamToNewFile(source(chunks()), file, (chunk) => seen.push(chunk.length), slowWriteMs);
      const expected = Buffer.concat(chunks());
      assert.equal(written, expected.length);
      assert.deepEqual(seen, chunks().map((c) => c.length));
      assert.ok(fs.readFileSync(file).equals(expected));
    });
  }

  it('never overwrites a file, and lets the unread source go', async () => {
    const file = path.join(dir, 'taken.png');
    fs.writeFileSync(file, 'user file');
    const body = source(chunks());
    await assert.rejects(streamToNewFile(body, file), (error: NodeJS.ErrnoException) => error.code === 'EEXIST');
    assert.equal(fs.readFileSync(file, 'utf8'), 'user file');
    assert.ok(body.stopped);
  });

  it('lets go of an unread undici-like body without an unheard error event', async () => {
    const file = path.join(dir, 'taken-too.png');
    fs.writeFileSync(file, 'user file');
    // Like undici's BodyReadable: destroying it without an error still emits one ("Request aborted").
    const body = new Readable({ read() {}, destroy(error, done) { done(error ?? new Error('Request aborted')); } });
    const unheard = new Promise<boolean>((resolve) => {
      body.on('close', () => resolve(body.listenerCount('error') === 0));
    });
    await assert.rejects(streamToNewFile(body, file), (error: NodeJS.ErrnoException) => error.code === 'EEXIST');
    assert.equal(await unheard, false, 'an error listener was attached before the body was destroyed');
    assert.ok(body.destroyed);
  });

  it('stops at the first chunk the inspector refuses, closes the file and rethrows', async () => {
    const file = path.join(dir, 'big.png');
    const body = source(chunks());
    const inspector = resultInspector(3 * 65536, undefined, 'image/png');
    await assert.rejects(
      streamToNewFile(body, file, (chunk) => inspector.inspect(chunk)),
      (error: Error) => error instanceof DownloadRefused && /larger than the 0 MB limit/.test(error.message),
    );
    assert.ok(body.stopped, 'the source is not read to the end');
    assert.ok(fs.statSync(file).size < 3 * 65536 + PNG_HEAD.length, 'nothing past the limit was written');
    fs.rmSync(file); // closed: removable on every platform
  });

  it('inspector: types the bytes from a head split across chunks, and refuses text', () => {
    const split = resultInspector(1e9, undefined, undefined);
    split.inspect(PNG_HEAD.subarray(0, 10)); // not judged yet: 10 bytes are too few to refuse
    split.inspect(Buffer.concat([PNG_HEAD.subarray(10), Buffer.alloc(100)]));
    assert.equal(split.media()?.mime, 'image/png');
    assert.equal(split.received, PNG_HEAD.length + 100);

    const html = resultInspector(1e9, undefined, 'image/png');
    assert.throws(
      () => html.inspect(Buffer.from('<html><body>Access denied, please sign in again to continue</body></html>')),
      DownloadRefused,
    );

    const short = resultInspector(1e9, 8, undefined);
    short.inspect(PNG_HEAD.subarray(0, 8));
    assert.equal(short.media()?.mime, 'image/png', 'a whole body under 64 bytes is typed once it has all arrived');
  });

  it('saves a video from the emulator CDN through openDownload, byte for byte', async () => {
    const emulator = await ProviderEmulator.start();
    try {
      const size = 1024 * 1024 + 5;
      const response = await openDownload(`${emulator.urls.cdn}/blob/${size}.mp4`, { allowLoopback: true });
      const inspector = resultInspector(1e9, response.contentLength, response.contentType);
      const file = path.join(dir, 'video.mp4');
      assert.equal(await streamToNewFile(response.body, file, (chunk) => inspector.inspect(chunk)), size);
      assert.equal(inspector.media()?.mime, 'video/mp4');
      const bytes = fs.readFileSync(file);
      assert.equal(bytes.length, size);
      for (const offset of [24, 65536, size - 1]) assert.equal(bytes[offset], blobByteAt(offset));
    } finally {
      await emulator.close();
    }
  });

  it('loads undici only on the first request, not with the core modules', () => {
    const core = path.resolve(__dirname, '../../../src/core');
    const script = `
      for (const m of ['adapters/apixo', 'adapters/openai', 'adapters/pixai', 'adapters/pixapi', 'engine', 'errors', 'http', 'download']) require(${JSON.stringify(core)} + '/' + m);
      const loaded = () => Object.keys(require.cache).some((f) => f.includes('/node_modules/undici/'));
      const before = loaded();
      require(${JSON.stringify(core)} + '/http').loadUndici();
      console.log(JSON.stringify({ before, after: loaded() }));`;
    const out = JSON.parse(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' })) as { before: boolean; after: boolean };
    assert.deepEqual(out, { before: false, after: true });
  });
});
