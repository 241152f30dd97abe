/** The model catalog: defaults, Pixapi's per-model values, Apixo's default mode; Pixapi values checked against the emulator. */
import * as assert from 'assert';
import { PixapiAdapter } from '../../../src/core/adapters/pixapi';
import { mergePixapiModels } from '../../../src/core/adapters/pixapi';
import { PIXAPI_MODELS } from '../../../src/core/adapters/pixapi.models';
import {
  catalogFor,
  catalogModel,
  defaultModel,
  resolveDefaultModel,
  takesFiles,
  takesImages,
  takesUrls,
  typedModel,
  DEFAULT_MAX_PROMPT_LENGTH,
  maxPromptLength,
} from '../../../src/core/catalog';
import { checkRequest, prepareRequest } from '../../../src/core/spec/validate';
import { ApiClient } from '../../../src/core/http';
import { PROVIDER_IDS } from '../../../src/core/providers';
import type { MediaKind, TaskRequest } from '../../../src/core/task';
import { ProviderEmulator } from '../../emulator';

describe('core/catalog', () => {
  it('knows the documented prompt limits and applies the most generous one elsewhere', () => {
    assert.strictEqual(maxPromptLength('openai', 'dall-e-3'), 4000);
    assert.strictEqual(maxPromptLength('openai', 'gpt-image-1'), 32_000);
    assert.strictEqual(maxPromptLength('apixo', 'nano-banana'), 5000, 'its page: prompt ≤ 5000');
    assert.strictEqual(maxPromptLength('apixo', 'nano-banana-2'), 20_000);
    assert.strictEqual(maxPromptLength('pixapi', 'a-model-nobody-knows'), DEFAULT_MAX_PROMPT_LENGTH);
  });

  describe('defaultModel', () => {
    it('picks, for an edit, a model that takes reference images (files or URLs)', () => {
      for (const provider of PROVIDER_IDS) {
        const id = defaultModel(provider, 'image', true);
        const canEdit = catalogFor(provider).filter((m) => m.kind === 'image' && takesImages(m) && m.operations.includes('edit'));
        if (canEdit.length === 0) {
          assert.strictEqual(id, '', `${provider} has no model that edits`);
        } else {
          const model = catalogModel(provider, id);
          assert.ok(model && model.kind === 'image' && takesImages(model), `${provider}: ${id}`);
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
    assert.strictEqual(
      catalogModel('pixapi', 'nano-banana')?.id,
      'gemini-2.5-flash-image',
      "Pixapi's alias of gemini-2.5-flash-image (PROVIDERS.md)",
    );
    assert.strictEqual(catalogModel('pixapi', 'veo-3-1'), undefined, 'an Apixo id is not a Pixapi model');
    assert.strictEqual(catalogModel('apixo', 'does-not-exist'), undefined);
    for (const provider of PROVIDER_IDS) {
      const ids = catalogFor(provider).map((m) => m.id);
      assert.strictEqual(new Set(ids).size, ids.length, `${provider}: ids are unique`);
    }
  });

  it("offers PixAI's style as a free value, with no invented list", () => {
    for (const model of catalogFor('pixai')) {
      const style = model.params.find((p) => p.name === 'style');
      assert.ok(style && style.type === 'string' && style.values === undefined, 'no list of styles: PixAI documents none');
      assert.ok(model.params.every((p) => !p.complete), 'PixAI publishes examples only: any value may be typed');
    }
  });

  describe('resolveDefaultModel (the mediaStudio.<provider>.defaultModel setting)', () => {
    it('uses the catalog default when nothing (or only spaces) is configured', () => {
      for (const provider of PROVIDER_IDS) {
        for (const kind of ['image', 'video'] as MediaKind[]) {
          for (const edit of [false, true]) {
            for (const configured of [undefined, '', '   '])
              assert.strictEqual(
                resolveDefaultModel(provider, kind, edit, configured),
                defaultModel(provider, kind, edit),
                `${provider} ${kind} ${edit}`,
              );
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

  it('gives a typed model id its provider\'s generic schema', () => {
    assert.ok(takesUrls(typedModel('apixo', 'x', 'image')) && !typedModel('apixo', 'x', 'image').documented);
    assert.ok(takesFiles(typedModel('pixapi', 'x', 'image')));
    assert.ok(takesFiles(typedModel('openai', 'x', 'image')));
    assert.ok(takesUrls(typedModel('pixai', 'x', 'image')));
    assert.strictEqual(typedModel('apixo', 'veo-3-1', 'video').documented, true, 'a documented id gets its own spec');
  });

  describe('Pixapi models', () => {
    const sizes = (id: string) => catalogModel('pixapi', id)?.params.find((p) => p.name === 'size')?.values;
    it('gemini-3.1 (and its alias) adds 512x512, 2K and 4K', () => {
      for (const id of ['gemini-3.1-flash-image-preview', 'nano-banana-2']) {
        assert.deepStrictEqual(sizes(id), ['auto', '1024x1024', '1536x1024', '1024x1536', '512x512', '2K', '4K'], id);
      }
      assert.deepStrictEqual(sizes('gemini-2.5-flash-image'), ['auto', '1024x1024', '1536x1024', '1024x1536']);
    });

    it('only the gpt-image family has qualities; videos take one URL, not files', () => {
      assert.deepStrictEqual(catalogModel('pixapi', 'gpt-image-2')?.params.find((p) => p.name === 'quality')?.values, [
        'low',
        'medium',
        'high',
        'auto',
      ]);
      assert.strictEqual(catalogModel('pixapi', 'gemini-3-pro-image-preview')?.params.find((p) => p.name === 'quality'), undefined);
      const veo = catalogModel('pixapi', 'veo');
      assert.deepStrictEqual(veo?.references, { via: 'urls', max: 1, source: 'pixapi.ai docs/model-catalog' });
    });

    it('merges GET /v1/models with the specs: documented ids keep theirs, others get the generic schema', () => {
      const merged = mergePixapiModels([
        { id: 'gpt-image-2', kind: 'image', edits: true },
        { id: 'nano-banana', kind: 'image', edits: true },
        { id: 'brand-new', kind: 'image', edits: false },
        { id: 'new-video', kind: 'video', edits: false },
      ]);
      assert.strictEqual(merged[0], catalogModel('pixapi', 'gpt-image-2'));
      assert.deepStrictEqual([merged[1].id, merged[1].documented, merged[1].aliases], ['nano-banana', true, ['gemini-2.5-flash-image']]);
      assert.deepStrictEqual([merged[2].documented, merged[2].operations, merged[2].references.via], [false, ['generate'], 'none']);
      assert.deepStrictEqual([merged[3].kind, merged[3].documented], ['video', false]);
    });

    it("every documented value passes the spec's own check", () => {
      for (const model of PIXAPI_MODELS) {
        for (const param of model.params) {
          for (const value of param.values ?? []) {
            const req: TaskRequest = {
              provider: 'pixapi',
              model: model.id,
              operation: model.kind === 'video' ? 'video' : 'generate',
              kind: model.kind,
              prompt: 'x',
              params: { [param.name]: value },
              workspaceFolder: 'file:///ws',
            };
            const checked = checkRequest(req);
            assert.strictEqual(checked.problem, undefined, `${model.id} ${param.name}=${value}`);
          }
        }
      }
    });

    it('every catalog model and size is accepted by the emulated Pixapi', async () => {
      const emulator = await ProviderEmulator.start({ timing: { image: { queueMs: 50, runMs: 150 }, video: { queueMs: 50, runMs: 300 } } });
      try {
        const api = new ApiClient({ baseUrl: emulator.urls.pixapi, key: 'test-pixapi-key' });
        const adapter = new PixapiAdapter();
        const context = { api, openImage: () => Promise.reject(new Error('no files here')) };
        for (const model of PIXAPI_MODELS) {
          const values = model.params.find((p) => p.name === 'size')?.values ?? [];
          for (const size of values) {
            const params: Record<string, string | number> = { size };
            if (model.kind === 'video') params.duration = 4;
            const req: TaskRequest = prepareRequest({
              provider: 'pixapi',
              model: model.id,
              operation: model.kind === 'video' ? 'video' : 'generate',
              kind: model.kind,
              prompt: 'x',
              params,
              workspaceFolder: 'file:///ws',
            });
            const result = await adapter.submit(context, req);
            assert.strictEqual(result.kind, 'accepted', `${model.id} ${JSON.stringify(params)}`);
          }
        }
        assert.ok(emulator.tasks('pixapi').length >= PIXAPI_MODELS.length);
      } finally {
        await emulator.close();
      }
    });
  });
});
