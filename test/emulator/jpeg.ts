/**
 * Real baseline JPEG files of any size for Apixo's `output_format: "jpeg"`.
 * To stay tiny and fast every 8×8 block is a flat colour (only DC coefficients, every block ends with
 * EOB): the picture of label.ts laid out on the block grid, so where the image is wide enough each font pixel
 * is whole blocks and the text stays sharp (elsewhere a block is the mean of its pixels). Decoders treat it as
 * an ordinary baseline JFIF (SOF0, YCbCr 4:4:4, Huffman coded). Results are cached by size and text.
 */
import { backgroundAt, inkInRows, pictureLayout, type PictureLayout, type PictureText, pixelAt, type Rgb } from './label';
import { DEFAULT_PICTURE } from './png';

const MAX_CACHED = 16;
const cache = new Map<string, Buffer>();

// Standard luminance DC table (ITU T.81 K.3) — categories 0..11.
const DC_BITS = [0, 1, 5, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0];
const DC_VALUES = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
// A minimal AC table: EOB (0x00) coded "0", plus one filler symbol so no code is all ones.
const AC_BITS = [1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
const AC_VALUES = [0x00, 0x01];

/** Canonical Huffman codes from the DHT bit counts: symbol → [code, length]. */
function huffmanCodes(bits: number[], values: number[]): Map<number, [number, number]> {
  const codes = new Map<number, [number, number]>();
  let code = 0;
  let k = 0;
  for (let length = 1; length <= 16; length++) {
    for (let i = 0; i < bits[length - 1]; i++) codes.set(values[k++], [code++, length]);
    code <<= 1;
  }
  return codes;
}
const DC_CODES = huffmanCodes(DC_BITS, DC_VALUES);
const EOB = huffmanCodes(AC_BITS, AC_VALUES).get(0x00) as [number, number];

class BitWriter {
  private readonly bytes: number[] = [];
  private current = 0;
  private filled = 0;

  write(value: number, length: number): void {
    for (let i = length - 1; i >= 0; i--) {
      this.current = (this.current << 1) | ((value >> i) & 1);
      if (++this.filled === 8) this.flushByte();
    }
  }

  private flushByte(): void {
    this.bytes.push(this.current);
    if (this.current === 0xff) this.bytes.push(0x00); // byte stuffing
    this.current = 0;
    this.filled = 0;
  }

  finish(): Buffer {
    while (this.filled !== 0) this.write(1, 1); // pad with one-bits
    return Buffer.from(this.bytes);
  }
}

function segment(marker: number, payload: number[]): Buffer {
  const length = payload.length + 2;
  return Buffer.from([0xff, marker, length >> 8, length & 0xff, ...payload]);
}

/** The flat colour of the block whose top-left pixel is (x0, y0). */
function blockColour(layout: PictureLayout, x0: number, y0: number): Rgb {
  const x1 = Math.min(layout.width, x0 + 8);
  const y1 = Math.min(layout.height, y0 + 8);
  if (!inkInRows(layout, y0, y1 - 1)) return backgroundAt(layout, Math.min(layout.height - 1, y0 + 4));
  const sum = [0, 0, 0];
  for (let y = y0; y < y1; y++) {
    for (let x = x0; x < x1; x++) {
      const pixel = pixelAt(layout, x, y);
      for (let c = 0; c < 3; c++) sum[c] += pixel[c];
    }
  }
  const count = (x1 - x0) * (y1 - y0);
  return [sum[0] / count, sum[1] / count, sum[2] / count];
}

function encode(width: number, height: number, text: PictureText): Buffer {
  const layout = pictureLayout(width, height, text, 8);
  const soi = Buffer.from([0xff, 0xd8]);
  const app0 = segment(0xe0, [0x4a, 0x46, 0x49, 0x46, 0x00, 1, 1, 0, 0, 1, 0, 1, 0, 0]);
  const dqt = segment(0xdb, [0x00, ...new Array<number>(64).fill(8)]);
  const sof0 = segment(0xc0, [8, height >> 8, height & 0xff, width >> 8, width & 0xff, 3, 1, 0x11, 0, 2, 0x11, 0, 3, 0x11, 0]);
  const dhtDc = segment(0xc4, [0x00, ...DC_BITS, ...DC_VALUES]);
  const dhtAc = segment(0xc4, [0x10, ...AC_BITS, ...AC_VALUES]);
  const sos = segment(0xda, [3, 1, 0x00, 2, 0x00, 3, 0x00, 0, 63, 0]);

  const bits = new BitWriter();
  const previousDc = [0, 0, 0];
  const blocksAcross = Math.ceil(width / 8);
  const blocksDown = Math.ceil(height / 8);
  for (let by = 0; by < blocksDown; by++) {
    for (let bx = 0; bx < blocksAcross; bx++) {
      const [r, g, b] = blockColour(layout, bx * 8, by * 8);
      const ycbcr = [
        0.299 * r + 0.587 * g + 0.114 * b,
        -0.1687 * r - 0.3313 * g + 0.5 * b + 128,
        0.5 * r - 0.4187 * g - 0.0813 * b + 128,
      ];
      for (let c = 0; c < 3; c++) {
        // A flat block's DC coefficient is 8·(value−128); with quantiser 8 that is value−128.
        const dc = Math.max(-128, Math.min(127, Math.round(ycbcr[c]) - 128));
        const diff = dc - previousDc[c];
        previousDc[c] = dc;
        const category = diff === 0 ? 0 : Math.floor(Math.log2(Math.abs(diff))) + 1;
        const [code, length] = DC_CODES.get(category) as [number, number];
        bits.write(code, length);
        if (category > 0) bits.write(diff > 0 ? diff : diff + (1 << category) - 1, category);
        bits.write(EOB[0], EOB[1]);
      }
    }
  }
  const eoi = Buffer.from([0xff, 0xd9]);
  return Buffer.concat([soi, app0, dqt, sof0, dhtDc, dhtAc, sos, bits.finish(), eoi]);
}

/** A baseline JPEG of exactly width×height pixels showing `text` (cached; treat the buffer as read-only). */
export function jpegImage(width: number, height: number, text: PictureText = DEFAULT_PICTURE): Buffer {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1 || width > 8192 || height > 8192) {
    throw new RangeError(`unsupported JPEG size ${width}x${height}`);
  }
  const key = JSON.stringify([width, height, text.prompt, text.model]);
  let jpeg = cache.get(key);
  if (!jpeg) {
    jpeg = encode(width, height, text);
    if (cache.size >= MAX_CACHED) cache.delete(cache.keys().next().value as string);
    cache.set(key, jpeg);
  }
  return jpeg;
}
