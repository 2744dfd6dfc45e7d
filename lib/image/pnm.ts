/** Binary PPM (P6) and PGM (P5) decoding, 8-bit, for calibration images. */
import type { Pixels } from './pixels';

export function isPnm(bytes: Uint8Array): boolean {
  return bytes.length > 2 && bytes[0] === 0x50 && (bytes[1] === 0x35 || bytes[1] === 0x36);
}

export function decodePnm(bytes: Uint8Array, name: string): Pixels {
  const fields: number[] = [];
  let offset = 2;
  while (fields.length < 3) {
    while (offset < bytes.length && /\s/.test(String.fromCharCode(bytes[offset]))) offset++;
    if (bytes[offset] === 0x23) { // '#' comment to end of line
      while (offset < bytes.length && bytes[offset] !== 0x0a) offset++;
      continue;
    }
    const start = offset;
    while (offset < bytes.length && bytes[offset] >= 0x30 && bytes[offset] <= 0x39) offset++;
    if (offset === start) throw new Error(`${name}: not a binary PPM/PGM (bad header)`);
    fields.push(Number(String.fromCharCode(...bytes.subarray(start, offset))));
  }
  offset++; // the single whitespace before the pixels
  const [width, height, max] = fields;
  const channels = bytes[1] === 0x36 ? 3 : 1;
  if (max !== 255) throw new Error(`${name}: only 8-bit PPM/PGM is read (maximum value ${max}, expected 255)`);
  if (width === 0 || height === 0 || bytes.length - offset < width * height * channels) {
    throw new Error(`${name}: ${width}x${height} pixels do not fit in the file`);
  }
  const data = bytes.subarray(offset, offset + width * height * channels);
  const rgb = channels === 3 ? Uint8Array.from(data) : new Uint8Array(width * height * 3).map((_, i) => data[Math.floor(i / 3)]);
  return { width, height, rgb };
}
