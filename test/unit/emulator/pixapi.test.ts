import * as assert from 'node:assert/strict';
import { type ProviderEmulator } from '../../emulator';
import { pngImage } from '../../emulator/png';
import {
  FAST_TIMING,
  HELD_IN_QUEUE,
  type Json,
  KEYS,
  assertMp4,
  decodePng,
  distinctRuns,
  download,
  pollUntil,
  request,
  STATE_WALK_TIMING,
  startFast,
} from './helpers';

const KEY = KEYS.pixapi;

describe('emulator: Pixapi', () => {
  let emulator: ProviderEmulator;
  let base: string;

  before(async () => {
    emulator = await startFast();
    base = emulator.urls.pixapi;
  });
  after(() => emulator.close());
  afterEach(() => emulator.reset());

  /** key null = send no Authorization header. */
  const post = (path: string, json: unknown, key: string | null = KEY) => request(base + path, { key: key ?? undefined, json });
  const getTask = (id: string, key = KEY) => request(`${base}/v1/tasks/${id}`, { key });
  const pollToEnd = async (id: string) =>
    pollUntil(
      async () => (await getTask(id)).body,
      (task: Json) => task.status === 'completed' || task.status === 'failed',
    );

  function editForm(fields: Record<string, string>, images: Array<{ bytes: Uint8Array; name: string }>): FormData {
    const form = new FormData();
    for (const [name, value] of Object.entries(fields)) form.append(name, value);
    for (const image of images) form.append('image', new Blob([Uint8Array.from(image.bytes)], { type: 'image/png' }), image.name);
    return form;
  }

  it('lists canonical models with category and capabilities', async () => {
    const { status, body } = await request(`${base}/v1/models`, { key: KEY });
    assert.equal(status, 200);
    assert.equal(body.object, 'list');
    const ids = body.data.map((m: Json) => m.id);
    for (const id of [
      'gemini-2.5-flash-image',
      'gemini-3.1-flash-image-preview',
      'gemini-3-pro-image-preview',
      'gpt-image-1.5',
      'gpt-image-2',
      'veo',
      'wan',
      'kling',
      'sora-2',
    ]) {
      assert.ok(ids.includes(id), id);
    }
    assert.ok(!ids.includes('nano-banana'), 'aliases are not listed');
    const veo = body.data.find((m: Json) => m.id === 'veo');
    assert.deepEqual(veo, { id: 'veo', object: 'model', category: 'video', capabilities: ['text-to-video', 'image-to-video'] });
    const gpt = body.data.find((m: Json) => m.id === 'gpt-image-2');
    assert.deepEqual(gpt.capabilities, ['text-to-image', 'image-to-image']);
  });

  it('runs an async image task through submitted → processing → completed and serves a PNG of the requested size', async () => {
    emulator.configure({ timing: STATE_WALK_TIMING });
    const submit = await post('/v1/async/images/generations', { model: 'gpt-image-2', prompt: 'a cup', size: '1536x1024', quality: 'low' });
    assert.equal(submit.status, 200);
    assert.equal(submit.body.status, 'submitted');
    assert.match(submit.body.id, /^task_[0-9A-HJKMNP-TV-Z]{26}$/);
    assert.equal(submit.body.progress, 0);
    assert.equal(submit.body.model, 'gpt-image-2');
    assert.ok(Math.abs(submit.body.created_at - Date.now() / 1000) < 5, 'created_at is Unix seconds');

    const seen = await pollToEnd(submit.body.id);
    assert.deepEqual(distinctRuns(seen.map((t: Json) => t.status)), ['submitted', 'processing', 'completed']);
    const progress = seen.map((t: Json) => t.progress);
    assert.ok(progress.every((p: number, i: number) => Number.isInteger(p) && p >= 0 && p <= 100 && (i === 0 || p >= progress[i - 1])));
    const pending = seen[0];
    assert.deepEqual(Object.keys(pending).sort(), ['created', 'id', 'model', 'progress', 'status']);

    const done = seen[seen.length - 1];
    assert.equal(done.progress, 100);
    assert.equal(done.credits_cost, 1, 'gpt-image-2 low at 1536x1024 (the 1K tier)');
    assert.equal(done.result.type, 'image');
    assert.equal(done.result.data.length, 1);
    assert.ok(done.completed >= done.created);
    const url: string = done.result.data[0].url;
    assert.ok(url.startsWith(emulator.urls.cdn + '/'), 'result URL on the CDN origin');
    const file = await download(url);
    assert.equal(file.status, 200);
    assert.equal(file.headers.get('content-type'), 'image/png');
    assert.equal(Number(file.headers.get('content-length')), file.bytes.length);
    assert.deepEqual(decodePng(file.bytes), { width: 1536, height: 1024 });
    assert.equal(emulator.task('pixapi', submit.body.id)?.polls.length, seen.length);
  });

  it('accepts aliases and echoes the model as requested', async () => {
    const submit = await post('/v1/async/images/generations', { model: 'nano-banana-2', prompt: 'cup', size: '4K' });
    assert.equal(submit.status, 200);
    assert.equal(submit.body.model, 'nano-banana-2');
    const done = (await pollToEnd(submit.body.id)).pop();
    assert.equal(done.model, 'nano-banana-2');
    assert.equal(done.credits_cost, 8);
  });

  it('charges gpt-image-2 by the documented table: 14 credits an image at 1K with quality auto, 67 at 2K high, times n', async () => {
    const cases: [Json, number][] = [
      [{ model: 'gpt-image-2', prompt: 'cup' }, 14],
      [{ model: 'gpt-image-2', prompt: 'cup', size: '1024x1024', quality: 'auto' }, 14],
      [{ model: 'gpt-image-2', prompt: 'cup', size: '1024x1024', quality: 'medium', n: 2 }, 8],
      [{ model: 'gpt-image-2', prompt: 'cup', size: '2K', quality: 'high' }, 67],
      [{ model: 'gpt-image-2', prompt: 'cup', size: '4K', quality: 'low' }, 4],
    ];
    for (const [body, credits] of cases) {
      const submit = await post('/v1/async/images/generations', body);
      assert.equal(submit.status, 200);
      assert.equal((await pollToEnd(submit.body.id)).pop().credits_cost, credits, JSON.stringify(body));
    }
  });

  it('answers the synchronous endpoint after the whole run with {created, data:[{url}]}', async () => {
    const started = Date.now();
    const { status, body } = await post('/v1/images/generations', {
      model: 'gemini-3-pro-image-preview',
      prompt: 'cup',
      n: 2,
      size: '1024x1024',
    });
    assert.equal(status, 200);
    assert.ok(Date.now() - started >= FAST_TIMING.image.queueMs + FAST_TIMING.image.runMs - 5, 'sync waits queue + run');
    assert.deepEqual(Object.keys(body).sort(), ['created', 'data']);
    assert.equal(body.data.length, 2);
    assert.deepEqual(decodePng((await download(body.data[1].url)).bytes), { width: 1024, height: 1024 });
    assert.equal(emulator.tasks('pixapi')[0].sync, true);
  });

  it('returns b64_json items instead of url when asked', async () => {
    const { status, body } = await post('/v1/images/generations', { model: 'gpt-image-1.5', prompt: 'cup', response_format: 'b64_json' });
    assert.equal(status, 200);
    assert.deepEqual(Object.keys(body.data[0]), ['b64_json']);
    assert.deepEqual(decodePng(Buffer.from(body.data[0].b64_json, 'base64')), { width: 1024, height: 1024 });
  });

  it('edits with repeated multipart image parts, sync and async', async () => {
    const png = pngImage(16, 16);
    const form = editForm({ model: 'gpt-image-2', prompt: 'warm background', n: '1', size: '1024x1024', quality: 'high' }, [
      { bytes: png, name: 'a.png' },
      { bytes: png, name: 'b.png' },
    ]);
    const sync = await request(`${base}/v1/images/edits`, { key: KEY, body: form });
    assert.equal(sync.status, 200, JSON.stringify(sync.body));
    assert.ok(sync.body.data[0].url);
    const recorded = emulator.tasks('pixapi')[0].request as Json;
    assert.equal(recorded.image.length, 2);
    assert.equal(recorded.image[0].filename, 'a.png');

    const asyncForm = editForm({ model: 'nano-banana', prompt: 'edit' }, [{ bytes: png, name: 'a.png' }]);
    const submit = await request(`${base}/v1/async/images/edits`, { key: KEY, body: asyncForm });
    assert.equal(submit.status, 200);
    assert.equal(submit.body.status, 'submitted');
    assert.equal((await pollToEnd(submit.body.id)).pop().status, 'completed');
  });

  it('rejects edits without an image part, with non-image bytes, or sent as JSON', async () => {
    const noImage = await request(`${base}/v1/images/edits`, { key: KEY, body: editForm({ model: 'gpt-image-2', prompt: 'x' }, []) });
    assert.equal(noImage.status, 400);
    assert.equal(noImage.body.error.type, 'invalid_request_error');
    const text = await request(`${base}/v1/async/images/edits`, {
      key: KEY,
      body: editForm({ model: 'gpt-image-2', prompt: 'x' }, [{ bytes: Buffer.from('hello, not an image'), name: 'a.png' }]),
    });
    assert.equal(text.status, 400);
    const json = await post('/v1/images/edits', { model: 'gpt-image-2', prompt: 'x' });
    assert.equal(json.status, 400);
    assert.equal(emulator.tasks().length, 0);
  });

  it('runs a video task and serves a real MP4', async () => {
    emulator.configure({ timing: STATE_WALK_TIMING });
    const submit = await post('/v1/async/videos/generations', {
      model: 'veo',
      prompt: 'a reveal',
      duration: 5,
      size: '1280x720',
      input_image: 'https://example.com/a.png',
    });
    assert.equal(submit.status, 200);
    const seen = await pollToEnd(submit.body.id);
    assert.deepEqual(distinctRuns(seen.map((t: Json) => t.status)), ['submitted', 'processing', 'completed']);
    const done = seen.pop();
    assert.equal(done.result.type, 'video');
    assert.equal(done.credits_cost, 60, 'veo 12 credits a second × 5 s');
    const file = await download(done.result.data[0].url);
    assert.equal(file.headers.get('content-type'), 'video/mp4');
    assertMp4(file.bytes);
  });

  it('rejects the async flag, the sync video path and mixed-up model kinds', async () => {
    const query = await request(`${base}/v1/images/generations?async=true`, { key: KEY, json: { model: 'gpt-image-2', prompt: 'x' } });
    assert.equal(query.status, 400);
    const field = await post('/v1/images/generations', { model: 'gpt-image-2', prompt: 'x', async: true });
    assert.equal(field.status, 400);
    const syncVideo = await post('/v1/videos/generations', { model: 'veo', prompt: 'x' });
    assert.equal(syncVideo.status, 404);
    const imageOnVideo = await post('/v1/async/videos/generations', { model: 'gpt-image-2', prompt: 'x' });
    assert.equal(imageOnVideo.status, 400);
    const videoOnImage = await post('/v1/async/images/generations', { model: 'veo', prompt: 'x' });
    assert.equal(videoOnImage.status, 400);
    const notUrl = await post('/v1/async/videos/generations', { model: 'wan', prompt: 'x', input_image: 'data:image/png;base64,AAAA' });
    assert.equal(notUrl.status, 400);
    const notString = await post('/v1/async/videos/generations', {
      model: 'wan',
      prompt: 'x',
      input_image: { url: 'https://example.com/a.png' },
    });
    assert.equal(notString.status, 400);
    assert.equal(emulator.tasks().length, 0);
  });

  it('answers 404 with the documented body for an unknown model', async () => {
    const { status, body } = await post('/v1/async/images/generations', { model: 'x', prompt: 'cup' });
    assert.equal(status, 404);
    assert.deepEqual(body, { error: { code: 404, message: "Model 'x' not found", type: 'invalid_request_error' } });
  });

  const invalidBodies: Array<[string, Record<string, unknown>]> = [
    ['missing model', { prompt: 'cup' }],
    ['missing prompt', { model: 'gpt-image-2' }],
    ['empty prompt', { model: 'gpt-image-2', prompt: '  ' }],
    ['prompt not a string', { model: 'gpt-image-2', prompt: 42 }],
    ['n = 0', { model: 'gpt-image-2', prompt: 'cup', n: 0 }],
    ['n negative', { model: 'gpt-image-2', prompt: 'cup', n: -2 }],
    ['n not an integer', { model: 'gpt-image-2', prompt: 'cup', n: 1.5 }],
    ['n as a string in JSON', { model: 'gpt-image-2', prompt: 'cup', n: '2' }],
    ['size that is no WxH and no documented token', { model: 'gpt-image-2', prompt: 'cup', size: 'large' }],
    ['size with a zero side', { model: 'gpt-image-2', prompt: 'cup', size: '0x1024' }],
    ['size not a string', { model: 'gpt-image-2', prompt: 'cup', size: 1024 }],
    ['quality on a model without it', { model: 'gemini-3.1-flash-image-preview', prompt: 'cup', quality: 'high' }],
    ['unknown quality', { model: 'gpt-image-2', prompt: 'cup', quality: 'ultra' }],
    ['unknown response_format', { model: 'gpt-image-2', prompt: 'cup', response_format: 'png' }],
  ];
  for (const [name, body] of invalidBodies) {
    it(`answers 400 for ${name}`, async () => {
      const response = await post('/v1/async/images/generations', body);
      assert.equal(response.status, 400);
      assert.equal(response.body.error.code, 400);
      assert.equal(response.body.error.type, 'invalid_request_error');
      assert.equal(typeof response.body.error.message, 'string');
      assert.equal(emulator.tasks().length, 0);
    });
  }

  it('validates video fields', async () => {
    for (const body of [
      { model: 'veo', prompt: 'x', size: 'wide' },
      { model: 'veo', prompt: 'x', duration: 0 },
      { model: 'veo', prompt: 'x', duration: -3 },
      { model: 'veo', prompt: 'x', duration: '5' },
    ]) {
      assert.equal((await post('/v1/async/videos/generations', body)).status, 400, JSON.stringify(body));
    }
    assert.equal((await post('/v1/async/videos/generations', { model: 'sora-2', prompt: 'x', size: '16:9' })).status, 200);
  });

  it('checks only the documented shapes: any WxH, 2K/4K, n and duration without invented maximums', async () => {
    // "other WxH per model": which model takes which is not documented, so the shape decides.
    for (const body of [
      { model: 'gpt-image-2', prompt: 'cup', size: '512x512' },
      { model: 'gemini-2.5-flash-image', prompt: 'cup', size: '4K' },
      { model: 'gpt-image-2', prompt: 'cup', size: '1280x720' },
      { model: 'gemini-2.5-flash-image', prompt: 'cup', n: 12 },
    ]) {
      assert.equal((await post('/v1/async/images/generations', body)).status, 200, JSON.stringify(body));
    }
    for (const body of [
      { model: 'veo', prompt: 'x', size: '1920x1080' },
      { model: 'wan', prompt: 'x', duration: 90 },
      { model: 'wan', prompt: 'x', duration: 2.5 },
    ]) {
      assert.equal((await post('/v1/async/videos/generations', body)).status, 200, JSON.stringify(body));
    }
  });

  it('answers 401 authentication_error for a missing or wrong key, and accepts any key in demo mode', async () => {
    for (const key of [null, 'wrong-key']) {
      const response = await post('/v1/async/images/generations', { model: 'gpt-image-2', prompt: 'x' }, key);
      assert.equal(response.status, 401);
      assert.equal(response.body.error.code, 401);
      assert.equal(response.body.error.type, 'authentication_error');
    }
    assert.equal((await request(`${base}/v1/models`, { headers: { authorization: 'Basic abc' } })).status, 401);
    emulator.configure({ acceptAnyKey: true });
    assert.equal((await request(`${base}/v1/models`, { key: 'anything' })).status, 200);
  });

  it('charges credits when a task completes, not when it is submitted', async () => {
    emulator.configure({ credits: { pixapi: 100 } });
    const submit = await post('/v1/async/images/generations', { model: 'nano-banana', prompt: 'x' });
    assert.equal(submit.status, 200);
    assert.equal(emulator.balance('pixapi'), 100, 'nothing is taken at submit');
    const done = (await pollToEnd(submit.body.id)).pop();
    assert.equal(done.credits_cost, 2, 'nano-banana: 2 credits an image');
    assert.equal(emulator.balance('pixapi'), 98, 'taken once the task has completed');
    assert.equal(emulator.balance('pixapi'), 98, 'and only once');
    const failed = await post('/v1/async/images/generations', { model: 'nano-banana', prompt: 'x [fail]' });
    await pollToEnd(failed.body.id);
    assert.equal(emulator.balance('pixapi'), 98, 'a failed task costs nothing');
  });

  it('answers 402 insufficient_quota when credits run out, and creates no task', async () => {
    emulator.configure({ credits: { pixapi: 3 } });
    const first = await post('/v1/async/images/generations', { model: 'nano-banana', prompt: 'x' });
    assert.equal(first.status, 200);
    await pollToEnd(first.body.id);
    assert.equal(emulator.balance('pixapi'), 1);
    const { status, body } = await post('/v1/async/images/generations', { model: 'nano-banana', prompt: 'x' });
    assert.equal(status, 402);
    assert.deepEqual(body, { error: { code: 402, message: 'Insufficient credits', type: 'insufficient_quota' } });
    assert.equal(emulator.tasks().length, 1);
  });

  it('answers 422 for a [reject] prompt', async () => {
    const { status, body } = await post('/v1/async/images/generations', { model: 'gpt-image-2', prompt: 'bad [reject]' });
    assert.equal(status, 422);
    assert.equal(body.error.code, 422);
    assert.equal(emulator.tasks().length, 0);
  });

  it('fails a [fail] task with an error object and no result or credits', async () => {
    emulator.configure({ timing: STATE_WALK_TIMING });
    const submit = await post('/v1/async/images/generations', { model: 'gpt-image-2', prompt: 'x [fail]' });
    const seen = await pollToEnd(submit.body.id);
    assert.deepEqual(distinctRuns(seen.map((t: Json) => t.status)), ['submitted', 'processing', 'failed']);
    const failed = seen.pop();
    assert.deepEqual(Object.keys(failed).sort(), ['completed', 'created', 'error', 'id', 'model', 'progress', 'status']);
    assert.equal(failed.error.code, 'generation_failed');
    assert.equal(typeof failed.error.message, 'string');

    const coded = await post('/v1/async/images/generations', { model: 'gpt-image-2', prompt: 'x [fail:SensitiveContentDetected]' });
    assert.equal((await pollToEnd(coded.body.id)).pop().error.code, 'SensitiveContentDetected');
    assert.equal(emulator.balance('pixapi'), 10000, 'failed tasks cost nothing');
  });

  it('answers 500 on the synchronous endpoint when generation fails', async () => {
    const { status, body } = await post('/v1/images/generations', { model: 'gpt-image-2', prompt: 'x [fail]' });
    assert.equal(status, 500);
    assert.equal(body.error.type, 'server_error');
    assert.equal(typeof body.error.request_id, 'string');
  });

  it('leaves out url on result items for [nourl]', async () => {
    const submit = await post('/v1/async/images/generations', { model: 'gpt-image-2', prompt: 'x [nourl]', n: 2 });
    const done = (await pollToEnd(submit.body.id)).pop();
    assert.equal(done.status, 'completed');
    assert.deepEqual(done.result.data, [{}, {}]);
  });

  it('multiplies the run time by 10 for [slow]', async () => {
    const submit = await post('/v1/async/images/generations', { model: 'gpt-image-2', prompt: 'x [slow]' });
    assert.equal(emulator.task('pixapi', submit.body.id)?.runMs, FAST_TIMING.image.runMs * 10);
  });

  it("answers 404 for an unknown task and for another key's task", async () => {
    emulator.configure({ keys: { pixapi: [KEY, 'second-key'] }, timing: HELD_IN_QUEUE });
    const submit = await post('/v1/async/images/generations', { model: 'gpt-image-2', prompt: 'x' });
    assert.equal((await getTask(submit.body.id)).status, 200);
    const other = await getTask(submit.body.id, 'second-key');
    assert.equal(other.status, 404);
    assert.equal(other.body.error.code, 404);
    assert.equal((await getTask('task_01KPQ7J7DWB7QZ3WCEK3YVPBRA')).status, 404);
  });
});
