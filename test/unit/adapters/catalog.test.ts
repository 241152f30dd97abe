/** The Apixo and PixAI specs against the emulator, which follows MODELS.md: what the spec allows, Apixo accepts. */
import * as assert from 'assert';
import { apixoBody, ApixoAdapter } from '../../../src/core/adapters/apixo';
import { APIXO_MODELS } from '../../../src/core/adapters/apixo.models';
import { PixaiAdapter } from '../../../src/core/adapters/pixai';
import { PIXAI_MODELS } from '../../../src/core/adapters/pixai.models';
import { catalogFor, defaultModel } from '../../../src/core/catalog';
import { ApiClient } from '../../../src/core/http';
import { PROVIDER_IDS, PROVIDERS } from '../../../src/core/providers';
import { checkRequest } from '../../../src/core/spec/validate';
import type { ParamValue, TaskRequest } from '../../../src/core/task';
import type { ProviderEmulator } from '../../emulator';
import { PixapiAdapter } from '../../../src/core/adapters/pixapi';
import { harness, KEYS, request, startEmulator } from './harness';

describe('Model catalog', () => {
  it('has a built-in list for every provider, each entry of its own provider', () => {
    for (const provider of PROVIDER_IDS) {
      const models = catalogFor(provider);
      assert.ok(models.length > 0, provider);
      assert.ok(models.every((m) => m.provider === provider), provider);
    }
  });

  it('names the OpenAI-compatible provider and its default origin', () => {
    assert.deepStrictEqual([PROVIDERS.openai.label, PROVIDERS.openai.defaultBaseUrl], ['OpenAI-compatible', 'https://api.openai.com']);
  });

  it('picks a default model for each provider, kind and edit', () => {
    assert.strictEqual(defaultModel('pixapi', 'image'), 'gemini-3.1-flash-image-preview');
    assert.strictEqual(defaultModel('pixapi', 'video'), 'veo');
    assert.strictEqual(defaultModel('pixai', 'image'), PIXAI_MODELS[0].id);
    assert.strictEqual(defaultModel('pixai', 'image', true), PIXAI_MODELS[0].id, 'PixAI takes one reference URL (mediaUrl)');
    assert.strictEqual(defaultModel('pixai', 'video'), '');
    assert.strictEqual(defaultModel('apixo', 'image'), 'nano-banana');
    assert.strictEqual(defaultModel('apixo', 'image', true), 'nano-banana');
    assert.strictEqual(defaultModel('apixo', 'video'), 'sora-2');
    assert.strictEqual(defaultModel('openai', 'image'), 'gpt-image-1');
    assert.strictEqual(defaultModel('openai', 'image', true), 'gpt-image-1');
    assert.strictEqual(defaultModel('openai', 'video'), '');
  });

  it('lists every Apixo model MODELS.md lists', () => {
    assert.deepStrictEqual(
      APIXO_MODELS.filter((m) => m.kind === 'image').map((m) => m.id),
      ['nano-banana', 'nano-banana-2', 'gpt-image-1', 'gpt-image-2', 'flux-2', 'midjourney'],
    );
    assert.deepStrictEqual(
      APIXO_MODELS.filter((m) => m.kind === 'video').map((m) => m.id),
      ['sora-2', 'sora-2-pro', 'veo-3-1', 'kling-2-1', 'wan-2-5', 'ltx-2-19b'],
    );
  });

  describe('against the emulator', () => {
    let emulator: ProviderEmulator;
    before(async () => {
      emulator = await startEmulator();
    });
    after(() => emulator.close());

    // A foreign URL is accepted without being fetched (emulator choice), so it stands in for a public image.
    const IMAGE = 'https://files.example/cat.png';

    it('accepts every Apixo model with every value of every complete list its spec gives (as prepared by its rules)', async () => {
      const api = new ApiClient({ baseUrl: emulator.urls.apixo, key: KEYS.apixo });
      const adapter = new ApixoAdapter();
      const context = { api, openImage: () => Promise.reject(new Error('no files')) };
      let sent = 0;
      for (const model of APIXO_MODELS) {
        for (const param of model.params.filter((p) => p.complete && !p.topLevel)) {
          for (const value of param.values ?? []) {
            // An image where the value needs one (image-to-… modes, non-text generationTypes, sora-2 needs none).
            const needsImage = /image-to-|FRAMES|REFERENCE/.test(String(value));
            const params: Record<string, ParamValue> = { [param.name]: value };
            if (value === 'REFERENCE_2_VIDEO') params.mode = 'fast';
            const base: TaskRequest = request('apixo', model.id, 'a test', {
              kind: model.kind,
              operation: model.kind === 'video' ? 'video' : needsImage ? 'edit' : 'generate',
              params,
              imageUrls: needsImage ? [IMAGE] : undefined,
            });
            const checked = checkRequest(base);
            assert.strictEqual(checked.problem, undefined, `${model.id} ${param.name}=${value}`);
            if (checked.problem !== undefined) continue;
            assert.strictEqual(adapter.validate(checked.request), undefined, `${model.id} ${param.name}=${value}`);
            const result = await adapter.submit(context, checked.request);
            assert.strictEqual(result.kind, 'accepted', `${model.id} ${param.name}=${value}`);
            sent++;
          }
        }
      }
      assert.ok(sent > 40, `${sent} combinations sent`);
    });

    it('answers the 400 envelope for a mode a model does not document, and for too many images', async () => {
      const api = new ApiClient({ baseUrl: emulator.urls.apixo, key: KEYS.apixo });
      const context = { api, openImage: () => Promise.reject(new Error('no files')) };
      const adapter = new ApixoAdapter();
      // Sent past the spec (as an old client did): the emulator refuses as Apixo documents.
      const kling = request('apixo', 'kling-2-1', 'x', {
        kind: 'video',
        operation: 'video',
        params: { mode: 'image-to-video' },
        imageUrls: [IMAGE],
      });
      await assert.rejects(
        adapter.submit(context, kling),
        (error: { status?: number; body?: { code?: number; data?: { error?: string } } }) => {
          assert.strictEqual(error.status, 400);
          assert.strictEqual(error.body?.code, 400);
          assert.match(error.body?.data?.error ?? '', /mode must be one of standard-image-to-video/);
          return true;
        },
      );
      const sora = request('apixo', 'sora-2', 'x', { kind: 'video', operation: 'video', params: {}, imageUrls: [IMAGE, IMAGE] });
      await assert.rejects(adapter.submit(context, sora), (error: { status?: number }) => error.status === 400);
      // The spec refuses both before anything is sent.
      assert.match(checkRequest(kling).problem ?? '', /must be one of standard-image-to-video/);
      assert.match(checkRequest(sora).problem ?? '', /at most 1 reference image/);
    });

    it('sends veo-3-1 an image as FIRST_AND_LAST_FRAMES_2_VIDEO, and the emulator records it', async () => {
      const body = apixoBody(request('apixo', 'veo-3-1', 'x', { kind: 'video', operation: 'video', params: {}, imageUrls: [IMAGE] }));
      assert.deepStrictEqual(body.input, {
        mode: 'fast',
        prompt: 'x',
        generationType: 'FIRST_AND_LAST_FRAMES_2_VIDEO',
        image_urls: [IMAGE],
      });
      assert.strictEqual(body.provider, undefined, 'auto is the default: not sent');
      const sora = apixoBody(request('apixo', 'sora-2', 'x', { kind: 'video', operation: 'video', params: {} }));
      assert.strictEqual(sora.provider, 'official', 'sora models are sent with provider official, beside input');
    });

    it('through the engine: a seed Pixapi does not document is refused and nothing is sent; in extra it is sent and stored', async () => {
      const h = harness({ provider: 'pixapi', adapter: new PixapiAdapter(), baseUrl: emulator.urls.pixapi, key: KEYS.pixapi });
      const before = emulator.requests.length;
      await assert.rejects(
        h.engine.submit(request('pixapi', 'gpt-image-2', 'seed test', { params: { seed: 42 } })),
        /gpt-image-2 does not document "seed"\. Fields it takes: n, size, quality, response_format/,
      );
      assert.strictEqual(emulator.requests.slice(before).filter((r) => r.method === 'POST').length, 0, 'nothing was sent');
      assert.strictEqual(h.store.list().length, 0, 'no task was stored');
      const task = await h.run({ ...request('pixapi', 'gpt-image-2', 'seed test'), extra: { seed: 42 } });
      assert.strictEqual(task.state, 'succeeded', task.error?.message);
      assert.strictEqual((emulator.task('pixapi', task.remoteId!)?.request as { seed?: number }).seed, 42);
      assert.deepStrictEqual(
        h.store.get(task.id)?.request.extra,
        { seed: 42 },
        'stored with the task, so the sidecar and Regenerate have it',
      );
      h.engine.dispose();
    });

    it("PixAI accepts the spec's example model and suggested values, and an extra lora object intact", async () => {
      const api = new ApiClient({ baseUrl: emulator.urls.pixai, key: KEYS.pixai });
      const [example] = PIXAI_MODELS;
      const values = (name: string) => String(example.params.find((p) => p.name === name)?.values?.[0]);
      const req = {
        ...request('pixai', example.id, 'a test', { params: { aspectRatio: values('aspectRatio'), mode: values('mode') } }),
        extra: { lora: { '123': 0.7 } },
      };
      assert.strictEqual(checkRequest(req).problem, undefined);
      const result = await new PixaiAdapter().submit({ api, openImage: () => Promise.reject(new Error('no files')) }, req);
      assert.ok(result.kind === 'accepted');
      assert.deepStrictEqual((emulator.task('pixai', result.remoteId)?.request as { lora?: unknown })?.lora, { '123': 0.7 });
    });
  });
});
