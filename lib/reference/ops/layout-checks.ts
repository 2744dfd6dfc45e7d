/**
 * Checks shared by the layout operators on the reference kernels: one
 * element type for the data operands, one quantization for quantized ones
 * (these operators move values and never requantize), constant index
 * operands, and the output shapes the operator computes.
 */
import type { Reason } from '../../core/checks';
import type { Node } from '../../core/node';
import type { StaticValues } from '../../core/static-values';
import { DTYPE_BYTES, type DType } from '../../model/schema';
import type { TensorDef } from '../../model/types';
import { elementTypeOf } from '../element-type';

export const ALL_TYPES: readonly DType[] = ['float32', 'int8', 'uint8', 'int16', 'int32', 'int64', 'bool'];

export const dtypeOf = (t: TensorDef, statics: StaticValues): DType => statics.get(t)?.dtype ?? t.dtype;

/** Bytes of one element of a data operand (whose type `dataTypes` accepted). */
export const elementBytes = (t: TensorDef, statics: StaticValues): number => DTYPE_BYTES[dtypeOf(t, statics)];

/** The data operands (the listed inputs and every output) share one type, one that `allowed` names. */
export function dataTypes(node: Node, statics: StaticValues, inputs: readonly number[], allowed: readonly DType[]): Reason {
  const first = node.in(inputs[0]);
  const dtype = dtypeOf(first, statics);
  if (!allowed.includes(dtype) || elementTypeOf(dtype) === undefined) return `type (got ${dtype}, expected ${allowed.join(', ')})`;
  const operands: [string, TensorDef][] = [
    ...inputs.slice(1).map((k) => [`input ${k}`, node.in(k)] as [string, TensorDef]),
    ...Array.from({ length: node.outputCount }, (_, k) => [`output ${k}`, node.output(k)] as [string, TensorDef]),
  ];
  for (const [what, t] of operands) {
    if (dtypeOf(t, statics) !== dtype) return `${what} type (got ${dtypeOf(t, statics)}, expected ${dtype} like input ${inputs[0]})`;
  }
  return undefined;
}

/** The one scale and zero point of a tensor (0 and 0 without quantization), or why it has more. */
function perTensor(t: TensorDef): { scale: number; zeroPoint: number } | string {
  const q = t.quantization;
  if (!q || q.scale.length === 0) return { scale: 0, zeroPoint: 0 };
  if (q.scale.length > 1) return `quantization of ${t.name} (got ${q.scale.length} scales, expected one)`;
  return { scale: q.scale[0], zeroPoint: q.zeroPoint[0] ?? 0 };
}

/** The quantized value TFLite's kernels treat as zero for `t`: its zero point (0 without quantization). */
export function zeroPointOf(t: TensorDef): number {
  const q = perTensor(t);
  return typeof q === 'string' ? 0 : q.zeroPoint;
}

/**
 * For int8, uint8 and int16 data: the listed inputs and every output share
 * one quantization (TFLite's layout kernels copy values; they do not
 * requantize). With `int16ZeroPoint`, int16 zero points must also be 0, as
 * TFLite's kernel for this operator requires.
 */
export function oneQuantization(node: Node, statics: StaticValues, inputs: readonly number[], int16ZeroPoint = false): Reason {
  const dtype = dtypeOf(node.in(inputs[0]), statics);
  if (dtype !== 'int8' && dtype !== 'uint8' && dtype !== 'int16') return undefined;
  const tensors = [...inputs.map((k) => node.in(k)), ...Array.from({ length: node.outputCount }, (_, k) => node.output(k))];
  const reference = perTensor(tensors[0]);
  if (typeof reference === 'string') return reference;
  for (const t of tensors) {
    const q = perTensor(t);
    if (typeof q === 'string') return q;
    if (q.scale !== reference.scale || q.zeroPoint !== reference.zeroPoint) {
      return `quantization of ${t.name} (got scale ${q.scale} and zero point ${q.zeroPoint}, expected scale ${reference.scale} and zero point ${reference.zeroPoint} like ${tensors[0].name}: TFLite's ${node.op} does not requantize)`;
    }
    if (int16ZeroPoint && dtype === 'int16' && q.zeroPoint !== 0) return `zero point of int16 tensor ${t.name} (got ${q.zeroPoint}, expected 0)`;
  }
  return undefined;
}

export { constantIntegers } from '../../core/constant-operands';

/** Output `k` has the shape the operator computes. */
export function outputShape(node: Node, k: number, expected: readonly number[]): Reason {
  const got = node.output(k).shape;
  return got.length === expected.length && got.every((d, i) => d === expected[i]) ? undefined : `output ${k} shape (got [${got}], expected [${expected}])`;
}

/** The options table is of the expected type when present (absent tables mean defaults). */
export function optionsType(node: Node, expected: number, name: string): Reason {
  return !node.options || node.def.optionsType === expected ? undefined : `options type (got ${node.def.optionsType}, expected ${expected} for ${name})`;
}
