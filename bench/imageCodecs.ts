/**
 * The image library choice (README "Dependencies"): two WebAssembly candidates that need no native binary, on the
 * conversion targets do most — a 2048×2048 PNG resized to 512×512 and written as WebP. Measures what ships and how
 * long a conversion takes (median of 5, after one warm-up that also pays the wasm compile). Run after `npm run build`:
 * `npm run compile-tests && node out/bench/imageCodecs.js` (writes bench/image-codecs.md).
 */
import * as fs from 'fs';
import * as path from 'path';
import { performance } from 'perf_hooks';

const root = path.resolve(__dirname, '../..');
// The shipped bundle, as the extension loads it (dist/imageCodecs.js with dist/wasm).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { createImageCodecs } = require(path.join(root, 'dist/imageCodecs.js')) as typeof import('../src/codecs/imageCodecs');

interface PhotonImage { free(): void; get_bytes_webp(): Uint8Array }
interface Photon {
  PhotonImage: { new_from_byteslice(bytes: Uint8Array): PhotonImage };
  resize(image: PhotonImage, width: number, height: number, filter: number): PhotonImage;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function kib(bytes: number): string {
  return `${(bytes / 1024).toFixed(0)} KiB`;
}

/** A 2048² test picture with gradients and noise, so the PNG is photo-like in size (about 7 MB), not trivially compressible. */
function sourcePixels(): Uint8ClampedArray {
  const side = 2048;
  const pixels = new Uint8ClampedArray(side * side * 4);
  let seed = 7;
  for (let i = 0; i < side * side; i++) {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    const x = i % side;
    const y = Math.floor(i / side);
    pixels.set([x >> 3, y >> 3, (((x * y) >> 10) & 255) ^ (seed % 40), 255], i * 4);
  }
  return pixels;
}

async function main(): Promise<void> {
  const codecs = createImageCodecs(path.join(root, 'dist/wasm'));
  const png = await codecs.encode({ width: 2048, height: 2048, data: sourcePixels() }, 'png');
  const rounds = 5;

  const squoosh: number[] = [];
  let squooshBytes = 0;
  for (let round = 0; round <= rounds; round++) {
    const started = performance.now();
    const image = await codecs.decode(png, 'image/png');
    const webp = await codecs.encode(await codecs.resize(image, 512, 512), 'webp');
    if (round > 0) squoosh.push(performance.now() - started);
    squooshBytes = webp.length;
  }
  const wasm = (name: string) => fs.statSync(path.join(root, 'dist/wasm', name)).size;
  const squooshShipped =
    fs.statSync(path.join(root, 'dist/imageCodecs.js')).size +
    fs.readdirSync(path.join(root, 'dist/wasm')).reduce((sum, f) => sum + wasm(f), 0);
  const squooshLoaded =
    fs.statSync(path.join(root, 'dist/imageCodecs.js')).size +
    wasm('squoosh_png_bg.wasm') +
    wasm('squoosh_resize_bg.wasm') +
    wasm('webp_enc_simd.wasm');

  const photonDir = path.dirname(require.resolve('@silvia-odwyer/photon-node/package.json'));
  const loadStarted = performance.now();
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const photon = require('@silvia-odwyer/photon-node') as Photon;
  const photonLoadMs = performance.now() - loadStarted;
  const photonTimes: number[] = [];
  let photonBytes = 0;
  for (let round = 0; round <= rounds; round++) {
    const started = performance.now();
    const image = photon.PhotonImage.new_from_byteslice(png);
    const small = photon.resize(image, 512, 512, 5); // 5 = Lanczos3
    const webp = small.get_bytes_webp();
    if (round > 0) photonTimes.push(performance.now() - started);
    photonBytes = webp.length;
    image.free();
    small.free();
  }
  const photonShipped = fs
    .readdirSync(photonDir)
    .filter((f) => /\.(js|wasm)$/.test(f))
    .reduce((sum, f) => sum + fs.statSync(path.join(photonDir, f)).size, 0);

  const lines = [
    '# Image codecs: 2048×2048 PNG → 512×512 WebP',
    '',
    `Source PNG ${kib(png.length)}; median of ${rounds} conversions after a warm-up, on this machine (shared, 2 cores), Node ${process.version}.`,
    '',
    '| Library | Shipped (JS + wasm) | Loaded for this conversion | Time (median) | WebP written |',
    '|---|---:|---:|---:|---:|',
    `| @jsquash png/webp/jpeg/resize (Squoosh codecs), as bundled | ${kib(squooshShipped)} | ${kib(squooshLoaded)} | ${median(squoosh).toFixed(0)} ms | ${kib(squooshBytes)} (lossy, quality 82) |`,
    `| @silvia-odwyer/photon-node 0.3.4 | ${kib(photonShipped)} | ${kib(photonShipped)} (one module, ${photonLoadMs.toFixed(0)} ms to load) | ${median(photonTimes).toFixed(0)} ms | ${kib(photonBytes)} (lossless only) |`,
    '',
  ];
  fs.writeFileSync(path.join(root, 'bench/image-codecs.md'), lines.join('\n'));
  console.log(lines.join('\n'));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
