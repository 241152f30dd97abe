/** The README shows only screenshots that the UI tests take (copied by `npm run screenshots`). */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { README_SCREENSHOTS } from '../../../scripts/screenshots';
import { MODELS_END, MODELS_START, modelsMarkdown } from '../../../src/core/spec/readme';
import { PROVIDER_SPECS } from '../../../src/core/spec/registry';

const root = path.resolve(__dirname, '../../../..');

describe('README screenshots', () => {
  const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
  const images = [...readme.matchAll(/!\[[^\]]*\]\(([^)\s]+)\)/g)].map((m) => m[1]);

  it('come only from docs/screenshots/ and each is one the UI tests produce', () => {
    assert.ok(images.length >= 3, `the README shows screenshots (${images.length})`);
    for (const image of images) {
      const match = /^docs\/screenshots\/([^/]+)$/.exec(image);
      assert.ok(match, `${image} is not in docs/screenshots/`);
      assert.ok(Object.hasOwn(README_SCREENSHOTS, match[1]), `${image} is not copied from a UI test screenshot (scripts/screenshots.ts)`);
      assert.ok(fs.existsSync(path.join(root, image)), `${image} exists`);
    }
  });

  it('name UI test screenshots that a UI test really takes', () => {
    const uiSources = fs
      .readdirSync(path.join(root, 'test', 'ui'))
      .map((f) => fs.readFileSync(path.join(root, 'test', 'ui', f), 'utf8'))
      .join('\n');
    for (const source of Object.values(README_SCREENSHOTS)) {
      assert.ok(uiSources.includes(`screenshot('${source.replace(/\.png$/, '')}')`), `${source} is taken by a UI test`);
    }
  });
});

describe('README models tables', () => {
  it('list every registered model with its fields, as the specs say (regenerate: node out/scripts/specsReadme.js)', () => {
    const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
    const start = readme.indexOf(MODELS_START);
    const end = readme.indexOf(MODELS_END);
    assert.ok(start >= 0 && end > start, 'the README has the generated models block');
    assert.strictEqual(readme.slice(start + MODELS_START.length, end).trim(), modelsMarkdown());
    for (const spec of PROVIDER_SPECS)
      for (const model of spec.models) assert.ok(readme.includes(`| \`${model.id}\``), `${spec.id}/${model.id} is in the README`);
  });
});
