import * as assert from 'node:assert/strict';
import { compose, describePlan, flatten, planFit, type Rgba } from '../../../src/core/targets/geometry';
import { buildIco, readIcoEntries } from '../../../src/core/targets/ico';

function solid(width: number, height: number, rgba: [number, number, number, number]): Rgba {
  const data = new Uint8ClampedArray(width * height * 4);
  for (let i = 0; i < data.length; i += 4) data.set(rgba, i);
  return { width, height, data };
}

function pixel(image: Rgba, x: number, y: number): number[] {
  const at = (y * image.width + x) * 4;
  return [...image.data.subarray(at, at + 4)];
}

describe('fitting an image into a target size', () => {
  it('cover scales to fill and crops the centre', () => {
    const plan = planFit(1536, 1024, { width: 1200, height: 630 }, 'cover');
    assert.deepEqual(plan, { resizeWidth: 1200, resizeHeight: 800, cropX: 0, cropY: 85, offsetX: 0, offsetY: 0, width: 1200, height: 630 });
    assert.deepEqual(describePlan(1536, 1024, plan), ['resized 1536x1024 to 1200x800', 'cropped to 1200x630 (centre)']);
  });

  it('contain scales to fit and pads the margins', () => {
    const plan = planFit(1536, 1024, { width: 512, height: 512 }, 'contain');
    assert.deepEqual(plan, { resizeWidth: 512, resizeHeight: 341, cropX: 0, cropY: 0, offsetX: 0, offsetY: 85, width: 512, height: 512 });
    assert.deepEqual(describePlan(1536, 1024, plan).at(-1), 'padded to 512x512 (centre)');
  });

  it('follows the source aspect ratio when one side is missing, and keeps the size when both are', () => {
    assert.equal(planFit(1536, 1024, { width: 300 }, 'cover').height, 200);
    assert.equal(planFit(1024, 1536, { height: 300 }, 'cover').width, 200);
    const same = planFit(1024, 1024, {}, 'cover');
    assert.deepEqual([same.width, same.height, same.resizeWidth], [1024, 1024, 1024]);
    assert.deepEqual(describePlan(1024, 1024, same), []);
  });

  it('compose crops for cover and pads with the background for contain', () => {
    const source = solid(4, 2, [200, 0, 0, 255]);
    source.data.set([0, 0, 200, 255], 0); // top-left pixel blue: cropped away by a centred 2×2 window
    const cropped = compose(source, planFit(4, 2, { width: 2, height: 2 }, 'cover'));
    assert.deepEqual([cropped.width, cropped.height], [2, 2]);
    assert.deepEqual(pixel(cropped, 0, 0), [200, 0, 0, 255]);
    const padded = compose(solid(4, 2, [200, 0, 0, 255]), planFit(4, 2, { width: 4, height: 4 }, 'contain'));
    assert.deepEqual(pixel(padded, 0, 0), [0, 0, 0, 0], 'transparent margin');
    assert.deepEqual(pixel(padded, 0, 1), [200, 0, 0, 255]);
    const onWhite = compose(solid(4, 2, [200, 0, 0, 255]), planFit(4, 2, { width: 4, height: 4 }, 'contain'), [255, 255, 255, 255]);
    assert.deepEqual(pixel(onWhite, 0, 3), [255, 255, 255, 255]);
  });

  it('flatten puts transparency on white (JPEG has none)', () => {
    const half = flatten(solid(1, 1, [0, 0, 0, 128]));
    assert.deepEqual(pixel(half, 0, 0).map((v) => Math.round(v / 10)), [13, 13, 13, 26]);
  });
});

describe('ICO files with PNG entries', () => {
  it('writes a directory that reads back to the same entries', () => {
    const entries = [16, 32, 48].map((size) => ({ size, png: new Uint8Array(size).fill(size) }));
    const ico = buildIco(entries);
    assert.deepEqual([...ico.subarray(0, 6)], [0, 0, 1, 0, 3, 0]);
    const read = readIcoEntries(ico);
    assert.deepEqual(read?.map((e) => e.size), [16, 32, 48]);
    assert.deepEqual([...ico.subarray(read![2].offset, read![2].offset + read![2].length)], [...entries[2].png]);
    assert.equal(readIcoEntries(new Uint8Array([1, 2, 3, 4, 5, 6])), undefined);
  });
});
