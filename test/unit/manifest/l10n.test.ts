/**
 * Localisation stays complete: every %key% of the manifest has its English text in package.nls.json (and no
 * text is left unused), and the committed runtime bundle holds exactly the strings the exporter finds in
 * src/ now, so a string added without `npm run l10n` fails here rather than staying untranslatable.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { getL10nJson } from '@vscode/l10n-dev';

const root = path.resolve(__dirname, '../../../..');
const read = (file: string) => fs.readFileSync(path.join(root, file), 'utf8');

function sourceFiles(folder: string): string[] {
  return fs.readdirSync(path.join(root, folder), { withFileTypes: true }).flatMap((entry) => {
    const relative = path.join(folder, entry.name);
    if (entry.isDirectory()) return sourceFiles(relative);
    return /\.tsx?$/.test(entry.name) && !entry.name.endsWith('.d.ts') ? [relative] : [];
  });
}

/** Every string value anywhere in a JSON document. */
function strings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(strings);
  if (value && typeof value === 'object') return Object.values(value).flatMap(strings);
  return [];
}

describe('manifest: localisation', () => {
  const manifest = JSON.parse(read('package.json')) as Record<string, unknown> & { l10n?: string; contributes: Record<string, unknown> };
  const nls = JSON.parse(read('package.nls.json')) as Record<string, string>;
  const used = new Set(strings(manifest).flatMap((s) => [...s.matchAll(/^%([^%\s]+)%$/g)].map((m) => m[1])));

  it('has an English text in package.nls.json for every %key% of package.json', () => {
    const missing = [...used].filter((key) => typeof nls[key] !== 'string' || nls[key] === '');
    assert.deepStrictEqual(missing, []);
  });

  it('has no text in package.nls.json that package.json does not use', () => {
    assert.deepStrictEqual(Object.keys(nls).filter((key) => !used.has(key)), []);
  });

  it('localises every command title and setting description, not just some', () => {
    const commands = manifest.contributes.commands as { title: string; category: string }[];
    for (const command of commands) {
      assert.match(command.title, /^%.+%$/, command.title);
      assert.match(command.category, /^%.+%$/, command.category);
    }
    const properties = (manifest.contributes.configuration as { properties: Record<string, Record<string, unknown>> }).properties;
    for (const [name, setting] of Object.entries(properties)) {
      const text = setting.markdownDescription ?? setting.description;
      assert.match(String(text), /^%.+%$/, name);
    }
  });

  it('points "l10n" at the folder that holds the runtime bundle', () => {
    assert.strictEqual(manifest.l10n, './l10n');
    assert.ok(fs.existsSync(path.join(root, 'l10n', 'bundle.l10n.json')));
  });

  it('has a runtime bundle with exactly the strings the exporter finds in src/ (run "npm run l10n" after changing strings)', async function () {
    this.timeout(60_000); // the exporter parses every source file with tree-sitter
    const files = sourceFiles('src').map((file) => ({ contents: read(file), extension: path.extname(file) }));
    assert.ok(files.length > 30, 'the sources were found');
    const exported = await getL10nJson(files);
    const committed = JSON.parse(read('l10n/bundle.l10n.json')) as Record<string, unknown>;
    const exportedKeys = Object.keys(exported);
    assert.ok(exportedKeys.length > 300, `the exporter found the strings (${exportedKeys.length})`);
    assert.deepStrictEqual(
      exportedKeys.filter((key) => !(key in committed)),
      [],
      'strings in src/ missing from the bundle',
    );
    assert.deepStrictEqual(
      Object.keys(committed).filter((key) => !(key in exported)),
      [],
      'strings in the bundle no longer in src/',
    );
    assert.deepStrictEqual(committed, exported);
  });

  it('uses placeholders, never a translated string glued to a computed one', () => {
    // A message built with + around l10n.t would not translate as one sentence.
    for (const file of sourceFiles('src')) {
      const text = read(file);
      assert.doesNotMatch(text, /l10n\.t\([^)]*\)\s*\+\s*['`]/, file);
      assert.doesNotMatch(text, /l10n\.t\(`/, `${file}: template literals are not exported; use '…{0}…'`);
    }
  });
});
