/** estimateCost: the documented price tables of MODELS.md, as ranges where the request leaves a factor open. */
import * as assert from 'assert';
import { estimateCost, formatCost, formatEstimate } from '../../../src/core/spec/price';
import type { PricedRequest } from '../../../src/core/spec/types';
import type { ParamValue } from '../../../src/core/task';

function image(provider: PricedRequest['provider'], model: string, params: Record<string, ParamValue> = {}): PricedRequest {
  return { provider, model, operation: 'generate', kind: 'image', params };
}

function video(provider: PricedRequest['provider'], model: string, params: Record<string, ParamValue> = {}): PricedRequest {
  return { provider, model, operation: 'video', kind: 'video', params };
}

function range(request: PricedRequest): [number | undefined, number | undefined] {
  const estimate = estimateCost(request);
  assert.ok(!estimate.unknown, `${request.model}: ${estimate.unknown ? estimate.reason : ''}`);
  return [estimate.lowCredits ?? estimate.lowUsd, estimate.highCredits ?? estimate.highUsd];
}

describe('core/spec/price: estimateCost', () => {
  it('prices gemini-3.1 by size tier (4 / 4 / 6 / 8 credits), a range when the size does not fix it, times n', () => {
    assert.deepStrictEqual(range(image('pixapi', 'gemini-3.1-flash-image-preview', { size: '512x512' })), [4, 4]);
    assert.deepStrictEqual(range(image('pixapi', 'gemini-3.1-flash-image-preview', { size: '2K' })), [6, 6]);
    assert.deepStrictEqual(range(image('pixapi', 'nano-banana-2', { size: '4K', n: 2 })), [16, 16]);
    assert.deepStrictEqual(range(image('pixapi', 'gemini-3.1-flash-image-preview')), [4, 8]);
    assert.match(
      formatEstimate(estimateCost(image('pixapi', 'gemini-3.1-flash-image-preview'))) ?? '',
      /^estimate: 4–8 credits \(\$0\.04–\$0\.08\) for 1 image\(s\)$/,
    );
  });

  it('prices gpt-image-2 by tier and quality (auto is billed as high, size auto is 1K), times n', () => {
    assert.deepStrictEqual(range(image('pixapi', 'gpt-image-2', { size: 'auto', quality: 'auto' })), [14, 14]);
    assert.deepStrictEqual(range(image('pixapi', 'gpt-image-2', { size: '4K', quality: 'high', n: 2 })), [266, 266]);
    assert.deepStrictEqual(range(image('pixapi', 'gpt-image-2', { quality: 'medium' })), [4, 4], 'no size sends auto, the 1K tier');
    assert.deepStrictEqual(range(image('pixapi', 'gpt-image-2', { n: 2 })), [28, 28], 'no quality sends auto, billed as high');
    assert.deepStrictEqual(
      range(image('pixapi', 'gpt-image-2', { size: '1792x1024', quality: 'medium' })),
      [4, 34],
      'a size of no documented tier: any tier',
    );
    const usd = estimateCost(image('pixapi', 'gpt-image-2', { size: '2K', quality: 'low' }));
    assert.ok(!usd.unknown && usd.lowUsd === 0.02 && usd.highUsd === 0.02, '1 credit = $0.01');
  });

  it('gives a starting price only where only one is documented (gpt-image-1.5, kling, wan)', () => {
    assert.deepStrictEqual(range(image('pixapi', 'gpt-image-1.5')), [1, undefined]);
    assert.deepStrictEqual(range(video('pixapi', 'kling', { duration: 5 })), [11.2, undefined]);
    assert.match(formatEstimate(estimateCost(video('pixapi', 'wan', { duration: 5 }))) ?? '', /from 10 credits/);
  });

  it('prices Pixapi video per second, and says so when no duration is given', () => {
    assert.deepStrictEqual(range(video('pixapi', 'veo', { duration: 5 })), [5, 60]);
    const open = estimateCost(video('pixapi', 'veo'));
    assert.ok(open.unknown && open.perSecondUsd?.low === 0.01 && open.perSecondUsd.high === 0.12);
    assert.match(formatEstimate(open) ?? '', /per second/);
  });

  it("uses Apixo's model-page prices: nano-banana $0.03, veo-3-1 fast $0.20 / quality $1.50, sora-2 $0.10–0.15", () => {
    assert.deepStrictEqual(range(image('apixo', 'nano-banana')), [0.03, 0.03]);
    assert.deepStrictEqual(range(video('apixo', 'veo-3-1', { mode: 'fast' })), [0.2, 0.2]);
    assert.deepStrictEqual(range(video('apixo', 'veo-3-1')), [0.2, 1.5], 'no mode chosen: either tier');
    assert.deepStrictEqual(range(video('apixo', 'veo-3-1', { mode: 'quality' })), [1.5, 1.5]);
    assert.deepStrictEqual(range(video('apixo', 'sora-2')), [0.1, 0.15]);
  });

  it('answers unknown where nothing is documented', () => {
    for (const request of [
      image('apixo', 'gpt-image-2'),
      image('pixai', '1983308862240288769'),
      image('openai', 'gpt-image-1'),
      image('pixapi', 'some-new-model'),
    ]) {
      const estimate = estimateCost(request);
      assert.ok(estimate.unknown, request.model);
      assert.strictEqual(formatEstimate(estimate), undefined);
    }
  });

  it('formats a reported cost in credits with dollars, other units as given', () => {
    assert.strictEqual(formatCost({ amount: 8, unit: 'credits' }), '8 credits ($0.08)');
    assert.strictEqual(formatCost({ amount: 0.5, unit: 'USD' }), '0.5 USD');
  });
});
