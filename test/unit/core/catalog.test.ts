/** The model catalog: defaults, Pixapi's per-model values, Apixo's default mode; Pixapi values checked against the emulator. */
import * as assert from 'assert';
import { PixapiAdapter } from '../../../src/core/adapters/pixapi';
import {
  apixoDefaultMode, catalogFor, catalogModel, defaultModel, PARAM_NAMES, resolveDefaultModel, typedModel, PIXAPI_CATALOG, pixapiModel, DEFAULT_MAX_PROMPT_LENGTH, maxPromptLength,
} from '../../../src/core/catalog';
import { ApiClient } from '../../../src/core/http';
import { PROVIDER_IDS } from '../../../src/core/providers';
import type { MediaKind, TaskRequest } from '../../../src/core/task';
import { ProviderEmulator } from '../../emulator';

describe('core/catalog', () => {
  it('knows the documented prompt limits and applies the most generous one elsewhere', () => {
    assert.strictEqual(maxPromptLength('openai', 'dall-e-3'), 4000);
    assert.strictEqual(maxPromptLength('openai', 'gpt-image-1'), 32_000);
    assert.strictEqual(maxPromptLength('apixo', 'nano-banana'), DEFAULT_MAX_PROMPT_LENGTH);
    assert.strictEqual(maxPromptLength('pixapi', 'a-model-nobody-knows'), DEFAULT_MAX_PROMPT_LENGTH);
  });

  describe('defaultModel', () => {
    it('picks, for an edit, a model that takes reference images (files or URLs)', () => {
      for (const provider of PROVIDER_IDS) {
        const id = defaultModel(provider, 'image', true);
        const canEdit = catalogFor(provider).filter((m) => m.kind === 'image' && (m.editsWithFiles || m.imageUrls));
        if (canEdit.length === 0) {
          assert.strictEqual(id, '', `${provider} has no model that edits`);
        } else {
          const model = catalogModel(provider, id);
          assert.ok(model && model.kind === 'image' && (model.editsWithFiles || model.imageUrls), `${provider}: ${id}`);
          assert.strictEqual(id, canEdit[0].id, `${provider}: the first such model`);
        }
      }
    });

    it('picks the first model of the kind, or "" when the provider has none', () => {
      for (const provider of PROVIDER_IDS) {
        for (const kind of ['image', 'video'] as MediaKind[]) {
          const first = catalogFor(provider).find((m) => m.kind === kind);
          assert.strictEqual(defaultModel(provider, kind), first?.id ?? '', `${provider} ${kind}`);
          if (first) assert.strictEqual(catalogModel(provider, first.id)?.kind, kind);
        }
      }
      assert.strictEqual(defaultModel('pixapi', 'image', true), 'gemini-3.1-flash-image-preview');
      assert.strictEqual(defaultModel('openai', 'image', true), 'gpt-image-1');
      assert.strictEqual(defaultModel('pixai', 'video'), '');
    });

    it('never offers an image-only-generation model for an edit', () => {
      assert.notStrictEqual(defaultModel('openai', 'image', true), 'dall-e-3');
    });
  });

  it('finds models by provider and id only', () => {
    assert.strictEqual(catalogModel('pixapi', 'gpt-image-2')?.provider, 'pixapi');
    assert.strictEqual(catalogModel('pixapi', 'nano-banana'), undefined, 'an Apixo id is not a Pixapi model');
    assert.strictEqual(catalogModel('apixo', 'does-not-exist'), undefined);
    for (const provider of PROVIDER_IDS) {
      const ids = catalogFor(provider).map((m) => m.id);
      assert.strictEqual(new Set(ids).size, ids.length, `${provider}: ids are unique`);
    }
  });

  it('names the parameters each list fills by the provider field names', () => {
    assert.deepStrictEqual(PARAM_NAMES.pixapi, { size: 'size', quality: 'quality', duration: 'duration' });
    assert.strictEqual(PARAM_NAMES.apixo.aspectRatio, 'aspect_ratio');
    assert.strictEqual(PARAM_NAMES.pixai.aspectRatio, 'aspectRatio');
  });

  it("offers PixAI's style as a free value, with no invented list, and only for PixAI", () => {
    assert.deepStrictEqual(PARAM_NAMES.pixai, { mode: 'mode', aspectRatio: 'aspectRatio', style: 'style' });
    for (const provider of PROVIDER_IDS.filter((p) => p !== 'pixai')) assert.strictEqual(PARAM_NAMES[provider].style, undefined, provider);
    for (const model of catalogFor('pixai')) {
      assert.strictEqual(model.openValues, true, 'any value may be typed');
      assert.ok(!Object.keys(model).some((key) => /style/i.test(key)), 'no list of styles is offered: PixAI documents none');
    }
  });

  describe('resolveDefaultModel (the mediaStudio.<provider>.defaultModel setting)', () => {
    it('uses the catalog default when nothing (or only spaces) is configured', () => {
      for (const provider of PROVIDER_IDS) {
        for (const kind of ['image', 'video'] as MediaKind[]) {
          for (const edit of [false, true]) {
            for (const configured of [undefined, '', '   ']) assert.strictEqual(resolveDefaultModel(provider, kind, edit, configured), defaultModel(provider, kind, edit), `${provider} ${kind} ${edit}`);
          }
        }
      }
    });

    it('uses a configured model for requests of its kind', () => {
      assert.strictEqual(resolveDefaultModel('pixapi', 'image', false, 'gpt-image-2'), 'gpt-image-2');
      assert.strictEqual(resolveDefaultModel('pixapi', 'image', true, ' gpt-image-2 '), 'gpt-image-2', 'trimmed; it edits too');
      assert.strictEqual(resolveDefaultModel('apixo', 'video', false, 'veo-3-1'), 'veo-3-1');
      assert.strictEqual(resolveDefaultModel('openai', 'image', false, 'dall-e-3'), 'dall-e-3');
    });

    it('keeps the other kind, and edits a model cannot do, on the catalog default', () => {
      assert.strictEqual(resolveDefaultModel('pixapi', 'video', false, 'gpt-image-2'), defaultModel('pixapi', 'video'));
      assert.strictEqual(resolveDefaultModel('apixo', 'image', false, 'veo-3-1'), defaultModel('apixo', 'image'));
      assert.strictEqual(resolveDefaultModel('openai', 'image', true, 'dall-e-3'), 'gpt-image-1', 'dall-e-3 does not edit');
    });

    it('takes an id it does not know to be an image model', () => {
      assert.strictEqual(resolveDefaultModel('pixai', 'image', false, '1234567890'), '1234567890');
      assert.strictEqual(resolveDefaultModel('openai', 'image', true, 'my-gateway-model'), 'my-gateway-model');
      assert.strictEqual(resolveDefaultModel('apixo', 'video', false, 'some-new-model'), defaultModel('apixo', 'video'));
    });

    it("judges by the list it is given (Pixapi's own list of models), not only the built-in one", () => {
      const listed = [typedModel('pixapi', 'brand-new-video', 'video'), typedModel('pixapi', 'brand-new-image', 'image')];
      assert.strictEqual(resolveDefaultModel('pixapi', 'video', false, 'brand-new-video', listed), 'brand-new-video');
      assert.strictEqual(resolveDefaultModel('pixapi', 'image', false, 'brand-new-video', listed), defaultModel('pixapi', 'image'));
    });
  });

  it('assumes what a typed model id takes from its provider', () => {
    assert.deepStrictEqual(typedModel('apixo', 'x', 'image'), { provider: 'apixo', id: 'x', kind: 'image', editsWithFiles: false, imageUrls: true, openValues: true });
    assert.strictEqual(typedModel('pixapi', 'x', 'image').editsWithFiles, true);
    assert.strictEqual(typedModel('openai', 'x', 'image').editsWithFiles, true);
    assert.strictEqual(typedModel('pixai', 'x', 'image').editsWithFiles, false);
  });

  describe('Pixapi models', () => {
    it('gemini-3.1 (and its alias) adds 512x512, 2K and 4K', () => {
      for (const id of ['gemini-3.1-flash-image-preview', 'nano-banana-2']) {
        assert.deepStrictEqual(pixapiModel(id, 'image', true).sizes, ['auto', '1024x1024', '1536x1024', '1024x1536', '2048x2048', '512x512', '2K', '4K'], id);
      }
      assert.deepStrictEqual(pixapiModel('gemini-2.5-flash-image', 'image', true).sizes, ['auto', '1024x1024', '1536x1024', '1024x1536', '2048x2048']);
    });

    it('only the gpt-image family has qualities; videos have durations and take URLs, not files', () => {
      assert.deepStrictEqual(pixapiModel('gpt-image-2', 'image', true).qualities, ['auto', 'low', 'medium', 'high']);
      assert.strictEqual(pixapiModel('gemini-3-pro-image-preview', 'image', true).qualities, undefined);
      const veo = pixapiModel('veo', 'video', false);
      assert.deepStrictEqual([veo.editsWithFiles, veo.imageUrls, veo.sizes, veo.qualities], [false, true, ['1280x720', '720x1280', '16:9'], undefined]);
      assert.ok(veo.durations?.length);
      assert.strictEqual(pixapiModel('x', 'image', false).editsWithFiles, false);
    });

    it("every catalog value passes the adapter's own validation", () => {
      const adapter = new PixapiAdapter();
      for (const model of PIXAPI_CATALOG) {
        for (const size of model.sizes ?? []) {
          for (const quality of [undefined, ...(model.qualities ?? [])]) {
            for (const duration of model.kind === 'video' ? model.durations ?? [] : [undefined]) {
              const params: Record<string, string | number> = { size };
              if (quality !== undefined) params.quality = quality;
              if (duration !== undefined) params.duration = duration;
              const req: TaskRequest = { provider: 'pixapi', model: model.id, operation: model.kind === 'video' ? 'video' : 'generate', kind: model.kind, prompt: 'x', params, workspaceFolder: 'file:///ws' };
              assert.strictEqual(adapter.validate(req), undefined, `${model.id} ${JSON.stringify(params)}`);
            }
          }
        }
      }
    });

    it('every catalog model, size, quality and duration is accepted by the emulated Pixapi', async () => {
      const emulator = await ProviderEmulator.start({ timing: { image: { queueMs: 50, runMs: 150 }, video: { queueMs: 50, runMs: 300 } } });
      try {
        const api = new ApiClient({ baseUrl: emulator.urls.pixapi, key: 'test-pixapi-key' });
        const adapter = new PixapiAdapter();
        const context = { api, openImage: () => Promise.reject(new Error('no files here')) };
        for (const model of PIXAPI_CATALOG) {
          const qualities = model.qualities ?? [undefined];
          const durations = model.kind === 'video' ? model.durations ?? [] : [undefined];
          for (const [i, size] of (model.sizes ?? []).entries()) {
            const params: Record<string, string | number> = { size };
            const quality = qualities[i % qualities.length];
            const duration = durations[i % durations.length];
            if (quality !== undefined) params.quality = quality;
            if (duration !== undefined) params.duration = duration;
            const req: TaskRequest = { provider: 'pixapi', model: model.id, operation: model.kind === 'video' ? 'video' : 'generate', kind: model.kind, prompt: 'x', params, workspaceFolder: 'file:///ws' };
            const result = await adapter.submit(context, req);
            assert.strictEqual(result.kind, 'accepted', `${model.id} ${JSON.stringify(params)}`);
          }
        }
        assert.ok(emulator.tasks('pixapi').length >= PIXAPI_CATALOG.length);
      } finally {
        await emulator.close();
      }
    });
  });

  describe('apixoDefaultMode', () => {
    it("uses the model's image-to-… mode when there are reference URLs", () => {
      assert.strictEqual(apixoDefaultMode('nano-banana', true), 'image-to-image');
      assert.strictEqual(apixoDefaultMode('flux-2', true), 'pro-image-to-image');
      assert.strictEqual(apixoDefaultMode('kling-2-1', true), 'image-to-video');
    });

    it('uses a text mode without them', () => {
      assert.strictEqual(apixoDefaultMode('nano-banana', false), 'text-to-image');
      assert.strictEqual(apixoDefaultMode('flux-2', false), 'pro-text-to-image');
      assert.strictEqual(apixoDefaultMode('wan-2-5', false), 'text-to-video');
    });

    it("keeps veo-3-1's tier either way, and knows nothing of unknown models", () => {
      assert.strictEqual(apixoDefaultMode('veo-3-1', false), 'fast');
      assert.strictEqual(apixoDefaultMode('veo-3-1', true), 'fast');
      assert.strictEqual(apixoDefaultMode('no-such-model', true), undefined);
    });
  });
});
