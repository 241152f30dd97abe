import * as assert from 'node:assert/strict';
import { type ProviderEmulator } from '../../emulator';
import {
  HELD_IN_QUEUE,
  type Json,
  KEYS,
  assertMp4,
  decodePng,
  distinctRuns,
  download,
  jpegSize,
  pollUntil,
  request,
  STATE_WALK_TIMING,
  startFast,
} from './helpers';

const KEY = KEYS.apixo;

describe('emulator: Apixo', () => {
  let emulator: ProviderEmulator;
  let api: string;

  before(async () => {
    emulator = await startFast();
    api = emulator.urls.apixo + '/api/v1';
  });
  after(() => emulator.close());
  afterEach(() => emulator.reset());

  /** key null = send no Authorization header. */
  const generate = (model: string, body: unknown, key: string | null = KEY) =>
    request(`${api}/generateTask/${model}`, { key: key ?? undefined, json: body });
  const generateOk = async (model: string, input: Record<string, unknown>) => {
    const response = await generate(model, { request_type: 'async', input });
    assert.equal(response.status, 200, JSON.stringify(response.body));
    return response.body.data.taskId as string;
  };
  const status = (model: string, taskId: string, key = KEY) =>
    request(`${api}/statusTask/${model}?taskId=${encodeURIComponent(taskId)}`, { key });
  const pollToEnd = async (model: string, taskId: string) =>
    pollUntil(
      async () => (await status(model, taskId)).body,
      (envelope: Json) => envelope.data.state === 'success' || envelope.data.state === 'failed',
    );
  const balance = async () => (await request(`${api}/apikeys/current-balance`, { key: KEY })).body;

  it('runs an image task through pending → processing → success with resultJson as a JSON string', async () => {
    emulator.configure({ timing: STATE_WALK_TIMING });
    const submit = await generate('nano-banana', {
      request_type: 'async',
      input: { mode: 'text-to-image', prompt: 'A futuristic city', aspect_ratio: '16:9', output_format: 'png' },
    });
    assert.equal(submit.status, 200);
    assert.equal(submit.body.code, 200);
    assert.equal(submit.body.message, 'success');
    assert.match(submit.body.data.taskId, /^task_[a-z0-9]+$/);

    const seen = await pollToEnd('nano-banana', submit.body.data.taskId);
    assert.ok(seen.every((envelope: Json) => envelope.code === 200 && envelope.message === 'success'));
    assert.deepEqual(distinctRuns(seen.map((e: Json) => e.data.state)), ['pending', 'processing', 'success']);
    assert.deepEqual(Object.keys(seen[0].data), ['taskId', 'state', 'createTime']);
    const data = seen.pop().data;
    assert.deepEqual(Object.keys(data), ['taskId', 'state', 'resultJson', 'costTime', 'createTime', 'completeTime']);
    assert.equal(typeof data.resultJson, 'string');
    const { resultUrls } = JSON.parse(data.resultJson);
    assert.equal(resultUrls.length, 1);
    assert.ok(resultUrls[0].startsWith(emulator.urls.cdn + '/'));
    assert.ok(data.createTime > 1e12, 'createTime in Unix ms');
    assert.ok(data.completeTime >= data.createTime);
    assert.equal(data.costTime, STATE_WALK_TIMING.image.runMs, 'costTime is the processing time in ms');
    const file = await download(resultUrls[0]);
    assert.equal(file.headers.get('content-type'), 'image/png');
    assert.deepEqual(decodePng(file.bytes), { width: 1024, height: 576 });
  });

  it('produces JPEG files for output_format jpeg, sized by aspect ratio and resolution', async () => {
    const taskId = await generateOk('gpt-image-2', { prompt: 'x', aspect_ratio: '3:4', resolution: '2k', output_format: 'jpeg' });
    const data = (await pollToEnd('gpt-image-2', taskId)).pop().data;
    const url = JSON.parse(data.resultJson).resultUrls[0];
    assert.match(url, /\.jpg$/);
    const file = await download(url);
    assert.equal(file.headers.get('content-type'), 'image/jpeg');
    assert.deepEqual(jpegSize(file.bytes), { width: 1536, height: 2048 });
  });

  it('gives midjourney four results and supports image-to-image with image_urls', async () => {
    const taskId = await generateOk('midjourney', { mode: 'image-to-image', prompt: 'x', image_urls: ['https://example.com/a.png'] });
    const data = (await pollToEnd('midjourney', taskId)).pop().data;
    assert.equal(JSON.parse(data.resultJson).resultUrls.length, 4);
  });

  it('runs a video task and serves a real MP4', async () => {
    const taskId = await generateOk('wan-2-5', {
      mode: 'text-to-video',
      prompt: 'x',
      aspect_ratio: '9:16',
      resolution: '720p',
      duration: 5,
    });
    const data = (await pollToEnd('wan-2-5', taskId)).pop().data;
    const file = await download(JSON.parse(data.resultJson).resultUrls[0]);
    assert.equal(file.headers.get('content-type'), 'video/mp4');
    assertMp4(file.bytes);
  });

  it('takes any positive duration: only "duration: seconds" is documented', async () => {
    await generateOk('wan-2-5', { prompt: 'x', duration: 3 });
    await generateOk('wan-2-5', { prompt: 'x', duration: 25 });
    await generateOk('wan-2-5', { prompt: 'x', duration: 5.5 });
  });

  it('accepts each model its own modes (MODELS.md)', async () => {
    await generateOk('veo-3-1', { mode: 'fast', prompt: 'x' });
    await generateOk('veo-3-1', {
      mode: 'quality',
      generationType: 'FIRST_AND_LAST_FRAMES_2_VIDEO',
      prompt: 'x',
      image_urls: ['https://example.com/a.png'],
    });
    await generateOk('flux-2', { mode: 'pro-text-to-image', prompt: 'x' });
    await generateOk('flux-2', { mode: 'flex-image-to-image', prompt: 'x', image_urls: ['https://example.com/a.png'] });
    await generateOk('sora-2-pro', { prompt: 'x' });
    await generateOk('kling-2-1', { mode: 'master-text-to-video', prompt: 'x' });
    await generateOk('kling-2-1', {
      mode: 'pro-image-to-video',
      prompt: 'x',
      image_urls: ['https://example.com/a.png', 'https://example.com/b.png'],
      duration: 10,
    });
    await generateOk('gpt-image-1', { mode: 'gpt-image-1', prompt: 'x' });
    await generateOk('nano-banana-2', { prompt: 'x', resolution: '4k', aspect_ratio: '8:1' });
    await generateOk('sora-2', { prompt: 'x', aspect_ratio: 'portrait', duration: 12, image_urls: ['https://example.com/a.png'] });
    await generateOk('ltx-2-19b', { mode: 'text-to-video-LoRA', prompt: 'x', loras: [{ path: 'a', scale: 1 }] });
  });

  it("records veo-3-1's generationType with the task", async () => {
    const taskId = await generateOk('veo-3-1', {
      mode: 'fast',
      generationType: 'REFERENCE_2_VIDEO',
      prompt: 'x',
      image_urls: ['https://example.com/a.png'],
    });
    assert.equal(
      (emulator.task('apixo', taskId)?.request as { input: { generationType?: string } }).input.generationType,
      'REFERENCE_2_VIDEO',
    );
  });

  it('reports a failed task with HTTP 200, state failed, failCode and failMsg', async () => {
    emulator.configure({ timing: STATE_WALK_TIMING });
    const taskId = await generateOk('nano-banana', { prompt: 'x [fail]' });
    const seen = await pollToEnd('nano-banana', taskId);
    assert.deepEqual(distinctRuns(seen.map((e: Json) => e.data.state)), ['pending', 'processing', 'failed']);
    const data = seen.pop().data;
    assert.deepEqual(Object.keys(data), ['taskId', 'state', 'costTime', 'createTime', 'completeTime', 'failCode', 'failMsg']);
    assert.equal(data.failCode, 'CONTENT_VIOLATION');
    assert.equal(typeof data.failMsg, 'string');

    const other = await generateOk('nano-banana', { prompt: 'x [fail:SensitiveContentDetected]' });
    const response = await status('nano-banana', other);
    assert.equal(response.status, 200);
    assert.equal((await pollToEnd('nano-banana', other)).pop().data.failCode, 'SensitiveContentDetected');
  });

  it('answers 403 envelope for a [reject] prompt', async () => {
    const { status: code, body } = await generate('nano-banana', { request_type: 'async', input: { prompt: 'x [reject]' } });
    assert.equal(code, 403);
    assert.equal(body.code, 403);
    assert.equal(body.data, null);
    assert.equal(emulator.tasks().length, 0);
  });

  const invalid: Array<[string, string, unknown]> = [
    ['request_type missing', 'nano-banana', { input: { prompt: 'x' } }],
    ['request_type unknown', 'nano-banana', { request_type: 'sync', input: { prompt: 'x' } }],
    ['callback without callback_url', 'nano-banana', { request_type: 'callback', input: { prompt: 'x' } }],
    [
      'callback_url over http',
      'nano-banana',
      { request_type: 'callback', callback_url: 'http://example.com/hook', input: { prompt: 'x' } },
    ],
    ['input missing', 'nano-banana', { request_type: 'async' }],
    ['prompt missing', 'nano-banana', { request_type: 'async', input: { mode: 'text-to-image' } }],
    ['mode of another model', 'nano-banana', { request_type: 'async', input: { mode: 'quality', prompt: 'x' } }],
    ['flux-2 with a plain mode', 'flux-2', { request_type: 'async', input: { mode: 'text-to-image', prompt: 'x' } }],
    ['image-to-image without image_urls', 'nano-banana', { request_type: 'async', input: { mode: 'image-to-image', prompt: 'x' } }],
    ['image-to-video without image_urls', 'wan-2-5', { request_type: 'async', input: { mode: 'image-to-video', prompt: 'x' } }],
    [
      'image_urls not an array',
      'nano-banana',
      { request_type: 'async', input: { mode: 'image-to-image', prompt: 'x', image_urls: 'https://example.com/a.png' } },
    ],
    [
      'image_urls with a non-http URL',
      'nano-banana',
      { request_type: 'async', input: { mode: 'image-to-image', prompt: 'x', image_urls: ['file:///a.png'] } },
    ],
    ['image aspect ratio on video', 'sora-2', { request_type: 'async', input: { prompt: 'x', aspect_ratio: '4:3' } }],
    ['unknown image aspect ratio', 'nano-banana', { request_type: 'async', input: { prompt: 'x', aspect_ratio: '7:5' } }],
    ['video resolution on image', 'nano-banana', { request_type: 'async', input: { prompt: 'x', resolution: '720p' } }],
    ['image resolution on video', 'wan-2-5', { request_type: 'async', input: { prompt: 'x', resolution: '2K' } }],
    ['duration of zero', 'wan-2-5', { request_type: 'async', input: { prompt: 'x', duration: 0 } }],
    ['negative duration', 'wan-2-5', { request_type: 'async', input: { prompt: 'x', duration: -5 } }],
    ['duration as text', 'wan-2-5', { request_type: 'async', input: { prompt: 'x', duration: '5' } }],
    ['unknown output_format', 'nano-banana', { request_type: 'async', input: { prompt: 'x', output_format: 'gif' } }],
    // Per-model pages (MODELS.md): modes, reference counts, value lists.
    [
      'a kling-2-1 mode its page does not list',
      'kling-2-1',
      { request_type: 'async', input: { prompt: 'x', mode: 'image-to-video', image_urls: ['https://example.com/a.png'] } },
    ],
    ['kling-2-1 duration 8 (5 or 10)', 'kling-2-1', { request_type: 'async', input: { prompt: 'x', duration: 8 } }],
    [
      'kling-2-1 standard-image-to-video with 2 images',
      'kling-2-1',
      {
        request_type: 'async',
        input: { prompt: 'x', mode: 'standard-image-to-video', image_urls: ['https://example.com/a.png', 'https://example.com/b.png'] },
      },
    ],
    ['sora-2 aspect 16:9 (landscape or portrait)', 'sora-2', { request_type: 'async', input: { prompt: 'x', aspect_ratio: '16:9' } }],
    [
      'sora-2 with 2 images (exactly 1)',
      'sora-2',
      { request_type: 'async', input: { prompt: 'x', image_urls: ['https://example.com/a.png', 'https://example.com/b.png'] } },
    ],
    ['sora-2 a mode its page does not have', 'sora-2', { request_type: 'async', input: { prompt: 'x', mode: 'text-to-video' } }],
    ['nano-banana-2 upper-case resolution', 'nano-banana-2', { request_type: 'async', input: { prompt: 'x', resolution: '2K' } }],
    [
      'nano-banana with 6 images (at most 5)',
      'nano-banana',
      { request_type: 'async', input: { prompt: 'x', mode: 'image-to-image', image_urls: Array(6).fill('https://example.com/a.png') } },
    ],
    [
      'veo-3-1 FIRST_AND_LAST_FRAMES_2_VIDEO without images',
      'veo-3-1',
      { request_type: 'async', input: { prompt: 'x', generationType: 'FIRST_AND_LAST_FRAMES_2_VIDEO' } },
    ],
    [
      'veo-3-1 REFERENCE_2_VIDEO in quality mode',
      'veo-3-1',
      {
        request_type: 'async',
        input: { prompt: 'x', mode: 'quality', generationType: 'REFERENCE_2_VIDEO', image_urls: ['https://example.com/a.png'] },
      },
    ],
    [
      'veo-3-1 with 4 images (at most 3)',
      'veo-3-1',
      {
        request_type: 'async',
        input: { prompt: 'x', generationType: 'REFERENCE_2_VIDEO', image_urls: Array(4).fill('https://example.com/a.png') },
      },
    ],
    [
      'sora-2-pro with an image (none documented)',
      'sora-2-pro',
      { request_type: 'async', input: { prompt: 'x', image_urls: ['https://example.com/a.png'] } },
    ],
  ];
  for (const [name, model, body] of invalid) {
    it(`answers 400 {code:400, message, data:{error}} for ${name}`, async () => {
      const response = await generate(model, body);
      assert.equal(response.status, 400);
      assert.equal(response.body.code, 400);
      assert.equal(typeof response.body.message, 'string');
      assert.equal(typeof response.body.data.error, 'string');
      assert.equal(emulator.tasks().length, 0);
    });
  }

  it('requires a JSON content type', async () => {
    const response = await request(`${api}/generateTask/nano-banana`, {
      key: KEY,
      body: JSON.stringify({ request_type: 'async', input: { prompt: 'x' } }),
      headers: { 'content-type': 'text/plain' },
    });
    assert.equal(response.status, 400);
  });

  it('accepts callback mode with an https callback_url (and never calls it)', async () => {
    const response = await generate('nano-banana', {
      request_type: 'callback',
      callback_url: 'https://example.com/hook',
      input: { prompt: 'x' },
    });
    assert.equal(response.status, 200);
  });

  it('answers 404 envelopes for an unknown model, an unknown task and a model mismatch', async () => {
    const unknownModel = await generate('dall-e-9', { request_type: 'async', input: { prompt: 'x' } });
    assert.equal(unknownModel.status, 404);
    assert.equal(unknownModel.body.code, 404);
    assert.equal(unknownModel.body.data, null);

    const taskId = await generateOk('nano-banana', { prompt: 'x' });
    const mismatch = await status('gpt-image-2', taskId);
    assert.equal(mismatch.status, 404);
    assert.equal(mismatch.body.code, 404);
    assert.equal((await status('nano-banana', 'task_unknown')).status, 404);
    assert.equal((await status('no-such-model', taskId)).status, 404);
    const noTaskId = await request(`${api}/statusTask/nano-banana`, { key: KEY });
    assert.equal(noTaskId.status, 400);
    assert.equal((await request(`${api}/nothing`, { key: KEY })).status, 404);
  });

  it('answers 401 {code:401, message:"Invalid API key", data:null} for a missing or wrong key', async () => {
    for (const key of [null, 'wrong']) {
      const response = await generate('nano-banana', { request_type: 'async', input: { prompt: 'x' } }, key);
      assert.equal(response.status, 401);
      assert.deepEqual(response.body, { code: 401, message: 'Invalid API key', data: null });
    }
    assert.equal((await request(`${api}/apikeys/current-balance`)).status, 401);
  });

  it('reports the USD balance and charges each task', async () => {
    assert.deepEqual(await balance(), { code: 200, message: 'success', data: 74.87 });
    await generateOk('nano-banana', { prompt: 'x' });
    assert.equal((await balance()).data, 74.84, 'nano-banana: $0.03 an image (MODELS.md)');
    await generateOk('nano-banana', { prompt: 'x [fail]' });
    assert.equal((await balance()).data, 74.84, 'failed tasks are not charged');
    await generateOk('veo-3-1', { mode: 'fast', prompt: 'x', duration: 10 });
    assert.equal((await balance()).data, 74.64, 'veo-3-1 fast: $0.20 a video, whatever its length (MODELS.md)');
  });

  it('answers 402 {code:402, message:"Insufficient balance", data:null} when the balance is too low', async () => {
    emulator.configure({ credits: { apixo: 0.01 } });
    const response = await generate('nano-banana', { request_type: 'async', input: { prompt: 'x' } });
    assert.equal(response.status, 402);
    assert.deepEqual(response.body, { code: 402, message: 'Insufficient balance', data: null });
    assert.equal(emulator.tasks().length, 0);
  });

  it('does not limit requests unless enforceRateLimits is on', async () => {
    emulator.configure({ apixoPlan: 'free', timing: HELD_IN_QUEUE });
    for (let i = 0; i < 12; i++) await generateOk('nano-banana', { prompt: `x${i}` });
  });

  it('limits the Free plan to 10 requests a minute (429 envelope)', async () => {
    emulator.configure({ apixoPlan: 'free', enforceRateLimits: true });
    for (let i = 0; i < 10; i++) assert.equal((await balance()).code, 200);
    const refused = await request(`${api}/apikeys/current-balance`, { key: KEY });
    assert.equal(refused.status, 429);
    assert.equal(refused.body.code, 429);
    assert.equal(refused.body.data, null);
  });

  it('limits concurrent pending+processing tasks by plan (Free 3, Pro 10)', async () => {
    emulator.configure({ apixoPlan: 'free', enforceRateLimits: true, timing: HELD_IN_QUEUE });
    for (let i = 0; i < 3; i++) await generateOk('nano-banana', { prompt: `x${i}` });
    const refused = await generate('nano-banana', { request_type: 'async', input: { prompt: 'x' } });
    assert.equal(refused.status, 429);
    assert.equal(refused.body.code, 429);

    emulator.reset();
    emulator.configure({ apixoPlan: 'pro', enforceRateLimits: true, timing: HELD_IN_QUEUE });
    for (let i = 0; i < 10; i++) await generateOk('nano-banana', { prompt: `x${i}` });
    assert.equal((await generate('nano-banana', { request_type: 'async', input: { prompt: 'x' } })).status, 429);
  });

  it('frees a concurrency slot when a task finishes', async () => {
    emulator.configure({ apixoPlan: 'free', enforceRateLimits: true });
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push(await generateOk('nano-banana', { prompt: `x${i}` }));
    // Watch the emulator itself: polling the API would use up the Free plan's 10 requests a minute.
    await pollUntil(async () => emulator.task('apixo', ids[2])?.phase, (phase) => phase === 'succeeded');
    await generateOk('nano-banana', { prompt: 'next' });
  });

  it('refuses image_urls pointing at an expired result on its own CDN', async () => {
    const taskId = await generateOk('nano-banana', { prompt: 'x' });
    const url = JSON.parse((await pollToEnd('nano-banana', taskId)).pop().data.resultJson).resultUrls[0];
    await generateOk('nano-banana', { mode: 'image-to-image', prompt: 'x', image_urls: [url] });
    emulator.configure({ resultTtlMs: 0 });
    await pollUntil(async () => (await download(url)).status, (code) => code === 403);
    const refused = await generate('nano-banana', {
      request_type: 'async',
      input: { mode: 'image-to-image', prompt: 'x', image_urls: [url] },
    });
    assert.equal(refused.status, 400);
  });
});
