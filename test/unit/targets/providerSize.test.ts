import * as assert from 'node:assert/strict';
import { catalogModel, typedModel } from '../../../src/core/catalog';
import { closestProviderSize } from '../../../src/core/targets/providerSize';

describe('closestProviderSize: the size to ask the provider for', () => {
  const gptImage = catalogModel('openai', 'gpt-image-1');
  const dalle = catalogModel('openai', 'dall-e-3');

  it('picks the same shape, the smallest that needs no enlarging', () => {
    assert.deepEqual(closestProviderSize('openai', gptImage, 64, 64), { size: '1024x1024' });
    assert.deepEqual(closestProviderSize('openai', gptImage, 1200, 630), { size: '1536x1024' });
    assert.deepEqual(closestProviderSize('openai', gptImage, 500, 900), { size: '1024x1536' });
    assert.deepEqual(closestProviderSize('openai', dalle, 1920, 1080), { size: '1792x1024' });
  });

  it('takes the largest of the right shape when none is large enough', () => {
    assert.deepEqual(closestProviderSize('openai', gptImage, 4096, 4096), { size: '1024x1024' });
    const pixapi = catalogModel('pixapi', 'gpt-image-2') ?? { ...typedModel('pixapi', 'x', 'image'), sizes: ['1024x1024', '2048x2048'] };
    assert.deepEqual(closestProviderSize('pixapi', { ...pixapi, sizes: ['auto', '1024x1024', '1536x1024', '1024x1536', '2048x2048'] }, 3000, 3000), { size: '2048x2048' });
  });

  it('uses the aspect ratio (and, past 1K, the resolution) where the provider takes those', () => {
    const nano = catalogModel('apixo', 'nano-banana');
    assert.deepEqual(closestProviderSize('apixo', nano, 1000, 560), { aspect_ratio: '16:9' });
    assert.deepEqual(closestProviderSize('apixo', nano, 1200, 630), { aspect_ratio: '16:9', resolution: '2K' }, '1K at 16:9 is 1024 px wide, short of 1200');
    assert.deepEqual(closestProviderSize('apixo', nano, 1920, 1080), { aspect_ratio: '16:9', resolution: '2K' });
    assert.deepEqual(closestProviderSize('apixo', nano, 64, 64), { aspect_ratio: '1:1' });
    const pixai = catalogModel('pixai', '1983308862240288769');
    assert.deepEqual(closestProviderSize('pixai', pixai, 600, 900), { aspectRatio: '2:3' });
  });

  it('asks for nothing when the model lists no sizes', () => {
    assert.deepEqual(closestProviderSize('openai', typedModel('openai', 'gateway-model', 'image'), 64, 64), {});
    assert.deepEqual(closestProviderSize('apixo', undefined, 64, 64), {});
  });
});
