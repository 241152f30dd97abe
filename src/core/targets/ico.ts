/** A Windows icon file (.ico) whose entries are PNG images, as every browser and Windows since Vista read them. */

export function buildIco(entries: readonly { size: number; png: Uint8Array }[]): Uint8Array {
  const headerSize = 6 + 16 * entries.length;
  const total = headerSize + entries.reduce((sum, e) => sum + e.png.length, 0);
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  view.setUint16(0, 0, true); // reserved
  view.setUint16(2, 1, true); // 1 = icon
  view.setUint16(4, entries.length, true);
  let offset = headerSize;
  entries.forEach((entry, i) => {
    if (!Number.isInteger(entry.size) || entry.size < 1 || entry.size > 256)
      throw new RangeError(`an icon entry must be 1–256 px, not ${entry.size}`);
    const at = 6 + 16 * i;
    out[at] = entry.size === 256 ? 0 : entry.size; // 0 means 256
    out[at + 1] = entry.size === 256 ? 0 : entry.size;
    out[at + 2] = 0; // no palette
    out[at + 3] = 0;
    view.setUint16(at + 4, 1, true); // colour planes
    view.setUint16(at + 6, 32, true); // bits per pixel
    view.setUint32(at + 8, entry.png.length, true);
    view.setUint32(at + 12, offset, true);
    out.set(entry.png, offset);
    offset += entry.png.length;
  });
  return out;
}

/** The entries' sizes and byte ranges of an .ico file, or undefined when it is not one (used by tests and the hover). */
export function readIcoEntries(bytes: Uint8Array): { size: number; offset: number; length: number }[] | undefined {
  if (bytes.length < 6) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint16(0, true) !== 0 || view.getUint16(2, true) !== 1) return undefined;
  const count = view.getUint16(4, true);
  if (bytes.length < 6 + 16 * count) return undefined;
  const entries = [];
  for (let i = 0; i < count; i++) {
    const at = 6 + 16 * i;
    const entry = { size: bytes[at] || 256, length: view.getUint32(at + 8, true), offset: view.getUint32(at + 12, true) };
    if (entry.offset + entry.length > bytes.length) return undefined;
    entries.push(entry);
  }
  return entries;
}
