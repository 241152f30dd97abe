import * as assert from 'node:assert/strict';
import {
  APP_ICON_SIZES,
  checkStoredPlan,
  checkTargetPath,
  formatOfPath,
  parseColour,
  parseTarget,
  requestedSize,
  TargetProblem,
} from '../../../src/core/targets/target';

function problem(fn: () => unknown, pattern: RegExp): void {
  assert.throws(fn, (error: unknown) => error instanceof TargetProblem && pattern.test(error.message));
}

describe('targets: paths, sizes, formats and presets', () => {
  it('takes workspace-relative paths and normalises them', () => {
    assert.equal(checkTargetPath('public/logo.png'), 'public/logo.png');
    assert.equal(checkTargetPath('./img//bike.webp'), 'img/bike.webp');
    assert.equal(checkTargetPath('img\\bike.jpg'), 'img/bike.jpg');
  });

  it('refuses targets outside the workspace: .., absolute paths, drive letters, URLs', () => {
    problem(() => checkTargetPath('../x.png'), /outside the workspace folder/);
    problem(() => checkTargetPath('a/../../x.png'), /outside the workspace folder/);
    problem(() => checkTargetPath('/etc/x.png'), /absolute path/);
    problem(() => checkTargetPath('C:\\x.png'), /absolute path/);
    problem(() => checkTargetPath('https://example.com/x.png'), /is a URL/);
  });

  it('refuses formats it cannot write, folders and names without an extension', () => {
    problem(() => checkTargetPath('anim.gif'), /only PNG, JPEG and WebP/);
    problem(() => checkTargetPath('logo.svg'), /only PNG, JPEG and WebP/);
    problem(() => checkTargetPath('images/'), /names a folder/);
    problem(() => checkTargetPath('images/logo'), /no file extension/);
  });

  it('takes the format from the extension', () => {
    assert.equal(formatOfPath('a/b.JPG'), 'jpeg');
    assert.equal(formatOfPath('b.webp'), 'webp');
    assert.equal(formatOfPath('b.gif'), undefined);
  });

  it('checks sizes: whole pixels from 1 to 8192', () => {
    assert.deepEqual(parseTarget({ targetPath: 'public/logo.png', width: 64, height: 64 })?.outputs, [
      { path: 'public/logo.png', format: 'png', width: 64, height: 64 },
    ]);
    for (const bad of [0, -5, 8193, 1.5, 'big'])
      problem(() => parseTarget({ targetPath: 'a.png', width: bad }), /whole number of pixels from 1 to 8192/);
    assert.equal(parseTarget({ targetPath: 'a.png', width: '120px' })?.outputs[0].width, 120);
  });

  it('refuses a format that disagrees with the name, and unknown fits, colours and formats', () => {
    problem(() => parseTarget({ targetPath: 'a.png', format: 'webp' }), /Make the two agree/);
    problem(() => parseTarget({ targetPath: 'a.png', format: 'gif' }), /only PNG, JPEG and WebP/);
    problem(() => parseTarget({ targetPath: 'a.png', fit: 'stretch' }), /"fit" must be/);
    problem(() => parseTarget({ targetPath: 'a.png', background: 'red' }), /"background" must be a colour/);
    problem(() => parseTarget({ width: 64 }), /need a "targetPath"/);
  });

  it('asks for nothing when no target argument is given', () => {
    assert.equal(parseTarget({}), undefined);
  });

  it('expands the presets', () => {
    const icons = parseTarget({ preset: 'app-icons' });
    assert.deepEqual(
      icons?.outputs.map((o) => [o.path, o.width, o.height, o.format]),
      APP_ICON_SIZES.map((s) => [`icons/icon-${s}.png`, s, s, 'png']),
    );
    assert.deepEqual(requestedSize(icons!), { width: 1024, height: 1024 });
    assert.deepEqual(parseTarget({ preset: 'og-image' })?.outputs, [{ path: 'og-image.jpg', format: 'jpeg', width: 1200, height: 630 }]);
    assert.deepEqual(parseTarget({ preset: 'favicon', targetPath: 'public/favicon.ico' })?.outputs, [
      { path: 'public/favicon.ico', format: 'ico', width: 48, height: 48 },
    ]);
    assert.deepEqual(parseTarget({ preset: 'hero', targetPath: 'assets/hero.webp' })?.outputs[0], {
      path: 'assets/hero.webp',
      format: 'webp',
      width: 1920,
      height: 1080,
    });
    assert.equal(parseTarget({ preset: 'app-icons', targetPath: 'assets/icons' })?.outputs[0].path, 'assets/icons/icon-1024.png');
    problem(() => parseTarget({ preset: 'hero', targetPath: 'hero.png' }), /writes a WEBP file/);
    problem(() => parseTarget({ preset: 'og-image', width: 10 }), /sets the size and format itself/);
    problem(() => parseTarget({ preset: 'poster' }), /"preset" must be one of/);
    problem(() => parseTarget({ preset: 'app-icons', targetPath: '../icons' }), /outside the workspace folder/);
  });

  it('parses colours', () => {
    assert.deepEqual(parseColour('#fff'), [255, 255, 255, 255]);
    assert.deepEqual(parseColour('#11223380'), [0x11, 0x22, 0x33, 0x80]);
    assert.deepEqual(parseColour('transparent'), [0, 0, 0, 0]);
    assert.equal(parseColour('blue'), undefined);
  });

  it('checks a stored plan again (task files are untrusted)', () => {
    const plan = parseTarget({ targetPath: 'a/b.webp', width: 10, height: 20, fit: 'contain' });
    assert.deepEqual(checkStoredPlan(JSON.parse(JSON.stringify(plan))), plan);
    assert.equal(checkStoredPlan({ outputs: [{ path: '../../etc/x.png', format: 'png' }], fit: 'cover' }), undefined);
    assert.equal(checkStoredPlan({ outputs: [{ path: 'x.png', format: 'webp' }], fit: 'cover' }), undefined);
    assert.equal(checkStoredPlan({ outputs: [{ path: 'x.png', format: 'png', width: 99999 }], fit: 'cover' }), undefined);
    assert.equal(checkStoredPlan('nope'), undefined);
  });
});
