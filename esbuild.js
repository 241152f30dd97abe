// Bundles the extension and its panel webview into dist/. Type checking is separate: `npm run typecheck`.
const esbuild = require('esbuild');

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

/**
 * undici is most of the code but is needed only once a request is made, so it gets a file of its own:
 * in dist/extension.js every `require('undici')` becomes `require('./undici.js')`, which src/core/http.ts
 * calls on the first request. Activation then loads only the small extension.js.
 */
const undiciInItsOwnFile = {
  name: 'undici-in-its-own-file',
  setup(build) {
    build.onResolve({ filter: /^undici$/ }, () => ({ path: './undici.js', external: true }));
  },
};

/**
 * The WebAssembly image codecs (src/codecs/imageCodecs.ts) are needed only when a result is resized or converted
 * for a target path: like undici they get a file of their own, `dist/imageCodecs.js`, required on first use, and
 * their .wasm files are copied to `dist/wasm/` (read only when that codec is first used).
 */
const codecsInTheirOwnFile = {
  name: 'codecs-in-their-own-file',
  setup(build) {
    build.onResolve({ filter: /\/codecs\/imageCodecs$/ }, (args) => (args.importer.endsWith('imageCodecs.ts') ? undefined : { path: './imageCodecs.js', external: true }));
  },
};

function copyCodecWasm() {
  const fs = require('fs');
  const path = require('path');
  fs.mkdirSync('dist/wasm', { recursive: true });
  const wanted = ['@jsquash/png/codec/pkg/squoosh_png_bg.wasm', '@jsquash/jpeg/codec/dec/mozjpeg_dec.wasm', '@jsquash/jpeg/codec/enc/mozjpeg_enc.wasm',
    '@jsquash/webp/codec/dec/webp_dec.wasm', '@jsquash/webp/codec/enc/webp_enc_simd.wasm', '@jsquash/resize/lib/resize/pkg/squoosh_resize_bg.wasm'];
  for (const file of wanted) fs.copyFileSync(require.resolve(file), path.join('dist/wasm', path.basename(file)));
}

/** Options both bundles share. */
const shared = {
  bundle: true,
  outdir: 'dist',
  minify: production,
  sourcemap: !production,
  sourcesContent: false,
  legalComments: 'none',
  metafile: true,
  logLevel: 'warning',
};

/**
 * VS Code's icon font for the panel's toolbar buttons (webviews cannot use the workbench's): its stylesheet and
 * font, copied from @vscode/codicons into dist/codicons/, which the .vsix ships.
 */
function copyCodicons() {
  const fs = require('fs');
  const path = require('path');
  const from = path.join(path.dirname(require.resolve('@vscode/codicons/package.json')), 'dist');
  const to = path.join(__dirname, 'dist', 'codicons');
  fs.mkdirSync(to, { recursive: true });
  for (const file of ['codicon.css', 'codicon.ttf']) fs.copyFileSync(path.join(from, file), path.join(to, file));
}

async function main() {
  const context = await esbuild.context({
    ...shared,
    // The undici entry is given by its file path, which the plugin's filter does not match.
    entryPoints: { extension: 'src/extension.ts', undici: require.resolve('undici'), imageCodecs: 'src/codecs/imageCodecs.ts' },
    plugins: [undiciInItsOwnFile, codecsInTheirOwnFile],
    // The codecs' ESM glue reads import.meta.url only to find their .wasm, which we compile and hand them.
    logOverride: { 'empty-import-meta': 'silent' },
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    external: ['vscode'],
  });
  // The panel's webview: browser code, one self-contained script (the CSP allows no other source).
  const webview = await esbuild.context({
    ...shared,
    entryPoints: { webview: 'src/webview/main.ts' },
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
  });
  copyCodecWasm();
  if (watch) {
    await Promise.all([context.watch(), webview.watch()]);
    return;
  }
  copyCodicons();
  const results = await Promise.all([context.rebuild(), webview.rebuild()]);
  await Promise.all([context.dispose(), webview.dispose()]);
  const size = results.flatMap((result) => Object.entries(result.metafile.outputs))
    .filter(([file]) => file.endsWith('.js'))
    .map(([file, info]) => `${file} ${(info.bytes / 1024).toFixed(1)} KiB`);
  console.log(`esbuild: ${size.join(', ')}`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
