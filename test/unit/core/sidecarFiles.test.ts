import * as assert from 'assert';
import { mediaPathOfSidecar, SIDECAR_GLOB, SidecarFiles } from '../../../src/core/sidecarFiles';

describe('core/sidecarFiles: which files the Explorer offers Regenerate on', () => {
  it('maps a media result\'s sidecar to the result, and nothing else', () => {
    assert.strictEqual(mediaPathOfSidecar('/ws/generated/cup-1.png.json'), '/ws/generated/cup-1.png');
    assert.strictEqual(mediaPathOfSidecar('/ws/clip.MP4.json'), '/ws/clip.MP4');
    assert.strictEqual(mediaPathOfSidecar('/ws/package.json'), undefined);
    assert.strictEqual(mediaPathOfSidecar('/ws/notes.txt.json'), undefined);
    assert.strictEqual(mediaPathOfSidecar('/ws/cup.png'), undefined);
    assert.strictEqual(mediaPathOfSidecar('/ws/.png.json'), '/ws/.png');
  });

  it('keeps the set as sidecars come and go, and says when it changed', () => {
    const files = new SidecarFiles();
    assert.strictEqual(files.added('/ws/a.png.json'), true);
    assert.strictEqual(files.added('/ws/a.png.json'), false, 'seen twice (search and watcher)');
    assert.strictEqual(files.added('/ws/package.json'), false);
    assert.strictEqual(files.added('/ws/v.mp4.json'), true);
    assert.deepStrictEqual(files.contextValue(), { '/ws/a.png': true, '/ws/v.mp4': true });
    assert.strictEqual(files.removed('/ws/a.png.json'), true);
    assert.strictEqual(files.removed('/ws/a.png.json'), false);
    assert.strictEqual(files.has('/ws/a.png'), false);
    assert.deepStrictEqual(files.contextValue(), { '/ws/v.mp4': true });
  });

  it('watches the sidecars of every media extension', () => {
    assert.strictEqual(SIDECAR_GLOB, '**/*.{png,jpg,jpeg,webp,gif,mp4,webm,mov}.json');
  });
});
