import * as assert from 'node:assert/strict';
import { catalogModel, typedModel } from '../../../src/core/catalog';
import { closestProviderSize } from '../../../src/core/targets/providerSize';

describe('closestProviderSize: the size to ask the provider for', () => {
  const gptImage = catalogModel('openai', 'gpt-image-1');
  const dalle = catalogModel('openai', 'dall-e-3');

  it('picks the same shape, the smallest that needs no enlarging', () => {
    assert.deepEqual(closestProviderSize(gptImage, 64, 64), { size: '1024x1024' });
    assert.deepEqual(closestProviderSize(gptImage, 1200, 630), { size: '1536x1024' });
    assert.deepEqual(closestProviderSize(gptImage, 500, 900), { size: '1024x1536' });
    assert.deepEqual(closestProviderSize(dalle, 1920, 1080), { size: '1792x1024' });
  });

  it('takes the largest of the right shape when none is large enough', () => {
    assert.deepEqual(closestProviderSize(gptImage, 4096, 4096), { size: '1024x1024' });
    const pixapi = typedModel('pixapi', 'gpt-image-2', 'image');
    const sizes = ['auto', '1024x1024', '1536x1024', '1024x1536', '2048x2048'];
    const larger = { ...pixapi, params: pixapi.params.map((p) => (p.role === 'size' ? { ...p, values: sizes } : p)) };
    assert.deepEqual(closestProviderSize(larger, 3000, 3000), { size: '2048x2048' });
  });

  it('uses the aspect ratio (and, past 1K, the resolution) where the provider takes those', () => {
    const nano = catalogModel('apixo', 'nano-banana');
    assert.deepEqual(closestProviderSize(nano, 1000, 560), { aspect_ratio: '16:9' });
    assert.deepEqual(closestProviderSize(nano, 1200, 630), { aspect_ratio: '16:9' }, 'nano-banana documents no resolution field');
    const nano2 = catalogModel('apixo', 'nano-banana-2');
    assert.deepEqual(
      closestProviderSize(nano2, 1200, 630),
      { aspect_ratio: '16:9', resolution: '2k' },
      '1K at 16:9 is 1024 px wide, short of 1200',
    );
    assert.deepEqual(closestProviderSize(nano2, 1920, 1080), { aspect_ratio: '16:9', resolution: '2k' });
    assert.deepEqual(closestProviderSize(nano, 64, 64), { aspect_ratio: '1:1' });
    const pixai = catalogModel('pixai', '1983308862240288769');
    assert.deepEqual(closestProviderSize(pixai, 600, 900), { aspectRatio: '2:3' });
  });

  it('asks for nothing when the model lists no sizes', () => {
    assert.deepEqual(closestProviderSize({ ...typedModel('openai', 'gateway-model', 'image'), params: [] }, 64, 64), {});
    assert.deepEqual(closestProviderSize(undefined, 64, 64), {});
  });
});
