import * as assert from 'assert';
import { groupByForm, valueForm } from '../../../src/core/valueForms';
import { modelSpec } from '../../../src/core/spec/registry';

describe('core/valueForms: option lists grouped by the form of their values', () => {
  it('tells pixel sizes, resolutions and aspect ratios apart by their form', () => {
    for (const v of ['1024x1024', '1536x1024', '1280X720', '512 x 512', '1920×1080']) assert.strictEqual(valueForm(v), 'pixels', v);
    for (const v of ['2K', '4K', '1k', '1.5K', '720p', '1080P']) assert.strictEqual(valueForm(v), 'resolution', v);
    for (const v of ['16:9', '9:16', '1:1', '21:9', '2.39:1']) assert.strictEqual(valueForm(v), 'aspectRatio', v);
    for (const v of ['auto', 'square', '', 'x1024', '16:', '4K60']) assert.strictEqual(valueForm(v), 'other', v);
  });

  it('groups a mixed list in a fixed order, keeping each group\'s own order', () => {
    assert.deepStrictEqual(groupByForm(['auto', '1024x1024', '16:9', '2K', '1536x1024', '4K']), [
      { form: 'pixels', values: ['1024x1024', '1536x1024'] },
      { form: 'resolution', values: ['2K', '4K'] },
      { form: 'aspectRatio', values: ['16:9'] },
      { form: 'other', values: ['auto'] },
    ]);
    assert.deepStrictEqual(groupByForm(['1:1', '16:9']), [{ form: 'aspectRatio', values: ['1:1', '16:9'] }]);
    assert.deepStrictEqual(groupByForm([]), []);
  });

  it('splits the size list of a Pixapi model that mixes pixels with "2K"/"4K" (issue #16)', () => {
    const sizes = (modelSpec('pixapi', 'gemini-3.1-flash-image-preview', 'image').params.find((p) => p.name === 'size')?.values ?? []).map(
      String,
    );
    const forms = groupByForm(sizes).map((g) => g.form);
    assert.ok(forms.includes('pixels') && forms.includes('resolution'), forms.join(', '));
  });
});
