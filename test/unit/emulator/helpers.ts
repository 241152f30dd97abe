/** Shared helpers for the emulator's own unit tests. */
import * as assert from 'node:assert/strict';
import { inflateSync } from 'zlib';
import { ProviderEmulator } from '../../emulator';
import { crc32 } from '../../emulator/png';
import { type EmulatorOptions, type ProviderName } from '../../emulator/types';

export const KEYS: Record<ProviderName, string> = { pixapi: 'test-pixapi-key', pixai: 'test-pixai-key', apixo: 'test-apixo-key' };

/** Short timings so a whole task takes a couple of hundred milliseconds. */
// (margins of 100 ms+ so a poll every 10 ms sees every state even on a busy machine)
export const FAST_TIMING = { image: { queueMs: 100, runMs: 150 }, video: { queueMs: 100, runMs: 200 } };

export function startFast(options: EmulatorOptions = {}): Promise<ProviderEmulator> {
  return ProviderEmulator.start({ timing: FAST_TIMING, ...options });
}

/**
 * For tests that must see every state: 300 ms per state, so a poll every 10 ms catches each one even
 * when the machine is busy.
 */
export const STATE_WALK_TIMING = { image: { queueMs: 300, runMs: 300 }, video: { queueMs: 300, runMs: 300 } };

/** Timings long enough that a task stays queued for the whole test. */
export const HELD_IN_QUEUE = { image: { queueMs: 60_000, runMs: 1000 }, video: { queueMs: 60_000, runMs: 1000 } };
/** Timings that start a task running at once and keep it running. */
export const HELD_RUNNING = { image: { queueMs: 0, runMs: 60_000 }, video: { queueMs: 0, runMs: 60_000 } };

export interface JsonResponse<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests index freely into provider JSON whose shape is asserted separately
export type Json = any;

export async function request(
  url: string,
  init: { method?: string; key?: string; json?: unknown; body?: BodyInit; headers?: Record<string, string> } = {},
): Promise<JsonResponse<Json>> {
  const headers: Record<string, string> = { ...init.headers };
  if (init.key !== undefined) headers.authorization = `Bearer ${init.key}`;
  let body = init.body;
  if (init.json !== undefined) {
    headers['content-type'] ??= 'application/json';
    body = JSON.stringify(init.json);
  }
  const response = await fetch(url, { method: init.method ?? (body === undefined ? 'GET' : 'POST'), headers, body, redirect: 'manual' });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = text === '' ? undefined : JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return { status: response.status, headers: response.headers, body: parsed };
}

/** Poll `probe` every few ms until `done` holds (bounded); returns every value seen, last one last. */
export async function pollUntil<T>(probe: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 5000, intervalMs = 10): Promise<T[]> {
  const seen: T[] = [];
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    seen.push(value);
    if (done(value)) return seen;
    if (Date.now() > deadline) throw new Error(`condition not reached within ${timeoutMs} ms; last value ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** Collapse consecutive duplicates: ['a','a','b'] → ['a','b']. */
export function distinctRuns<T>(values: T[]): T[] {
  return values.filter((value, i) => i === 0 || value !== values[i - 1]);
}

export async function download(
  url: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Headers; bytes: Buffer }> {
  const response = await fetch(url, { headers });
  return { status: response.status, headers: response.headers, bytes: Buffer.from(await response.arrayBuffer()) };
}

/** Checks a PNG fully (signature, chunk CRCs, IHDR, inflated size) and returns its dimensions. */
export function decodePng(bytes: Buffer): { width: number; height: number } {
  assert.deepEqual([...bytes.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'PNG signature');
  let offset = 8;
  let width = 0;
  let height = 0;
  const idat: Buffer[] = [];
  let sawEnd = false;
  while (offset < bytes.length) {
    const length = bytes.readUInt32BE(offset);
    const type = bytes.toString('ascii', offset + 4, offset + 8);
    const data = bytes.subarray(offset + 8, offset + 8 + length);
    const crc = bytes.readUInt32BE(offset + 8 + length);
    assert.equal(crc, crc32(bytes.subarray(offset + 4, offset + 8 + length)), `CRC of ${type}`);
    if (type === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      assert.equal(data[8], 8, 'bit depth');
      assert.equal(data[9], 2, 'colour type RGB');
    }
    if (type === 'IDAT') idat.push(data);
    if (type === 'IEND') sawEnd = true;
    offset += 12 + length;
  }
  assert.ok(sawEnd, 'IEND present');
  assert.equal(inflateSync(Buffer.concat(idat)).length, height * (1 + width * 3), 'decompressed size');
  return { width, height };
}

/** Checks JPEG markers (SOI, SOF0, EOI) and returns the frame size. */
export function jpegSize(bytes: Buffer): { width: number; height: number } {
  assert.equal(bytes.readUInt16BE(0), 0xffd8, 'SOI');
  assert.equal(bytes.readUInt16BE(bytes.length - 2), 0xffd9, 'EOI');
  let offset = 2;
  while (offset < bytes.length) {
    assert.equal(bytes[offset], 0xff, 'marker');
    const marker = bytes[offset + 1];
    const length = bytes.readUInt16BE(offset + 2);
    if (marker === 0xc0) return { height: bytes.readUInt16BE(offset + 5), width: bytes.readUInt16BE(offset + 7) };
    offset += 2 + length;
  }
  throw new Error('no SOF0 segment');
}

/** An MP4 starts with an `ftyp` box. */
export function assertMp4(bytes: Buffer): void {
  assert.ok(bytes.length > 1000, 'video has content');
  assert.equal(bytes.toString('ascii', 4, 8), 'ftyp', 'ftyp box');
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

/**
 * Same key names and value types, recursively (values may differ). Array elements are compared with
 * the expected array's first element.
 */
export function assertSameShape(actual: unknown, expected: unknown, path = '$'): void {
  assert.equal(typeName(actual), typeName(expected), `type of ${path}`);
  if (Array.isArray(expected) && Array.isArray(actual)) {
    if (expected.length > 0) actual.forEach((item, i) => assertSameShape(item, expected[0], `${path}[${i}]`));
    return;
  }
  if (typeName(expected) === 'object') {
    const a = actual as Record<string, unknown>;
    const e = expected as Record<string, unknown>;
    assert.deepEqual(Object.keys(a).sort(), Object.keys(e).sort(), `keys of ${path}`);
    for (const key of Object.keys(e)) assertSameShape(a[key], e[key], `${path}.${key}`);
  }
}
