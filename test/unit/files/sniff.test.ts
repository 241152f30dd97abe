import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import {
  IMAGE_TAIL_BYTES,
  imageDimensions,
  inputImageDamage,
  type InputImageFormat,
  isSupportedInputImage,
  sniffMediaType,
} from '../../../src/core/files/sniff';
import { jpegImage } from '../../emulator/jpeg';
import { pngImage } from '../../emulator/png';

/** The repository root, from out/test/unit/files. */
const root = path.resolve(__dirname, '..', '..', '..', '..');
const fixture = (relative: string) => fs.readFileSync(path.join(root, relative));

const bytes = (...parts: Array<string | number[] | Uint8Array>): Uint8Array =>
  Buffer.concat(parts.map((part) => (typeof part === 'string' ? Buffer.from(part, 'latin1') : Buffer.from(part))));
const u32be = (n: number) => [n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];
const u16be = (n: number) => [n >>> 8, n & 0xff];
const u16le = (n: number) => [n & 0xff, n >>> 8];
const u24le = (n: number) => [n & 0xff, (n >>> 8) & 0xff, n >>> 16];
const u32le = (n: number) => [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, n >>> 24];

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
function pngHead(width: number, height: number): Uint8Array {
  // Signature and IHDR (CRC not needed for sniffing).
  return bytes(PNG_SIGNATURE, u32be(13), 'IHDR', u32be(width), u32be(height), [8, 2, 0, 0, 0], [0, 0, 0, 0]);
}

function ftyp(major: string, compatible: string[] = [major]): Uint8Array {
  const size = 16 + compatible.length * 4;
  return bytes(u32be(size), 'ftyp', major, u32be(0), ...compatible, u32be(8), 'mdat');
}

function jpegSegment(marker: number, payload: Uint8Array | number[]): Uint8Array {
  return bytes([0xff, marker], u16be(payload.length + 2), payload);
}
function sof(marker: number, width: number, height: number): Uint8Array {
  return jpegSegment(marker, [8, ...u16be(height), ...u16be(width), 3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1]);
}
const SOI = [0xff, 0xd8];
const APP0 = jpegSegment(0xe0, bytes('JFIF\0', [1, 2, 0, 0, 1, 0, 1, 0, 0]));

function webp(chunk: string, payload: Uint8Array): Uint8Array {
  return bytes('RIFF', u32le(4 + 8 + payload.length), 'WEBP', chunk, u32le(payload.length), payload);
}

function ebml(docType: string | undefined): Uint8Array {
  const body =
    docType === undefined ? bytes([0x42, 0x86, 0x81, 0x01]) : bytes([0x42, 0x86, 0x81, 0x01, 0x42, 0x82, 0x80 | docType.length], docType);
  return bytes([0x1a, 0x45, 0xdf, 0xa3, 0x80 | body.length], body, [0x18, 0x53, 0x80, 0x67]);
}

describe('files: sniffMediaType', () => {
  it('recognises the PNG, JPEG and WebP fixtures from their bytes', () => {
    assert.deepEqual(sniffMediaType(fixture('test/fixtures/workspace/images/product.png')), {
      mime: 'image/png',
      extension: 'png',
      kind: 'image',
    });
    assert.deepEqual(sniffMediaType(fixture('test/fixtures/workspace/images/sketch.jpg')), {
      mime: 'image/jpeg',
      extension: 'jpg',
      kind: 'image',
    });
    assert.deepEqual(sniffMediaType(fixture('test/fixtures/workspace/images/banner.webp')), {
      mime: 'image/webp',
      extension: 'webp',
      kind: 'image',
    });
  });

  it('recognises the emulator MP4 fixture (or a hand-built isom ftyp box when it is absent)', () => {
    const file = path.join(root, 'test/emulator/fixtures/sample.mp4');
    const head = fs.existsSync(file) ? fs.readFileSync(file).subarray(0, 64) : ftyp('isom', ['isom', 'iso2', 'avc1', 'mp41']);
    assert.deepEqual(sniffMediaType(head), { mime: 'video/mp4', extension: 'mp4', kind: 'video' });
  });

  it('rejects the SVG fixture even when served as image/svg+xml', () => {
    const svg = fixture('test/fixtures/workspace/images/vector.svg');
    assert.equal(sniffMediaType(svg), undefined);
    assert.equal(sniffMediaType(svg, 'image/svg+xml'), undefined);
  });

  it('recognises GIF87a and GIF89a', () => {
    const gif = { mime: 'image/gif', extension: 'gif', kind: 'image' };
    assert.deepEqual(sniffMediaType(bytes('GIF89a', u16le(10), u16le(10), [0, 0, 0])), gif);
    assert.deepEqual(sniffMediaType(bytes('GIF87a', u16le(10), u16le(10), [0, 0, 0])), gif);
  });

  for (const brand of ['isom', 'mp41', 'mp42', 'avc1', 'iso5', 'M4V ', 'dash']) {
    it(`reads an ftyp box with major brand "${brand}" as MP4`, () => {
      assert.deepEqual(sniffMediaType(ftyp(brand)), { mime: 'video/mp4', extension: 'mp4', kind: 'video' });
    });
  }

  it('reads an ftyp box with major brand "qt  " as QuickTime .mov', () => {
    assert.deepEqual(sniffMediaType(ftyp('qt  ')), { mime: 'video/quicktime', extension: 'mov', kind: 'video' });
  });

  it('does not take audio, HEIC or AVIF files for video although they list mp4 brands as compatible', () => {
    assert.equal(sniffMediaType(ftyp('M4A ', ['M4A ', 'mp42', 'isom'])), undefined);
    assert.equal(sniffMediaType(ftyp('heic', ['mif1', 'heic'])), undefined);
    assert.equal(sniffMediaType(ftyp('avif', ['avif', 'mif1', 'miaf', 'mp41'])), undefined);
  });

  it('recognises WebM by its EBML header and DocType', () => {
    const webm = { mime: 'video/webm', extension: 'webm', kind: 'video' };
    assert.deepEqual(sniffMediaType(ebml('webm')), webm);
    assert.deepEqual(sniffMediaType(ebml(undefined)), webm, 'no DocType in the head: EBML alone means WebM');
    assert.equal(sniffMediaType(ebml('matroska')), undefined, 'Matroska is not WebM');
  });

  it('lets the bytes win over a contradicting Content-Type', () => {
    assert.equal(sniffMediaType(pngHead(1, 1), 'video/mp4')?.mime, 'image/png');
    assert.equal(sniffMediaType(ftyp('isom'), 'image/png')?.mime, 'video/mp4');
  });

  it('falls back to a supported Content-Type only for unrecognised binary bytes', () => {
    // A classic QuickTime file whose first box is "wide", not "ftyp".
    const quickTime = bytes(u32be(8), 'wide', u32be(16), 'mdat', [0, 1, 2, 3, 4, 5, 6, 7]);
    assert.equal(sniffMediaType(quickTime), undefined);
    assert.deepEqual(sniffMediaType(quickTime, 'video/quicktime'), { mime: 'video/quicktime', extension: 'mov', kind: 'video' });
    assert.equal(sniffMediaType(quickTime, 'Video/MP4; codecs="avc1.42E01E"')?.extension, 'mp4', 'parameters and case are ignored');
    assert.equal(sniffMediaType(quickTime, 'application/octet-stream'), undefined);
    assert.equal(sniffMediaType(quickTime, 'image/svg+xml'), undefined);
    assert.equal(sniffMediaType(quickTime, 'audio/mpeg'), undefined);
  });

  it('never accepts text bodies (HTML error pages, JSON, plain text), whatever the Content-Type says', () => {
    const html = Buffer.from('<!DOCTYPE html>\n<html><head><title>403 Forbidden</title></head><body>Access denied</body></html>\n');
    const json = Buffer.from('{"error":{"code":"expired","message":"The link has expired."}}');
    const text = Buffer.from('Not Found\r\n\tTry again later');
    for (const body of [html, json, text]) {
      assert.equal(sniffMediaType(body), undefined);
      assert.equal(sniffMediaType(body, 'image/png'), undefined);
      assert.equal(sniffMediaType(body, 'video/mp4'), undefined);
    }
  });

  it('rejects an empty body, even with an image Content-Type', () => {
    assert.equal(sniffMediaType(new Uint8Array(0)), undefined);
    assert.equal(sniffMediaType(new Uint8Array(0), 'image/png'), undefined);
  });

  it('does not recognise truncated signatures', () => {
    assert.equal(sniffMediaType(Uint8Array.from(PNG_SIGNATURE.slice(0, 7))), undefined);
    assert.equal(sniffMediaType(Uint8Array.from([0xff, 0xd8])), undefined);
    assert.equal(sniffMediaType(bytes('RIFF', u32le(100), 'WAVE')), undefined, 'RIFF but not WebP');
    assert.equal(sniffMediaType(bytes(u32be(20), 'ftyp', 'is')), undefined);
  });

  it('returns a fresh object each time, so callers cannot corrupt later answers', () => {
    const first = sniffMediaType(pngHead(1, 1));
    assert.ok(first);
    first.extension = 'exe';
    assert.equal(sniffMediaType(pngHead(1, 1))?.extension, 'png');
  });
});

describe('files: isSupportedInputImage', () => {
  it('accepts PNG, JPEG and WebP fixtures', () => {
    assert.equal(isSupportedInputImage(fixture('test/fixtures/workspace/images/product.png')), 'png');
    assert.equal(isSupportedInputImage(fixture('test/fixtures/workspace/images/sketch.jpg')), 'jpeg');
    assert.equal(isSupportedInputImage(fixture('test/fixtures/workspace/images/banner.webp')), 'webp');
  });

  it('refuses SVG, GIF, video and text', () => {
    assert.equal(isSupportedInputImage(fixture('test/fixtures/workspace/images/vector.svg')), undefined);
    assert.equal(isSupportedInputImage(bytes('GIF89a', [1, 0, 1, 0])), undefined);
    assert.equal(isSupportedInputImage(ftyp('isom')), undefined);
    assert.equal(isSupportedInputImage(Buffer.from('hello')), undefined);
    assert.equal(isSupportedInputImage(new Uint8Array(0)), undefined);
  });
});

describe('files: imageDimensions', () => {
  it('reads the fixtures: PNG 320×240, JPEG 320×240, WebP (VP8) 320×180', () => {
    assert.deepEqual(imageDimensions(fixture('test/fixtures/workspace/images/product.png')), { width: 320, height: 240 });
    assert.deepEqual(imageDimensions(fixture('test/fixtures/workspace/images/sketch.jpg')), { width: 320, height: 240 });
    assert.deepEqual(imageDimensions(fixture('test/fixtures/workspace/images/banner.webp')), { width: 320, height: 180 });
  });

  it('reads PNG IHDR, including large sizes, and needs the first 24 bytes', () => {
    assert.deepEqual(imageDimensions(pngHead(4096, 2160)), { width: 4096, height: 2160 });
    assert.deepEqual(imageDimensions(pngHead(70000, 1)), { width: 70000, height: 1 });
    assert.equal(imageDimensions(pngHead(10, 10).subarray(0, 23)), undefined);
    assert.equal(imageDimensions(pngHead(0, 10)), undefined, 'zero width is invalid');
  });

  it('walks JPEG segments past APP segments, fill bytes and DHT to the SOF marker', () => {
    const exif = jpegSegment(0xe1, bytes('Exif\0\0', new Uint8Array(30_000).fill(0xab)));
    const dht = jpegSegment(0xc4, new Uint8Array(28));
    const jpeg = bytes(SOI, APP0, exif, [0xff, 0xff], dht, sof(0xc0, 1920, 1080), [0xff, 0xda, 0, 2]);
    assert.deepEqual(imageDimensions(jpeg), { width: 1920, height: 1080 });
  });

  it('reads progressive (SOF2) and other SOFn frame headers', () => {
    for (const marker of [0xc1, 0xc2, 0xc3, 0xc9, 0xcb]) {
      assert.deepEqual(imageDimensions(bytes(SOI, APP0, sof(marker, 640, 480))), { width: 640, height: 480 }, marker.toString(16));
    }
  });

  it('returns undefined when the JPEG head ends before the frame header', () => {
    const exif = jpegSegment(0xe1, new Uint8Array(60_000));
    const jpeg = bytes(SOI, APP0, exif, sof(0xc0, 800, 600));
    assert.deepEqual(imageDimensions(jpeg), { width: 800, height: 600 });
    const frameStart = jpeg.length - sof(0xc0, 800, 600).length;
    assert.deepEqual(
      imageDimensions(jpeg.subarray(0, frameStart + 9)),
      { width: 800, height: 600 },
      'the sizes end at byte 9 of the segment',
    );
    assert.equal(imageDimensions(jpeg.subarray(0, frameStart + 8)), undefined);
    assert.equal(imageDimensions(jpeg.subarray(0, frameStart)), undefined);
    assert.equal(imageDimensions(jpeg.subarray(0, 1000)), undefined);
  });

  it('gives up on a JPEG whose scan starts before any frame header, or whose markers are garbage', () => {
    assert.equal(imageDimensions(bytes(SOI, APP0, [0xff, 0xda, 0, 2], new Uint8Array(20))), undefined);
    assert.equal(imageDimensions(bytes(SOI, APP0, [0x12, 0x34, 0, 2], sof(0xc0, 8, 8))), undefined);
  });

  it('reads WebP VP8L (lossless) sizes', () => {
    const packed = (100 - 1) | ((50 - 1) << 14);
    assert.deepEqual(imageDimensions(webp('VP8L', bytes([0x2f], u32le(packed), [0, 0, 0]))), { width: 100, height: 50 });
    const largest = (16384 - 1) | ((16384 - 1) << 14);
    assert.deepEqual(imageDimensions(webp('VP8L', bytes([0x2f], u32le(largest >>> 0), [0, 0, 0]))), { width: 16384, height: 16384 });
  });

  it('reads WebP VP8X (extended) canvas sizes', () => {
    const header = bytes([0x10, 0, 0, 0], u24le(4000 - 1), u24le(3000 - 1));
    assert.deepEqual(imageDimensions(webp('VP8X', header)), { width: 4000, height: 3000 });
  });

  it('reads WebP VP8 (lossy) sizes and ignores the scaling bits', () => {
    const frame = bytes([0x50, 0x42, 0x00], [0x9d, 0x01, 0x2a], u16le(1024 | 0x4000), u16le(768 | 0x8000), new Uint8Array(4));
    assert.deepEqual(imageDimensions(webp('VP8 ', frame)), { width: 1024, height: 768 });
    const badStartCode = bytes([0x50, 0x42, 0x00], [0x9d, 0x01, 0x2b], u16le(1024), u16le(768));
    assert.equal(imageDimensions(webp('VP8 ', badStartCode)), undefined);
  });

  it('returns undefined for formats it does not measure', () => {
    assert.equal(imageDimensions(bytes('GIF89a', u16le(10), u16le(10))), undefined);
    assert.equal(imageDimensions(ftyp('isom')), undefined);
    assert.equal(imageDimensions(new Uint8Array(0)), undefined);
  });
});

describe('files: inputImageDamage', () => {
  /** What the host reads of a file: its head, its last bytes and its size. */
  function damage(file: Uint8Array): string | undefined {
    const format = isSupportedInputImage(file) as InputImageFormat;
    assert.ok(format, 'the head must look like an image for this check to apply');
    return inputImageDamage(format, file.subarray(0, 65536), file.subarray(Math.max(0, file.length - IMAGE_TAIL_BYTES)), file.length);
  }

  const whole: Array<[string, Uint8Array]> = [
    ['the PNG fixture', fixture('test/fixtures/workspace/images/product.png')],
    ['the JPEG fixture', fixture('test/fixtures/workspace/images/sketch.jpg')],
    ['the WebP fixture', fixture('test/fixtures/workspace/images/banner.webp')],
    ['an emulator PNG', pngImage(64, 48)],
    ['an emulator JPEG', jpegImage(64, 48)],
    ['a JPEG padded after its end marker', Buffer.concat([jpegImage(16, 16), Buffer.alloc(100)])],
  ];
  for (const [name, file] of whole) it(`finds nothing wrong with ${name}`, () => assert.equal(damage(file), undefined));

  it('finds a PNG cut short', () => {
    const png = pngImage(64, 48);
    assert.match(damage(png.subarray(0, png.length - 20)) ?? '', /IEND\) is missing/);
  });
  it('finds a PNG whose header chunk is not IHDR', () => {
    const png = Buffer.from(pngImage(8, 8));
    png.write('IDAT', 12, 'latin1');
    assert.match(damage(png) ?? '', /IHDR/);
  });
  it('finds a JPEG cut short', () => {
    const jpeg = jpegImage(64, 48);
    assert.match(damage(jpeg.subarray(0, jpeg.length - 2)) ?? '', /end-of-image marker is missing/);
  });
  it('finds a WebP whose size disagrees with its header', () => {
    const webpFile = fixture('test/fixtures/workspace/images/banner.webp');
    assert.match(damage(webpFile.subarray(0, webpFile.length - 10)) ?? '', /header says \d+ bytes but the file has \d+/);
  });
});
