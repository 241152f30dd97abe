/**
 * The layers hold: the webview (browser code, its own tsconfig with the DOM library) is imported by nothing
 * outside src/webview, and it imports only the pure core and itself, never the host or `vscode`. The
 * tsconfigs keep each project's globals apart; this catches an import that would typecheck anyway.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';

const root = path.resolve(__dirname, '../../../..');
const src = path.join(root, 'src');
const webview = path.join(src, 'webview');

function sourceFiles(folder: string): string[] {
  return fs.readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(folder, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

/** Every module a file names in an import, an export … from, a dynamic import or a require. */
export function importedModules(text: string): string[] {
  const pattern = /(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*|^\s*import\s+)['"]([^'"]+)['"]/gm;
  return [...text.matchAll(pattern)].map((m) => m[1]);
}

const inside = (file: string, folder: string) => !path.relative(folder, file).startsWith('..');

function importsOf(file: string): { module: string; resolved?: string }[] {
  return importedModules(fs.readFileSync(file, 'utf8')).map((module) => ({
    module,
    resolved: module.startsWith('.') ? path.resolve(path.dirname(file), module) : undefined,
  }));
}

describe('layers: the webview is its own project', () => {
  it('reads every kind of import', () => {
    assert.deepStrictEqual(importedModules([
      "import * as a from '../webview/a';",
      "import type { B } from \"./b\";",
      "export { c } from '../c';",
      "const d = require('../webview/d');",
      "import './e';",
      'const f = await import(\'../f\');',
    ].join('\n')), ['../webview/a', './b', '../c', '../webview/d', './e', '../f']);
  });

  it('finds the sources it checks', () => {
    assert.ok(sourceFiles(webview).length >= 8, 'the webview modules');
    assert.ok(sourceFiles(src).filter((f) => !inside(f, webview)).length > 100, 'the host and core modules');
  });

  it('has no import of src/webview outside it', () => {
    const offending = sourceFiles(src)
      .filter((file) => !inside(file, webview))
      .flatMap((file) =>
        importsOf(file)
          .filter((i) => i.resolved && inside(i.resolved, webview))
          .map((i) => `${path.relative(root, file)}: ${i.module}`),
      );
    assert.deepStrictEqual(offending, []);
  });

  it('imports only src/core, itself and browser packages from the webview', () => {
    const core = path.join(src, 'core');
    const offending = sourceFiles(webview).flatMap((file) => importsOf(file)
      .filter((i) => (i.resolved ? !inside(i.resolved, core) && !inside(i.resolved, webview) : i.module !== '@vscode/l10n'))
      .map((i) => `${path.relative(root, file)}: ${i.module}`));
    assert.deepStrictEqual(offending, []);
  });
});
