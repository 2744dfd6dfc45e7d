/**
 * What reference families encode into: kernel calls whose integer and real
 * parameters are derived here from the model, so the C++ kernels
 * (native/reference) only compute. Operands are tensors of the session
 * plan (lib/plan/tensor-table.ts): arena tensors or constants.
 */
import { activationBounds } from '../core/activation-range';
import type { DType } from '../model/schema';
import type { TensorDef } from '../model/types';
import type { Node } from '../core/node';
import type { StaticValues } from '../core/static-values';

export { elementCount as elementsOf } from '../model/element-count';

/** Where operands come from: the session plan's tensors (lib/plan/tensor-table.ts). */
export interface OperandTable {
  readonly statics: StaticValues;
  /** The plan tensor of model tensor `t`. */
  use(t: TensorDef): number;
}

export interface KernelCall {
  kernel: string;
  label: string;
  inputs: number[];
  outputs: number[];
  ints: number[];
  reals: number[];
}

/** Quantized range of int16 activations (TFLite's). */
export const INT16_MIN = -32768;
export const INT16_MAX = 32767;

/** The values of the quantized types a fused activation clamps. */
const QUANTIZED_RANGES: Partial<Record<DType, readonly [number, number]>> = { int8: [-128, 127], uint8: [0, 255], int16: [INT16_MIN, INT16_MAX] };

export class ProgramBuilder {
  readonly calls: KernelCall[] = [];

  constructor(private readonly table: OperandTable) {}

  get statics(): StaticValues {
    return this.table.statics;
  }

  /** The plan tensor of model tensor `t`. */
  tensor(t: TensorDef): number {
    return this.table.use(t);
  }

  /** An optional operand: -1 when absent. */
  optional(t: TensorDef | undefined): number {
    return t ? this.tensor(t) : -1;
  }

  call(node: Node, kernel: string, inputs: number[], outputs: number[], ints: number[], reals: number[] = []): void {
    this.calls.push({ kernel, label: node.label, inputs, outputs, ints, reals });
  }
}

/** The (one) scale and zero point of a per-tensor quantized tensor. */
export function quantOf(t: TensorDef): { scale: number; zeroPoint: number } {
  return { scale: t.quantization!.scale[0], zeroPoint: t.quantization!.zeroPoint[0] ?? 0 };
}

/**
 * The quantized output range a fused activation leaves on `t` (int8, uint8
 * or int16): TFLite's CalculateActivationRangeQuantized, which quantizes the
 * bounds in float32 rounding half away from zero, within the type's range.
 */
export function activationRange(code: number, t: TensorDef): [number, number] {
  const range = QUANTIZED_RANGES[t.dtype];
  if (!range) throw new TypeError(`activationRange: ${t.name} is ${t.dtype}, not a quantized type`);
  const [min, max] = range;
  const { scale, zeroPoint } = quantOf(t);
  const q = (v: number) => {
    const r = Math.fround(v / scale);
    return Math.sign(r) * Math.round(Math.abs(r)) + zeroPoint;
  };
  // An unbounded side quantizes to +-Infinity and is clamped to the type's range.
  const [lo, hi] = activationBounds(code);
  return [Math.max(min, q(lo)), Math.min(max, q(hi))];
}
