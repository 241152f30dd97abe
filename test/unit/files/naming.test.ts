import * as assert from 'node:assert/strict';
import { isWindowsReservedName, resultFileName, sidecarName, slugify, tempName, uniqueName } from '../../../src/core/files/naming';

const SLUG_SHAPE = /^[a-z0-9]+(-[a-z0-9]+)*$/;
const CREATED = Date.UTC(2026, 10, 21, 17, 5, 12); // 2026-11-21 17:05:12 UTC

/** Deterministic pseudo-random text (a fixed-seed LCG), so the property test is repeatable. */
function* randomPrompts(count: number): Generator<string> {
  let seed = 12345;
  const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
  const alphabet = ['a', 'Z', '9', ' ', '-', '.', '/', '\\', 'é', 'ß', '日', '🎨', '\u0000', '\n', 'Ｃ', 'ﬁ', '\u0301', 'con', 'NUL', '..'];
  for (let i = 0; i < count; i++) {
    const length = next() % 120;
    let text = '';
    for (let j = 0; j < length; j++) text += alphabet[next() % alphabet.length];
    yield text;
  }
}

describe('files: slugify', () => {
  it('turns a prompt into lower-case ASCII words joined with dashes', () => {
    assert.equal(slugify('Ceramic Coffee Cup'), 'ceramic-coffee-cup');
    assert.equal(slugify('  A cat, sitting on a mat!  '), 'a-cat-sitting-on-a-mat');
    assert.equal(slugify('4K render: 3D robot'), '4k-render-3d-robot');
  });

  it('strips accents and spells letters NFKD cannot decompose', () => {
    assert.equal(slugify('Crème brûlée à la façon'), 'creme-brulee-a-la-facon');
    assert.equal(slugify('Straße Ærø Œuvre Łódź'), 'strasse-aero-oeuvre-lodz');
    assert.equal(slugify('ＦＵＬＬ ｗｉｄｔｈ ﬁsh'), 'full-width-fish');
  });

  it('drops emoji and scripts with no ASCII spelling', () => {
    assert.equal(slugify('Cat 🐱 in space 🚀'), 'cat-in-space');
    assert.equal(slugify('👩‍👩‍👧‍👦🎨'), 'untitled');
    assert.equal(slugify('日本の風景'), 'untitled');
    assert.equal(slugify('Кот в космосе'), 'untitled');
  });

  it('falls back to "untitled" when nothing usable is left', () => {
    for (const prompt of ['', '   ', '...', '..', '.', '---', '/\\:*?"<>|', '\u0000\u0001'])
      assert.equal(slugify(prompt), 'untitled', JSON.stringify(prompt));
  });

  it('cuts long prompts at a word boundary within the limit', () => {
    const prompt = 'Ceramic coffee cup on a wooden table, soft morning light, 35mm photo';
    const slug = slugify(prompt);
    assert.equal(slug, 'ceramic-coffee-cup-on-a-wooden-table');
    assert.ok(slug.length <= 40);
    assert.equal(slugify(prompt, 20), 'ceramic-coffee-cup');
    assert.equal(slugify(prompt, 13), 'ceramic');
  });

  it('hard-cuts a single word longer than the limit', () => {
    assert.equal(slugify('x'.repeat(500)), 'x'.repeat(40));
    assert.equal(slugify('Supercalifragilisticexpialidocious-and-more', 12), 'supercalifra');
  });

  it('keeps very long prompts bounded', () => {
    const slug = slugify('word '.repeat(10_000));
    assert.ok(slug.length <= 40 && slug.length > 30, slug);
    assert.match(slug, SLUG_SHAPE);
  });

  it('never returns a name Windows reserves', () => {
    for (const prompt of ['CON', 'nul', 'Aux', 'prn', 'com1', 'LPT9', 'con.', ' nul ']) {
      const slug = slugify(prompt);
      assert.equal(isWindowsReservedName(slug), false, `${prompt} → ${slug}`);
      assert.match(slug, SLUG_SHAPE);
      assert.ok(slug.startsWith(prompt.trim().replace('.', '').toLowerCase()), slug);
    }
    assert.equal(slugify('con artist'), 'con-artist', 'only the whole name is reserved');
  });

  it('clamps limits too small to hold "untitled" and ignores nonsense limits', () => {
    assert.equal(slugify('', 3), 'untitled');
    assert.equal(slugify('abcdefghijkl', 3), 'abcdefgh');
    assert.equal(slugify('a b', Number.NaN), 'a-b');
  });

  it('always yields a safe, bounded slug (property check over 500 generated prompts)', () => {
    for (const prompt of randomPrompts(500)) {
      const slug = slugify(prompt);
      assert.match(slug, SLUG_SHAPE, JSON.stringify(prompt));
      assert.ok(slug.length <= 40, slug);
      assert.equal(isWindowsReservedName(slug), false, slug);
      assert.notEqual(slug, '.');
      assert.notEqual(slug, '..');
    }
  });
});

describe('files: isWindowsReservedName', () => {
  it('knows device names with and without extension, in any case', () => {
    for (const name of ['con', 'CON', 'nul.txt', 'com1', 'LPT3.png', 'aux']) assert.equal(isWindowsReservedName(name), true, name);
    for (const name of ['console', 'con-file', 'com10', 'nullable.png', 'untitled']) assert.equal(isWindowsReservedName(name), false, name);
  });
});

describe('files: resultFileName', () => {
  it('joins slug, UTC timestamp and extension', () => {
    assert.equal(
      resultFileName({ prompt: 'Ceramic coffee cup', createdAt: CREATED, index: 1, count: 1, extension: 'png' }),
      'ceramic-coffee-cup-20261121-170512.png',
    );
  });

  it('adds the 1-based index when a task has several results', () => {
    const base = { prompt: 'Ceramic coffee cup', createdAt: CREATED, count: 4, extension: 'png' };
    assert.equal(resultFileName({ ...base, index: 1 }), 'ceramic-coffee-cup-20261121-170512-1.png');
    assert.equal(resultFileName({ ...base, index: 2 }), 'ceramic-coffee-cup-20261121-170512-2.png');
    assert.equal(resultFileName({ ...base, index: 4 }), 'ceramic-coffee-cup-20261121-170512-4.png');
  });

  it('writes the time in UTC with zero padding, whatever the local time zone', () => {
    const newYearsEveUtc = Date.UTC(2026, 0, 1) - 1000;
    assert.equal(resultFileName({ prompt: 'x', createdAt: newYearsEveUtc, index: 1, count: 1, extension: 'mp4' }), 'x-20251231-235959.mp4');
    assert.equal(
      resultFileName({ prompt: 'x', createdAt: Date.UTC(2027, 1, 3, 4, 5, 6, 999), index: 1, count: 1, extension: 'mp4' }),
      'x-20270203-040506.mp4',
    );
  });

  it('accepts extensions with a dot or in upper case', () => {
    assert.equal(resultFileName({ prompt: 'cup', createdAt: CREATED, index: 1, count: 1, extension: '.WebP' }), 'cup-20261121-170512.webp');
  });

  it('uses "untitled" for prompts with nothing to keep', () => {
    assert.equal(
      resultFileName({ prompt: '🎨', createdAt: CREATED, index: 1, count: 1, extension: 'png' }),
      'untitled-20261121-170512.png',
    );
  });

  it('refuses bad extensions, positions and times', () => {
    const base = { prompt: 'cup', createdAt: CREATED, index: 1, count: 1, extension: 'png' };
    assert.throws(() => resultFileName({ ...base, extension: '../x' }), /extension/);
    assert.throws(() => resultFileName({ ...base, extension: '' }), /extension/);
    assert.throws(() => resultFileName({ ...base, extension: 'png ' }), /extension/);
    assert.throws(() => resultFileName({ ...base, index: 0 }), RangeError);
    assert.throws(() => resultFileName({ ...base, index: 2 }), RangeError);
    assert.throws(() => resultFileName({ ...base, count: 0 }), RangeError);
    assert.throws(() => resultFileName({ ...base, index: 1.5, count: 2 }), RangeError);
    assert.throws(() => resultFileName({ ...base, createdAt: Number.NaN }), RangeError);
    assert.throws(() => resultFileName({ ...base, createdAt: 8.64e15 + 1 }), RangeError);
  });
});

describe('files: uniqueName', () => {
  const existing = (...names: string[]) => {
    const set = new Set(names);
    const asked: string[] = [];
    return { asked, exists: (name: string) => (asked.push(name), set.has(name)) };
  };

  it('returns the desired name when it is free', async () => {
    const { asked, exists } = existing('other.png');
    assert.equal(await uniqueName('cup.png', exists), 'cup.png');
    assert.deepEqual(asked, ['cup.png']);
  });

  it('numbers the name before the extension on collisions', async () => {
    const { asked, exists } = existing('cup.png', 'cup-1.png', 'cup-2.png');
    assert.equal(await uniqueName('cup.png', exists), 'cup-3.png');
    assert.deepEqual(asked, ['cup.png', 'cup-1.png', 'cup-2.png', 'cup-3.png']);
  });

  it('accepts an asynchronous exists check', async () => {
    const taken = new Set(['a-20261121-170512.mp4']);
    const exists = async (name: string) => {
      await Promise.resolve();
      return taken.has(name);
    };
    assert.equal(await uniqueName('a-20261121-170512.mp4', exists), 'a-20261121-170512-1.mp4');
  });

  it('numbers names without an extension and keeps only the last extension', async () => {
    assert.equal(await uniqueName('README', existing('README').exists), 'README-1');
    assert.equal(await uniqueName('cup.png.json', existing('cup.png.json').exists), 'cup.png-1.json');
  });

  it('switches to a random suffix after the numbered attempts', async () => {
    const { asked, exists } = existing('cup.png', 'cup-1.png', 'cup-2.png', 'cup-3.png');
    const name = await uniqueName('cup.png', exists, { maxNumbered: 3, randomSuffix: () => 'r4nd0m' });
    assert.equal(name, 'cup-r4nd0m.png');
    assert.equal(asked.length, 5);
  });

  it('uses a real random suffix by default', async () => {
    const name = await uniqueName('cup.png', (n) => /^cup(-\d+)?\.png$/.test(n), { maxNumbered: 2 });
    assert.match(name, /^cup-[0-9a-f]{8}\.png$/);
  });

  it('gives up with an error instead of overwriting when everything is taken', async () => {
    let calls = 0;
    await assert.rejects(
      uniqueName('cup.png', () => (calls++, true), { maxNumbered: 5 }),
      /Could not find a free file name for "cup\.png"/,
    );
    assert.equal(calls, 1 + 5 + 5, 'bounded: desired, numbered, then a few random attempts');
  });

  it('propagates a failing exists check', async () => {
    await assert.rejects(uniqueName('cup.png', async () => Promise.reject(new Error('EACCES'))), /EACCES/);
  });
});

describe('files: sidecarName and tempName', () => {
  it('names the sidecar after the full result name', () => {
    assert.equal(sidecarName('cup-20261121-170512.png'), 'cup-20261121-170512.png.json');
  });

  it('makes hidden, clearly partial temporary names', () => {
    assert.equal(tempName('cup-20261121-170512.png', 'a1B2_c3-d4'), '.cup-20261121-170512.png.a1B2_c3-d4.part');
  });

  it('refuses paths and unsafe random parts', () => {
    assert.throws(() => tempName('dir/cup.png', 'abc'), /plain file name/);
    assert.throws(() => tempName('..', 'abc'), /plain file name/);
    assert.throws(() => tempName('', 'abc'), /plain file name/);
    assert.throws(() => tempName('cup.png', '../x'), /Random part/);
    assert.throws(() => tempName('cup.png', ''), /Random part/);
  });
});
