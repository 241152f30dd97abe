/**
 * Real, valid PNG files of any size, built with zlib: signature, IHDR, one IDAT, IEND, correct CRCs.
 * The picture shows the model id and the prompt (label.ts). Results are cached by size and text.
 */
import { deflateSync } from 'zlib';
import { backgroundAt, inkInRows, pictureLayout, type PictureText, renderRow } from './label';

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const MAX_CACHED = 16;
const cache = new Map<string, Buffer>();

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

export function crc32(data: Buffer): number {
  let crc = 0xffffffff;
  for (let i = 0; i < data.length; i++) crc = CRC_TABLE[(crc ^ data[i]) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const typeAndData = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typeAndData));
  return Buffer.concat([length, typeAndData, crc]);
}

function encode(width: number, height: number, text: PictureText): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // colour type: truecolour RGB
  ihdr[10] = 0; // compression
  ihdr[11] = 0; // filter method
  ihdr[12] = 0; // no interlace

  // Every row is "Sub"-filtered (each byte stored as the difference to the pixel on its left): a row of plain
  // background is its first pixel and zeros, so even 4096×4096 compresses to little and is quick to make.
  const layout = pictureLayout(width, height, text);
  const stride = 1 + width * 3;
  const raw = Buffer.alloc(stride * height);
  const row = Buffer.alloc(width * 3);
  for (let y = 0; y < height; y++) {
    const offset = y * stride;
    raw[offset] = 1; // filter type Sub
    if (!inkInRows(layout, y, y)) {
      const [r, g, b] = backgroundAt(layout, y);
      raw[offset + 1] = r;
      raw[offset + 2] = g;
      raw[offset + 3] = b;
      continue;
    }
    renderRow(layout, y, row);
    for (let i = 0; i < row.length; i++) raw[offset + 1 + i] = (row[i] - (i >= 3 ? row[i - 3] : 0)) & 0xff;
  }
  return Buffer.concat([
    SIGNATURE,
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** What an image shows when its caller names nothing. */
export const DEFAULT_PICTURE: PictureText = { prompt: '', model: 'emulator' };

/** A PNG of exactly width×height pixels showing `text` (see label.ts; cached; treat the buffer as read-only). */
export function pngImage(width: number, height: number, text: PictureText = DEFAULT_PICTURE): Buffer {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1 || width > 8192 || height > 8192) {
    throw new RangeError(`unsupported PNG size ${width}x${height}`);
  }
  const key = JSON.stringify([width, height, text.prompt, text.model]);
  let png = cache.get(key);
  if (!png) {
    png = encode(width, height, text);
    if (cache.size >= MAX_CACHED) cache.delete(cache.keys().next().value as string);
    cache.set(key, png);
  }
  return png;
}
