// One-operator models of the layout operators for every element type, and
// their parity against LiteRT.js on the reference kernels. LiteRT.js takes
// and gives only float32, int32 and uint8 at a model's edge: operands of
// other types (int8, int16, int64, bool) are int32 at the edge with CASTs
// around the operator, and may carry quantization parameters (CAST ignores
// them). The models are loaded with XNNLITE_KERNELS=reference, so that the
// reference kernels run the operators XNNPACK could run too (float32, int8
// and uint8 slices, transposes...).
import type { Test } from 'tap';
import type { DType } from '../../lib/model/schema';
import { inspectModel } from '../../lib/index';
import type { Quantization } from '../../lib/model/types';
import { writeModel, type OperatorSpec, type OptionsSpec, type TensorSpec } from '../../lib/model/writer';
import { deterministicInput } from './compare';
import { expectTypedParity, preferringReferenceKernels, type TypedInput } from './op-model';

export const ALL_DTYPES = ['float32', 'int8', 'uint8', 'int16', 'int32', 'int64', 'bool'] as const;
export type LayoutDType = (typeof ALL_DTYPES)[number];

export interface LayoutTensor {
  shape: number[];
  dtype?: DType;
  /** Constant contents; tensors without data become graph inputs. */
  data?: Float32Array | Int32Array | Uint8Array | BigInt64Array | Int8Array | Int16Array;
  quantization?: Quantization;
}

export interface LayoutCase {
  op: string;
  inputs: (LayoutTensor | null)[];
  outputs: LayoutTensor[];
  options?: OptionsSpec;
  /** The operator's version (BROADCAST_TO starts at 2). */
  version?: number;
}

const WRAPPED = new Set<DType>(['int8', 'int16', 'int64', 'bool']);

/** A per-tensor quantization. */
export const quant = (scale: number, zeroPoint: number): Quantization => ({ scale: [scale], zeroPoint: [zeroPoint], quantizedDimension: 0 });

/** Constant integer operands (axes, begins, paddings...). */
export const ints = (values: number[], shape = [values.length]): LayoutTensor => ({ shape, dtype: 'int32', data: Int32Array.from(values) });
export const longs = (values: number[], shape = [values.length]): LayoutTensor => ({ shape, dtype: 'int64', data: BigInt64Array.from(values, BigInt) });

/** A run-time operand of `dtype`, quantized (scale 0.5, zero point 3) when the type is int8, uint8 or int16 unless told otherwise. */
export function operand(shape: number[], dtype: LayoutDType, quantization: Quantization | null = defaultQuantization(dtype)): LayoutTensor {
  return quantization ? { shape, dtype, quantization } : { shape, dtype };
}

export function defaultQuantization(dtype: DType): Quantization | null {
  if (dtype === 'int8' || dtype === 'uint8') return quant(0.5, 3);
  if (dtype === 'int16') return quant(0.25, 0);
  return null;
}

/** The model: graph inputs and outputs of types LiteRT.js cannot take are int32 at the edge, with CASTs. */
export function layoutModel(c: LayoutCase): Uint8Array {
  const tensors: TensorSpec[] = [];
  const graphInputs: number[] = [];
  const graphOutputs: number[] = [];
  const operators: OperatorSpec[] = [];
  const add = (spec: TensorSpec) => tensors.push(spec) - 1;
  const opInputs = c.inputs.map((arg) => {
    if (!arg) return -1;
    const dtype = arg.dtype ?? 'float32';
    const index = add({ shape: arg.shape, dtype, data: arg.data, quantization: arg.quantization, name: `in${tensors.length}` });
    if (arg.data) return index;
    if (!WRAPPED.has(dtype)) {
      graphInputs.push(index);
      return index;
    }
    const edge = add({ shape: arg.shape, dtype: 'int32', name: `in${tensors.length}_int32` });
    graphInputs.push(edge);
    operators.push({ op: 'CAST', inputs: [edge], outputs: [index] });
    return index;
  });
  const opOutputs = c.outputs.map((arg, k) => {
    const dtype = arg.dtype ?? 'float32';
    const index = add({ shape: arg.shape, dtype, quantization: arg.quantization, name: WRAPPED.has(dtype) ? `out${k}_${dtype}` : `out${k}` });
    if (!WRAPPED.has(dtype)) {
      graphOutputs.push(index);
      return index;
    }
    graphOutputs.push(add({ shape: arg.shape, dtype: 'int32', name: `out${k}` }));
    return index;
  });
  operators.push({ op: c.op, inputs: opInputs, outputs: opOutputs, options: c.options, version: c.version });
  c.outputs.forEach((arg, k) => {
    if (WRAPPED.has(arg.dtype ?? 'float32')) operators.push({ op: 'CAST', inputs: [opOutputs[k]], outputs: [graphOutputs[k]] });
  });
  return writeModel({ subgraphs: [{ tensors, inputs: graphInputs, outputs: graphOutputs, operators }] });
}

const RANGES: Record<LayoutDType, [number, number]> = {
  float32: [-1e4, 1e4], int8: [-128, 127], uint8: [0, 255], int16: [-32768, 32767], int32: [-(2 ** 31), 2 ** 31 - 1], int64: [-(2 ** 31), 2 ** 31 - 1], bool: [0, 1],
};

/**
 * Values for a graph input of `dtype` (as fed at the edge: float32, uint8 or
 * int32): distinct where the type has room, so that a misplaced element shows.
 */
export function valuesFor(dtype: LayoutDType, count: number, seed = 1): TypedInput {
  if (dtype === 'float32') return deterministicInput(count, -100, 100, seed).map((v, i) => v + i * 1e-3);
  const [lo, hi] = RANGES[dtype];
  const span = hi - lo + 1;
  const values = Array.from({ length: count }, (_, i) => lo + ((i * 7919 + seed * 104729 + Math.floor(i / 3) * 31) % span));
  if (dtype === 'bool') return Int32Array.from({ length: count }, (_, i) => ((i * 5 + seed) % 3 === 0 ? 1 : 0));
  return dtype === 'uint8' ? Uint8Array.from(values) : Int32Array.from(values);
}

/** The inputs the model of `c` takes: `valuesFor` each run-time operand. */
export function inputsFor(c: LayoutCase): TypedInput[] {
  return c.inputs.filter((arg): arg is LayoutTensor => arg !== null && !arg.data)
    .map((arg, k) => valuesFor((arg.dtype ?? 'float32') as LayoutDType, arg.shape.reduce((a, b) => a * b, 1), k + 1));
}

export const onReferenceKernels = preferringReferenceKernels;

/** Parity of `c` on the reference kernels with each run-time input fed `valuesFor` its dtype. */
export async function expectLayoutParity(t: Test, c: LayoutCase): Promise<void> {
  const bytes = layoutModel(c);
  const placement = (await onReferenceKernels(() => inspectModel(bytes))).placement.find((p) => p.op === c.op);
  t.equal(placement?.runsOn, 'reference', `${c.op} runs on the reference kernels${placement?.reason ? ` (${placement.reason})` : ''}`);
  await onReferenceKernels(() => expectTypedParity(t, bytes, inputsFor(c)));
}
