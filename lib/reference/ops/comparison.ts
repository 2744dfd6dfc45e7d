// LESS, LESS_EQUAL, GREATER, GREATER_EQUAL, EQUAL, NOT_EQUAL (float32,
// int32, int64, quantized int8/uint8/int16, and bool for EQUAL/NOT_EQUAL)
// and LOGICAL_AND, LOGICAL_OR (bool), with numpy broadcasting; the output is bool.
import { arity, first, rankAtMost, type Reason } from '../../core/checks';
import type { Node } from '../../core/node';
import { broadcastShape } from '../../core/operators/binary';
import type { StaticValues } from '../../core/static-values';
import type { DType } from '../../model/schema';
import { elementTypeOf } from '../element-type';
import type { ReferenceEncoding } from '../encoding';
import type { ProgramBuilder } from '../program-builder';
import { broadcastLayout } from './broadcast-layout';
import { dtypeOf, operandDtypes, perTensorQuantization } from './element-types';

const ORDERED: readonly DType[] = ['float32', 'int32', 'int64', 'int8', 'uint8', 'int16'];

/** Kernel op codes (native/reference/kernels/compare.cc) and the dtypes TFLite's kernel takes. */
const OPS: Record<string, { code: number; types: readonly DType[] }> = {
  LESS: { code: 0, types: ORDERED },
  LESS_EQUAL: { code: 1, types: ORDERED },
  GREATER: { code: 2, types: ORDERED },
  GREATER_EQUAL: { code: 3, types: ORDERED },
  EQUAL: { code: 4, types: [...ORDERED, 'bool'] },
  NOT_EQUAL: { code: 5, types: [...ORDERED, 'bool'] },
  LOGICAL_AND: { code: 6, types: ['bool'] },
  LOGICAL_OR: { code: 7, types: ['bool'] },
};

/**
 * TFLite's QuantizeMultiplier for a multiplier below 1: a 31-bit fixed-point
 * mantissa (rounded half away from zero) and a right shift.
 */
export function quantizeMultiplier(real: number): { multiplier: number; shift: number } {
  if (real === 0) return { multiplier: 0, shift: 0 };
  let exponent = Math.floor(Math.log2(real)) + 1;
  let mantissa = real / 2 ** exponent;
  while (mantissa >= 1) { mantissa /= 2; exponent++; }
  while (mantissa < 0.5) { mantissa *= 2; exponent--; }
  let fixed = Math.round(mantissa * 2 ** 31); // mantissa > 0: Math.round rounds half away from zero here
  if (fixed === 2 ** 31) { fixed /= 2; exponent++; }
  if (exponent < -31) return { multiplier: 0, shift: 0 };
  return { multiplier: fixed, shift: -exponent };
}

/**
 * Quantized int8/uint8 operands compare through their scales, as TFLite
 * does; so do quantized int16 ones of EQUAL and NOT_EQUAL, while TFLite's
 * int16 LESS, LESS_EQUAL, GREATER and GREATER_EQUAL compare raw values,
 * quantized or not.
 */
function quantized(node: Node, statics: StaticValues): boolean {
  const type = dtypeOf(node.in(0), statics);
  if (type === 'int8' || type === 'uint8') return true;
  return type === 'int16' && (node.op === 'EQUAL' || node.op === 'NOT_EQUAL') && (node.in(0).quantization?.scale.length ?? 0) > 0;
}

function quantizationReason(node: Node, statics: StaticValues): Reason {
  if (node.op === 'NOT_EQUAL' && dtypeOf(node.in(0), statics) === 'int16' && !quantized(node, statics)) {
    return 'int16 operands without quantization (TFLite\'s NOT_EQUAL writes no output for them)';
  }
  if (!quantized(node, statics)) return undefined;
  for (const k of [0, 1]) {
    const q = perTensorQuantization(node.in(k));
    if (typeof q === 'string') return q;
    // A scale of 1 or more is outside what TFLite's fixed-point scaling handles.
    if (!(q.scale < 1)) return `scale of input ${k} (got ${q.scale}, expected below 1)`;
  }
  return undefined;
}

function check(node: Node, statics: StaticValues): Reason {
  return first(
    () => arity(node, 2, 2, 1),
    () => operandDtypes(node, statics, OPS[node.op].types, 'bool'),
    () => quantizationReason(node, statics),
    () => rankAtMost(node.in(0), 6, 'input 0'),
    () => rankAtMost(node.in(1), 6, 'input 1'),
    () => {
      const [a, b] = [node.in(0).shape, node.in(1).shape];
      const shape = broadcastShape(a, b);
      if (!shape) return `input shapes (got [${a}] and [${b}], expected shapes that broadcast)`;
      const out = node.output(0).shape;
      return shape.join() === out.join() ? undefined : `output shape (got [${out}], expected [${shape}])`;
    },
  );
}

function scaling(node: Node, statics: StaticValues): number[] {
  if (!quantized(node, statics)) return [0, 0, 0, 0, 0, 0, 0];
  return [1, ...[0, 1].flatMap((k) => {
    const q = perTensorQuantization(node.in(k)) as { scale: number; zeroPoint: number };
    const { multiplier, shift } = quantizeMultiplier(q.scale);
    return [-q.zeroPoint, multiplier, shift];
  })];
}

function encode(b: ProgramBuilder, node: Node): void {
  const [x, y] = [node.in(0), node.in(1)];
  b.call(node, 'compare', [b.tensor(x), b.tensor(y)], [b.tensor(node.output(0))],
    [OPS[node.op].code, elementTypeOf(dtypeOf(x, b.statics))!, ...scaling(node, b.statics), ...broadcastLayout(node.output(0).shape, [x.shape, y.shape])]);
}

export const comparisonReference: ReferenceEncoding = { check, encode };
