/** The first bytes decide; Content-Type is a fallback and a URL's extension is ignored (providers and CDNs get both wrong). */

import * as l10n from '@vscode/l10n';

export type MediaKind = 'image' | 'video';

export interface SniffedMedia {
  mime: string;
  /** Without the dot. */
  extension: string;
  kind: MediaKind;
}

export type InputImageFormat = 'png' | 'jpeg' | 'webp';

export interface ImageDimensions {
  width: number;
  height: number;
}

/** How many leading bytes callers should read: enough for the JPEG frame header of typical files (see imageDimensions). */
export const SNIFF_HEAD_BYTES = 64 * 1024;

const PNG: SniffedMedia = { mime: 'image/png', extension: 'png', kind: 'image' };
const JPEG: SniffedMedia = { mime: 'image/jpeg', extension: 'jpg', kind: 'image' };
const WEBP: SniffedMedia = { mime: 'image/webp', extension: 'webp', kind: 'image' };
const GIF: SniffedMedia = { mime: 'image/gif', extension: 'gif', kind: 'image' };
const MP4: SniffedMedia = { mime: 'video/mp4', extension: 'mp4', kind: 'video' };
const MOV: SniffedMedia = { mime: 'video/quicktime', extension: 'mov', kind: 'video' };
const WEBM: SniffedMedia = { mime: 'video/webm', extension: 'webm', kind: 'video' };

const BY_CONTENT_TYPE: Readonly<Record<string, SniffedMedia>> = {
  'image/png': PNG,
  'image/jpeg': JPEG,
  'image/jpg': JPEG, // not registered, but common in the wild
  'image/pjpeg': JPEG,
  'image/webp': WEBP,
  'image/gif': GIF,
  'video/mp4': MP4,
  'video/quicktime': MOV,
  'video/webm': WEBM,
};

/** `ftyp` major brands of a playable MP4. Only the major brand counts: M4A, HEIC and AVIF list mp4 brands as compatible. */
const MP4_BRANDS = new Set([
  'isom',
  'iso2',
  'iso3',
  'iso4',
  'iso5',
  'iso6',
  'mp41',
  'mp42',
  'avc1',
  'M4V ',
  'M4VH',
  'M4VP',
  'dash',
  'mmp4',
  'msnv',
]);
const QUICKTIME_BRAND = 'qt  ';

function ascii(head: Uint8Array, start: number, length: number): string {
  if (start + length > head.length) return '';
  return String.fromCharCode(...head.subarray(start, start + length));
}

function startsWith(head: Uint8Array, bytes: readonly number[], offset = 0): boolean {
  if (head.length < offset + bytes.length) return false;
  return bytes.every((byte, i) => head[offset + i] === byte);
}

const isPng = (head: Uint8Array) => startsWith(head, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const isJpeg = (head: Uint8Array) => startsWith(head, [0xff, 0xd8, 0xff]);
const isWebp = (head: Uint8Array) => ascii(head, 0, 4) === 'RIFF' && ascii(head, 8, 4) === 'WEBP';
const isGif = (head: Uint8Array) => ascii(head, 0, 6) === 'GIF87a' || ascii(head, 0, 6) === 'GIF89a';

function sniffIsoMedia(head: Uint8Array): SniffedMedia | undefined {
  if (ascii(head, 4, 4) !== 'ftyp') return undefined;
  const brand = ascii(head, 8, 4);
  if (brand === QUICKTIME_BRAND) return MOV;
  return MP4_BRANDS.has(brand) ? MP4 : undefined;
}

/** EBML (Matroska family). WebM unless the DocType element, when present in the head, names something else (e.g. "matroska"). */
function sniffEbml(head: Uint8Array): SniffedMedia | undefined {
  if (!startsWith(head, [0x1a, 0x45, 0xdf, 0xa3])) return undefined;
  const docType = ebmlDocType(head);
  return docType === undefined || docType === 'webm' ? WEBM : undefined;
}

/** Finds the DocType element (ID 0x4282) in the EBML header; its size is a 1-byte VINT in practice. */
function ebmlDocType(head: Uint8Array): string | undefined {
  const limit = Math.min(head.length - 3, 64);
  for (let i = 4; i < limit; i++) {
    if (head[i] !== 0x42 || head[i + 1] !== 0x82) continue;
    const sizeByte = head[i + 2];
    if ((sizeByte & 0x80) === 0) return undefined; // multi-byte size: unusual, do not guess
    const size = sizeByte & 0x7f;
    const value = ascii(head, i + 3, size);
    return value === '' && size > 0 ? undefined : value.replace(/\0+$/, '');
  }
  return undefined;
}

function sniffBytes(head: Uint8Array): SniffedMedia | undefined {
  if (isPng(head)) return PNG;
  if (isJpeg(head)) return JPEG;
  if (isWebp(head)) return WEBP;
  if (isGif(head)) return GIF;
  return sniffIsoMedia(head) ?? sniffEbml(head);
}

/** No binary control bytes (HTML error page, JSON, SVG, text): real media has NUL or controls in its first bytes. */
function looksLikeText(head: Uint8Array): boolean {
  const end = Math.min(head.length, 512);
  for (let i = 0; i < end; i++) {
    const byte = head[i];
    const isTextControl = byte === 0x09 || byte === 0x0a || byte === 0x0c || byte === 0x0d || byte === 0x1b;
    if ((byte < 0x20 && !isTextControl) || byte === 0x7f) return false;
  }
  return true;
}

function mediaTypeOf(contentType: string): string {
  return contentType.split(';')[0].trim().toLowerCase();
}

/**
 * The Content-Type is used only when the bytes are unrecognised yet binary (a QuickTime file whose first box is not
 * `ftyp`); an empty or text-like body is never accepted whatever its Content-Type says.
 */
export function sniffMediaType(head: Uint8Array, contentType?: string): SniffedMedia | undefined {
  const fromBytes = sniffBytes(head);
  if (fromBytes) return { ...fromBytes };
  if (contentType === undefined || head.length === 0 || looksLikeText(head)) return undefined;
  const fromHeader = BY_CONTENT_TYPE[mediaTypeOf(contentType)];
  return fromHeader ? { ...fromHeader } : undefined;
}

/** SVG and GIF are not among the formats providers accept as input. */
export function isSupportedInputImage(head: Uint8Array): InputImageFormat | undefined {
  if (isPng(head)) return 'png';
  if (isJpeg(head)) return 'jpeg';
  if (isWebp(head)) return 'webp';
  return undefined;
}

function readUint16BE(head: Uint8Array, offset: number): number {
  return (head[offset] << 8) | head[offset + 1];
}

function readUint32BE(head: Uint8Array, offset: number): number {
  return ((head[offset] << 24) | (head[offset + 1] << 16) | (head[offset + 2] << 8) | head[offset + 3]) >>> 0;
}

function readUint16LE(head: Uint8Array, offset: number): number {
  return head[offset] | (head[offset + 1] << 8);
}

function readUint24LE(head: Uint8Array, offset: number): number {
  return head[offset] | (head[offset + 1] << 8) | (head[offset + 2] << 16);
}

function dimensions(width: number, height: number): ImageDimensions | undefined {
  return width > 0 && height > 0 ? { width, height } : undefined;
}

function pngDimensions(head: Uint8Array): ImageDimensions | undefined {
  if (head.length < 24 || ascii(head, 12, 4) !== 'IHDR') return undefined;
  const width = readUint32BE(head, 16);
  const height = readUint32BE(head, 20);
  // The PNG spec caps both at 2^31 - 1.
  return width <= 0x7fffffff && height <= 0x7fffffff ? dimensions(width, height) : undefined;
}

/** SOFn markers carry the frame size; C4 (DHT), C8 (JPG extension) and CC (DAC) share the range but do not. */
function isStartOfFrame(marker: number): boolean {
  return marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
}

/** Everything before the first SOFn (EXIF, ICC, thumbnails) must be in the head; a segment is at most 64 KiB. */
function jpegDimensions(head: Uint8Array): ImageDimensions | undefined {
  let offset = 2;
  while (offset + 4 <= head.length) {
    if (head[offset] !== 0xff) return undefined; // lost sync: not a well-formed marker stream
    const marker = head[offset + 1];
    if (marker === 0xff) {
      offset += 1; // fill byte
      continue;
    }
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd8)) {
      offset += 2; // standalone markers have no length
      continue;
    }
    if (marker === 0xd9 || marker === 0xda) return undefined; // end of image / start of scan before any frame header
    const length = readUint16BE(head, offset + 2);
    if (length < 2) return undefined;
    if (isStartOfFrame(marker)) {
      if (offset + 9 > head.length) return undefined;
      return dimensions(readUint16BE(head, offset + 7), readUint16BE(head, offset + 5));
    }
    offset += 2 + length;
  }
  return undefined;
}

function webpDimensions(head: Uint8Array): ImageDimensions | undefined {
  const chunk = ascii(head, 12, 4);
  if (chunk === 'VP8 ') {
    // Frame tag (3 bytes), start code 9D 01 2A, then 14-bit width and height (top 2 bits are scaling).
    if (head.length < 30 || !startsWith(head, [0x9d, 0x01, 0x2a], 23)) return undefined;
    return dimensions(readUint16LE(head, 26) & 0x3fff, readUint16LE(head, 28) & 0x3fff);
  }
  if (chunk === 'VP8L') {
    // Signature 0x2F, then width-1 and height-1 packed as two 14-bit little-endian fields.
    if (head.length < 25 || head[20] !== 0x2f) return undefined;
    const bits = (head[21] | (head[22] << 8) | (head[23] << 16) | (head[24] << 24)) >>> 0;
    return dimensions((bits & 0x3fff) + 1, ((bits >>> 14) & 0x3fff) + 1);
  }
  if (chunk === 'VP8X') {
    // Flags (4 bytes), then canvas width-1 and height-1 as 24-bit little-endian.
    if (head.length < 30) return undefined;
    return dimensions(readUint24LE(head, 24) + 1, readUint24LE(head, 27) + 1);
  }
  return undefined;
}

export function imageDimensions(head: Uint8Array): ImageDimensions | undefined {
  if (isPng(head)) return pngDimensions(head);
  if (isJpeg(head)) return jpegDimensions(head);
  if (isWebp(head)) return webpDimensions(head);
  return undefined;
}

export const IMAGE_TAIL_BYTES = 4096;

const PNG_IEND = [0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82];

/** A cheap structural check of head, tail and size (truncated or overwritten files are the common case), not a decode. */
export function inputImageDamage(format: InputImageFormat, head: Uint8Array, tail: Uint8Array, size: number): string | undefined {
  switch (format) {
    case 'png':
      if (ascii(head, 12, 4) !== 'IHDR' || !pngDimensions(head)) return l10n.t('its header (IHDR) is missing or has no size');
      if (!endsWithBytes(tail, PNG_IEND)) return l10n.t('its end (IEND) is missing, so the file is cut short');
      return undefined;
    case 'jpeg':
      // Some cameras pad after the end-of-image marker, so the marker only has to be near the end.
      for (let i = tail.length - 2; i >= 0; i--) if (tail[i] === 0xff && tail[i + 1] === 0xd9) return undefined;
      return l10n.t('its end-of-image marker is missing, so the file is cut short');
    case 'webp': {
      const riffSize = head.length >= 8 ? (head[4] | (head[5] << 8) | (head[6] << 16) | (head[7] << 24)) >>> 0 : 0;
      if (riffSize + 8 !== size && riffSize + 9 !== size)
        return l10n.t('its header says {0} bytes but the file has {1}', riffSize + 8, size);
      return undefined;
    }
  }
}

function endsWithBytes(data: Uint8Array, bytes: readonly number[]): boolean {
  return data.length >= bytes.length && bytes.every((byte, i) => data[data.length - bytes.length + i] === byte);
}
