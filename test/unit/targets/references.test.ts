import * as assert from 'node:assert/strict';
import {
  findImageReferences,
  insertionSyntax,
  isRelativeLocalPath,
  referencesIn,
  referenceText,
  relativeTo,
  suggestedPrompt,
} from '../../../src/core/targets/references';

/** The text each reference's range covers: it must be exactly the path. */
function covered(text: string, language: string): string[] {
  return findImageReferences(text, language).map((r) => text.slice(r.start, r.end));
}

describe('image references by language', () => {
  it('Markdown: alt, title, nearest heading, <bracketed> paths, inline HTML', () => {
    const text =
      '# Guide\n\n## Bikes\n\n![a red bicycle](img/bike.webp "On the road")\n\n![](<img/my logo.png>)\n\n<img src="img/x.png" width="64" height="32">\n';
    const refs = findImageReferences(text, 'markdown');
    assert.deepEqual(refs.map((r) => [r.path, r.alt, r.title, r.heading, r.width, r.height]), [
      ['img/bike.webp', 'a red bicycle', 'On the road', 'Bikes', undefined, undefined],
      ['img/my logo.png', undefined, undefined, 'Bikes', undefined, undefined],
      ['img/x.png', undefined, undefined, 'Bikes', 64, 32],
    ]);
    assert.deepEqual(covered(text, 'markdown'), ['img/bike.webp', 'img/my logo.png', 'img/x.png']);
    assert.equal(suggestedPrompt(refs[0]), 'a red bicycle');
    assert.equal(suggestedPrompt(refs[1]), 'Bikes');
  });

  it('HTML: img src/alt/width/height, the nearest <h*>, link rel=icon with sizes', () => {
    const text =
      '<h1>Acme <em>Rockets</em></h1>\n<img alt="Company logo" src="logo.png" width="64" height="64">\n<link rel="icon" href="favicon.ico" sizes="48x48">\n<link rel="stylesheet" href="a.css">';
    const refs = findImageReferences(text, 'html');
    assert.deepEqual(refs.map((r) => [r.path, r.alt, r.heading, r.width, r.height]), [
      ['logo.png', 'Company logo', 'Acme Rockets', 64, 64],
      ['favicon.ico', undefined, 'Acme Rockets', 48, 48],
    ]);
    assert.deepEqual(covered(text, 'html'), ['logo.png', 'favicon.ico']);
  });

  it('JSX/TSX: string and {"…"} sources, {64} sizes; bound expressions are no file', () => {
    const text =
      'export const A = () => <><img src={"/abs.png"} /><img src="assets/hero.webp" alt="Hero" width={1920} height={1080} /><img src={logo} alt="x" /></>;';
    const refs = findImageReferences(text, 'typescriptreact');
    assert.deepEqual(refs.map((r) => [r.path, r.width, r.height]), [['/abs.png', undefined, undefined], ['assets/hero.webp', 1920, 1080]]);
    assert.deepEqual(covered(text, 'javascriptreact'), ['/abs.png', 'assets/hero.webp']);
  });

  it('Vue and Svelte: the template img; a :src binding is not a path', () => {
    const vue = '<template>\n  <h2>Team</h2>\n  <img :src="photo" alt="bound">\n  <img src="./team.jpg" alt="The team">\n</template>';
    assert.deepEqual(findImageReferences(vue, 'vue').map((r) => [r.path, r.alt, r.heading]), [['./team.jpg', 'The team', 'Team']]);
    const svelte = '<script>let x = 1;</script>\n<img src="cat.webp" alt="A cat" />';
    assert.deepEqual(covered(svelte, 'svelte'), ['cat.webp']);
  });

  it('CSS/SCSS/Less: url() in any quoting, the rule selector, not fonts or comments', () => {
    const text =
      '/* url(old.png) */\n.hero { background: url("img/hero.webp") center; }\n@font-face { src: url(font.woff2); }\n.icon{background-image:url( icons/a.png )}';
    const refs = findImageReferences(text, 'scss');
    assert.deepEqual(refs.map((r) => [r.path, r.heading]), [['img/hero.webp', '.hero'], ['icons/a.png', '.icon']]);
    assert.deepEqual(covered(text, 'css'), ['img/hero.webp', 'icons/a.png']);
    assert.deepEqual(covered('a { b: url(x.jpg) } // url(y.png)', 'less'), ['x.jpg']);
    assert.equal(
      findImageReferences('.hero { background: url("bg/hero.jpg"); }', 'scss')[0].heading,
      '.hero',
      'the selector whole, with no comment before it',
    );
    assert.equal(suggestedPrompt(refs[1]), '.icon');
  });

  it('tells remote, absolute and template paths from relative ones', () => {
    for (const remote of [
      'https://x.org/a.png',
      'http://x/a.png',
      '//cdn/a.png',
      'data:image/png;base64,AA',
      '/static/a.png',
      '{{ img }}.png',
      '${base}/a.png',
    ])
      assert.equal(isRelativeLocalPath(remote), false, remote);
    for (const local of ['a.png', './img/a.png', '../shared/a.png']) assert.equal(isRelativeLocalPath(local), true, local);
  });

  it('finds the references a cursor or selection touches', () => {
    const text = '![a](a.png) and ![b](b.png)';
    const refs = findImageReferences(text, 'markdown');
    assert.deepEqual(referencesIn(refs, 6, 6).map((r) => r.path), ['a.png']);
    assert.deepEqual(referencesIn(refs, 0, text.length).map((r) => r.path), ['a.png', 'b.png']);
    assert.deepEqual(referencesIn(refs, 12, 14), []);
  });

  it('ignores languages without image syntax', () => {
    assert.deepEqual(findImageReferences('![a](a.png)', 'python'), []);
  });
});

describe('inserting a reference', () => {
  it('writes the document syntax', () => {
    assert.equal(insertionSyntax('markdown'), 'markdown');
    assert.equal(insertionSyntax('typescriptreact'), 'jsx');
    assert.equal(insertionSyntax('vue'), 'html');
    assert.equal(insertionSyntax('less'), 'css');
    assert.equal(insertionSyntax('plaintext'), undefined);
    assert.equal(referenceText('markdown', '../../generated/a b.png', 'a [red] bike'), '![a \\[red\\] bike](<../../generated/a b.png>)');
    assert.equal(
      referenceText('html', 'img/a.png', 'say "hi"', { width: 64, height: 32 }),
      '<img src="img/a.png" alt="say &quot;hi&quot;" width="64" height="32">',
    );
    assert.equal(referenceText('jsx', 'a.png', 'x', { width: 1, height: 2 }), '<img src="a.png" alt="x" width={1} height={2} />');
    assert.equal(referenceText('css', 'img/a.png', 'ignored'), 'url("img/a.png")');
  });

  it('makes paths relative to the document', () => {
    assert.equal(relativeTo('docs/guide/intro.md', 'generated/a.png'), '../../generated/a.png');
    assert.equal(relativeTo('docs/guide/intro.md', 'docs/guide/img/a.png'), 'img/a.png');
    assert.equal(relativeTo('README.md', 'generated/a.png'), 'generated/a.png');
    assert.equal(relativeTo('docs/a.md', 'docs2/x.png'), '../docs2/x.png');
  });
});
