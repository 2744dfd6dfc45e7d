/**
 * Sample inputs on disk for `xnnlite quantize`: a directory of images (PNG,
 * JPEG, PPM/PGM) and/or `.npy` files, one sample each, or a single file: an
 * image, or a `.npy` holding one sample or N stacked along a first axis.
 * Samples are read one at a time, in name order, so a large set never sits
 * in memory whole.
 */
import fs from 'node:fs';
import path from 'node:path';
import { decodeImage, IMAGE_EXTENSIONS } from '../image/decode';
import { imageGeometry, imageToTensor, type ImageLayout } from '../image/to-tensor';
import { npyFloats, readNpy } from '../npy';
import type { TensorInfo } from '../tensor-info';
import { InputError, UsageError } from './usage';

export interface SampleSet {
  /** How many samples the set holds. */
  count: number;
  /** Sample `index` as the model's input record. */
  read(index: number): Record<string, Float32Array>;
}

const isNpy = (file: string) => file.toLowerCase().endsWith('.npy');
const isImage = (file: string) => IMAGE_EXTENSIONS.includes(path.extname(file).toLowerCase());

export function sampleSet(location: string, inputs: readonly TensorInfo[], image: ImageLayout): SampleSet {
  const fail = (message: string) => new UsageError(message, 'quantize');
  if (inputs.length !== 1) throw fail(`--calibration reads one sample per file, for models with one input (this one has ${inputs.length})`);
  const [input] = inputs;
  const size = input.shape.reduce((a, b) => a * b, 1);
  const record = (data: Float32Array) => ({ [input.name]: data });
  let stat: fs.Stats;
  try {
    stat = fs.statSync(location);
  } catch (e) {
    throw fail(`cannot read --calibration ${location}: ${(e as Error).message}`);
  }
  let files: string[];
  if (stat.isDirectory()) {
    files = fs.readdirSync(location).filter((n) => isNpy(n) || isImage(n)).sort().map((n) => path.join(location, n));
    if (files.length === 0) throw fail(`--calibration directory ${location} holds no .npy or image (${IMAGE_EXTENSIONS.join(', ')}) files`);
  } else if (isNpy(location)) {
    const { shape, data } = readFile(location, (bytes) => readNpy(bytes, path.basename(location)));
    if (data.length === 0 || data.length % size !== 0) {
      throw new InputError(`${path.basename(location)} holds ${data.length} values (shape [${shape.join(', ')}]): not a whole number of samples of input "${input.name}" [${input.shape.join(', ')}], ${size} values each`);
    }
    const values = npyFloats(data);
    return { count: data.length / size, read: (k) => record(values.slice(k * size, (k + 1) * size)) };
  } else if (isImage(location)) {
    files = [location];
  } else {
    throw fail(`--calibration ${location} is neither a directory, a .npy file nor an image (${IMAGE_EXTENSIONS.join(', ')})`);
  }
  if (files.some(isImage)) {
    const geometry = imageGeometry(input.shape, image.layout);
    if (typeof geometry === 'string') throw fail(`images cannot feed input "${input.name}": ${geometry}`);
    const channels = geometry.channels;
    for (const [flag, list] of [['mean', image.mean], ['std', image.std]] as const) {
      if (list.length !== 1 && list.length !== channels) throw fail(`--${flag} takes 1 or ${channels} values for this ${channels}-channel input (got ${list.length})`);
    }
  }
  return {
    count: files.length,
    read(k) {
      const file = files[k];
      const name = path.basename(file);
      if (isImage(file)) return record(imageToTensor(readFile(file, (bytes) => decodeImage(bytes, name)), input.shape, image));
      const { data } = readFile(file, (bytes) => readNpy(bytes, name));
      if (data.length !== size) throw new InputError(`${name} holds ${data.length} values; input "${input.name}" of shape [${input.shape.join(', ')}] takes ${size}`);
      return record(npyFloats(data));
    },
  };
}

function readFile<T>(file: string, decode: (bytes: Uint8Array) => T): T {
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch (e) {
    throw new InputError(`cannot read ${file}: ${(e as Error).message}`);
  }
  try {
    return decode(bytes);
  } catch (e) {
    throw new InputError((e as Error).message);
  }
}

/** A comma-separated list of numbers from a flag, e.g. --mean 127.5 or --mean 123.7,116.3,103.5. */
export function numberList(raw: unknown, flag: string, fallback: number[], positive: boolean): number[] {
  if (raw === undefined) return fallback;
  const values = String(raw).split(',').map((s) => Number(s.trim()));
  if (values.length === 0 || values.some((v) => !Number.isFinite(v) || (positive && v <= 0))) {
    throw new UsageError(`--${flag} takes ${positive ? 'positive ' : ''}numbers separated by commas (got ${JSON.stringify(raw)})`, 'quantize');
  }
  return values;
}
