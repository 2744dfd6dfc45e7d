// Operand type rules shared by the reference math, comparison and reduction families.
import type { Reason } from '../../core/checks';
import type { Node } from '../../core/node';
import type { StaticValues } from '../../core/static-values';
import type { DType } from '../../model/schema';
import type { TensorDef } from '../../model/types';

/** The dtype a tensor holds at run time (a folded FP16 DEQUANTIZE counts as float32). */
export function dtypeOf(t: TensorDef, statics: StaticValues): DType {
  return statics.get(t)?.dtype ?? t.dtype;
}

/**
 * Every input holds one dtype among `allowed`, and the output holds `output`
 * ('same': the inputs' dtype).
 */
export function operandDtypes(node: Node, statics: StaticValues, allowed: readonly DType[], output: DType | 'same' = 'same'): Reason {
  const types = node.def.inputs.map((_, k) => dtypeOf(node.in(k), statics));
  if (types.some((d) => d !== types[0])) return `input types (got ${types.join(' and ')}, expected one type)`;
  if (!allowed.includes(types[0])) return `type (got ${types[0]}, expected ${allowed.join(', ')} for ${node.op})`;
  const expected = output === 'same' ? types[0] : output;
  return node.output(0).dtype === expected ? undefined : `output type (got ${node.output(0).dtype}, expected ${expected})`;
}

/** The one scale and zero point of a per-tensor quantized tensor, or why it has none. */
export function perTensorQuantization(t: TensorDef): { scale: number; zeroPoint: number } | string {
  const q = t.quantization;
  if (!q || q.scale.length !== 1 || !(q.scale[0] > 0) || !Number.isFinite(q.scale[0])) {
    return `${t.dtype} tensor ${t.name} (got ${q ? `${q.scale.length} scales` : 'no quantization'}, expected one positive scale)`;
  }
  return { scale: q.scale[0], zeroPoint: q.zeroPoint[0] ?? 0 };
}

/** Same scale and zero point on input `k` and the output (the kernels then work on raw values). */
export function sameScaleAsOutput(node: Node, k = 0): Reason {
  const [a, b] = [perTensorQuantization(node.in(k)), perTensorQuantization(node.output(0))];
  if (typeof a === 'string') return a;
  if (typeof b === 'string') return b;
  return a.scale === b.scale && a.zeroPoint === b.zeroPoint ? undefined
    : `quantization (got input scale ${a.scale}, zero point ${a.zeroPoint} and output scale ${b.scale}, zero point ${b.zeroPoint}, expected the same: TFLite's ${node.op} does not requantize)`;
}
