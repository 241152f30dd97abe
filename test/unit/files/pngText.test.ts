import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { deflateSync, inflateSync } from 'zlib';
import {
  PNG_TEXT_MAX_BYTES,
  addPngTextChunks,
  canTakeTextChunks,
  crc32,
  crc32Portable,
  listPngChunks,
  pngKeywordProblem,
  readPngTextChunks,
  sanitizePngText,
} from '../../../src/core/files/pngText';
import { imageDimensions, sniffMediaType } from '../../../src/core/files/sniff';

const root = path.resolve(__dirname, '..', '..', '..', '..');
const productPng = () => new Uint8Array(fs.readFileSync(path.join(root, 'test/fixtures/workspace/images/product.png')));

/** An independent CRC-32 (bitwise, no table), so the module's CRC is not checked against itself. */
function referenceCrc(data: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of data) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Uint8Array): Buffer {
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const out = Buffer.alloc(body.length + 8);
  out.writeUInt32BE(data.length, 0);
  body.copy(out, 4);
  out.writeUInt32BE(referenceCrc(body), body.length + 4);
  return out;
}

/** A real 2×1 RGB PNG, built here so the tests do not depend on other files. */
function tinyPng(extraChunksAfterIhdr: Buffer[] = []): Uint8Array {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(2, 0);
  ihdr.writeUInt32BE(1, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  const pixels = deflateSync(Buffer.from([0, 255, 0, 0, 0, 0, 255]));
  return new Uint8Array(Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr), ...extraChunksAfterIhdr, chunk('IDAT', pixels), chunk('IEND', new Uint8Array(0)),
  ]));
}

interface ParsedChunk { type: string; data: Buffer; start: number; end: number }

/** Strict structural check with its own parser: signature, IHDR first, IEND last, every CRC right, nothing after IEND. */
function assertValidPng(png: Uint8Array): ParsedChunk[] {
  const buffer = Buffer.from(png);
  assert.deepEqual([...buffer.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'signature');
  const chunks: ParsedChunk[] = [];
  let offset = 8;
  while (offset < buffer.length) {
    const length = buffer.readUInt32BE(offset);
    const type = buffer.toString('latin1', offset + 4, offset + 8);
    const end = offset + 12 + length;
    assert.ok(end <= buffer.length, `${type} chunk runs past the end`);
    const stored = buffer.readUInt32BE(offset + 8 + length);
    assert.equal(stored, referenceCrc(buffer.subarray(offset + 4, offset + 8 + length)), `CRC of ${type} at ${offset}`);
    chunks.push({ type, data: buffer.subarray(offset + 8, offset + 8 + length), start: offset, end });
    offset = end;
  }
  assert.equal(chunks[0]?.type, 'IHDR');
  assert.equal(chunks[chunks.length - 1]?.type, 'IEND');
  return chunks;
}

describe('files: addPngTextChunks and readPngTextChunks', () => {
  it('round-trips ASCII, Latin-1 and other Unicode text through the product fixture', () => {
    const original = productPng();
    const entries = {
      'Media Studio prompt': 'Ceramic coffee cup on a wooden table',
      Comment: 'Crème brûlée, 25 °C',
      Description: 'Katze im Weltraum 🐱🚀 — 日本語のテキスト',
      Software: 'Media Studio 0.1.0',
    };
    const tagged = addPngTextChunks(original, entries);
    const chunks = assertValidPng(tagged);
    assert.deepEqual(readPngTextChunks(tagged), entries);
    assert.deepEqual(
      chunks.slice(0, 5).map((c) => c.type),
      ['IHDR', 'tEXt', 'tEXt', 'iTXt', 'tEXt'],
      'inserted right after IHDR, in entry order',
    );
    assert.equal(sniffMediaType(tagged)?.mime, 'image/png');
    assert.deepEqual(imageDimensions(tagged), { width: 320, height: 240 });
  });

  it('keeps every original byte: the prefix through IHDR and everything after it', () => {
    const original = productPng();
    const ihdrEnd = 8 + 12 + 13;
    const tagged = addPngTextChunks(original, { prompt: 'cup', note: 'ünïcödé ✓' });
    const insertedLength = tagged.length - original.length;
    assert.ok(insertedLength > 0);
    assert.deepEqual(Buffer.from(tagged.subarray(0, ihdrEnd)), Buffer.from(original.subarray(0, ihdrEnd)));
    assert.deepEqual(Buffer.from(tagged.subarray(ihdrEnd + insertedLength)), Buffer.from(original.subarray(ihdrEnd)));
  });

  it('leaves the pixels decodable and identical', () => {
    const original = tinyPng();
    const tagged = addPngTextChunks(original, { prompt: 'two pixels' });
    const idat = (png: Uint8Array) => inflateSync(assertValidPng(png).find((c) => c.type === 'IDAT')!.data);
    assert.deepEqual(idat(tagged), idat(original));
  });

  it('does not modify its input', () => {
    const original = tinyPng();
    const copy = Uint8Array.from(original);
    addPngTextChunks(original, { a: 'b' });
    assert.deepEqual(original, copy);
  });

  it('writes tEXt for Latin-1 values (line feeds allowed) and uncompressed UTF-8 iTXt otherwise', () => {
    const tagged = addPngTextChunks(tinyPng(), { plain: 'line one\nline two', tab: 'a\tb', emoji: '🎨' });
    const chunks = assertValidPng(tagged);
    assert.deepEqual(chunks.slice(1, 4).map((c) => c.type), ['tEXt', 'iTXt', 'iTXt']);
    assert.deepEqual(chunks[1].data, Buffer.from('plain\0line one\nline two', 'latin1'));
    // keyword NUL, compression flag 0, method 0, empty language tag NUL, empty translated keyword NUL, text.
    assert.deepEqual(chunks[3].data, Buffer.concat([Buffer.from('emoji\0\0\0\0\0', 'latin1'), Buffer.from('🎨', 'utf8')]));
    assert.deepEqual(readPngTextChunks(tagged), { plain: 'line one\nline two', tab: 'a\tb', emoji: '🎨' });
  });

  it('round-trips empty and large values', () => {
    const large = 'A long prompt. '.repeat(10_000) + 'Ende ✓';
    const tagged = addPngTextChunks(tinyPng(), { empty: '', large });
    assertValidPng(tagged);
    assert.deepEqual(readPngTextChunks(tagged), { empty: '', large });
  });

  it('returns an identical copy when there are no entries', () => {
    const original = tinyPng();
    const result = addPngTextChunks(original, {});
    assert.deepEqual(Buffer.from(result), Buffer.from(original));
    assert.notEqual(result, original);
  });

  it('accepts a keyword of 79 Latin-1 characters and refuses invalid keywords', () => {
    const longest = 'k'.repeat(79);
    assert.deepEqual(readPngTextChunks(addPngTextChunks(tinyPng(), { [longest]: 'v', 'Größe': 'ok' })), { [longest]: 'v', 'Größe': 'ok' });
    for (const keyword of [
      '',
      'k'.repeat(80),
      'a\u0000b',
      'tab\there',
      '日本',
      'emoji🎨',
      ' leading',
      'trailing ',
      'two  spaces',
      'nb\u00a0sp',
    ]) {
      assert.throws(() => addPngTextChunks(tinyPng(), { [keyword]: 'v' }), /PNG text keyword/, JSON.stringify(keyword));
    }
    assert.equal(pngKeywordProblem('Title'), undefined);
  });

  it('carries a sanitised copy of values containing NUL or other control characters (a prompt may hold them)', () => {
    assert.deepStrictEqual(readPngTextChunks(addPngTextChunks(tinyPng(), { prompt: 'a\u0000b', Source: 'pixapi/m\u0000x' })), {
      prompt: 'a b',
      Source: 'pixapi/m x',
    });
    assert.deepStrictEqual(readPngTextChunks(addPngTextChunks(tinyPng(), { prompt: '🎨\u0000\u001b[1m\nline\ttab' })), {
      prompt: '🎨  [1m\nline\ttab',
    });
    assert.strictEqual(sanitizePngText('plain'), 'plain');
  });

  it('tells whether a PNG can take text chunks at all', () => {
    assert.strictEqual(canTakeTextChunks(tinyPng()), true);
    const png = tinyPng();
    // A chunk before IHDR: readable by some viewers, but not ours to tag.
    const odd = Buffer.concat([png.subarray(0, 8), chunk('tEXt', Buffer.from('Comment\u0000first')), png.subarray(8)]);
    assert.strictEqual(canTakeTextChunks(odd), false);
    assert.strictEqual(canTakeTextChunks(Buffer.from('not a png')), false);
  });

  it('throws a clear error for files that are not PNGs', () => {
    const jpeg = fs.readFileSync(path.join(root, 'test/fixtures/workspace/images/sketch.jpg'));
    for (const notPng of [jpeg, Buffer.from('<html>nope</html>'), new Uint8Array(0), tinyPng().subarray(0, 7)]) {
      assert.throws(() => addPngTextChunks(notPng, { a: 'b' }), /^Error: Not a PNG file/);
      assert.throws(() => readPngTextChunks(notPng), /^Error: Not a PNG file/);
    }
  });

  it('refuses a PNG signature that is not followed by IHDR', () => {
    const signatureOnly = tinyPng().subarray(0, 8);
    assert.throws(() => addPngTextChunks(signatureOnly, { a: 'b' }), /IHDR/);
    const wrongFirst = Buffer.concat([Buffer.from(signatureOnly), chunk('tEXt', Buffer.from('a\0b')), Buffer.from(tinyPng().subarray(8))]);
    assert.throws(() => addPngTextChunks(wrongFirst, { a: 'b' }), /IHDR/);
  });

  it('reads compressed iTXt and zTXt chunks written by other tools', () => {
    const itxt = chunk(
      'iTXt',
      Buffer.concat([Buffer.from('Description\0\x01\x00de\0Beschreibung\0', 'latin1'), deflateSync(Buffer.from('Grüße 🌍', 'utf8'))]),
    );
    const ztxt = chunk('zTXt', Buffer.concat([Buffer.from('Comment\0\x00', 'latin1'), deflateSync(Buffer.from('café', 'latin1'))]));
    const png = tinyPng([itxt, ztxt]);
    assertValidPng(png);
    assert.deepEqual(readPngTextChunks(png), { Description: 'Grüße 🌍', Comment: 'café' });
  });

  it('skips malformed text chunks and keeps the good ones', () => {
    const png = tinyPng([
      chunk('tEXt', Buffer.from('no separator', 'latin1')),
      chunk('tEXt', Buffer.from('\0empty keyword', 'latin1')),
      chunk('iTXt', Buffer.from('Broken\0\x00\x00no terminators', 'latin1')),
      chunk('iTXt', Buffer.concat([Buffer.from('Corrupt\0\x01\x00\0\0', 'latin1'), Buffer.from('not zlib data')])),
      chunk('zTXt', Buffer.concat([Buffer.from('Method\0\x07', 'latin1'), deflateSync(Buffer.from('x'))])),
      chunk('tEXt', Buffer.from('Good\0value', 'latin1')),
    ]);
    assert.deepEqual(readPngTextChunks(png), { Good: 'value' });
  });

  it('does not inflate text bombs beyond a megabyte', () => {
    const bomb = chunk('zTXt', Buffer.concat([Buffer.from('Bomb\0\x00', 'latin1'), deflateSync(Buffer.alloc(4 * 1024 * 1024, 0x41))]));
    assert.deepEqual(readPngTextChunks(tinyPng([bomb, chunk('tEXt', Buffer.from('ok\0yes'))])), { ok: 'yes' });
  });

  it('lets the first chunk win when a keyword repeats, so freshly added text takes precedence', () => {
    const older = tinyPng([chunk('tEXt', Buffer.from('prompt\0old prompt', 'latin1'))]);
    const tagged = addPngTextChunks(older, { prompt: 'new prompt' });
    assertValidPng(tagged);
    assert.deepEqual(readPngTextChunks(tagged), { prompt: 'new prompt' });
  });

  it('stores a "__proto__" keyword as a plain entry without touching prototypes', () => {
    const result = readPngTextChunks(addPngTextChunks(tinyPng(), { ['__proto__']: 'polluted?' }));
    assert.deepEqual(Object.keys(result), ['__proto__']);
    assert.equal(Object.getOwnPropertyDescriptor(result, '__proto__')?.value, 'polluted?');
    assert.equal(Object.getPrototypeOf(result), Object.prototype);
  });

  it('reads from a view into a larger buffer and stops at IEND', () => {
    const tagged = addPngTextChunks(tinyPng(), { prompt: 'offset view' });
    const host = new Uint8Array(tagged.length + 20).fill(0xee);
    host.set(tagged, 10);
    const view = host.subarray(10);
    assert.deepEqual(readPngTextChunks(view), { prompt: 'offset view' });
    assert.equal(listPngChunks(view).at(-1)?.type, 'IEND', 'trailing garbage after IEND is ignored');
  });

  it('reads what it can from a truncated file', () => {
    const tagged = addPngTextChunks(tinyPng(), { first: 'one', second: 'two' });
    const cut = tagged.subarray(0, 8 + 25 + 12 + 'first\0one'.length + 5);
    assert.deepEqual(readPngTextChunks(cut), { first: 'one' });
  });

  it('computes standard CRC-32 values, natively and in plain JavaScript', () => {
    const check = Buffer.from('123456789');
    assert.equal(crc32(check), 0xcbf43926);
    assert.equal(crc32Portable(check), 0xcbf43926);
    assert.equal(crc32Portable(new Uint8Array(0)), 0);
    const data = new Uint8Array(5000).map((_, i) => (i * 31 + 7) & 0xff);
    assert.equal(crc32Portable(data), referenceCrc(data));
    assert.equal(crc32(data), referenceCrc(data));
    assert.equal(
      crc32Portable(data.subarray(100), crc32Portable(data.subarray(0, 100))),
      crc32Portable(data),
      'continues from a previous value',
    );
  });

  it('documents the whole-buffer size limit callers apply', () => {
    assert.equal(PNG_TEXT_MAX_BYTES, 32 * 1024 * 1024);
  });
});
