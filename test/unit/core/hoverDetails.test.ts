import * as assert from 'assert';
import { inputImages, paramLines } from '../../../src/core/hoverDetails';

describe('core/hoverDetails: a task hover in a person\'s terms', () => {
  it('gives a duration its unit, by the provider\'s own field name, and leaves other values as they are', () => {
    assert.deepStrictEqual(paramLines({ duration: 4, size: '1280x720' }, 'duration'), [
      { name: 'duration', value: '4 s' }, { name: 'size', value: '1280x720' },
    ]);
    assert.deepStrictEqual(paramLines({ duration: 8, aspect_ratio: '16:9' }, 'duration')[0], { name: 'duration', value: '8 s' });
    assert.deepStrictEqual(
      paramLines({ duration: 4 }, undefined),
      [{ name: 'duration', value: '4' }],
      'no duration field: no unit guessed',
    );
  });

  it('lists an input image URL as the workspace file it came from, not among the parameters', () => {
    const url = 'http://127.0.0.1:9/files/image-1.png';
    const tasks = [{ results: [{ url: 'https://other/x.png' }] }, { results: [{ url, file: 'file:///ws/generated/lighthouse.png' }] }];
    assert.deepStrictEqual(paramLines({ input_image: url, duration: 4 }, 'duration'), [{ name: 'duration', value: '4 s' }]);
    assert.deepStrictEqual(inputImages({ params: { input_image: url }, imageUrls: undefined }, tasks), [
      { url, file: 'file:///ws/generated/lighthouse.png' },
    ]);
    assert.deepStrictEqual(inputImages({ params: {}, imageUrls: [url, 'https://elsewhere/y.png'] }, tasks), [
      { url, file: 'file:///ws/generated/lighthouse.png' }, { url: 'https://elsewhere/y.png' },
    ]);
    assert.deepStrictEqual(inputImages({ params: {}, imageUrls: undefined }, tasks), []);
  });
});
