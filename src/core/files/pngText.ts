/** Prompt and metadata as PNG text chunks, so they travel without the sidecar; all else stays byte-identical. */
import * as zlib from 'zlib';

/** Above this size the caller skips embedding: the whole file is held in memory twice. */
export const PNG_TEXT_MAX_BYTES = 32 * 1024 * 1024;

/** Inflated size limit for compressed text chunks, so a crafted file cannot exhaust memory. */
const MAX_INFLATED_TEXT_BYTES = 1024 * 1024;

const SIGNATURE = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const IHDR_DATA_LENGTH = 13;
/** length + type + data + CRC */
const CHUNK_OVERHEAD = 12;

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** Exported so tests can check it against zlib's. */
export function crc32Portable(data: Uint8Array, initial = 0): number {
  let crc = (initial ^ 0xffffffff) >>> 0;
  for (let i = 0; i < data.length; i++) crc = CRC_TABLE[(crc ^ data[i]) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

/** zlib.crc32 arrived in Node 20.15 / 22.2; older runtimes get the table version. */
export function crc32(data: Uint8Array, initial = 0): number {
  return typeof zlib.crc32 === 'function' ? zlib.crc32(data, initial) >>> 0 : crc32Portable(data, initial);
}

export interface PngChunk {
  type: string;
  /** Of the chunk's length field. */
  offset: number;
  dataOffset: number;
  length: number;
  /** Just past the CRC. */
  end: number;
}

function readUint32BE(bytes: Uint8Array, offset: number): number {
  return ((bytes[offset] << 24) | (bytes[offset + 1] << 16) | (bytes[offset + 2] << 8) | bytes[offset + 3]) >>> 0;
}

function writeUint32BE(bytes: Uint8Array, offset: number, value: number): void {
  bytes[offset] = value >>> 24;
  bytes[offset + 1] = (value >>> 16) & 0xff;
  bytes[offset + 2] = (value >>> 8) & 0xff;
  bytes[offset + 3] = value & 0xff;
}

export function hasPngSignature(bytes: Uint8Array): boolean {
  return bytes.length >= SIGNATURE.length && SIGNATURE.every((byte, i) => bytes[i] === byte);
}

/** Stops after IEND or where the file is truncated or malformed (a truncated last chunk is left out). */
export function listPngChunks(png: Uint8Array): PngChunk[] {
  if (!hasPngSignature(png)) throw new Error('Not a PNG file: the PNG signature is missing.');
  const chunks: PngChunk[] = [];
  let offset = SIGNATURE.length;
  while (offset + CHUNK_OVERHEAD <= png.length) {
    const length = readUint32BE(png, offset);
    const end = offset + CHUNK_OVERHEAD + length;
    if (length > 0x7fffffff || end > png.length) break;
    const type = String.fromCharCode(...png.subarray(offset + 4, offset + 8));
    if (!/^[A-Za-z]{4}$/.test(type)) break;
    chunks.push({ type, offset, dataOffset: offset + 8, length, end });
    offset = end;
    if (type === 'IEND') break;
  }
  return chunks;
}

export function isChunkCrcValid(png: Uint8Array, chunk: PngChunk): boolean {
  const covered = png.subarray(chunk.offset + 4, chunk.dataOffset + chunk.length);
  return crc32(covered) === readUint32BE(png, chunk.dataOffset + chunk.length);
}

function buildChunk(type: string, data: Uint8Array): Uint8Array {
  const chunk = new Uint8Array(CHUNK_OVERHEAD + data.length);
  writeUint32BE(chunk, 0, data.length);
  for (let i = 0; i < 4; i++) chunk[4 + i] = type.charCodeAt(i);
  chunk.set(data, 8);
  writeUint32BE(chunk, 8 + data.length, crc32(chunk.subarray(4, 8 + data.length)));
  return chunk;
}

/** Latin-1 characters the PNG spec allows in keywords: 0x20–0x7E and 0xA1–0xFF (no NBSP). */
function isLatin1Printable(code: number): boolean {
  return (code >= 0x20 && code <= 0x7e) || (code >= 0xa1 && code <= 0xff);
}

/** Why a keyword is not valid per the PNG spec (1–79 printable Latin-1, no leading, trailing or double spaces). */
export function pngKeywordProblem(keyword: string): string | undefined {
  if (keyword.length < 1 || keyword.length > 79) return `PNG text keyword "${keyword}" must be 1 to 79 characters long.`;
  for (let i = 0; i < keyword.length; i++) {
    if (!isLatin1Printable(keyword.charCodeAt(i))) return `PNG text keyword "${keyword}" may contain only printable Latin-1 characters.`;
  }
  if (/^ | $| {2}/.test(keyword)) return `PNG text keyword "${keyword}" must not start or end with a space or contain two spaces in a row.`;
  return undefined;
}

/** tEXt allows Latin-1 printable characters and line feeds. */
function fitsTextChunk(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (!isLatin1Printable(code) && code !== 0x0a) return false;
  }
  return true;
}

/** NUL ends a chunk's fields, so it and C0 controls but tab and LF (shown as garbage) become spaces; the sidecar keeps the text. */
export function sanitizePngText(value: string): string {
  return value.replace(/[\x00-\x08\x0b-\x1f\x7f]/g, ' ');
}

export function canTakeTextChunks(png: Uint8Array): boolean {
  try {
    const first = listPngChunks(png)[0];
    return !!first && first.type === 'IHDR' && first.length === IHDR_DATA_LENGTH;
  } catch {
    return false;
  }
}

function textChunkFor(keyword: string, raw: string): Uint8Array {
  const value = sanitizePngText(raw);
  const problem = pngKeywordProblem(keyword);
  if (problem) throw new Error(problem);
  const key = Buffer.from(keyword, 'latin1');
  if (fitsTextChunk(value)) {
    return buildChunk('tEXt', Buffer.concat([key, Buffer.from([0]), Buffer.from(value, 'latin1')]));
  }
  // keyword NUL, compression flag 0, method 0, empty language tag NUL, empty translated keyword NUL, UTF-8 text.
  return buildChunk('iTXt', Buffer.concat([key, Buffer.from([0, 0, 0, 0, 0]), Buffer.from(value, 'utf8')]));
}

/**
 * One chunk per entry right after IHDR: tEXt when Latin-1, else uncompressed UTF-8 iTXt. Throws on a non-PNG or an
 * invalid keyword: callers that must not fail check canTakeTextChunks first.
 */
export function addPngTextChunks(png: Uint8Array, entries: Record<string, string>): Uint8Array {
  const chunks = listPngChunks(png);
  const ihdr = chunks[0];
  if (!ihdr || ihdr.type !== 'IHDR' || ihdr.length !== IHDR_DATA_LENGTH) {
    throw new Error('Not a PNG file: it does not start with an IHDR chunk.');
  }
  const inserted = Object.entries(entries).map(([keyword, value]) => textChunkFor(keyword, value));
  const insertedLength = inserted.reduce((sum, chunk) => sum + chunk.length, 0);
  const result = new Uint8Array(png.length + insertedLength);
  result.set(png.subarray(0, ihdr.end), 0);
  let offset = ihdr.end;
  for (const chunk of inserted) {
    result.set(chunk, offset);
    offset += chunk.length;
  }
  result.set(png.subarray(ihdr.end), offset);
  return result;
}

function latin1(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
}

function utf8(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
}

function inflate(bytes: Uint8Array): Uint8Array | undefined {
  try {
    return zlib.inflateSync(bytes, { maxOutputLength: MAX_INFLATED_TEXT_BYTES });
  } catch {
    return undefined; // corrupt or oversized: skip this chunk, keep the others
  }
}

function decodeTextChunk(type: string, data: Uint8Array): [string, string] | undefined {
  const keywordEnd = data.indexOf(0);
  if (keywordEnd < 1) return undefined;
  const keyword = latin1(data.subarray(0, keywordEnd));
  if (type === 'tEXt') return [keyword, latin1(data.subarray(keywordEnd + 1))];
  if (type === 'zTXt') {
    if (data[keywordEnd + 1] !== 0) return undefined; // 0 is the only defined compression method
    const text = inflate(data.subarray(keywordEnd + 2));
    return text && [keyword, latin1(text)];
  }
  // iTXt: flag, method, language tag NUL, translated keyword NUL, text.
  const compressed = data[keywordEnd + 1];
  const method = data[keywordEnd + 2];
  const languageEnd = data.indexOf(0, keywordEnd + 3);
  const translatedEnd = languageEnd < 0 ? -1 : data.indexOf(0, languageEnd + 1);
  if (translatedEnd < 0) return undefined;
  const body = data.subarray(translatedEnd + 1);
  if (compressed === 0) return [keyword, utf8(body)];
  if (compressed !== 1 || method !== 0) return undefined;
  const text = inflate(body);
  return text && [keyword, utf8(text)];
}

/** When a keyword repeats the first wins (the one addPngTextChunks put after IHDR). Malformed chunks are skipped. */
export function readPngTextChunks(png: Uint8Array): Record<string, string> {
  const result: Record<string, string> = {};
  for (const chunk of listPngChunks(png)) {
    if (chunk.type !== 'tEXt' && chunk.type !== 'zTXt' && chunk.type !== 'iTXt') continue;
    const entry = decodeTextChunk(chunk.type, png.subarray(chunk.dataOffset, chunk.dataOffset + chunk.length));
    if (!entry || Object.prototype.hasOwnProperty.call(result, entry[0])) continue;
    // defineProperty, not assignment: a keyword such as "__proto__" must become a plain entry.
    Object.defineProperty(result, entry[0], { value: entry[1], enumerable: true, writable: true, configurable: true });
  }
  return result;
}
