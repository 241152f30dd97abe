/**
 * The README renders as its author meant: every table row is inside a table. A paragraph or list between
 * rows splits a table, and the rows after it render as text with visible pipes (issue #16).
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import MarkdownIt from 'markdown-it';

const root = path.resolve(__dirname, '../../../..');
const TABLE_ROW = /^\s*\|.*\|\s*$/;

/** Lines of rendered text (paragraphs, list items, headings) that look like a table row, with their line numbers. */
function strayTableRows(markdown: string): { line: number; text: string }[] {
  const tokens = new MarkdownIt().parse(markdown, {});
  const stray: { line: number; text: string }[] = [];
  for (const token of tokens) {
    // Inline tokens hold the text of paragraphs and headings; table cells are inline too, but inside table tokens,
    // whose text has no leading and trailing pipe any more.
    if (token.type !== 'inline' || !token.map) continue;
    token.content.split('\n').forEach((text, offset) => {
      if (TABLE_ROW.test(text)) stray.push({ line: token.map![0] + offset + 1, text });
    });
  }
  return stray;
}

describe('README tables', () => {
  it('has no table row that renders outside a table', () => {
    const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
    const tables = new MarkdownIt().parse(readme, {}).filter((t) => t.type === 'table_open').length;
    assert.ok(tables >= 5, `the README has its tables (${tables})`);
    assert.deepStrictEqual(strayTableRows(readme), []);
  });

  it('catches a paragraph that splits a table, and passes a whole one', () => {
    const whole = '| A | B |\n|---|---|\n| 1 | 2 |\n| 3 | 4 |\n';
    assert.deepStrictEqual(strayTableRows(whole), []);
    const split = '| A | B |\n|---|---|\n| 1 | 2 |\n\nA note.\n| 3 | 4 |\n';
    assert.deepStrictEqual(strayTableRows(split), [{ line: 6, text: '| 3 | 4 |' }]);
  });
});
