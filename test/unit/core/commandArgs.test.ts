/** The automation contract: argument objects of the generate/edit/video commands. */
import * as assert from 'assert';
import { ArgsProblem, parseEditArgs, parseImageArgs, parseVideoArgs } from '../../../src/core/commandArgs';

function problem(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof ArgsProblem, `expected an ArgsProblem, got ${String(error)}`);
    return error.message;
  }
  assert.fail('expected an ArgsProblem');
}

/** The names after "Known: " in an unknown-argument message. */
function knownList(message: string): string[] {
  const match = /Known: (.*)\.$/.exec(message);
  assert.ok(match, `no list of known arguments in: ${message}`);
  return match[1].split(', ');
}

function includesAll(list: readonly string[], wanted: readonly string[]): boolean {
  return wanted.every((name) => list.includes(name));
}

describe('core/commandArgs', () => {
  describe('valid objects', () => {
    it('Generate Image takes every documented field', () => {
      const args = {
        provider: 'pixapi', model: 'gpt-image-2', prompt: 'a red bicycle', size: '1024x1024', n: 2, quality: 'high',
        params: { style: 'anime', seed: 7, hd: true }, sync: true, workspaceFolder: 'file:///ws',
      };
      assert.deepStrictEqual(parseImageArgs(args), args);
      assert.deepStrictEqual(parseImageArgs({ prompt: 'just a prompt' }), { prompt: 'just a prompt' });
    });

    it('Edit Image takes images plus the image fields', () => {
      const args = { provider: 'openai', prompt: 'make it blue', images: ['images/product.png', { path: 'x' }], n: 1 };
      assert.deepStrictEqual(parseEditArgs(args), args);
    });

    it('Generate Video takes duration, size, inputImage', () => {
      const args = {
        provider: 'apixo',
        model: 'veo-3-1',
        prompt: 'waves',
        duration: 8,
        size: '16:9',
        inputImage: 'https://x.example/a.png',
        params: { mode: 'fast' },
        workspaceFolder: 'file:///ws',
      };
      assert.deepStrictEqual(parseVideoArgs(args), args);
    });

    it('accepts every provider id and ignores keys set to undefined', () => {
      for (const provider of ['pixapi', 'pixai', 'apixo', 'openai'])
        assert.strictEqual(parseImageArgs({ provider, prompt: 'x' }).provider, provider);
      assert.strictEqual(parseImageArgs({ prompt: 'x', model: undefined }).prompt, 'x');
    });
  });

  describe('unknown keys', () => {
    it('are rejected with the list of known ones', () => {
      const image = problem(() => parseImageArgs({ prompt: 'x', promt: 'typo' }));
      assert.match(image, /^Generate Image: unknown argument "promt"\. Known: /);
      assert.ok(
        includesAll(knownList(image), ['provider', 'model', 'prompt', 'size', 'n', 'quality', 'params', 'sync', 'workspaceFolder']),
        image,
      );
      assert.ok(!knownList(image).includes('promt'));

      const video = problem(() => parseVideoArgs({ prompt: 'x', n: 2 }));
      assert.match(video, /^Generate Video: unknown argument "n"\. Known: /);
      assert.ok(
        includesAll(knownList(video), ['provider', 'model', 'prompt', 'duration', 'size', 'inputImage', 'params', 'workspaceFolder']),
        video,
      );
      assert.ok(!knownList(video).includes('n'));

      const edit = problem(() => parseEditArgs({ prompt: 'x', images: ['a.png'], image: 'a.png' }));
      assert.match(edit, /^Edit Image: unknown argument "image"\. Known: /);
      assert.ok(includesAll(knownList(edit), ['prompt', 'images', 'n', 'workspaceFolder']), edit);
    });

    it('fields of one command are unknown to another', () => {
      assert.match(problem(() => parseImageArgs({ prompt: 'x', images: ['a.png'] })), /unknown argument "images"/);
      assert.match(problem(() => parseImageArgs({ prompt: 'x', duration: 5 })), /unknown argument "duration"/);
      assert.match(problem(() => parseVideoArgs({ prompt: 'x', sync: true })), /unknown argument "sync"/);
    });

  });

  describe('wrong types', () => {
    it('name the field and what it must be', () => {
      assert.strictEqual(problem(() => parseImageArgs({ prompt: 42 })), 'Generate Image: "prompt" must be a string.');
      assert.strictEqual(problem(() => parseImageArgs({ prompt: 'x', n: '2' })), 'Generate Image: "n" must be a number.');
      assert.strictEqual(problem(() => parseImageArgs({ prompt: 'x', sync: 'yes' })), 'Generate Image: "sync" must be a boolean.');
      assert.strictEqual(
        problem(() => parseImageArgs({ prompt: 'x', provider: 'midjourney' })),
        'Generate Image: "provider" must be one of pixapi, pixai, apixo, openai.',
      );
      assert.strictEqual(problem(() => parseEditArgs({ prompt: 'x', images: 'a.png' })), 'Edit Image: "images" must be a list.');
      assert.strictEqual(problem(() => parseVideoArgs({ prompt: 'x', duration: '5s' })), 'Generate Video: "duration" must be a number.');
      assert.strictEqual(
        problem(() => parseVideoArgs({ prompt: 'x', inputImage: ['a'] })),
        'Generate Video: "inputImage" must be a string.',
      );
    });

    it('params and extra must be objects of JSON values (objects and lists included, no null)', () => {
      for (const key of ['params', 'extra']) {
        const expected = `Generate Image: "${key}" must be an object of field names and JSON values (text, numbers, booleans, lists, objects).`;
        for (const value of [['a'], 'style=anime', null, { none: null }, { deep: { a: null } }, { n: Number.NaN }]) {
          assert.strictEqual(problem(() => parseImageArgs({ prompt: 'x', [key]: value })), expected, JSON.stringify(value));
        }
        assert.deepStrictEqual(
          parseImageArgs({ prompt: 'x', [key]: { lora: { '7': 0.5 }, loras: [{ path: 'a', scale: 1 }] } })[key as 'params'],
          { lora: { '7': 0.5 }, loras: [{ path: 'a', scale: 1 }] },
        );
      }
    });

    it('the argument itself must be one object', () => {
      for (const value of [undefined, null, 'a red bicycle', ['a'], 3]) {
        assert.strictEqual(
          problem(() => parseImageArgs(value)),
          'Generate Image takes one argument object, such as { "prompt": "a red bicycle" }.',
        );
      }
    });
  });

  describe('required and ranged values', () => {
    it('prompt is required', () => {
      assert.strictEqual(problem(() => parseImageArgs({})), 'Generate Image: "prompt" is required.');
      assert.strictEqual(problem(() => parseImageArgs({ model: 'gpt-image-2' })), 'Generate Image: "prompt" is required.');
      assert.strictEqual(problem(() => parseVideoArgs({ prompt: undefined })), 'Generate Video: "prompt" is required.');
      assert.strictEqual(problem(() => parseEditArgs({ images: ['a.png'] })), 'Edit Image: "prompt" is required.');
    });

    it('n must be a whole number of at least 1', () => {
      for (const n of [0, -1, 1.5, Number.NaN, Infinity]) {
        assert.strictEqual(
          problem(() => parseImageArgs({ prompt: 'x', n })),
          'Generate Image: "n" must be a whole number of at least 1.',
          String(n),
        );
      }
      assert.strictEqual(parseImageArgs({ prompt: 'x', n: 1 }).n, 1);
      assert.strictEqual(parseEditArgs({ prompt: 'x', n: 4, images: ['a'] }).n, 4);
    });

    it('imageUrls must list http(s) URLs', () => {
      const urls = ['https://files.example/cat.png', 'http://cdn.example/r/1.png?sig=abc'];
      assert.deepStrictEqual(parseImageArgs({ prompt: 'x', imageUrls: urls }).imageUrls, urls);
      assert.deepStrictEqual(parseEditArgs({ prompt: 'x', images: ['a.png'], imageUrls: urls }).imageUrls, urls);
      const expected = 'Generate Image: "imageUrls" must list public http(s) URLs.';
      for (const imageUrls of [
        ['file:///etc/passwd'],
        ['images/cat.png'],
        ['https://ok.example/a.png', 42],
        ['https://has space.example/a.png'],
        ['data:image/png;base64,AAAA'],
      ]) {
        assert.strictEqual(
          problem(() => parseImageArgs({ prompt: 'x', imageUrls })),
          expected,
          JSON.stringify(imageUrls),
        );
      }
      assert.strictEqual(
        problem(() => parseImageArgs({ prompt: 'x', imageUrls: 'https://files.example/cat.png' })),
        'Generate Image: "imageUrls" must be a list.',
      );
      assert.match(problem(() => parseVideoArgs({ prompt: 'x', imageUrls: [] })), /unknown argument "imageUrls"/);
    });

    it('an edit needs at least one image', () => {
      const expected = 'Edit Image: "images" must list at least one workspace image.';
      assert.strictEqual(problem(() => parseEditArgs({ prompt: 'x' })), expected);
      assert.strictEqual(problem(() => parseEditArgs({ prompt: 'x', images: [] })), expected);
    });
  });

  describe('found by review', () => {
    it('keys that are Object.prototype members are unknown too', () => {
      for (const key of ['constructor', 'toString', 'hasOwnProperty', '__proto__']) {
        const value: unknown = JSON.parse(`{"prompt":"x","${key}":"y"}`);
        assert.match(
          problem(() => parseImageArgs(value)),
          new RegExp(`^Generate Image: unknown argument "${key}"\\. Known: provider,`),
          key,
        );
      }
    });
  });
  it('takes an output folder inside the workspace folder and refuses one outside it', () => {
    assert.strictEqual(parseImageArgs({ prompt: 'x', outputFolder: 'assets/ai' }).outputFolder, 'assets/ai');
    for (const outputFolder of ['../../etc', '/etc', 'a/../../b']) {
      assert.throws(() => parseImageArgs({ prompt: 'x', outputFolder }), /Generate Image: .*(outside|\.\.|absolute)/i, outputFolder);
    }
  });
});
