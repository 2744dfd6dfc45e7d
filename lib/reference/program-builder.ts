/**
 * Builds the description of a graph for the native reference runtime
 * (native/reference): one buffer per model tensor used (constants carry
 * their bytes), and kernel calls whose integer and real parameters are
 * derived here from the model, so the C++ kernels only compute.
 */
import { UnsupportedOpError } from '../errors';
import { DTYPE_BYTES } from '../model/schema';
import type { TensorDef } from '../model/types';
import type { Node } from '../graph/node';
import type { StaticValues } from '../graph/static-values';

export interface ProgramTensor {
  bytes: number;
  data?: Uint8Array;
}

export interface KernelCall {
  kernel: string;
  label: string;
  inputs: number[];
  outputs: number[];
  ints: number[];
  reals: number[];
}

export interface ProgramExternal {
  tensor: number;
  datatype: number;
  shape: number[];
}

export interface Program {
  tensors: ProgramTensor[];
  inputs: ProgramExternal[];
  outputs: ProgramExternal[];
  ops: KernelCall[];
}

export const elementsOf = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

/** Quantized range of int16 activations (TFLite's). */
export const INT16_MIN = -32768;
export const INT16_MAX = 32767;

export class ProgramBuilder {
  readonly program: Program = { tensors: [], inputs: [], outputs: [], ops: [] };
  private readonly ids = new Map<number, number>();

  constructor(readonly statics: StaticValues) {}

  /** The buffer of model tensor `t`, created on first use. */
  tensor(t: TensorDef): number {
    const known = this.ids.get(t.index);
    if (known !== undefined) return known;
    const stored = this.statics.get(t);
    const dtype = stored?.dtype ?? t.dtype;
    const bytes = elementsOf(t.shape) * DTYPE_BYTES[dtype];
    const floats = stored?.float16 ? this.statics.float32(t) : undefined;
    const data = floats ? new Uint8Array(floats.buffer, floats.byteOffset, floats.byteLength) : stored?.bytes;
    if (this.statics.isStatic(t) && !data) {
      throw new UnsupportedOpError('graph', -1, `constant ${t.name} (${stored?.dtype}) as an operand of the reference kernels (expected int8 weights or int32/int64 biases)`);
    }
    // The native side copies constants when it creates the runtime, so a view into the model file suffices.
    this.program.tensors.push(data ? { bytes, data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) } : { bytes });
    this.ids.set(t.index, this.program.tensors.length - 1);
    return this.program.tensors.length - 1;
  }

  /** An optional operand: -1 when absent. */
  optional(t: TensorDef | undefined): number {
    return t ? this.tensor(t) : -1;
  }

  call(node: Node, kernel: string, inputs: number[], outputs: number[], ints: number[], reals: number[] = []): void {
    this.program.ops.push({ kernel, label: node.label, inputs, outputs, ints, reals });
  }
}

/** The (one) scale and zero point of a per-tensor quantized tensor. */
export function quantOf(t: TensorDef): { scale: number; zeroPoint: number } {
  return { scale: t.quantization!.scale[0], zeroPoint: t.quantization!.zeroPoint[0] ?? 0 };
}

/** The quantized output range a fused activation leaves (TFLite's CalculateActivationRangeQuantized). */
export function activationRange(code: number, t: TensorDef): [number, number] {
  const { scale, zeroPoint } = quantOf(t);
  const q = (v: number) => Math.round(v / scale) + zeroPoint;
  const clamp = (lo: number, hi: number): [number, number] => [Math.max(INT16_MIN, lo), Math.min(INT16_MAX, hi)];
  switch (code) {
    case 1: return clamp(q(0), INT16_MAX); // RELU
    case 2: return clamp(q(-1), q(1)); // RELU_N1_TO_1
    case 3: return clamp(q(0), q(6)); // RELU6
    default: return [INT16_MIN, INT16_MAX];
  }
}

/** Requires input and output to share one quantization, as TFLite's int16 kernels that only move or pick values do. */
export function sameQuantization(node: Node, input = 0): string | undefined {
  const a = quantOf(node.in(input));
  const b = quantOf(node.output(0));
  return a.scale === b.scale && a.zeroPoint === b.zeroPoint ? undefined
    : `quantization (got input scale ${a.scale} and output scale ${b.scale}, expected the same: TFLite's int16 ${node.op} does not requantize)`;
}
