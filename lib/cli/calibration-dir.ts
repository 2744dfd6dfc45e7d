/**
 * A calibration set on disk for `xnnlite quantize --mode int8`: a directory
 * of `.npy` files, one sample each, read one at a time in name order so a
 * large set never sits in memory whole.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { TensorInfo } from '../tensor-info';
import { readNpy } from '../npy';
import { UsageError } from './usage';

export interface CalibrationDir {
  files: string[];
  records(): Generator<Record<string, Float32Array>>;
}

export function calibrationDir(dir: string, inputs: readonly TensorInfo[]): CalibrationDir {
  if (inputs.length !== 1) throw new UsageError(`--calibration reads one .npy per sample, for models with one input (this one has ${inputs.length})`, 'quantize');
  let names: string[];
  try {
    names = fs.readdirSync(dir).filter((n) => n.endsWith('.npy')).sort();
  } catch (e) {
    throw new UsageError(`cannot read --calibration directory ${dir}: ${(e as Error).message}`, 'quantize');
  }
  if (names.length === 0) throw new UsageError(`--calibration directory ${dir} holds no .npy files`, 'quantize');
  const [input] = inputs;
  const size = input.shape.reduce((a, b) => a * b, 1);
  const files = names.map((n) => path.join(dir, n));
  return {
    files,
    *records() {
      for (const file of files) {
        const { data } = readNpy(fs.readFileSync(file), path.basename(file));
        if (data.length !== size) throw new UsageError(`${path.basename(file)} holds ${data.length} values; input "${input.name}" of shape [${input.shape.join(', ')}] takes ${size}`, 'quantize');
        yield { [input.name]: data instanceof Float32Array ? data : Float32Array.from(data) };
      }
    },
  };
}
