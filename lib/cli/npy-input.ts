/**
 * The inputs of `xnnlite run`, in each input's own dtype: a `.npy` array of
 * that dtype as it is, or real values (float32 or float64) quantized with a
 * quantized input's scale and zero point; zeros for inputs not given.
 */
import fs from 'node:fs';
import { npyFloats, readNpy, type NpyArray } from '../npy';
import type { TensorArray } from '../session';
import type { TensorInfo } from '../tensor-info';
import { arrayTypeOf, perTensorQuantization, realToStored } from '../tensor-values';
import { shape } from '../text-format';
import { InputError } from './usage';

const NPY_DTYPES: readonly [new (length: number) => NpyArray, string][] = [
  [Float32Array, 'float32'], [Float64Array, 'float64'], [Int32Array, 'int32'], [BigInt64Array, 'int64'], [Int16Array, 'int16'],
  [Uint16Array, 'uint16'], [Int8Array, 'int8'], [Uint8Array, 'uint8'],
];

function npyDtype(data: NpyArray): string {
  return NPY_DTYPES.find(([type]) => data instanceof type)![1];
}

/** How an input's quantization reads in messages: `int8 (scale 0.0039, zero point -128)`. */
function describeInput(info: TensorInfo): string {
  const q = info.quantization;
  if (!q) return info.dtype;
  if (q.scale.length !== 1) return `${info.dtype} (per-channel quantized)`;
  return `${info.dtype} (scale ${q.scale[0].toPrecision(5)}, zero point ${q.zeroPoint[0] ?? 0})`;
}

/** What to do with a .npy whose dtype an input cannot take. */
function remedy(info: TensorInfo): string {
  const numpyType = `numpy.${info.dtype}`;
  if (info.dtype === 'float32') return `save it with arr.astype(${numpyType})`;
  if (info.quantization) return `give ${info.dtype} values (arr.astype(${numpyType})), or real values as float32 to have them quantized`;
  return `give ${info.dtype} values (arr.astype(${numpyType})); the input has no scale and zero point to quantize real values with`;
}

/**
 * Input `info`'s values from the `.npy` file `file`, in the input's array type.
 *
 * @throws {InputError} for a file of the wrong size, or of a dtype the input cannot take.
 */
export function inputFromNpy(info: TensorInfo, file: string): TensorArray {
  const { data, shape: fileShape } = readNpy(fs.readFileSync(file), file);
  const count = info.shape.reduce((a, b) => a * b, 1);
  if (data.length !== count) {
    throw new InputError(`${file}: has shape ${shape(fileShape)} (${data.length} values); input ${info.name} needs ${shape(info.shape)} (${count} values)`);
  }
  const dtype = npyDtype(data);
  // numpy's bool ('|b1') is read as uint8 0 and 1, what a bool input takes.
  if (dtype === info.dtype || (dtype === 'uint8' && info.dtype === 'bool')) return data as TensorArray;
  // numpy saves float64 unless told otherwise: real values are real values.
  if (dtype === 'float64' && info.dtype === 'float32') return npyFloats(data);
  const real = dtype === 'float32' || dtype === 'float64';
  if (!real || info.dtype === 'float32' || !info.quantization) {
    throw new InputError(`${file}: holds ${dtype} values; input ${info.name} takes ${describeInput(info)}: ${remedy(info)}`);
  }
  try {
    return realToStored(info, npyFloats(data), `input ${info.name}`);
  } catch (err) {
    // Per-channel input quantization or a NaN: the library's message, with the file it is about.
    throw new InputError(`${file}: ${(err as Error).message}`);
  }
}

/**
 * Zeros for input `info`, in its array type: real 0 for a quantized input
 * (its zero point), else 0.
 */
export function zeroInput(info: TensorInfo): TensorArray {
  const count = info.shape.reduce((a, b) => a * b, 1);
  const name = `input ${info.name}`;
  if (info.dtype !== 'float32' && perTensorQuantization(info, name)) return realToStored(info, new Float32Array(count), name);
  return new (arrayTypeOf(info.dtype, name))(count);
}

/** How zeroInput() fills `info`, for the note that it was not given. */
export function describeZeros(info: TensorInfo): string {
  const q = info.dtype === 'float32' ? undefined : perTensorQuantization(info, `input ${info.name}`);
  return q ? `real zeros (its zero point, ${q.zeroPoint})` : 'zeros';
}
