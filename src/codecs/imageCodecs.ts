/**
 * Pixels through the Squoosh codecs in WebAssembly (@jsquash): no native binary, so it runs in every extension host.
 * Bundled as `dist/imageCodecs.js` with wasm in `dist/wasm/`, loaded only to resize or convert, each codec on first use.
 */
import * as fs from 'fs';
import * as path from 'path';
import decodePng, { init as initPngDecode } from '@jsquash/png/decode.js';
import encodePng, { init as initPngEncode } from '@jsquash/png/encode.js';
import decodeJpeg, { init as initJpegDecode } from '@jsquash/jpeg/decode.js';
import encodeJpeg, { init as initJpegEncode } from '@jsquash/jpeg/encode.js';
import decodeWebp, { init as initWebpDecode } from '@jsquash/webp/decode.js';
import encodeWebp, { init as initWebpEncode } from '@jsquash/webp/encode.js';
import resize, { initResize } from '@jsquash/resize';

export interface RgbaImage {
  readonly width: number;
  readonly height: number;
  /** Not premultiplied. */
  readonly data: Uint8ClampedArray;
}

export type EncodeFormat = 'png' | 'jpeg' | 'webp';
export type DecodeMime = 'image/png' | 'image/jpeg' | 'image/webp';

export interface ImageCodecs {
  decode(bytes: Uint8Array, mime: DecodeMime): Promise<RgbaImage>;
  /** Lanczos3; the image itself when it already has that size. */
  resize(image: RgbaImage, width: number, height: number): Promise<RgbaImage>;
  encode(image: RgbaImage, format: EncodeFormat): Promise<Uint8Array>;
}

/** By the name each codec is loaded under. */
export const WASM_FILES = {
  png: '@jsquash/png/codec/pkg/squoosh_png_bg.wasm',
  jpegDecode: '@jsquash/jpeg/codec/dec/mozjpeg_dec.wasm',
  jpegEncode: '@jsquash/jpeg/codec/enc/mozjpeg_enc.wasm',
  webpDecode: '@jsquash/webp/codec/dec/webp_dec.wasm',
  // The extension host's Node (20 and later) always has wasm SIMD, which @jsquash/webp detects and then expects.
  webpEncode: '@jsquash/webp/codec/enc/webp_enc_simd.wasm',
  resize: '@jsquash/resize/lib/resize/pkg/squoosh_resize_bg.wasm',
} as const;

/**
 * The codecs define a minimal ImageData on globalThis outside a browser when they load; defining it here first,
 * identically, keeps the order of first use from mattering (the resizer needs it too).
 */
function ensureImageData(): void {
  const scope = globalThis as { ImageData?: unknown };
  if (scope.ImageData) return;
  scope.ImageData = class ImageData {
    readonly colorSpace = 'srgb';
    constructor(readonly data: Uint8ClampedArray, readonly width: number, readonly height: number) {}
  };
}

/** 86 and 82 keep photos and illustrations free of visible artefacts at a third of lossless size. */
const JPEG_QUALITY = 86;
const WEBP_QUALITY = 82;

/**
 * Their init takes a compiled module first (the typings declare only the options form). `locateFile` keeps the glue
 * from building a URL out of import.meta.url, which a CommonJS bundle does not have.
 */
type EmscriptenInit = (module: WebAssembly.Module, options: { locateFile(file: string): string }) => Promise<unknown> | unknown;
const withModule = (init: unknown) => (module: WebAssembly.Module) => (init as EmscriptenInit)(module, { locateFile: (file) => file });

export function createImageCodecs(wasmDir: string): ImageCodecs {
  ensureImageData();
  const ready = new Map<keyof typeof WASM_FILES, Promise<unknown>>();
  const load = async (name: keyof typeof WASM_FILES, init: (module: WebAssembly.Module) => Promise<unknown> | unknown): Promise<void> => {
    let pending = ready.get(name);
    if (!pending) {
      pending = fs.promises.readFile(path.join(wasmDir, path.basename(WASM_FILES[name])))
        .then((bytes) => WebAssembly.compile(bytes))
        .then((module) => init(module));
      ready.set(name, pending);
      pending.catch(() => ready.delete(name)); // a failed load may be retried by the next conversion
    }
    await pending;
  };
  const asImage = (data: { width: number; height: number; data: Uint8ClampedArray }): RgbaImage => ({
    width: data.width,
    height: data.height,
    data: data.data,
  });
  // The codecs' types name the DOM's ImageData; ours is structurally the same minus colorSpace.
  const asImageData = (image: RgbaImage): ImageData =>
    new (globalThis as unknown as { ImageData: new (d: Uint8ClampedArray, w: number, h: number) => ImageData }).ImageData(
      image.data,
      image.width,
      image.height,
    );
  return {
    async decode(bytes, mime) {
      const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
      switch (mime) {
        case 'image/png':
          await load('png', (m) => Promise.all([initPngDecode(m), initPngEncode(m)]));
          return asImage(await decodePng(buffer));
        case 'image/jpeg':
          await load('jpegDecode', (m) => withModule(initJpegDecode)(m));
          return asImage(await decodeJpeg(buffer));
        case 'image/webp':
          await load('webpDecode', (m) => withModule(initWebpDecode)(m));
          return asImage(await decodeWebp(buffer));
      }
    },
    async resize(image, width, height) {
      if (image.width === width && image.height === height) return image;
      await load('resize', (m) => initResize(m));
      return asImage(
        await resize(asImageData(image), { width, height, method: 'lanczos3', fitMethod: 'stretch', premultiply: true, linearRGB: true }),
      );
    },
    async encode(image, format) {
      switch (format) {
        case 'png':
          await load('png', (m) => Promise.all([initPngDecode(m), initPngEncode(m)]));
          return new Uint8Array(await encodePng(asImageData(image)));
        case 'jpeg':
          await load('jpegEncode', (m) => withModule(initJpegEncode)(m));
          return new Uint8Array(await encodeJpeg(asImageData(image), { quality: JPEG_QUALITY }));
        case 'webp':
          await load('webpEncode', (m) => withModule(initWebpEncode)(m));
          return new Uint8Array(await encodeWebp(asImageData(image), { quality: WEBP_QUALITY }));
      }
    },
  };
}
