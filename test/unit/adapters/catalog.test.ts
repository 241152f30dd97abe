import * as assert from 'assert';
import { ApixoAdapter } from '../../../src/core/adapters/apixo';
import { PixaiAdapter } from '../../../src/core/adapters/pixai';
import {
  APIXO_CATALOG, apixoDefaultMode, catalogFor, catalogModel, defaultModel, OPENAI_CATALOG, PARAM_NAMES, PIXAI_CATALOG, PIXAI_EXAMPLE_MODEL_VERSION_ID, PIXAPI_CATALOG,
} from '../../../src/core/catalog';
import { ApiClient } from '../../../src/core/http';
import { PROVIDER_IDS, PROVIDERS } from '../../../src/core/providers';
import type { ProviderEmulator } from '../../emulator';
import { KEYS, request, startEmulator } from './harness';

describe('Model catalog', () => {
  it('has a built-in list for every provider, each entry of its own provider', () => {
    for (const provider of PROVIDER_IDS) {
      const models = catalogFor(provider);
      assert.ok(models.length > 0, provider);
      assert.ok(models.every((m) => m.provider === provider), provider);
      assert.ok(PARAM_NAMES[provider], provider);
    }
    assert.strictEqual(catalogFor('pixapi'), PIXAPI_CATALOG);
  });

  it('names the OpenAI-compatible provider and its default origin', () => {
    assert.deepStrictEqual([PROVIDERS.openai.label, PROVIDERS.openai.defaultBaseUrl], ['OpenAI-compatible', 'https://api.openai.com']);
  });

  it('picks a default model for each provider, kind and edit', () => {
    assert.strictEqual(defaultModel('pixapi', 'image'), 'gemini-3.1-flash-image-preview');
    assert.strictEqual(defaultModel('pixapi', 'video'), 'veo');
    assert.strictEqual(defaultModel('pixai', 'image'), PIXAI_EXAMPLE_MODEL_VERSION_ID);
    assert.strictEqual(defaultModel('pixai', 'image', true), PIXAI_EXAMPLE_MODEL_VERSION_ID, 'PixAI takes one reference URL (mediaUrl)');
    assert.strictEqual(defaultModel('pixai', 'video'), '');
    assert.strictEqual(defaultModel('apixo', 'image'), 'nano-banana');
    assert.strictEqual(defaultModel('apixo', 'image', true), 'nano-banana');
    assert.strictEqual(defaultModel('apixo', 'video'), 'sora-2');
    assert.strictEqual(defaultModel('openai', 'image'), 'gpt-image-1');
    assert.strictEqual(defaultModel('openai', 'image', true), 'gpt-image-1');
    assert.strictEqual(defaultModel('openai', 'video'), '');
  });

  it('lists the documented Apixo models with modes and values for their kind', () => {
    assert.deepStrictEqual(APIXO_CATALOG.filter((m) => m.kind === 'image').map((m) => m.id), ['nano-banana', 'nano-banana-2', 'gpt-image-1', 'gpt-image-2', 'flux-2', 'midjourney']);
    assert.deepStrictEqual(APIXO_CATALOG.filter((m) => m.kind === 'video').map((m) => m.id), ['sora-2', 'sora-2-pro', 'veo-3-1', 'kling-2-1', 'wan-2-5']);
    for (const model of APIXO_CATALOG) {
      assert.ok(model.modes?.length && model.aspectRatios?.length && model.resolutions?.length && model.imageUrls, model.id);
      assert.strictEqual(model.durations !== undefined, model.kind === 'video', model.id);
    }
    assert.deepStrictEqual(catalogModel('apixo', 'veo-3-1')?.modes, ['fast', 'quality']);
    assert.deepStrictEqual(catalogModel('apixo', 'wan-2-5')?.resolutions, ['480p', '720p', '1080p']);
  });

  it("offers PixAI's documented example model and marks its values as suggestions", () => {
    const [example] = PIXAI_CATALOG;
    assert.strictEqual(example.id, '1983308862240288769');
    assert.match(example.label ?? '', /example/i);
    assert.ok(example.aspectRatios?.includes('9:16') && example.modes?.includes('standard') && example.openValues);
  });

  it('lists OpenAI sizes and qualities; only gpt-image-1 edits', () => {
    assert.deepStrictEqual(catalogModel('openai', 'gpt-image-1')?.sizes, ['auto', '1024x1024', '1536x1024', '1024x1536']);
    assert.deepStrictEqual(OPENAI_CATALOG.filter((m) => m.editsWithFiles).map((m) => m.id), ['gpt-image-1']);
  });

  describe('against the emulator', () => {
    let emulator: ProviderEmulator;
    before(async () => {
      emulator = await startEmulator();
    });
    after(() => emulator.close());

    it('every Apixo catalog model is accepted with every mode it lists (with a URL where the mode needs one)', async () => {
      const api = new ApiClient({ baseUrl: emulator.urls.apixo, key: KEYS.apixo });
      const adapter = new ApixoAdapter();
      const context = { api, openImage: () => Promise.reject(new Error('no files')) };
      // A foreign URL is accepted without being fetched (emulator choice), so it stands in for a public image.
      const imageUrls = ['https://files.example/cat.png'];
      for (const model of APIXO_CATALOG) {
        for (const mode of model.modes ?? []) {
          const withImages = /image-to-/.test(mode);
          const operation = model.kind === 'video' ? 'video' : withImages ? 'edit' : 'generate';
          const req = request('apixo', model.id, 'a test', { kind: model.kind, operation, params: { mode }, imageUrls: withImages ? imageUrls : undefined });
          assert.strictEqual(adapter.validate(req), undefined, `${model.id} ${mode}`);
          const result = await adapter.submit(context, req);
          assert.strictEqual(result.kind, 'accepted', `${model.id} ${mode}`);
        }
        assert.strictEqual(apixoDefaultMode(model.id, false), model.modes?.[0], `${model.id}: the first mode is the default`);
      }
    });

    it("PixAI accepts the catalog's example model and suggested values", async () => {
      const api = new ApiClient({ baseUrl: emulator.urls.pixai, key: KEYS.pixai });
      const [example] = PIXAI_CATALOG;
      const result = await new PixaiAdapter().submit(
        { api, openImage: () => Promise.reject(new Error('no files')) },
        request('pixai', example.id, 'a test', { params: { aspectRatio: example.aspectRatios![0], mode: example.modes![0] } }),
      );
      assert.strictEqual(result.kind, 'accepted');
    });
  });
});
