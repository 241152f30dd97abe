// Bundles the extension and its panel webview into dist/. Type checking is separate: `npm run typecheck`.
const esbuild = require('esbuild');
const fs = require('fs');
const path = require('path');

/**
 * Parts that activation does not need get files of their own, required on first use:
 * - undici (most of the code, needed once a request is made): every `require('undici')` becomes `require('./undici.js')`,
 *   which src/core/http.ts calls on the first request;
 * - the WebAssembly image codecs (src/codecs/imageCodecs.ts), needed only when a result is resized or converted for a
 *   target path: `dist/imageCodecs.js`, with their .wasm files copied to `dist/wasm/` (read when that codec is first used);
 * - the model catalogs' spec data (src/core/spec/catalogData.ts, `dist/specs.js`), required by
 *   src/core/spec/lazyCatalog.ts the first time a model's fields, rules or price are read;
 * - the commands' flows, chat tools, batches, targets, document-image hooks, the panel's controller and the spending
 *   page (src/host/features.ts, `dist/features.js`), required by src/host/lazy.ts at their first use.
 * The last two share the modules dist/extension.js already holds instead of holding copies (a second copy of a module
 * would be a second `UserError` class, a second settings reader, an unconfigured l10n): each import of such a module
 * becomes `require('./extension.js').__shared[path]`, and extension.js exports exactly those modules.
 */
const STANDALONE = { undici: require.resolve('undici'), imageCodecs: 'src/codecs/imageCodecs.ts' };
const LAZY = {
  specs: { entry: 'src/core/spec/catalogData.ts', loader: 'src/core/spec/lazyCatalog.ts' },
  features: { entry: 'src/host/features.ts', loader: 'src/host/lazy.ts' },
};
const SHARED_EXPORT = '__shared';

const posix = (file) => path.relative(__dirname, file).split(path.sep).join('/');

/** In every bundle: `require('undici')` and the codecs' module, and each lazy entry from its loader, are other dist files. */
const otherFiles = {
  name: 'other-dist-files',
  setup(build) {
    build.onResolve({ filter: /^undici$/ }, () => ({ path: './undici.js', external: true }));
    build.onResolve({ filter: /\/codecs\/imageCodecs$/ }, (args) => (args.importer.endsWith('imageCodecs.ts') ? undefined : { path: './imageCodecs.js', external: true }));
    for (const [name, { entry, loader }] of Object.entries(LAZY)) {
      const request = `./${path.basename(entry, '.ts')}`;
      build.onResolve({ filter: new RegExp(`^${request.replace('.', '\\.')}$`) }, (args) => (posix(args.importer) === loader ? { path: `./${name}.js`, external: true } : undefined));
    }
  },
};

/** In a lazy entry: a module that dist/extension.js holds is taken from it (see above); `used` collects them. */
function sharedWithMain(mainInputs, used) {
  return {
    name: 'shared-with-main',
    setup(build) {
      build.onResolve({ filter: /.*/ }, async (args) => {
        if (args.namespace === 'main-shared') return { path: './extension.js', external: true };
        if (args.pluginData === 'resolving' || args.kind === 'entry-point') return undefined;
        const resolved = await build.resolve(args.path, { kind: args.kind, importer: args.importer, resolveDir: args.resolveDir, pluginData: 'resolving' });
        if (resolved.errors.length || resolved.external || !resolved.path) return resolved;
        const file = posix(resolved.path);
        if (!mainInputs.has(file)) return resolved;
        used.add(file);
        return { path: file, namespace: 'main-shared' };
      });
      build.onLoad({ filter: /.*/, namespace: 'main-shared' }, (args) => ({
        contents: `module.exports = require('./extension.js').${SHARED_EXPORT}[${JSON.stringify(args.path)}];`,
        loader: 'js',
        resolveDir: __dirname,
      }));
    },
  };
}

/** The activation entry: src/extension.ts, plus the namespaces of the modules the lazy entries take from it. */
function mainEntry(shared) {
  return {
    name: 'main-entry',
    setup(build) {
      build.onResolve({ filter: /^media-studio:extension$/ }, () => ({ path: 'extension', namespace: 'main-entry' }));
      build.onLoad({ filter: /.*/, namespace: 'main-entry' }, () => {
        const files = [...shared].sort();
        const lines = ['export * from \'./src/extension.ts\';', ...files.map((file, i) => `import * as m${i} from ${JSON.stringify(`./${file}`)};`)];
        lines.push(`export const ${SHARED_EXPORT} = {${files.map((file, i) => `${JSON.stringify(file)}: m${i}`).join(', ')}};`);
        return { contents: lines.join('\n'), loader: 'js', resolveDir: __dirname };
      });
    },
  };
}

function copyCodecWasm() {
  fs.mkdirSync('dist/wasm', { recursive: true });
  const wanted = ['@jsquash/png/codec/pkg/squoosh_png_bg.wasm', '@jsquash/jpeg/codec/dec/mozjpeg_dec.wasm', '@jsquash/jpeg/codec/enc/mozjpeg_enc.wasm',
    '@jsquash/webp/codec/dec/webp_dec.wasm', '@jsquash/webp/codec/enc/webp_enc_simd.wasm', '@jsquash/resize/lib/resize/pkg/squoosh_resize_bg.wasm'];
  for (const file of wanted) fs.copyFileSync(require.resolve(file), path.join('dist/wasm', path.basename(file)));
}

/**
 * VS Code's icon font for the panel's toolbar buttons (webviews cannot use the workbench's): its stylesheet and
 * font, copied from @vscode/codicons into dist/codicons/, which the .vsix ships.
 */
function copyCodicons() {
  const from = path.join(path.dirname(require.resolve('@vscode/codicons/package.json')), 'dist');
  const to = path.join(__dirname, 'dist', 'codicons');
  fs.mkdirSync(to, { recursive: true });
  for (const file of ['codicon.css', 'codicon.ttf']) fs.copyFileSync(path.join(from, file), path.join(to, file));
}

/**
 * Builds every bundle; returns each output's metafile entry (by its dist path). With `write: false` nothing is
 * written (the unit test that checks what activation loads uses that).
 */
async function buildBundles({ production = false, write = true } = {}) {
  const shared = {
    absWorkingDir: __dirname,
    bundle: true,
    outdir: 'dist',
    minify: production,
    sourcemap: !production,
    sourcesContent: false,
    legalComments: 'none',
    metafile: true,
    logLevel: 'warning',
    write,
  };
  const node = {
    ...shared,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    external: ['vscode'],
    // The codecs' ESM glue reads import.meta.url only to find their .wasm, which we compile and hand them.
    logOverride: { 'empty-import-meta': 'silent' },
  };
  const main = (exported) => esbuild.build({ ...node, entryPoints: { extension: 'media-studio:extension' }, plugins: [mainEntry(exported), otherFiles] });
  // First what activation holds, then the lazy entries against it, then activation again exporting what they take.
  const first = await main(new Set());
  const mainInputs = new Set(Object.keys(first.metafile.inputs).filter((file) => !file.startsWith('main-entry:')));
  for (const { entry } of Object.values(LAZY)) if (mainInputs.has(entry)) throw new Error(`${entry} is bundled in dist/extension.js: something imports it statically`);
  const used = new Set();
  const lazy = await esbuild.build({ ...node, entryPoints: Object.fromEntries(Object.entries(LAZY).map(([name, { entry }]) => [name, entry])), plugins: [sharedWithMain(mainInputs, used), otherFiles] });
  const [final, standalone, webview] = await Promise.all([
    main(used),
    esbuild.build({ ...node, entryPoints: STANDALONE, plugins: [otherFiles] }),
    // The panel's webview: browser code, one self-contained script (the CSP allows no other source).
    esbuild.build({ ...shared, entryPoints: { webview: 'src/webview/main.ts' }, format: 'iife', platform: 'browser', target: 'es2022' }),
  ]);
  const outputs = Object.assign({}, ...[final, lazy, standalone, webview].map((result) => result.metafile.outputs));
  // A module in two lazy files would be two copies with their own state.
  const holders = new Map();
  for (const [file, info] of Object.entries(outputs)) {
    if (!file.endsWith('.js') || file === 'dist/webview.js') continue;
    for (const input of Object.keys(info.inputs)) holders.set(input, [...(holders.get(input) ?? []), file]);
  }
  const twice = [...holders].filter(([input, files]) => files.length > 1 && !input.startsWith('main-shared:') && !input.startsWith('main-entry:'));
  if (twice.length) throw new Error(`Bundled more than once: ${twice.map(([input, files]) => `${input} (${files.join(', ')})`).join('; ')}`);
  return outputs;
}

async function main() {
  const production = process.argv.includes('--production');
  const build = async () => {
    const outputs = await buildBundles({ production });
    copyCodecWasm();
    copyCodicons();
    const size = Object.entries(outputs).filter(([file]) => file.endsWith('.js')).map(([file, info]) => `${file} ${(info.bytes / 1024).toFixed(1)} KiB`);
    console.log(`esbuild: ${size.join(', ')}`);
  };
  await build();
  if (!process.argv.includes('--watch')) return;
  // The lazy entries depend on what extension.js holds, so any change rebuilds them all (each build takes well under a second).
  let timer;
  fs.watch(path.join(__dirname, 'src'), { recursive: true }, () => {
    clearTimeout(timer);
    timer = setTimeout(() => build().catch((error) => console.error(error)), 100);
  });
}

module.exports = { buildBundles };

if (require.main === module) {
  main().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
