/** A download has an overall deadline scaled to its size; a drip-fed one is stopped and may be tried again. */
import * as assert from 'assert';
import { openDownload } from '../../../src/core/download';
import { downloadDeadlineMs, DownloadTooSlowError, watchDownload } from '../../../src/core/downloadDeadline';
import { ApiClient, arr, obj, str } from '../../../src/core/http';
import { ProviderEmulator } from '../../emulator';

describe('core/downloadDeadline', () => {
  it('scales with the size: a minimum, plus the size at the slowest throughput accepted', () => {
    const pace = { minMs: 120_000, minBytesPerSecond: 64 * 1024 };
    assert.strictEqual(downloadDeadlineMs(0, 0, pace), 120_000);
    assert.strictEqual(downloadDeadlineMs(64 * 1024 * 100, 0, pace), 220_000, '6.4 MiB: two minutes plus 100 s');
    assert.strictEqual(downloadDeadlineMs(undefined, 64 * 1024 * 10, pace), 130_000, 'no Content-Length: the bytes so far count');
    assert.strictEqual(downloadDeadlineMs(NaN, 0, pace), 120_000);
  });

  describe('against a drip-feeding CDN', () => {
    let emulator: ProviderEmulator;
    before(async () => {
      emulator = await ProviderEmulator.start({ timing: { image: { queueMs: 0, runMs: 0 }, video: { queueMs: 0, runMs: 0 } } });
    });
    after(async () => {
      await emulator.close();
    });

    it('stops a download that drips 16 bytes every 50 ms once past its deadline, with a retryable error', async () => {
      const api = new ApiClient({ baseUrl: emulator.urls.pixapi, key: 'test-pixapi-key' });
      const answer = await api.call('POST', '/v1/images/generations', {
        json: { model: 'gemini-3.1-flash-image-preview', prompt: 'a cat', size: '512x512' },
      });
      const url = str(obj(arr(obj(answer.body)?.data)?.[0])?.url);
      assert.ok(url);
      emulator.inject({ origin: 'cdn', action: { kind: 'drip', bytesPerChunk: 16, everyMs: 50 } });
      const controller = new AbortController();
      const download = await openDownload(url, { allowLoopback: true, signal: controller.signal });
      let received = 0;
      const started = Date.now();
      const watch = watchDownload({
        contentLength: download.contentLength,
        received: () => received,
        late: (error) => controller.abort(error),
        pace: { minMs: 300, minBytesPerSecond: 1024 * 1024 },
      });
      const error = await (async () => {
        for await (const chunk of download.body) received += chunk.length;
      })().then(() => undefined, (e: unknown) => e).finally(() => watch.stop());
      assert.ok(error instanceof DownloadTooSlowError, `stopped as too slow, got ${String(error)}`);
      assert.strictEqual(error.code, 'ETIMEDOUT', 'counts as worth another attempt');
      assert.ok(received > 0 && received < (download.contentLength ?? Infinity), `${received} bytes arrived before the stop`);
      assert.ok(Date.now() - started < 5000, 'stopped near its deadline');
    });
  });
});
