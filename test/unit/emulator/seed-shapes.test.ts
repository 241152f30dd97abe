/**
 * Compares the emulator's answers, key by key and type by type, with the JSON examples in the user's
 * documents (/work/shared/seeds/*.txt and PROVIDERS.md), copied here verbatim as fixtures.
 */
import * as assert from 'node:assert/strict';
import { type ProviderEmulator } from '../../emulator';
import { type Json, KEYS, assertSameShape, pollUntil, request, startFast } from './helpers';

/** seeds/000 and 001 — async submit answer. */
const PIXAPI_SUBMIT = {
  status: 'submitted',
  id: 'task_01KPQ7J7DWB7QZ3WCEK3YVPBRA',
  progress: 0,
  created_at: 1703884800,
  model: 'gemini-3.1-flash-image-preview',
};

/** seeds/000 and 001 — completed task. */
const PIXAPI_COMPLETED_TASK = {
  id: 'xxx',
  status: 'completed',
  credits_cost: 1.5,
  model: 'sora-2',
  progress: 100,
  result: { type: 'video', data: [{ url: 'https://xxx.xxx' }] },
  created: 1763088289,
  completed: 1763088308,
};

/** seeds/000 and 001 — error format. */
const PIXAPI_ERROR = { error: { code: 400, message: 'xxx', type: 'invalid_request_error' } };

/** seeds/001 — synchronous image answer. */
const PIXAPI_SYNC_IMAGE = { created: 1766880000, data: [{ url: 'https://cdn.pixapi.ai/generated/image.png' }] };

/** seeds/001 — model list. */
const PIXAPI_MODELS = {
  object: 'list',
  data: [{ id: 'gemini-3-pro-image-preview', object: 'model', category: 'image', capabilities: ['text-to-image', 'image-to-image'] }],
};

/** seeds/002 — PixAI create answer. */
const PIXAI_CREATED = {
  id: 'TASK_ID',
  status: 'waiting',
  createdAt: '2026-03-04T04:32:10.635Z',
  updatedAt: '2026-03-04T04:32:10.635Z',
  outputs: { mediaIds: [], mediaUrls: [] },
};

/** seeds/004 — Apixo submit answer. */
const APIXO_SUBMIT = { code: 200, message: 'success', data: { taskId: 'task_abc123xyz789' } };

/** PROVIDERS.md — Apixo balance. */
const APIXO_BALANCE = { code: 200, message: 'success', data: 74.87 };

describe('emulator: answers match the shapes of the documented examples', () => {
  let emulator: ProviderEmulator;

  before(async () => {
    emulator = await startFast();
  });
  after(() => emulator.close());

  const pixapi = (path: string, json?: unknown) => request(emulator.urls.pixapi + path, { key: KEYS.pixapi, json });

  it('Pixapi async submit (the documented request)', async () => {
    const { body } = await pixapi('/v1/async/images/generations', {
      model: 'gemini-3.1-flash-image-preview',
      prompt: 'A cinematic product photo of a ceramic coffee cup',
      size: '2048x2048',
    });
    assertSameShape(body, PIXAPI_SUBMIT);
    assert.deepEqual(Object.keys(body), Object.keys(PIXAPI_SUBMIT), 'same key order');
    assert.match(PIXAPI_SUBMIT.id, /^task_[0-9A-HJKMNP-TV-Z]{26}$/, 'documented id is task_ + 26 Crockford chars');
    assert.match(body.id, /^task_[0-9A-HJKMNP-TV-Z]{26}$/);
  });

  it('Pixapi completed video task', async () => {
    const submit = await pixapi('/v1/async/videos/generations', {
      model: 'sora-2',
      prompt: 'A cinematic reveal of a smart speaker',
      duration: 5,
      size: '1280x720',
    });
    const seen = await pollUntil(
      async () => (await pixapi(`/v1/tasks/${submit.body.id}`)).body,
      (task: Json) => task.status === 'completed',
    );
    const done = seen[seen.length - 1];
    assertSameShape(done, PIXAPI_COMPLETED_TASK);
    assert.deepEqual(Object.keys(done), Object.keys(PIXAPI_COMPLETED_TASK), 'same key order');
  });

  it('Pixapi error format', async () => {
    const { body } = await pixapi('/v1/async/images/generations', { model: 'gpt-image-2' });
    assertSameShape(body, PIXAPI_ERROR);
  });

  it('Pixapi synchronous image answer', async () => {
    const { body } = await pixapi('/v1/images/generations', {
      model: 'gemini-3-pro-image-preview',
      prompt: 'cup',
      n: 1,
      size: '1024x1024',
    });
    assertSameShape(body, PIXAPI_SYNC_IMAGE);
  });

  it('Pixapi model list', async () => {
    const { body } = await pixapi('/v1/models');
    assertSameShape(body, PIXAPI_MODELS);
  });

  it('PixAI create answer', async () => {
    const { body } = await request(`${emulator.urls.pixai}/v2/image/create`, {
      key: KEYS.pixai,
      json: { modelVersionId: '1983308862240288769', prompt: '1girl, green hair', aspectRatio: '9:16', mode: 'standard' },
    });
    assertSameShape(body, PIXAI_CREATED);
    assert.deepEqual(Object.keys(body), Object.keys(PIXAI_CREATED), 'same key order');
  });

  it('Apixo submit and balance', async () => {
    const submit = await request(`${emulator.urls.apixo}/api/v1/generateTask/nano-banana`, {
      key: KEYS.apixo,
      json: { request_type: 'async', input: { mode: 'text-to-image', prompt: 'A futuristic city at sunset', aspect_ratio: '16:9' } },
    });
    assertSameShape(submit.body, APIXO_SUBMIT);
    const balance = await request(`${emulator.urls.apixo}/api/v1/apikeys/current-balance`, { key: KEYS.apixo });
    assertSameShape(balance.body, APIXO_BALANCE);
  });

  it('the shape comparison itself notices a missing key and a wrong type', () => {
    assert.throws(() => assertSameShape({ a: 1 }, { a: 1, b: 2 }));
    assert.throws(() => assertSameShape({ a: '1' }, { a: 1 }));
    assert.throws(() => assertSameShape({ a: [{ b: 1 }] }, { a: [{ b: '1' }] }));
    assert.throws(() => assertSameShape({ a: null }, { a: {} }));
  });
});
