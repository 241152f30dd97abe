/**
 * What activation loads: the production build's metafile (esbuild.js buildBundles, nothing written) must show that
 * dist/extension.js holds none of the model catalogs' spec data nor the code that waits for its first use, that
 * those are in their own files, and that the two scripts with size targets meet them.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';

const root = path.resolve(__dirname, '../../../..');

interface Output { readonly bytes: number; readonly inputs: Readonly<Record<string, unknown>> }
// esbuild.js is the build script itself (plain JavaScript), required as the build runs it.
// eslint-disable-next-line @typescript-eslint/no-require-imports -- a CommonJS script outside the TypeScript projects
const { buildBundles } = require(path.join(root, 'esbuild.js')) as {
  buildBundles(options: { production: boolean; write: boolean }): Promise<Record<string, Output>>;
};

const MODEL_DATA = fs
  .readdirSync(path.join(root, 'src/core/adapters'))
  .filter((f) => f.endsWith('.models.ts'))
  .map((f) => `src/core/adapters/${f}`);
/** Modules that only a command, a chat tool, the panel, a batch, a target path, a saved result or a document hook needs. */
const FIRST_USE = [
  'src/host/generate.ts',
  'src/host/lmTools.ts',
  'src/host/batch/batches.ts',
  'src/host/batch/batchTool.ts',
  'src/host/batch/batchCommands.ts',
  'src/host/targets.ts',
  'src/core/targets/target.ts',
  'src/core/targets/references.ts',
  'src/host/documentImages.ts',
  'src/host/panel/controller.ts',
  'src/host/panel/regenerate.ts',
  'src/host/spending/html.ts',
  'src/host/results.ts',
  'src/core/files/sidecar.ts',
  'src/core/files/saveDownload.ts',
];

describe('the production bundles (esbuild metafile)', function () {
  this.timeout(120_000);
  let outputs: Record<string, Output>;

  before(async () => {
    outputs = await buildBundles({ production: true, write: false });
  });

  it('finds the model catalogs (one per registered provider)', () => {
    assert.deepStrictEqual(MODEL_DATA.length, 4, MODEL_DATA.join(', '));
  });

  it('keeps the spec data of the model catalogs out of the activation entry, in dist/specs.js', () => {
    const activation = Object.keys(outputs['dist/extension.js'].inputs);
    assert.deepStrictEqual(activation.filter((f) => MODEL_DATA.includes(f) || f === 'src/core/spec/catalogData.ts'), []);
    assert.deepStrictEqual(MODEL_DATA.filter((f) => !(f in outputs['dist/specs.js'].inputs)), []);
  });

  it('keeps what waits for its first use out of the activation entry, in dist/features.js', () => {
    const activation = outputs['dist/extension.js'].inputs;
    assert.deepStrictEqual(FIRST_USE.filter((f) => f in activation), []);
    assert.deepStrictEqual(FIRST_USE.filter((f) => !(f in outputs['dist/features.js'].inputs)), []);
  });

  it('gives the lazily loaded files no copy of a module the activation entry holds', () => {
    const activation = new Set(Object.keys(outputs['dist/extension.js'].inputs));
    for (const file of ['dist/specs.js', 'dist/features.js']) {
      assert.deepStrictEqual(Object.keys(outputs[file].inputs).filter((f) => activation.has(f)), [], file);
      assert.ok(
        Object.keys(outputs[file].inputs).some((f) => f.startsWith('main-shared:')),
        `${file} takes shared modules from dist/extension.js`,
      );
    }
  });

  it('keeps dist/extension.js under 200 KiB and dist/webview.js under 60 KiB', () => {
    const kib = (file: string) => outputs[file].bytes / 1024;
    assert.ok(kib('dist/extension.js') < 200, `dist/extension.js is ${kib('dist/extension.js').toFixed(1)} KiB`);
    assert.ok(kib('dist/webview.js') < 60, `dist/webview.js is ${kib('dist/webview.js').toFixed(1)} KiB`);
  });
});
