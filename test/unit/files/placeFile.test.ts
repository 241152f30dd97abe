/** Final names claimed exclusively: many saves racing for one name never overwrite each other. */
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { placeExclusively, writeExclusively } from '../../../src/core/files/placeFile';
import { linkOutside } from '../../../src/core/files/realPath';

describe('files/placeFile', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ms-place-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('ten saves racing for the same names each get their own, none overwritten', async () => {
    const temps = Array.from({ length: 10 }, (_, i) => {
      const temp = path.join(dir, `.t${i}.part`);
      fs.writeFileSync(temp, `result ${i}`);
      return temp;
    });
    // Each save walks the same candidates in the same order, all at once, as two tasks finishing together do.
    const placed = await Promise.all(temps.map(async (temp) => {
      for (let n = 0; n < 20; n++) {
        const target = path.join(dir, n === 0 ? 'cup.png' : `cup-${n}.png`);
        if ((await placeExclusively(temp, target)) === 'placed') return target;
      }
      throw new Error('no name');
    }));
    assert.strictEqual(new Set(placed).size, 10, 'ten different names');
    const contents = placed.map((file) => fs.readFileSync(file, 'utf8')).sort();
    assert.deepStrictEqual(contents, temps.map((_, i) => `result ${i}`).sort(), 'every result is there once');
    assert.deepStrictEqual(fs.readdirSync(dir).filter((n) => n.endsWith('.part')), [], 'no temporary file left');
  });

  it('leaves a taken name and the temporary file alone', async () => {
    fs.writeFileSync(path.join(dir, 'mine.png'), 'the user\'s');
    fs.writeFileSync(path.join(dir, '.t.part'), 'new');
    assert.strictEqual(await placeExclusively(path.join(dir, '.t.part'), path.join(dir, 'mine.png')), 'taken');
    assert.strictEqual(fs.readFileSync(path.join(dir, 'mine.png'), 'utf8'), 'the user\'s');
    assert.strictEqual(fs.readFileSync(path.join(dir, '.t.part'), 'utf8'), 'new');
  });

  it('writeExclusively never replaces a file', async () => {
    assert.strictEqual(await writeExclusively(path.join(dir, 'a.json'), Buffer.from('1')), true);
    assert.strictEqual(await writeExclusively(path.join(dir, 'a.json'), Buffer.from('2')), false);
    assert.strictEqual(fs.readFileSync(path.join(dir, 'a.json'), 'utf8'), '1');
  });
});

describe('files/realPath', () => {
  let root: string;
  let outside: string;
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'ms-ws-'));
    outside = fs.mkdtempSync(path.join(os.tmpdir(), 'ms-elsewhere-'));
  });
  afterEach(() => {
    fs.rmSync(root, { recursive: true, force: true });
    fs.rmSync(outside, { recursive: true, force: true });
  });

  it('names a folder link that leads out of the workspace folder, and where it leads', async () => {
    fs.symlinkSync(outside, path.join(root, 'generated'));
    assert.deepStrictEqual(await linkOutside(root, path.join(root, 'generated', 'sub')), {
      link: 'generated',
      realTarget: fs.realpathSync(outside),
    });
  });

  it('names a file link to a file outside, and a dangling link', async () => {
    fs.writeFileSync(path.join(outside, 'secret.png'), 'x');
    fs.mkdirSync(path.join(root, 'images'));
    fs.symlinkSync(path.join(outside, 'secret.png'), path.join(root, 'images', 'cat.png'));
    assert.strictEqual((await linkOutside(root, path.join(root, 'images', 'cat.png')))?.link, path.join('images', 'cat.png'));
    fs.symlinkSync(path.join(outside, 'nothing-yet'), path.join(root, 'out'));
    assert.strictEqual((await linkOutside(root, path.join(root, 'out')))?.link, 'out');
  });

  it('accepts plain folders, links that stay inside, and parts that do not exist yet', async () => {
    fs.mkdirSync(path.join(root, 'real'));
    fs.symlinkSync(path.join(root, 'real'), path.join(root, 'alias'));
    assert.strictEqual(await linkOutside(root, path.join(root, 'alias', 'x.png')), undefined);
    assert.strictEqual(await linkOutside(root, path.join(root, 'new', 'deeper')), undefined);
  });
});
