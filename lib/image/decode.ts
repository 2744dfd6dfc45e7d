/**
 * Reads an image file into 8-bit RGB, by its content: PNG, JPEG (jpeg-js,
 * pure JavaScript) or binary PPM/PGM.
 */
import jpeg from 'jpeg-js';
import type { Pixels } from './pixels';
import { decodePng, isPng } from './png';
import { decodePnm, isPnm } from './pnm';

export const IMAGE_EXTENSIONS = ['.png', '.jpg', '.jpeg', '.ppm', '.pgm'];

const isJpeg = (bytes: Uint8Array) => bytes.length > 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff;

export function decodeImage(bytes: Uint8Array, name: string): Pixels {
  if (isPng(bytes)) return decodePng(bytes, name);
  if (isPnm(bytes)) return decodePnm(bytes, name);
  if (isJpeg(bytes)) {
    let image: { width: number; height: number; data: Uint8Array };
    try {
      image = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true, maxMemoryUsageInMB: 512 });
    } catch (e) {
      throw new Error(`${name}: JPEG does not decode: ${(e as Error).message}`);
    }
    const rgb = new Uint8Array(image.width * image.height * 3);
    for (let i = 0, j = 0; i < rgb.length; i += 3, j += 4) {
      rgb[i] = image.data[j];
      rgb[i + 1] = image.data[j + 1];
      rgb[i + 2] = image.data[j + 2];
    }
    return { width: image.width, height: image.height, rgb };
  }
  throw new Error(`${name}: not a PNG, JPEG or binary PPM/PGM image`);
}
