/**
 * Real values and the values a tensor stores. A float32 tensor stores reals
 * as they are; an int8, uint8 or int16 tensor stores integers q with
 * real = scale * (q - zeroPoint), TFLite's quantization scheme. Model inputs
 * and outputs are quantized per tensor (one scale and zero point), the only
 * kind these conversions take.
 */
import { invalid } from './args';
import { INTEGER_DTYPE_RANGES, type DType } from './model/schema';
import type { TensorArray } from './session';
import type { TensorInfo } from './tensor-info';

/** The integer dtypes `session.run()` takes and gives. */
export type IntegerDType = 'int8' | 'uint8' | 'int16';

/** The values each integer dtype can hold (int16 as TFLite's int16x8 models use it, with zero point 0). */
export const INTEGER_RANGES = INTEGER_DTYPE_RANGES as Readonly<Record<IntegerDType, readonly [number, number]>>;

/** A constructor of one of the arrays `session.run()` takes and gives. */
export interface TensorArrayType {
  new (length: number): TensorArray;
  readonly name: string;
}

/** The dtypes `session.run()` takes and gives, and their arrays (int64 as BigInt64Array, bool as Uint8Array of 0 and 1). */
const ARRAY_TYPES: Readonly<Record<SessionDType, TensorArrayType>> = {
  float32: Float32Array,
  int8: Int8Array,
  uint8: Uint8Array,
  int16: Int16Array,
  int32: Int32Array,
  int64: BigInt64Array,
  bool: Uint8Array,
};

export type SessionDType = 'float32' | IntegerDType | 'int32' | 'int64' | 'bool';

/** Whether sessions take and give tensors of `dtype`. */
export function isSessionDType(dtype: DType): dtype is SessionDType {
  return Object.hasOwn(ARRAY_TYPES, dtype);
}

/** Whether `dtype` is one of the integer types `session.run()` takes and gives. */
export function isIntegerDType(dtype: DType): dtype is IntegerDType {
  return dtype === 'int8' || dtype === 'uint8' || dtype === 'int16';
}

/**
 * The array type `session.run()` takes and gives for a tensor of `dtype`.
 *
 * @throws {TypeError} for a dtype sessions do not take (e.g. string).
 */
export function arrayTypeOf(dtype: DType, name = 'a tensor'): TensorArrayType {
  if (!isSessionDType(dtype)) throw new TypeError(`Expected a float32, int8, uint8, int16, int32, int64 or bool tensor for ${name} but received ${dtype}`);
  return ARRAY_TYPES[dtype];
}

/**
 * The scale and zero point of a tensor quantized per tensor; undefined for a
 * tensor without quantization parameters.
 *
 * @param name How messages name the tensor, e.g. `input "image"`.
 * @throws {TypeError} for per-channel quantization (more than one scale).
 */
export function perTensorQuantization(info: TensorInfo, name = `tensor ${JSON.stringify(info.name)}`): { scale: number; zeroPoint: number } | undefined {
  const q = info.quantization;
  if (!q) return undefined;
  if (q.scale.length !== 1) {
    throw new TypeError(`Expected per-tensor quantization (one scale and zero point) for ${name} but received ${q.scale.length} scales (per-channel quantization)`);
  }
  return { scale: q.scale[0], zeroPoint: q.zeroPoint[0] ?? 0 };
}

/**
 * Real values as a tensor stores them: a float32 tensor takes them as they
 * are (the same array); an int8, uint8 or int16 tensor takes
 * round(real / scale) + zeroPoint, rounded to nearest with ties away from
 * zero (as TFLite's QUANTIZE) and clamped to the dtype's range.
 *
 * @param name How messages name the tensor, e.g. `input "image"`.
 * @throws {TypeError} for an integer tensor without quantization parameters
 *   or with per-channel ones, a dtype sessions do not take, or a NaN value.
 * @example
 * const q = realToStored(session.inputs[0], pixels); // Int8Array for an int8 input
 */
export function realToStored(info: TensorInfo, reals: Float32Array, name = `tensor ${JSON.stringify(info.name)}`): TensorArray {
  if (info.dtype === 'float32') return reals;
  if (!isIntegerDType(info.dtype)) throw new TypeError(`Expected a float32 or quantized int8, uint8 or int16 tensor to convert real values for ${name} but received ${info.dtype}`);
  const type = arrayTypeOf(info.dtype, name) as new (length: number) => Int8Array | Uint8Array | Int16Array;
  const q = perTensorQuantization(info, name);
  if (!q) {
    throw new TypeError(`Expected quantization parameters (a scale and zero point) to convert real values for ${info.dtype} ${name} but received a tensor without them; give ${info.dtype} values instead`);
  }
  const [lo, hi] = INTEGER_RANGES[info.dtype as IntegerDType];
  const stored = new type(reals.length);
  for (let i = 0; i < reals.length; i++) {
    const v = reals[i];
    if (Number.isNaN(v)) throw invalid('a real number', `${name} value ${i}`, v);
    const steps = v / q.scale;
    const rounded = Math.sign(steps) * Math.round(Math.abs(steps));
    stored[i] = Math.max(lo, Math.min(hi, rounded + q.zeroPoint));
  }
  return stored;
}

/**
 * The real values of a tensor's stored values: float32 as they are (the
 * same array); quantized integers as scale * (q - zeroPoint); integers
 * without quantization parameters as the integers themselves.
 *
 * @param name How messages name the tensor, e.g. `output "scores"`.
 * @throws {TypeError} for per-channel quantization, a dtype sessions do not
 *   give, or an array that is not of the tensor's type.
 */
export function storedToReal(info: TensorInfo, stored: TensorArray, name = `tensor ${JSON.stringify(info.name)}`): Float32Array {
  const type = arrayTypeOf(info.dtype, name);
  if (!(stored instanceof type)) throw invalid(`${/^[AEIOU]/.test(type.name) ? 'an' : 'a'} ${type.name} (the tensor is ${info.dtype})`, name, stored);
  if (stored instanceof Float32Array) return stored;
  if (stored instanceof BigInt64Array) return Float32Array.from(stored, (v) => Number(v));
  const q = perTensorQuantization(info, name);
  if (!q) return Float32Array.from(stored);
  return Float32Array.from(stored, (v) => (v - q.zeroPoint) * q.scale);
}
