/** Reading an image's format and size from its bytes, so tests check what was written, not what its name says. */

export interface ImageFacts { readonly format: 'png' | 'webp' | 'jpeg' | 'ico'; readonly width: number; readonly height: number }

export function imageFacts(bytes: Uint8Array): ImageFacts | undefined {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (
    b.length > 24 &&
    b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) &&
    b.toString('latin1', 12, 16) === 'IHDR'
  ) {
    return { format: 'png', width: b.readUInt32BE(16), height: b.readUInt32BE(20) };
  }
  if (b.length > 30 && b.toString('latin1', 0, 4) === 'RIFF' && b.toString('latin1', 8, 12) === 'WEBP') {
    const chunk = b.toString('latin1', 12, 16);
    if (chunk === 'VP8 ') return { format: 'webp', width: b.readUInt16LE(26) & 0x3fff, height: b.readUInt16LE(28) & 0x3fff };
    if (chunk === 'VP8L') {
      const bits = b.readUInt32LE(21);
      return { format: 'webp', width: (bits & 0x3fff) + 1, height: ((bits >> 14) & 0x3fff) + 1 };
    }
    if (chunk === 'VP8X') return { format: 'webp', width: b.readUIntLE(24, 3) + 1, height: b.readUIntLE(27, 3) + 1 };
  }
  if (b.length > 4 && b[0] === 0xff && b[1] === 0xd8) {
    for (let at = 2; at + 9 < b.length;) {
      if (b[at] !== 0xff) return undefined;
      const marker = b[at + 1];
      if (marker >= 0xc0 && marker <= 0xc3) return { format: 'jpeg', width: b.readUInt16BE(at + 7), height: b.readUInt16BE(at + 5) };
      at += 2 + b.readUInt16BE(at + 2);
    }
  }
  if (b.length > 22 && b.readUInt16LE(0) === 0 && b.readUInt16LE(2) === 1)
    return { format: 'ico', width: b[6] || 256, height: b[7] || 256 };
  return undefined;
}
