/**
 * What the emulator's results show: each image carries its model id and prompt as text on a background that
 * follows the prompt (decoded with the extension's own codecs, as built in dist/), and each video lasts as long
 * as its task asked for (its MP4 boxes parsed and summed).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import type { ImageCodecs, RgbaImage } from '../../../src/codecs/imageCodecs';
import { type ProviderEmulator } from '../../emulator';
import { sampleVideoBytes } from '../../emulator/cdn';
import { jpegImage } from '../../emulator/jpeg';
import {
  backgroundAt,
  GLYPH_HEIGHT,
  GLYPH_WIDTH,
  glyphInk,
  MODEL_COLOUR,
  pictureLayout,
  type PictureLayout,
  type PictureText,
  type Rgb,
  wrapText,
} from '../../emulator/label';
import { videoOfDuration } from '../../emulator/mp4';
import { pngImage } from '../../emulator/png';
import { type Json, KEYS, decodePng, download, jpegSize, pollUntil, request, startFast } from './helpers';

const ROOT = path.resolve(__dirname, '..', '..', '..', '..');

/** The bundle the extension loads (dist/imageCodecs.js, with dist/wasm): `npm run build` makes it. */
function codecs(): ImageCodecs {
  const bundle = path.join(ROOT, 'dist', 'imageCodecs.js');
  assert.ok(fs.existsSync(bundle), 'dist/imageCodecs.js exists (run npm run build first)');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const module = require(bundle) as typeof import('../../../src/codecs/imageCodecs');
  return module.createImageCodecs(path.join(ROOT, 'dist', 'wasm'));
}

function pixel(image: RgbaImage, x: number, y: number): Rgb {
  const i = (y * image.width + x) * 4;
  return [image.data[i], image.data[i + 1], image.data[i + 2]];
}

function near(actual: Rgb, expected: Rgb, tolerance: number): boolean {
  return actual.every((value, c) => Math.abs(value - expected[c]) <= tolerance);
}

/**
 * Checks the model id's lines font pixel by font pixel: the centre of each is the model colour where the glyph
 * has ink and the background where it has none. Returns how many ink pixels were checked.
 */
function assertModelLines(image: RgbaImage, layout: PictureLayout, model: string, tolerance: number): number {
  const lines = layout.lines.filter((line) => line.colour === MODEL_COLOUR);
  assert.equal(lines.map((line) => line.text).join(''), model, 'the first lines spell the model id');
  let ink = 0;
  for (const line of lines) {
    for (let index = 0; index < line.text.length; index++) {
      for (let column = 0; column < GLYPH_WIDTH; column++) {
        for (let row = 0; row < GLYPH_HEIGHT; row++) {
          const x = line.x + (index * (GLYPH_WIDTH + 1) + column) * layout.scale + Math.floor(layout.scale / 2);
          const y = line.y + row * layout.scale + Math.floor(layout.scale / 2);
          const isInk = glyphInk(line.text[index], column, row);
          const expected = isInk ? MODEL_COLOUR : backgroundAt(layout, y);
          if (isInk) ink++;
          const shown = pixel(image, x, y);
          assert.ok(
            near(shown, expected, tolerance),
            `"${line.text[index]}" font pixel ${column},${row} at ${x},${y} is ${shown}, not ${expected}`,
          );
        }
      }
    }
  }
  return ink;
}

describe('emulator: what results show', () => {
  let codec: ImageCodecs;
  before(() => (codec = codecs()));

  describe('images', () => {
    const lighthouse: PictureText = { prompt: 'A lighthouse at dawn, watercolor', model: 'gpt-image-2' };
    const city: PictureText = { prompt: 'A futuristic city at sunset', model: 'gpt-image-2' };

    it('draws the model id and the prompt on a PNG, readable pixel for pixel', async () => {
      const png = pngImage(1024, 1024, lighthouse);
      assert.deepEqual(decodePng(png), { width: 1024, height: 1024 }, 'CRCs, zlib stream and size check out');
      const image = await codec.decode(png, 'image/png');
      const layout = pictureLayout(1024, 1024, lighthouse);
      assert.deepEqual(layout.lines.map((l) => l.text), ['gpt-image-2', 'A lighthouse at dawn,', 'watercolor']);
      const ink = assertModelLines(image, layout, 'gpt-image-2', 0);
      assert.ok(ink > 100, `the model id has ink (${ink} font pixels)`);
      // Text of the prompt is there too: the second line's colour appears in its rows.
      const promptRow = layout.lines[1].y + layout.scale * 3;
      const row = Array.from({ length: 1024 }, (_, x) => pixel(image, x, promptRow));
      assert.ok(row.some((p) => near(p, layout.lines[1].colour, 0)), 'prompt ink in its line');
    });

    it('gives two prompts different images and different backgrounds', async () => {
      const a = pngImage(512, 512, lighthouse);
      const b = pngImage(512, 512, city);
      assert.notDeepEqual(a, b);
      const [imageA, imageB] = [await codec.decode(a, 'image/png'), await codec.decode(b, 'image/png')];
      assert.notDeepEqual(pixel(imageA, 2, 2), pixel(imageB, 2, 2), 'the background follows the prompt');
      assert.deepEqual(pixel(imageA, 2, 2), backgroundAt(pictureLayout(512, 512, lighthouse), 2));
      assert.deepEqual(pngImage(512, 512, lighthouse), a, 'the same prompt and model give the same image');
      assert.notDeepEqual(pngImage(512, 512, { ...lighthouse, model: 'nano-banana' }), a, 'another model, another image');
    });

    it('draws the same text on a JPEG, on whole 8×8 blocks where the image is wide enough', async () => {
      const text = { prompt: 'A futuristic city at sunset', model: 'nano-banana' };
      for (const [width, height] of [[1024, 576], [576, 1024]]) {
        const jpeg = jpegImage(width, height, text);
        assert.deepEqual(jpegSize(jpeg), { width, height });
        const image = await codec.decode(jpeg, 'image/jpeg');
        assert.deepEqual([image.width, image.height], [width, height], 'the project decoder reads it');
        const layout = pictureLayout(width, height, text, 8);
        assert.equal(layout.scale % 8, 0, `${width}×${height}: font pixels are whole blocks`);
        assert.equal(layout.lines[0].x % 8, 0);
        assert.ok(assertModelLines(image, layout, 'nano-banana', 12) > 100);
      }
    });

    it('wraps a long prompt over a few lines and marks what did not fit', () => {
      assert.deepEqual(wrapText('one two three four five six', 9, 2), ['one two', 'three...']);
      assert.deepEqual(wrapText('abcdefghijkl', 5, 3), ['abcde', 'fghij', 'kl']);
      assert.deepEqual(wrapText('caf\u00e9 ok', 10, 2), ['caf? ok'], 'non-ASCII characters draw as "?"');
    });
  });

  describe('every route that returns an image', () => {
    let emulator: ProviderEmulator;
    before(async () => (emulator = await startFast()));
    after(() => emulator.close());

    async function assertShows(bytes: Buffer, mime: 'image/png' | 'image/jpeg', text: PictureText): Promise<void> {
      const image = await codec.decode(bytes, mime);
      const layout = pictureLayout(image.width, image.height, text, mime === 'image/jpeg' ? 8 : 1);
      assertModelLines(image, layout, text.model, mime === 'image/jpeg' ? 12 : 0);
    }

    it('Pixapi: CDN files and b64_json', async () => {
      const post = (route: string, json: unknown) => request(`${emulator.urls.pixapi}${route}`, { key: KEYS.pixapi, json });
      const url = await post('/v1/images/generations', { model: 'gpt-image-2', prompt: 'a red kite', size: '1024x1024' });
      assert.equal(url.status, 200, JSON.stringify(url.body));
      await assertShows((await download(url.body.data[0].url)).bytes, 'image/png', { prompt: 'a red kite', model: 'gpt-image-2' });
      const inline = await post('/v1/images/generations', { model: 'nano-banana', prompt: 'a blue kite', response_format: 'b64_json' });
      assert.equal(inline.status, 200, JSON.stringify(inline.body));
      await assertShows(Buffer.from(inline.body.data[0].b64_json, 'base64'), 'image/png', { prompt: 'a blue kite', model: 'nano-banana' });
    });

    it('PixAI: media URLs', async () => {
      const created = await request(`${emulator.urls.pixai}/v2/image/create`, {
        key: KEYS.pixai,
        json: { modelVersionId: '1983308862240288769', prompt: 'a green kite' },
      });
      assert.equal(created.status, 200, JSON.stringify(created.body));
      const seen = await pollUntil(
        async () => (await request(`${emulator.urls.pixai}/v1/task/${created.body.id}`, { key: KEYS.pixai })).body,
        (t: Json) => t.status === 'completed',
      );
      const done = seen.pop();
      await assertShows((await download(done.outputs.mediaUrls[0])).bytes, 'image/png', {
        prompt: 'a green kite',
        model: '1983308862240288769',
      });
    });

    it('Apixo: PNG and JPEG result URLs', async () => {
      const api = `${emulator.urls.apixo}/api/v1`;
      for (const format of ['png', 'jpeg'] as const) {
        const prompt = `a ${format} kite`;
        const submit = await request(`${api}/generateTask/nano-banana`, {
          key: KEYS.apixo,
          json: { request_type: 'async', input: { prompt, output_format: format } },
        });
        assert.equal(submit.status, 200, JSON.stringify(submit.body));
        const seen = await pollUntil(
          async () => (await request(`${api}/statusTask/nano-banana?taskId=${submit.body.data.taskId}`, { key: KEYS.apixo })).body,
          (envelope: Json) => envelope.data.state === 'success',
        );
        const [url] = JSON.parse(seen.pop().data.resultJson).resultUrls;
        await assertShows((await download(url)).bytes, format === 'png' ? 'image/png' : 'image/jpeg', { prompt, model: 'nano-banana' });
      }
    });
  });
  describe('videos', () => {
    interface Parsed { readonly type: string; readonly start: number; readonly end: number; readonly children: Parsed[] }
    const CONTAINERS = ['moov', 'trak', 'mdia', 'minf', 'stbl', 'edts', 'dinf'];

    /** The box tree, asserting that every box's size ends exactly where its parent ends. */
    function boxes(bytes: Buffer, start = 0, end = bytes.length): Parsed[] {
      const found: Parsed[] = [];
      let offset = start;
      while (offset < end) {
        const size = bytes.readUInt32BE(offset);
        const type = bytes.toString('latin1', offset + 4, offset + 8);
        assert.ok(size >= 8 && offset + size <= end, `${type} at ${offset}: size ${size} fits its parent (ends ${end})`);
        found.push({
          type,
          start: offset,
          end: offset + size,
          children: CONTAINERS.includes(type) ? boxes(bytes, offset + 8, offset + size) : [],
        });
        offset += size;
      }
      assert.equal(offset, end, 'the boxes add up to their parent');
      return found;
    }

    function box(tree: Parsed[], path: string): Parsed {
      const [first, ...rest] = path.split('/');
      const found = tree.find((b) => b.type === first);
      assert.ok(found, `${first} box present`);
      return rest.length ? box(found.children, rest.join('/')) : found;
    }

    /** 32-bit fields of a full box, after its version and flags. */
    const fields = (bytes: Buffer, b: Parsed) =>
      Array.from({ length: (b.end - b.start - 12) / 4 }, (_, i) => bytes.readUInt32BE(b.start + 12 + i * 4));

    /** Every duration in the file, in seconds, after checking the sample tables agree with each other and with mdat. */
    function durations(bytes: Buffer): { movie: number; track: number; edit: number; media: number; samples: number; keyframes: number[] } {
      const tree = boxes(bytes);
      assert.deepEqual(tree.map((b) => b.type), ['ftyp', 'moov', 'free', 'mdat']);
      const stbl = 'moov/trak/mdia/minf/stbl';
      const [, , movieScale, movieDuration] = fields(bytes, box(tree, 'moov/mvhd'));
      const [, , , , trackDuration] = fields(bytes, box(tree, 'moov/trak/tkhd'));
      const [editCount, editDuration, mediaTime] = fields(bytes, box(tree, 'moov/trak/edts/elst'));
      assert.deepEqual([editCount, mediaTime], [1, 0]);
      const [, , mediaScale, mediaDuration] = fields(bytes, box(tree, 'moov/trak/mdia/mdhd'));
      const stts = fields(bytes, box(tree, `${stbl}/stts`));
      let samples = 0;
      let sttsDuration = 0;
      for (let i = 0; i < stts[0]; i++) {
        samples += stts[1 + i * 2];
        sttsDuration += stts[1 + i * 2] * stts[2 + i * 2];
      }
      assert.equal(sttsDuration, mediaDuration, 'stts adds up to mdhd');
      const [, sizeCount, ...sizes] = fields(bytes, box(tree, `${stbl}/stsz`));
      assert.equal(sizeCount, samples);
      assert.equal(sizes.length, samples);
      const [chunkCount, ...offsets] = fields(bytes, box(tree, `${stbl}/stco`));
      assert.equal(offsets.length, chunkCount);
      const stsc = fields(bytes, box(tree, `${stbl}/stsc`));
      // Samples per chunk from stsc's runs, then each chunk's bytes must sit inside mdat, back to back.
      const perChunk = Array.from({ length: chunkCount }, (_, chunk) => {
        let value = 0;
        for (let i = 0; i < stsc[0]; i++) if (stsc[1 + i * 3] <= chunk + 1) value = stsc[2 + i * 3];
        return value;
      });
      assert.equal(perChunk.reduce((a, b) => a + b, 0), samples, 'stsc covers every sample');
      const mdat = box(tree, 'mdat');
      let sample = 0;
      let expectedOffset = mdat.start + 8;
      for (let chunk = 0; chunk < chunkCount; chunk++) {
        assert.equal(offsets[chunk], expectedOffset, `chunk ${chunk + 1} offset`);
        for (let i = 0; i < perChunk[chunk]; i++) expectedOffset += sizes[sample++];
      }
      assert.equal(expectedOffset, mdat.end, 'the samples fill mdat exactly');
      const [keyCount, ...keyframes] = fields(bytes, box(tree, `${stbl}/stss`));
      assert.equal(keyframes.length, keyCount);
      return {
        movie: movieDuration / movieScale,
        track: trackDuration / movieScale,
        edit: editDuration / movieScale,
        media: mediaDuration / mediaScale,
        samples,
        keyframes,
      };
    }

    it('the committed sample is what the emulator starts from: 2 s, 24 samples, one keyframe', () => {
      const sample = durations(sampleVideoBytes());
      assert.deepEqual(sample, { movie: 2, track: 2, edit: 2, media: 2, samples: 24, keyframes: [1] });
      assert.ok(
        videoOfDuration(sampleVideoBytes(), 2).equals(sampleVideoBytes()),
        'rebuilt at its own length, the sample comes back byte for byte',
      );
    });

    for (const seconds of [4, 10, 5, 1, 2.5]) {
      it(`makes a ${seconds} s video: every duration ${seconds} s, a keyframe every 24 samples`, () => {
        const video = durations(videoOfDuration(sampleVideoBytes(), seconds));
        assert.deepEqual([video.movie, video.track, video.edit, video.media], [seconds, seconds, seconds, seconds]);
        assert.equal(video.samples, Math.ceil(seconds * 12), '12 frames a second');
        assert.deepEqual(video.keyframes, Array.from({ length: Math.ceil(video.samples / 24) }, (_, i) => 1 + i * 24));
      });
    }

    it('serves videos as long as the task asked: Apixo duration, Pixapi duration and its default', async () => {
      const emulator = await startFast();
      try {
        const api = `${emulator.urls.apixo}/api/v1`;
        const submit = await request(`${api}/generateTask/sora-2`, {
          key: KEYS.apixo,
          json: { request_type: 'async', input: { prompt: 'a wave', duration: 4 } },
        });
        assert.equal(submit.status, 200, JSON.stringify(submit.body));
        const seen = await pollUntil(
          async () => (await request(`${api}/statusTask/sora-2?taskId=${submit.body.data.taskId}`, { key: KEYS.apixo })).body,
          (envelope: Json) => envelope.data.state === 'success',
        );
        const [apixoUrl] = JSON.parse(seen.pop().data.resultJson).resultUrls;
        assert.equal(durations((await download(apixoUrl)).bytes).movie, 4, 'Apixo sora-2 duration 4');

        for (const [duration, expected] of [[10, 10], [undefined, 5]] as const) {
          const posted = await request(`${emulator.urls.pixapi}/v1/async/videos/generations`, {
            key: KEYS.pixapi,
            json: { model: 'veo', prompt: 'a reveal', duration },
          });
          assert.equal(posted.status, 200, JSON.stringify(posted.body));
          const task = (await pollUntil(
            async () => (await request(`${emulator.urls.pixapi}/v1/tasks/${posted.body.id}`, { key: KEYS.pixapi })).body,
            (t: Json) => t.status === 'completed',
          )).pop();
          assert.equal(durations((await download(task.result.data[0].url)).bytes).movie, expected, `Pixapi veo duration ${duration}`);
        }
      } finally {
        await emulator.close();
      }
    });
  });
});
