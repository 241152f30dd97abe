import * as assert from 'assert';
import { estimateCost, formatCost } from '../../../src/webview/estimate';

describe('panel: cost estimates from the documented examples only', () => {
  it('gives gemini-3.1 4–8 credits per image, times the count', () => {
    const one = estimateCost('pixapi', 'gemini-3.1-flash-image', {});
    assert.deepStrictEqual([one?.minCredits, one?.maxCredits], [4, 8]);
    assert.match(one?.text ?? '', /^estimate: 4–8 credits \(\$0\.04–\$0\.08\) for 1 image$/);
    const three = estimateCost('pixapi', 'gemini-3.1-flash-image', { n: '3' });
    assert.deepStrictEqual([three?.minCredits, three?.maxCredits], [12, 24]);
  });

  it('gives gpt-image-2 1–133 credits per image and veo 1–12 per second', () => {
    assert.deepStrictEqual([estimateCost('pixapi', 'gpt-image-2', { n: '2' })?.minCredits, estimateCost('pixapi', 'gpt-image-2', { n: '2' })?.maxCredits], [2, 266]);
    const veo = estimateCost('pixapi', 'veo', { duration: '5' });
    assert.deepStrictEqual([veo?.minCredits, veo?.maxCredits], [5, 60]);
    assert.match(veo?.text ?? '', /for 5 s$/);
    assert.match(estimateCost('pixapi', 'veo', {})?.text ?? '', /per second/);
  });

  it('says nothing where no price is documented', () => {
    assert.strictEqual(estimateCost('pixapi', 'wan', {}), undefined);
    assert.strictEqual(estimateCost('apixo', 'gpt-image-2', {}), undefined);
  });

  it('formats a reported cost in credits with dollars, other units as given', () => {
    assert.strictEqual(formatCost({ amount: 8, unit: 'credits' }), '8 credits ($0.08)');
    assert.strictEqual(formatCost({ amount: 0.5, unit: 'USD' }), '0.5 USD');
  });
});

describe('webview/estimate: large counts', () => {
  it('prices 10,000 images as 10,000 images, never "for 1 image"', async () => {
    const { estimateCost: estimate } = await import('../../../src/webview/estimate');
    const big = estimate('pixapi', 'gpt-image-2', { n: '10000' });
    assert.ok(big);
    assert.strictEqual(big.minCredits, 10_000);
    assert.match(big.text, /for 10,000 images/);
    assert.doesNotMatch(big.text, /for 1 image/);
  });
});
