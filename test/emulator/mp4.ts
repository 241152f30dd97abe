/**
 * Videos as long as a task asked for, made from the committed sample (fixtures/sample.mp4: one H.264 track of
 * 24 samples in one chunk, the first a keyframe). The sample's 24 frames are repeated, one chunk each time, and
 * the last repetition cut short; the durations (mvhd, tkhd, elst, mdhd), the sample tables (stts, stss, stsc,
 * stsz, stco) and the box sizes are rewritten to match. Each repetition starts at the sample's keyframe, so
 * there is a keyframe every 24 samples.
 */

interface Box {
  type: string;
  /** A leaf's payload (everything after the 8-byte header). */
  payload?: Buffer;
  children?: Box[];
}

const CONTAINERS = new Set(['moov', 'trak', 'mdia', 'minf', 'stbl', 'edts', 'dinf']);
const MAX_CACHED = 8;
const cache = new Map<string, Buffer>();

export function parseBoxes(bytes: Buffer, start = 0, end = bytes.length): Box[] {
  const boxes: Box[] = [];
  let offset = start;
  while (offset < end) {
    const size = bytes.readUInt32BE(offset);
    const type = bytes.toString('latin1', offset + 4, offset + 8);
    // The sample has no 64-bit or to-end boxes; a file that has them is not one this module was written for.
    if (size < 8 || offset + size > end) throw new Error(`box ${type} at ${offset} has size ${size}`);
    boxes.push(CONTAINERS.has(type)
      ? { type, children: parseBoxes(bytes, offset + 8, offset + size) }
      : { type, payload: bytes.subarray(offset + 8, offset + size) });
    offset += size;
  }
  return boxes;
}

function serialize(boxes: readonly Box[]): Buffer {
  return Buffer.concat(boxes.map((box) => {
    const body = box.children ? serialize(box.children) : (box.payload as Buffer);
    const header = Buffer.alloc(8);
    header.writeUInt32BE(8 + body.length, 0);
    header.write(box.type, 4, 'latin1');
    return Buffer.concat([header, body]);
  }));
}

function find(boxes: readonly Box[], path: string): Box {
  const [first, ...rest] = path.split('/');
  const box = boxes.find((b) => b.type === first);
  if (!box) throw new Error(`no ${first} box`);
  return rest.length ? find(box.children ?? [], rest.join('/')) : box;
}

/** A full box's payload: version and flags, then big-endian 32-bit fields. */
function fullBox(fields: readonly number[]): Buffer {
  const payload = Buffer.alloc(4 + fields.length * 4);
  fields.forEach((value, i) => payload.writeUInt32BE(value, 4 + i * 4));
  return payload;
}

/** Writes a version-0 box's 32-bit duration at `offset` of its payload (a copy: the sample stays as it is). */
function setDuration(box: Box, offset: number, duration: number): void {
  const payload = Buffer.from(box.payload as Buffer);
  if (payload[0] !== 0) throw new Error(`${box.type} is not version 0`);
  payload.writeUInt32BE(duration, offset);
  box.payload = payload;
}

/** The sample video stretched (or cut) to `seconds`, rounded to the media timescale. */
export function videoOfDuration(sample: Buffer, seconds: number): Buffer {
  if (!Number.isFinite(seconds) || seconds <= 0) throw new RangeError(`unsupported video duration ${seconds}`);
  const key = String(seconds);
  const cached = cache.get(key);
  if (cached) return cached;

  const boxes = parseBoxes(sample);
  const stbl = 'moov/trak/mdia/minf/stbl';
  const mvhd = find(boxes, 'moov/mvhd');
  const mdhd = find(boxes, 'moov/trak/mdia/mdhd');
  const stts = find(boxes, `${stbl}/stts`).payload as Buffer;
  const stsz = find(boxes, `${stbl}/stsz`).payload as Buffer;
  const stco = find(boxes, `${stbl}/stco`).payload as Buffer;
  const movieTimescale = (mvhd.payload as Buffer).readUInt32BE(12);
  const mediaTimescale = (mdhd.payload as Buffer).readUInt32BE(12);
  if (stts.readUInt32BE(4) !== 1 || stco.readUInt32BE(4) !== 1 || stsz.readUInt32BE(4) !== 0) {
    throw new Error('the sample must have one stts entry, one chunk and a size per sample');
  }
  const delta = stts.readUInt32BE(12);
  const sizes = Array.from({ length: stsz.readUInt32BE(8) }, (_, i) => stsz.readUInt32BE(12 + i * 4));
  const chunkStart = stco.readUInt32BE(8);
  const chunk = sample.subarray(chunkStart, chunkStart + sizes.reduce((a, b) => a + b, 0));

  const mediaDuration = Math.max(1, Math.round(seconds * mediaTimescale));
  const movieDuration = Math.max(1, Math.round(seconds * movieTimescale));
  const count = Math.ceil(mediaDuration / delta);
  const lastDelta = mediaDuration - (count - 1) * delta;
  const perChunk = sizes.length;
  const fullChunks = Math.floor(count / perChunk);
  const rest = count % perChunk;
  const chunks = fullChunks + (rest ? 1 : 0);

  setDuration(mvhd, 16, movieDuration);
  setDuration(find(boxes, 'moov/trak/tkhd'), 20, movieDuration);
  setDuration(find(boxes, 'moov/trak/edts/elst'), 8, movieDuration);
  setDuration(mdhd, 16, mediaDuration);
  find(boxes, `${stbl}/stts`).payload = fullBox(lastDelta === delta ? [1, count, delta] : [2, count - 1, delta, 1, lastDelta]);
  find(boxes, `${stbl}/stss`).payload = fullBox([chunks, ...Array.from({ length: chunks }, (_, i) => 1 + i * perChunk)]);
  find(boxes, `${stbl}/stsc`).payload = fullBox(rest && fullChunks ? [2, 1, perChunk, 1, chunks, rest, 1] : [1, 1, rest || perChunk, 1]);
  find(boxes, `${stbl}/stsz`).payload = fullBox([0, count, ...Array.from({ length: count }, (_, i) => sizes[i % perChunk])]);
  const partial = chunk.subarray(0, sizes.slice(0, rest).reduce((a, b) => a + b, 0));
  const media = Buffer.concat([...Array.from({ length: fullChunks }, () => chunk), ...(rest ? [partial] : [])]);

  // Offsets depend on where mdat starts, which depends on the size of moov: write moov once to learn it.
  find(boxes, `${stbl}/stco`).payload = fullBox(new Array<number>(chunks + 1).fill(0));
  const head = boxes.filter((b) => b.type !== 'mdat');
  const mdatStart = serialize(head).length + 8;
  find(boxes, `${stbl}/stco`).payload = fullBox([chunks, ...Array.from({ length: chunks }, (_, i) => mdatStart + i * chunk.length)]);
  const video = serialize([...head, { type: 'mdat', payload: media }]);

  if (cache.size >= MAX_CACHED) cache.delete(cache.keys().next().value as string);
  cache.set(key, video);
  return video;
}
