/**
 * The manifest's contributions that no extension-host test can observe: the chat tools' `when` (vscode.lm.tools
 * lists tools whatever their `when`), the per-provider settings, and the README's Settings table beside them.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { PROVIDER_IDS } from '../../../src/core/providers';

const root = path.resolve(__dirname, '../../../..');

interface Setting { type: string; default?: unknown; order: number; scope: string; enum?: string[] }
interface Tool { name: string; when?: string; inputSchema: { properties: Record<string, { type: string }> } }
interface Manifest {
  capabilities: { untrustedWorkspaces: { restrictedConfigurations: string[] } };
  contributes: { configuration: { properties: Record<string, Setting> }; languageModelTools: Tool[] };
}

describe('manifest: contributions', () => {
  const manifest = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as Manifest;
  const settings = manifest.contributes.configuration.properties;
  const restricted = manifest.capabilities.untrustedWorkspaces.restrictedConfigurations;
  const tools = manifest.contributes.languageModelTools;

  it('shows each chat tool only while a provider has a key (when: mediaStudio.hasKey)', () => {
    assert.deepStrictEqual(tools.map((t) => t.name).sort(), ['edit_image', 'generate_batch', 'generate_image', 'generate_video']);
    for (const tool of tools) assert.strictEqual(tool.when, 'mediaStudio.hasKey', tool.name);
  });

  it("lets generate_image take PixAI's style", () => {
    assert.strictEqual(tools.find((t) => t.name === 'generate_image')?.inputSchema.properties.style?.type, 'string');
  });

  it('has a default-model setting per provider: a string, empty by default, from user settings only in Restricted Mode', () => {
    for (const provider of PROVIDER_IDS) {
      const name = `mediaStudio.${provider}.defaultModel`;
      const setting = settings[name];
      assert.ok(setting, name);
      assert.strictEqual(setting.type, 'string', name);
      assert.strictEqual(setting.default, '', name);
      assert.strictEqual(setting.scope, 'window', name);
      assert.ok(restricted.includes(name), `${name} is restricted: a workspace must not pick an expensive model`);
    }
  });

  it("keeps each provider's settings together in the Settings editor's order, base URL first", () => {
    const ordered = Object.entries(settings).sort(([, a], [, b]) => a.order - b.order).map(([name]) => name);
    assert.strictEqual(new Set(Object.values(settings).map((s) => s.order)).size, ordered.length, 'no two settings share an order');
    for (const provider of PROVIDER_IDS) {
      const own = ordered.map((name, index) => ({ name, index })).filter(({ name }) => name.startsWith(`mediaStudio.${provider}.`));
      assert.strictEqual(own[0].name, `mediaStudio.${provider}.baseUrl`, provider);
      assert.deepStrictEqual(own.map(({ index }) => index - own[0].index), own.map((_, i) => i), `${provider}'s settings are adjacent`);
    }
  });

  it("lists every setting in the README's Settings table, in the Settings editor's order, with its default and scope", () => {
    const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('\n## Settings'), readme.indexOf('\n## ', readme.indexOf('\n## Settings') + 1));
    const rows = [...section.matchAll(/^\| `(mediaStudio\.[^`]+)` \| ([^|]+) \| ([^|]+) \|/gm)].map((m) => ({
      name: m[1],
      default: m[2].trim(),
      scope: m[3].trim(),
    }));
    const ordered = Object.entries(settings).sort(([, a], [, b]) => a.order - b.order);
    assert.deepStrictEqual(rows.map((r) => r.name), ordered.map(([name]) => name));
    for (const [name, setting] of ordered) {
      const row = rows.find((r) => r.name === name);
      assert.strictEqual(row?.default, setting.default === '' ? '(empty)' : `\`${String(setting.default)}\``, name);
      assert.strictEqual(row?.scope, restricted.includes(name) ? `${setting.scope}, restricted` : setting.scope, name);
    }
  });
});
