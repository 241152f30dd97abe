import * as assert from 'assert';
import { parseCsvRows, parseJsonlRows, parseRows, rowsFormat } from '../../../../src/core/batch/rows';

describe('batch rows files', () => {
  describe('CSV', () => {
    it('names the variables from the header and reads each line as a row', () => {
      assert.deepStrictEqual(parseCsvRows('product,colour\nmug,red\ncap,blue\n'), {
        names: ['product', 'colour'],
        rows: [{ product: 'mug', colour: 'red' }, { product: 'cap', colour: 'blue' }],
      });
    });

    it('reads quoted fields with commas, doubled quotes and line breaks, CRLF endings and a BOM', () => {
      const text = '\uFEFFname,caption\r\n"Smith, Jo","say ""hi""\nand wave"\r\n"",plain\r\n';
      assert.deepStrictEqual(parseCsvRows(text), {
        names: ['name', 'caption'],
        rows: [{ name: 'Smith, Jo', caption: 'say "hi"\nand wave' }, { name: '', caption: 'plain' }],
      });
    });

    it('skips blank lines', () => {
      const parsed = parseCsvRows('a\n\nx\n\ny\n');
      assert.ok(!('error' in parsed));
      assert.deepStrictEqual(parsed.rows, [{ a: 'x' }, { a: 'y' }]);
    });

    it('names the line of a row with a missing column, counting lines inside quotes', () => {
      const parsed = parseCsvRows('a,b\n"multi\nline",1\nonly\n');
      assert.deepStrictEqual(parsed, { error: 'Line 4: 1 values, but the header names 2 variables (a, b).' });
    });

    it('refuses an unclosed quote, a stray quote and text after a closing quote, naming the line', () => {
      assert.deepStrictEqual(parseCsvRows('a\n"open\n'), { error: 'Line 2: a quoted field is never closed.' });
      assert.match((parseCsvRows('a\nab"c\n') as { error: string }).error, /^Line 2: a quote/);
      assert.match((parseCsvRows('a,b\nx,"y"z\n') as { error: string }).error, /^Line 2: text after a closing quote/);
    });

    it('refuses an empty file, a header alone, a bad or repeated header name', () => {
      assert.match((parseCsvRows('') as { error: string }).error, /empty/);
      assert.match((parseCsvRows('a,b\n') as { error: string }).error, /no rows/);
      assert.match((parseCsvRows('a b\nx\n') as { error: string }).error, /"a b" is not a variable name/);
      assert.match((parseCsvRows('a,a\nx,y\n') as { error: string }).error, /named twice/);
    });
  });

  describe('JSON Lines', () => {
    it('takes the keys of the first line as the variables; numbers become text', () => {
      assert.deepStrictEqual(parseJsonlRows('{"p":"mug","n":2}\n\n{"p":"cap","n":3}\n'), {
        names: ['p', 'n'],
        rows: [
          { p: 'mug', n: '2' },
          { p: 'cap', n: '3' },
        ],
      });
    });

    it('names the line of malformed JSON, a non-object, a missing or an extra key', () => {
      assert.match((parseJsonlRows('{"a":"x"}\n{"a":\n') as { error: string }).error, /^Line 2 is not valid JSON/);
      assert.match((parseJsonlRows('["x"]\n') as { error: string }).error, /^Line 1 must be one JSON object/);
      assert.match((parseJsonlRows('{"a":"x","b":"y"}\n\n{"a":"z"}\n') as { error: string }).error, /^Line 3: missing "b"/);
      assert.match((parseJsonlRows('{"a":"x"}\n{"a":"z","c":"w"}\n') as { error: string }).error, /^Line 2: "c" not on the first line/);
      assert.match((parseJsonlRows('{"a":{"deep":1}}\n') as { error: string }).error, /^Line 1: "a" must be a string or a number/);
      assert.match((parseJsonlRows('\n\n') as { error: string }).error, /no rows/);
    });
  });

  it('chooses the format by extension and prefixes problems with the file', () => {
    assert.strictEqual(rowsFormat('data/rows.CSV'), 'csv');
    assert.strictEqual(rowsFormat('rows.jsonl'), 'jsonl');
    assert.strictEqual(rowsFormat('rows.json'), undefined);
    assert.deepStrictEqual(parseRows('rows.txt', 'a\nb'), { error: '"rows.txt" is neither a .csv nor a .jsonl file.' });
    assert.deepStrictEqual(parseRows('r.jsonl', 'nope'), { error: `r.jsonl: Line 1 is not valid JSON: ${errorOf('nope')}` });
  });
});

function errorOf(text: string): string {
  try {
    JSON.parse(text);
    return '';
  } catch (error) {
    return (error as Error).message;
  }
}
