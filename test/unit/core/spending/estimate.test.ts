import * as assert from 'assert';
import { estimateAll, estimateNote, estimateSpend, type PricedRequest } from '../../../../src/core/spending/estimate';

function pixapi(model: string, params: PricedRequest['params'] = {}, kind: PricedRequest['kind'] = 'image'): PricedRequest {
  return { provider: 'pixapi', model, kind, params };
}

function usd(request: PricedRequest): [number, number] | 'unknown' {
  const lookup = estimateSpend(request);
  return lookup.kind === 'priced' ? [lookup.estimate.minUSD, lookup.estimate.maxUSD] : 'unknown';
}

describe('spending: estimates from the documented prices', () => {
  it('gpt-image-2 at 1K with quality auto (or none, or high) is 14 credits an image, times n', () => {
    assert.deepStrictEqual(usd(pixapi('gpt-image-2')), [0.14, 0.14]);
    assert.deepStrictEqual(usd(pixapi('gpt-image-2', { size: '1024x1024', quality: 'auto' })), [0.14, 0.14]);
    assert.deepStrictEqual(usd(pixapi('gpt-image-2', { size: 'auto', quality: 'high', n: 3 })), [0.42, 0.42]);
    assert.deepStrictEqual(usd(pixapi('gpt-image-2', { size: '1536x1024', quality: 'low' })), [0.01, 0.01]);
    assert.deepStrictEqual(usd(pixapi('gpt-image-2', { size: '2K', quality: 'medium' })), [0.17, 0.17]);
    assert.deepStrictEqual(usd(pixapi('gpt-image-2', { size: '4K', quality: 'high' })), [1.33, 1.33]);
  });

  it('gives a range where the request does not fix the tier (an unlisted WxH) or the quality (an unknown one)', () => {
    assert.deepStrictEqual(usd(pixapi('gpt-image-2', { size: '1792x1024', quality: 'high' })), [0.14, 1.33]);
    assert.deepStrictEqual(usd(pixapi('gpt-image-2', { size: '1024x1024', quality: 'ultra' })), [0.01, 0.14]);
    assert.deepStrictEqual(usd(pixapi('gemini-3.1-flash-image-preview')), [0.04, 0.08], 'no size: any tier');
    assert.deepStrictEqual(usd(pixapi('nano-banana-2', { size: '4K' })), [0.08, 0.08]);
    assert.match(
      (estimateSpend(pixapi('gpt-image-2', { size: '1792x1024', n: 2 })) as { estimate: { text: string } }).estimate.text,
      /^\$0\.28–\$2\.66 for 2 image\(s\)$/,
    );
  });

  it('videos are priced per second of the duration asked for; without one the price is unknown', () => {
    assert.deepStrictEqual(usd(pixapi('veo', { duration: 5 }, 'video')), [0.05, 0.6]);
    assert.strictEqual(usd(pixapi('veo', {}, 'video')), 'unknown');
    assert.strictEqual(usd(pixapi('kling', { duration: 5 }, 'video')), 'unknown', 'only "from 2.24 credits a second" is documented');
  });

  it('Apixo uses its documented per-model prices; PixAI, OpenAI-compatible and unlisted models are unknown', () => {
    assert.deepStrictEqual(usd({ provider: 'apixo', model: 'nano-banana', kind: 'image', params: {} }), [0.03, 0.03]);
    assert.deepStrictEqual(usd({ provider: 'apixo', model: 'veo-3-1', kind: 'video', params: { mode: 'fast' } }), [0.2, 0.2]);
    assert.deepStrictEqual(usd({ provider: 'apixo', model: 'veo-3-1', kind: 'video', params: {} }), [0.2, 1.5]);
    assert.strictEqual(usd({ provider: 'apixo', model: 'flux-2', kind: 'image', params: {} }), 'unknown');
    const pixai = estimateSpend({ provider: 'pixai', model: '1983308862240288769', kind: 'image', params: {} });
    assert.strictEqual(pixai.kind, 'unknown');
    assert.match(pixai.kind === 'unknown' ? pixai.reason : '', /PixAI documents no price/);
    assert.strictEqual(usd({ provider: 'openai', model: 'gpt-image-1', kind: 'image', params: {} }), 'unknown');
    assert.strictEqual(usd(pixapi('no-such-model')), 'unknown');
    assert.strictEqual(usd(pixapi('gpt-image-2', { n: 0 })), 'unknown', 'a count that is not a whole number ≥ 1 fixes no price');
  });

  it('adds a set of requests up without floating-point drift, counting the unknown ones', () => {
    const set = [
      pixapi('gpt-image-2', { quality: 'low' }),
      pixapi('gpt-image-2', { quality: 'low' }),
      pixapi('gpt-image-2', { quality: 'low' }),
      { provider: 'pixai', model: 'x', kind: 'image', params: {} } as PricedRequest,
    ];
    assert.deepStrictEqual(estimateAll(set), { minUSD: 0.03, maxUSD: 0.03, unknown: 1 });
  });

  it('estimateNote, the quick input\'s last step: the price, a range where the request does not fix it, or "price not documented"', () => {
    assert.strictEqual(estimateNote(pixapi('gpt-image-2', { n: 2 })), 'estimate $0.28 for 2 image(s)');
    assert.match(
      estimateNote({ provider: 'apixo', model: 'veo-3-1', kind: 'video', params: {} }),
      /^estimate \$0\.20–\$1\.50 for /,
      'the mode is not chosen yet',
    );
    assert.match(estimateNote({ provider: 'apixo', model: 'veo-3-1', kind: 'video', params: { mode: 'fast' } }), /^estimate \$0\.20 for /);
    assert.strictEqual(estimateNote(pixapi('veo', {}, 'video')), 'price not documented', 'a video without its duration');
    assert.strictEqual(
      estimateNote({ provider: 'pixai', model: '1983308862240288769', kind: 'image', params: {} }),
      'price not documented',
    );
  });
});
