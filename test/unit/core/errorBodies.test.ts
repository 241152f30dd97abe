/** Error answers are read only a few KiB deep, from the API and from a CDN alike. */
import * as assert from 'assert';
import { openDownload } from '../../../src/core/download';
import { ApiClient, arr, HttpError, MAX_ERROR_BODY_BYTES, obj, str } from '../../../src/core/http';
import { ProviderEmulator } from '../../emulator';

const KEY = 'test-pixapi-key';
const MiB = 1024 * 1024;

describe('core/http and core/download: endless error bodies', () => {
  let emulator: ProviderEmulator;

  before(async () => {
    emulator = await ProviderEmulator.start({ timing: { image: { queueMs: 0, runMs: 0 }, video: { queueMs: 0, runMs: 0 } } });
  });
  after(async () => {
    await emulator.close();
  });
  beforeEach(() => emulator.reset());

  it('an API error with a 64 MiB body is an HttpError with its first few KiB, not "too large"', async () => {
    emulator.inject({ origin: 'pixapi', path: '^/v1/tasks/', action: { kind: 'errorBody', status: 500, bytes: 64 * MiB } });
    const api = new ApiClient({ baseUrl: emulator.urls.pixapi, key: KEY });
    const error = await api.call('GET', '/v1/tasks/task_x').then(() => undefined, (e: unknown) => e);
    assert.ok(error instanceof HttpError, `an HttpError, got ${String(error)}`);
    assert.strictEqual(error.status, 500);
    assert.ok(typeof error.body === 'string' && error.body.length <= MAX_ERROR_BODY_BYTES, `kept ${String(error.body).length} characters`);
  });

  it('a CDN answering 500 with a 200 MiB body: the download fails at once and memory stays flat', async () => {
    const api = new ApiClient({ baseUrl: emulator.urls.pixapi, key: KEY });
    const answer = await api.call('POST', '/v1/images/generations', {
      json: { model: 'gemini-3.1-flash-image-preview', prompt: 'a cat', size: '512x512' },
    });
    const url = str(obj(arr(obj(answer.body)?.data)?.[0])?.url);
    assert.ok(url);
    emulator.inject({ origin: 'cdn', action: { kind: 'errorBody', status: 500, bytes: 200 * MiB }, times: 3 });
    const before = process.memoryUsage().rss;
    for (let attempt = 0; attempt < 3; attempt++) {
      const error = await openDownload(url, { allowLoopback: true }).then(() => undefined, (e: unknown) => e);
      assert.ok(error instanceof HttpError && error.status === 500, String(error));
      assert.ok(String(error.body).length <= MAX_ERROR_BODY_BYTES);
    }
    const grown = (process.memoryUsage().rss - before) / MiB;
    assert.ok(grown < 32, `resident memory grew by ${grown.toFixed(1)} MiB`);
  });
});
