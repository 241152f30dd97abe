/**
 * `npm ci` on a fresh clone prints no warning: npm 11 lists every dependency with an install script that
 * package.json's `allowScripts` does not cover (and npm 12 will not run those scripts at all).
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';

const root = path.resolve(__dirname, '../../../..');

describe('package.json allowScripts', () => {
  it('decides on every locked package that has an install script, and names no package that has none', () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { allowScripts?: Record<string, boolean> };
    const lock = JSON.parse(fs.readFileSync(path.join(root, 'package-lock.json'), 'utf8')) as {
      packages: Record<string, { hasInstallScript?: boolean }>;
    };
    const withScripts = new Set(Object.entries(lock.packages)
      .filter(([location, entry]) => location !== '' && entry.hasInstallScript)
      .map(([location]) => location.slice(location.lastIndexOf('node_modules/') + 'node_modules/'.length)));
    assert.ok(withScripts.size > 0, 'the lockfile records install scripts (esbuild has one)');
    const decided = Object.keys(manifest.allowScripts ?? {}).map((key) => key.replace(/(.)@[^@/]*$/, '$1'));
    assert.deepStrictEqual([...withScripts].filter((name) => !decided.includes(name)), [], 'not covered by allowScripts');
    assert.deepStrictEqual(decided.filter((name) => !withScripts.has(name)), [], 'in allowScripts without an install script');
  });
});
