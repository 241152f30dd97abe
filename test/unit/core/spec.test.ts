/**
 * The provider specs and the one validation every entry point meets: complete specs for every registered
 * provider, the manifest's provider enums in step with the registry, and each kind of bad input refused with
 * the limit and its source before anything is sent.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { createAdapters } from '../../../src/core/adapters';
import { PROVIDER_IDS } from '../../../src/core/providers';
import { modelSpec, PROVIDER_SPECS, providerSpec } from '../../../src/core/spec/registry';
import { checkRequest, paramFromText, prepareRequest } from '../../../src/core/spec/validate';
import type { TaskRequest } from '../../../src/core/task';

const root = path.resolve(__dirname, '../../../..');

function req(provider: TaskRequest['provider'], model: string, more: Partial<TaskRequest> = {}): TaskRequest {
  const kind = more.kind ?? modelSpec(provider, model).kind;
  return {
    provider,
    model,
    kind,
    operation: kind === 'video' ? 'video' : 'generate',
    prompt: 'a test',
    params: {},
    workspaceFolder: 'file:///ws',
    ...more,
  };
}

const URL = 'https://files.example/a.png';

describe('core/spec: the registered provider specs', () => {
  it('every registered provider has a complete spec', () => {
    assert.deepStrictEqual([...PROVIDER_IDS], PROVIDER_SPECS.map((s) => s.id));
    for (const spec of PROVIDER_SPECS) {
      assert.ok(spec.label && /^https:\/\//.test(spec.defaultBaseUrl) && spec.keyHelp, spec.id);
      assert.ok(spec.models.length > 0, `${spec.id} lists models`);
      assert.ok(Array.isArray(spec.reservedFields) && spec.reservedFields.includes('prompt'), `${spec.id} reserves prompt`);
      assert.strictEqual(typeof spec.price, 'function', spec.id);
      for (const kind of ['image', 'video'] as const) {
        const generic = spec.genericModel('x', kind);
        assert.ok(generic.params.every((p) => p.source), `${spec.id} generic ${kind}: every field has a source`);
      }
      const ids = spec.models.map((m) => m.id);
      assert.strictEqual(new Set(ids).size, ids.length, `${spec.id}: unique ids`);
      for (const model of spec.models) {
        const where = `${spec.id}/${model.id}`;
        assert.strictEqual(model.provider, spec.id, where);
        assert.ok(model.source && model.operations.length && model.references.via, where);
        assert.ok(
          model.kind === 'video' ? model.operations.includes('video') : !model.operations.includes('video'),
          `${where}: operations fit the kind`,
        );
        const names = model.params.map((p) => p.name);
        assert.strictEqual(new Set(names).size, names.length, `${where}: unique field names`);
        for (const param of model.params) {
          assert.ok(param.source, `${where} ${param.name}: documented somewhere`);
          if (param.complete || param.type === 'enum')
            assert.ok(param.values?.length, `${where} ${param.name}: a complete list has values`);
          assert.ok(!spec.reservedFields.includes(param.name), `${where} ${param.name} is reserved`);
          if (param.default !== undefined && param.complete)
            assert.ok(param.values?.includes(param.default as string | number), `${where} ${param.name}: default in its list`);
        }
        // Every default request of a documented model passes its own spec.
        assert.strictEqual(checkRequest(req(spec.id as TaskRequest['provider'], model.id)).problem, undefined, where);
      }
      // A provider that takes reference images in some way has a model that takes them.
      const transports: readonly string[] = [spec.references.image, spec.references.video];
      assert.strictEqual(spec.models.some((m) => m.references.via !== 'none'), transports.some((t) => t !== 'none'), spec.id);
    }
  });

  it('an adapter has the calls its spec declares: cancel, balance and model listing', () => {
    const adapters = createAdapters(() => undefined);
    for (const id of PROVIDER_IDS) {
      const adapter = adapters.get(id);
      const { capabilities } = providerSpec(id);
      assert.strictEqual(typeof adapter?.cancel === 'function', capabilities.cancel, `${id}: cancel`);
      assert.strictEqual(typeof adapter?.balance === 'function', capabilities.balance, `${id}: balance`);
      assert.strictEqual(typeof adapter?.listModels === 'function', capabilities.modelListing, `${id}: model listing`);
    }
  });

  it("the manifest's provider enums are the registry's ids", () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as {
      contributes: {
        configuration: { properties: Record<string, { enum?: string[] }> };
        languageModelTools: {
          name: string;
          inputSchema: { properties: Record<string, { enum?: string[]; items?: { properties: Record<string, { enum?: string[] }> } }> };
        }[];
      };
    };
    assert.deepStrictEqual(manifest.contributes.configuration.properties['mediaStudio.defaultProvider'].enum, [...PROVIDER_IDS]);
    for (const tool of manifest.contributes.languageModelTools) {
      // generate_batch names its providers per model, in its models list.
      const provider = tool.inputSchema.properties.provider ?? tool.inputSchema.properties.models?.items?.properties.provider;
      assert.deepStrictEqual(provider?.enum, [...PROVIDER_IDS], tool.name);
    }
    for (const id of PROVIDER_IDS) {
      for (const setting of ['baseUrl', 'defaultModel'])
        assert.ok(manifest.contributes.configuration.properties[`mediaStudio.${id}.${setting}`], `mediaStudio.${id}.${setting}`);
      for (const name of Object.values(providerSpec(id).concurrency.settings))
        assert.ok(manifest.contributes.configuration.properties[`mediaStudio.${name}`], `mediaStudio.${name}`);
      const sync = providerSpec(id).capabilities.syncSetting;
      if (sync) assert.ok(manifest.contributes.configuration.properties[`mediaStudio.${sync}`], sync);
    }
  });
});

describe('core/spec: model rules', () => {
  it('veo-3-1: an image means FIRST_AND_LAST_FRAMES_2_VIDEO unless REFERENCE_2_VIDEO was chosen', () => {
    assert.strictEqual(
      prepareRequest(req('apixo', 'veo-3-1', { imageUrls: [URL] })).params.generationType,
      'FIRST_AND_LAST_FRAMES_2_VIDEO',
    );
    assert.strictEqual(
      prepareRequest(req('apixo', 'veo-3-1', { imageUrls: [URL], params: { generationType: 'TEXT_2_VIDEO' } })).params.generationType,
      'FIRST_AND_LAST_FRAMES_2_VIDEO',
    );
    assert.strictEqual(
      prepareRequest(req('apixo', 'veo-3-1', { imageUrls: [URL], params: { generationType: 'REFERENCE_2_VIDEO' } })).params.generationType,
      'REFERENCE_2_VIDEO',
    );
    assert.strictEqual(
      prepareRequest(req('apixo', 'veo-3-1')).params.generationType,
      undefined,
      'text-to-video is the default: nothing sent',
    );
    assert.match(
      checkRequest(req('apixo', 'veo-3-1', { imageUrls: [URL], params: { generationType: 'REFERENCE_2_VIDEO', mode: 'quality' } }))
        .problem ?? '',
      /fast mode only/,
    );
    assert.match(checkRequest(req('apixo', 'veo-3-1', { imageUrls: [URL, URL, URL] })).problem ?? '', /1–2 images/);
    assert.match(
      checkRequest(req('apixo', 'veo-3-1', { params: { generationType: 'REFERENCE_2_VIDEO' } })).problem ?? '',
      /needs image_urls/,
    );
  });

  it('kling-2-1: the mode follows the tier and the images; durations 5 or 10', () => {
    assert.strictEqual(prepareRequest(req('apixo', 'kling-2-1')).params.mode, 'master-text-to-video');
    assert.strictEqual(prepareRequest(req('apixo', 'kling-2-1', { imageUrls: [URL] })).params.mode, 'standard-image-to-video');
    assert.strictEqual(prepareRequest(req('apixo', 'kling-2-1', { imageUrls: [URL, URL] })).params.mode, 'pro-image-to-video');
    assert.match(
      checkRequest(req('apixo', 'kling-2-1', { params: { duration: 8 } })).problem ?? '',
      /duration .* must be one of 5, 10; 8 is not among them/,
    );
    assert.match(
      checkRequest(req('apixo', 'kling-2-1', { params: { mode: 'image-to-video' } })).problem ?? '',
      /must be one of standard-image-to-video, pro-image-to-video, master-text-to-video, master-image-to-video/,
    );
    assert.match(
      checkRequest(req('apixo', 'kling-2-1', { params: { mode: 'standard-image-to-video' }, imageUrls: [URL, URL] })).problem ?? '',
      /takes 1 image/,
    );
  });

  it('sora-2: exactly one image, landscape/portrait, 4/8/12 s, provider official', () => {
    assert.strictEqual(prepareRequest(req('apixo', 'sora-2')).params.provider, 'official');
    assert.match(
      checkRequest(req('apixo', 'sora-2', { params: { aspect_ratio: '16:9' } })).problem ?? '',
      /must be one of landscape, portrait/,
    );
    assert.match(checkRequest(req('apixo', 'sora-2', { params: { duration: 10 } })).problem ?? '', /must be one of 4, 8, 12/);
    assert.match(
      checkRequest(req('apixo', 'sora-2', { imageUrls: [URL, URL] })).problem ?? '',
      /at most 1 reference image\(s\) \(documented at apixo\.ai docs\/models\/video\/sora-2\)/,
    );
  });

  it('nano-banana-2 takes lower-case 1k/2k/4k; reference counts 5 / 14 / 16 / 1', () => {
    assert.strictEqual(checkRequest(req('apixo', 'nano-banana-2', { params: { resolution: '2k' } })).problem, undefined);
    assert.match(checkRequest(req('apixo', 'nano-banana-2', { params: { resolution: '2K' } })).problem ?? '', /must be one of 1k, 2k, 4k/);
    for (const [model, max] of [['nano-banana', 5], ['nano-banana-2', 14], ['gpt-image-2', 16], ['midjourney', 1]] as const) {
      const edit = (count: number) => req('apixo', model, { operation: 'edit', imageUrls: Array(count).fill(URL) });
      assert.strictEqual(checkRequest(edit(max)).problem, undefined, `${model} ${max}`);
      assert.match(checkRequest(edit(max + 1)).problem ?? '', new RegExp(`takes at most ${max} reference image`), `${model} ${max + 1}`);
    }
  });
});

describe('core/spec: bad input, refused with the limit and where it is documented', () => {
  it('an unknown field: refused with the fields the model takes, unless in extra', () => {
    const problem = checkRequest(req('pixapi', 'gpt-image-2', { params: { seed: 7 } })).problem ?? '';
    assert.match(
      problem,
      /gpt-image-2 does not document "seed"\. Fields it takes: n, size, quality, response_format\. To send "seed" anyway, put it in "extra"/,
    );
    const sent = checkRequest({ ...req('pixapi', 'gpt-image-2'), extra: { seed: 7 } });
    assert.strictEqual(sent.problem, undefined);
    assert.deepStrictEqual(sent.request?.extra, { seed: 7 });
    assert.match(
      checkRequest({ ...req('pixapi', 'gpt-image-2', { params: { seed: 1 } }), extra: { seed: 7 } }).problem ?? '',
      /given both as a parameter and in "extra"|does not document/,
    );
    assert.match(
      checkRequest({ ...req('pixapi', 'gpt-image-2'), extra: { prompt: 'x' } }).problem ?? '',
      /"prompt" is set by Media Studio/,
    );
  });

  it('a wrong type, a value outside a complete list, an out-of-range number', () => {
    assert.match(
      checkRequest(req('pixapi', 'gpt-image-2', { params: { n: 'two' } })).problem ?? '',
      /gpt-image-2 n \(documented at pixapi\.ai docs\/model-catalog\) must be a number/,
    );
    assert.match(
      checkRequest(req('pixapi', 'gpt-image-2', { params: { quality: 'ultra' } })).problem ?? '',
      /must be one of low, medium, high, auto; "ultra" is not among them/,
    );
    assert.match(
      checkRequest(req('apixo', 'kling-2-1', { params: { cfg_scale: 1.5 } })).problem ?? '',
      /cfg_scale .* must be at most 1; 1\.5 was given/,
    );
    assert.match(checkRequest(req('openai', 'gpt-image-1', { params: { output_compression: -1 } })).problem ?? '', /must be at least 0/);
    assert.strictEqual(
      checkRequest(req('pixapi', 'gpt-image-2', { params: { size: '1792x1024' } })).problem,
      undefined,
      'an open list takes other values',
    );
  });

  it('too many reference images, and an image given to a model that takes none', () => {
    assert.match(
      checkRequest(req('pixai', '1983308862240288769', { operation: 'edit', imageUrls: [URL, URL] })).problem ?? '',
      /takes at most 1 reference image/,
    );
    assert.match(checkRequest(req('apixo', 'sora-2-pro', { imageUrls: [URL] })).problem ?? '', /sora-2-pro takes no reference images/);
    assert.match(
      checkRequest(req('openai', 'dall-e-3', { operation: 'edit', images: ['file:///ws/a.png'] })).problem ?? '',
      /dall-e-3 cannot edit/,
    );
    assert.match(checkRequest(req('pixapi', 'veo', { imageUrls: [URL, URL] })).problem ?? '', /takes at most 1 reference image/);
  });

  it('reads form text by the field type: numbers, booleans, JSON objects and lists', () => {
    assert.deepStrictEqual(paramFromText({ type: 'integer' }, ' 2 '), { value: 2 });
    assert.deepStrictEqual(paramFromText({ type: 'enum', values: [5, 10] }, '10'), { value: 10 });
    assert.deepStrictEqual(paramFromText({ type: 'boolean' }, 'true'), { value: true });
    assert.deepStrictEqual(paramFromText({ type: 'objectList' }, '[{"path":"a","scale":1}]'), { value: [{ path: 'a', scale: 1 }] });
    assert.deepStrictEqual(paramFromText(undefined, '{"123": 0.7}'), { value: { '123': 0.7 } });
    assert.deepStrictEqual(paramFromText(undefined, '7'), { value: 7 });
    assert.deepStrictEqual(paramFromText({ type: 'string' }, '16:9'), { value: '16:9' });
    assert.deepStrictEqual(paramFromText({ type: 'string' }, '   '), { value: undefined });
    assert.ok('error' in paramFromText({ type: 'number' }, 'many'));
    assert.ok('error' in paramFromText({ type: 'object' }, '{nope'));
  });
});
