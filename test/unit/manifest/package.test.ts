/**
 * What `npm run package` puts into the .vsix, listed by `vsce ls` (the same file selection as `vsce package`,
 * without building or zipping; this package has no `vscode:prepublish` script, so nothing runs first). It reads
 * the real project tree, so it needs `npm run build` first (npm test and test:unit build before the tests).
 */
import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

const root = path.resolve(__dirname, '../../../..');
/** Nothing in the package may come from these (sources, tests, dependencies, build and test output, tools). */
const FORBIDDEN = [
  'src/',
  'test/',
  'node_modules/',
  '.vscode-test',
  'out/',
  'bench/',
  'scripts/',
  'docs/',
  'test-results/',
  '.ci/',
  '.git',
];
const REQUIRED = [
  'package.json',
  'package.nls.json',
  'dist/extension.js',
  'dist/undici.js',
  'dist/webview.js',
  'dist/imageCodecs.js',
  // Loaded on first use (see esbuild.js): the model catalogs, and the commands' flows, chat tools, batches, targets and panel.
  'dist/specs.js',
  'dist/features.js',
  // The image codecs' WebAssembly, read on first use (src/codecs/imageCodecs.ts WASM_FILES).
  'dist/wasm/squoosh_png_bg.wasm',
  'dist/wasm/mozjpeg_dec.wasm',
  'dist/wasm/mozjpeg_enc.wasm',
  'dist/wasm/webp_dec.wasm',
  'dist/wasm/webp_enc_simd.wasm',
  'dist/wasm/squoosh_resize_bg.wasm',
  'dist/codicons/codicon.css',
  'dist/codicons/codicon.ttf',
  'media/icon.png',
  'media/activity.svg',
  'l10n/bundle.l10n.json',
  'README.md',
  'CHANGELOG.md',
  'LICENSE',
];

describe('the packaged .vsix (vsce ls)', function () {
  this.timeout(60_000);
  let files: string[];

  before(function () {
    const manifest = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as {
      main: string;
      scripts: Record<string, string>;
    };
    assert.strictEqual(
      manifest.scripts['vscode:prepublish'],
      undefined,
      'a prepublish script would run (and build) on every listing: revisit this test',
    );
    assert.ok(fs.existsSync(path.join(root, manifest.main)), `${manifest.main} is missing: run "npm run build" first`);
    const vsce = path.join(path.dirname(require.resolve('@vscode/vsce/package.json')), 'vsce');
    // Offline: any attempt to reach the network through a proxy would fail at once.
    const env = { ...process.env, HTTP_PROXY: 'http://127.0.0.1:9', HTTPS_PROXY: 'http://127.0.0.1:9', NO_PROXY: '' };
    const listing = spawnSync(process.execPath, [vsce, 'ls', '--no-dependencies'], { cwd: root, env, encoding: 'utf8', timeout: 50_000 });
    assert.strictEqual(listing.status, 0, `vsce ls failed: ${listing.stderr}`);
    files = listing.stdout.split('\n').map((line) => line.trim()).filter(Boolean);
  });

  it('holds nothing from sources, tests, node_modules or build and test output', () => {
    assert.deepStrictEqual(files.filter((f) => FORBIDDEN.some((prefix) => f.startsWith(prefix))), []);
    assert.deepStrictEqual(
      files.filter((f) => /\.(ts|map)$/.test(f) || f.endsWith('.vsix')),
      [],
      'no TypeScript sources, source maps or packages',
    );
  });

  it('holds the bundles (undici, the image codecs, the model catalogs and the first-use features in files of their own, the codecs with their wasm), the manifest with its nls file, the icon, translations and docs', () => {
    assert.deepStrictEqual(
      REQUIRED.filter((f) => !files.includes(f)),
      [],
    );
  });

  it('holds the media the manifest names (icon, activity-bar icon, walkthrough pages)', () => {
    const manifest = fs.readFileSync(path.join(root, 'package.json'), 'utf8');
    const named = [...new Set([...manifest.matchAll(/"(media\/[^"]+)"/g)].map((m) => m[1]))];
    assert.ok(named.length >= 2, `the manifest names media files (${named.join(', ')})`);
    assert.deepStrictEqual(named.filter((f) => !files.includes(f)), []);
  });
});
