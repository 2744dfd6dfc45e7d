/**
 * Turns a decoded image into a model input the way its preprocessing
 * expects: resized (bilinear, half-pixel centres) to the input's height and
 * width, each channel mapped to (pixel - mean) / std, in NHWC or NCHW order.
 */
import type { Pixels } from './pixels';

export interface ImageLayout {
  /** Per-channel (or one for all) mean and std applied to 0-255 pixel values. */
  mean: number[];
  std: number[];
  layout: 'nhwc' | 'nchw';
}

/** Height, width and channels of an image input, or why the shape is not one. */
export function imageGeometry(shape: readonly number[], layout: 'nhwc' | 'nchw'): { height: number; width: number; channels: number } | string {
  if (shape.length !== 4 || shape[0] !== 1) return `an image input has shape [1, H, W, C] or [1, C, H, W], not [${shape.join(', ')}]`;
  const [height, width, channels] = layout === 'nhwc' ? [shape[1], shape[2], shape[3]] : [shape[2], shape[3], shape[1]];
  if (channels !== 1 && channels !== 3) return `an image input has 1 or 3 channels; [${shape.join(', ')}] read as ${layout.toUpperCase()} has ${channels}`;
  return { height, width, channels };
}

/** The layout a shape most likely has: NCHW when dimension 1 looks like channels and dimension 3 does not. */
export function guessLayout(shape: readonly number[]): 'nhwc' | 'nchw' {
  return shape.length === 4 && (shape[1] === 1 || shape[1] === 3) && shape[3] !== 1 && shape[3] !== 3 ? 'nchw' : 'nhwc';
}

export function imageToTensor(image: Pixels, shape: readonly number[], options: ImageLayout): Float32Array {
  const geometry = imageGeometry(shape, options.layout);
  if (typeof geometry === 'string') throw new Error(geometry);
  const { height, width, channels } = geometry;
  const out = new Float32Array(height * width * channels);
  const sx = image.width / width;
  const sy = image.height / height;
  const at = (x: number, y: number, k: number) => image.rgb[(y * image.width + x) * 3 + k];
  for (let y = 0; y < height; y++) {
    const fy = Math.min(Math.max((y + 0.5) * sy - 0.5, 0), image.height - 1);
    const y0 = Math.floor(fy);
    const y1 = Math.min(y0 + 1, image.height - 1);
    const wy = fy - y0;
    for (let x = 0; x < width; x++) {
      const fx = Math.min(Math.max((x + 0.5) * sx - 0.5, 0), image.width - 1);
      const x0 = Math.floor(fx);
      const x1 = Math.min(x0 + 1, image.width - 1);
      const wx = fx - x0;
      const pixel = (k: number) => (at(x0, y0, k) * (1 - wx) + at(x1, y0, k) * wx) * (1 - wy) + (at(x0, y1, k) * (1 - wx) + at(x1, y1, k) * wx) * wy;
      const values = channels === 3 ? [pixel(0), pixel(1), pixel(2)] : [0.299 * pixel(0) + 0.587 * pixel(1) + 0.114 * pixel(2)];
      values.forEach((v, k) => {
        const mean = options.mean[options.mean.length === 1 ? 0 : k];
        const std = options.std[options.std.length === 1 ? 0 : k];
        const index = options.layout === 'nhwc' ? (y * width + x) * channels + k : (k * height + y) * width + x;
        out[index] = (v - mean) / std;
      });
    }
  }
  return out;
}
