/** The chat tools' input schemas in package.json are the ones scripts/chatToolSchemas.ts writes from the specs. */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { chatToolSchemas, withChatToolSchemas } from '../../../scripts/chatToolSchemas';
import { PROVIDER_IDS } from '../../../src/core/providers';
import { PROVIDER_SPECS } from '../../../src/core/spec/registry';

const root = path.resolve(__dirname, '../../../..');

type Property = { type?: string; enum?: unknown[]; description?: string; maximum?: number };

describe('chat tool schemas (scripts/chatToolSchemas.ts)', () => {
  it('are what the script writes from the specs (regenerate: npm run chat-tool-schemas)', () => {
    const text = fs.readFileSync(path.join(root, 'package.json'), 'utf8');
    assert.strictEqual(text, withChatToolSchemas(text));
  });

  it('name every registered provider, and say which take a common field as the specs do', () => {
    const schemas = chatToolSchemas() as Record<string, { properties: Record<string, Property> }>;
    for (const name of ['generate_image', 'edit_image', 'generate_video'])
      assert.deepStrictEqual(schemas[name].properties.provider.enum, [...PROVIDER_IDS], name);
    // Apixo's gpt-image-1 documents num_images (role count): the count is not only Pixapi's and OpenAI's.
    const apixoCount = PROVIDER_SPECS.find((s) => s.id === 'apixo')?.models.some(
      (m) => m.kind === 'image' && m.params.some((p) => p.role === 'count'),
    );
    assert.strictEqual(apixoCount, true);
    assert.match(schemas.generate_image.properties.count.description ?? '', /pixapi, apixo and openai only/);
    assert.strictEqual(schemas.generate_image.properties.count.maximum, 4, 'the largest count a model lists');
  });

  it('give a common field an enum only where every model taking it lists its values completely', () => {
    const schemas = chatToolSchemas() as Record<string, { properties: Record<string, Property> }>;
    // Some model takes any size, quality or aspect ratio (a generic schema, or values given as examples only).
    for (const field of ['size', 'quality', 'aspectRatio'])
      assert.strictEqual(schemas.generate_image.properties[field].enum, undefined, field);
    assert.strictEqual(schemas.generate_image.properties.size.type, 'string');
  });

  it('refuses a manifest that lacks one of the tools', () => {
    const text = fs.readFileSync(path.join(root, 'package.json'), 'utf8');
    const manifest = JSON.parse(text) as { contributes: { languageModelTools: { name: string }[] } };
    manifest.contributes.languageModelTools = manifest.contributes.languageModelTools.filter((t) => t.name !== 'generate_batch');
    assert.throws(() => withChatToolSchemas(JSON.stringify(manifest)), /generate_batch/);
  });
});
