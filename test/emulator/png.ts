/**
 * Real, valid PNG files of any size, built with zlib: signature, IHDR, one IDAT, IEND, correct CRCs.
 * The picture is a diagonal colour gradient; every row uses the "Sub" filter so the compressed data
 * stays tiny and fast to produce even for 4096×4096. Results are cached by size.
 */
import { deflateSync } from 'zlib';

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

/** The colour of pixel (x, y) in the emulator's gradient; shared with the JPEG encoder. */
export function gradientColour(x: number, y: number, width: number, height: number): [number, number, number] {
  const r = width > 1 ? Math.round((x * 255) / (width - 1)) : 0;
  const g = height > 1 ? Math.round((y * 255) / (height - 1)) : 0;
  return [r, g, 160];
}

function encode(width: number, height: number): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // colour type: truecolour RGB
  ihdr[10] = 0; // compression
  ihdr[11] = 0; // filter method
  ihdr[12] = 0; // no interlace

  // Red depends only on x, green only on y: one "Sub"-filtered row template serves every row
  // (each byte is stored as the difference to the pixel on its left), only the first green differs.
  const stride = 1 + width * 3;
  const template = Buffer.alloc(stride);
  template[0] = 1; // filter type Sub
  let previous: [number, number, number] = [0, 0, 0];
  for (let x = 0; x < width; x++) {
    const colour = gradientColour(x, 0, width, height);
    for (let c = 0; c < 3; c++) template[1 + x * 3 + c] = (colour[c] - previous[c]) & 0xff;
    previous = colour;
  }
  const raw = Buffer.alloc(stride * height);
  for (let y = 0; y < height; y++) {
    template.copy(raw, y * stride);
    raw[y * stride + 2] = gradientColour(0, y, width, height)[1];
  }
  return Buffer.concat([
    SIGNATURE,
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** A PNG of exactly width×height pixels (cached; treat the buffer as read-only). */
export function pngImage(width: number, height: number): Buffer {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1 || width > 8192 || height > 8192) {
    throw new RangeError(`unsupported PNG size ${width}x${height}`);
  }
  const key = `${width}x${height}`;
  let png = cache.get(key);
  if (!png) {
    png = encode(width, height);
    if (cache.size >= MAX_CACHED) cache.delete(cache.keys().next().value as string);
    cache.set(key, png);
  }
  return png;
}
