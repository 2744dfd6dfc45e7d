/**
 * PNG decoding (non-interlaced; greyscale, RGB, palette, with or without
 * alpha; 1-16 bits) with Node's own zlib, for calibration images.
 */
import zlib from 'node:zlib';
import type { Pixels } from './pixels';

const SIGNATURE = [137, 80, 78, 71, 13, 10, 26, 10];

export function isPng(bytes: Uint8Array): boolean {
  return bytes.length >= 8 && SIGNATURE.every((b, i) => bytes[i] === b);
}

const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };

export function decodePng(bytes: Uint8Array, name: string): Pixels {
  const fail = (why: string) => new Error(`${name}: not a PNG this reader can decode (${why})`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let offset = 8;
  let header: { width: number; height: number; depth: number; colour: number; interlace: number } | undefined;
  let palette: Uint8Array | undefined;
  const data: Uint8Array[] = [];
  while (offset + 8 <= bytes.length) {
    const length = view.getUint32(offset);
    const type = String.fromCharCode(...bytes.subarray(offset + 4, offset + 8));
    if (offset + 12 + length > bytes.length) throw fail(`chunk ${type} runs past the end of the file`);
    const body = bytes.subarray(offset + 8, offset + 8 + length);
    if (type === 'IHDR') {
      if (length < 13) throw fail('short IHDR');
      header = { width: view.getUint32(offset + 8), height: view.getUint32(offset + 12), depth: body[8], colour: body[9], interlace: body[12] };
    } else if (type === 'PLTE') {
      palette = body;
    } else if (type === 'IDAT') {
      data.push(body);
    } else if (type === 'IEND') {
      break;
    }
    offset += 12 + length;
  }
  if (!header) throw fail('no IHDR chunk');
  const { width, height, depth, colour, interlace } = header;
  const channels = CHANNELS[colour];
  if (!channels || ![1, 2, 4, 8, 16].includes(depth)) throw fail(`colour type ${colour} at ${depth} bits`);
  if (interlace !== 0) throw fail('interlaced; save it without interlacing');
  if (width === 0 || height === 0 || width * height > 1 << 28) throw fail(`size ${width}x${height}`);
  if (colour === 3 && !palette) throw fail('palette image without a PLTE chunk');
  let raw: Buffer;
  try {
    raw = zlib.inflateSync(Buffer.concat(data));
  } catch (e) {
    throw fail(`image data does not inflate: ${(e as Error).message}`);
  }
  const bitsPerPixel = channels * depth;
  const stride = Math.ceil((width * bitsPerPixel) / 8);
  const step = Math.max(1, bitsPerPixel >> 3);
  if (raw.length < height * (stride + 1)) throw fail('image data is shorter than its size says');
  const rows = new Uint8Array(height * stride);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    const out = rows.subarray(y * stride, (y + 1) * stride);
    const prev = y > 0 ? rows.subarray((y - 1) * stride, y * stride) : new Uint8Array(stride);
    for (let x = 0; x < stride; x++) {
      const a = x >= step ? out[x - step] : 0;
      const b = prev[x];
      const c = x >= step ? prev[x - step] : 0;
      let predictor: number;
      switch (filter) {
        case 0: predictor = 0; break;
        case 1: predictor = a; break;
        case 2: predictor = b; break;
        case 3: predictor = (a + b) >> 1; break;
        case 4: {
          const p = a + b - c;
          const pa = Math.abs(p - a);
          const pb = Math.abs(p - b);
          const pc = Math.abs(p - c);
          predictor = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
          break;
        }
        default: throw fail(`row ${y} has filter type ${filter}`);
      }
      out[x] = (line[x] + predictor) & 255;
    }
  }
  // To 8-bit RGB.
  const rgb = new Uint8Array(width * height * 3);
  const sample = (y: number, index: number): number => {
    const row = y * stride;
    if (depth === 8) return rows[row + index];
    if (depth === 16) return rows[row + 2 * index];
    const bit = index * depth;
    const v = (rows[row + (bit >> 3)] >> (8 - depth - (bit & 7))) & ((1 << depth) - 1);
    return colour === 3 ? v : Math.round((v * 255) / ((1 << depth) - 1));
  };
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const o = (y * width + x) * 3;
      if (colour === 3) {
        const p = sample(y, x);
        if (3 * p + 2 >= palette!.length) throw fail(`palette index ${p} out of range`);
        rgb.set(palette!.subarray(3 * p, 3 * p + 3), o);
      } else if (channels <= 2) {
        rgb.fill(sample(y, x * channels), o, o + 3);
      } else {
        for (let k = 0; k < 3; k++) rgb[o + k] = sample(y, x * channels + k);
      }
    }
  }
  return { width, height, rgb };
}
