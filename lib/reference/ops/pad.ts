// PAD and PADV2: the input scattered into an output filled with the padding
// value. Without PADV2's constant_values, TFLite pads uint8, and int8 or
// int16 that carry quantization, with the output's zero point (the
// quantized zero), everything else with 0; a constant_values operand (which
// may be computed at run time) must share the output's quantization.
import { arity, first, type Reason } from '../../core/checks';
import type { Node } from '../../core/node';
import type { StaticValues } from '../../core/static-values';
import { DTYPE_BYTES, INTEGER_DTYPE_RANGES } from '../../model/schema';
import type { TensorDef } from '../../model/types';
import type { ReferenceEncoding } from '../encoding';
import type { ProgramBuilder } from '../program-builder';
import { paddingsOf } from '../../core/operators/pad';
import { ALL_TYPES, dataTypes, dtypeOf, elementBytes, oneQuantization, outputShape } from './layout-checks';
import { affine, scatter, stridesOf, type Fill } from './layout-copy';

/** TFLite's pad kernels take at most 5 dimensions. */
const MAX_RANK = 5;

const valueOperand = (node: Node): TensorDef | undefined => (node.op === 'PADV2' ? node.input(2) : undefined);

/** Whether TFLite pads this type with the output's zero point (quantized kernels). */
function padsWithZeroPoint(t: TensorDef, statics: StaticValues): boolean {
  const dtype = dtypeOf(t, statics);
  const quantized = (t.quantization?.scale.length ?? 0) > 0;
  return dtype === 'uint8' || ((dtype === 'int8' || dtype === 'int16') && quantized);
}

function checkValue(node: Node, statics: StaticValues): Reason {
  const value = valueOperand(node);
  const input = node.in(0);
  if (!value) {
    if (!padsWithZeroPoint(input, statics)) return undefined;
    const zeroPoint = node.output(0).quantization?.zeroPoint[0] ?? 0;
    const [lo, hi] = INTEGER_DTYPE_RANGES[dtypeOf(input, statics)]!;
    return zeroPoint >= lo && zeroPoint <= hi ? undefined : `output zero point (got ${zeroPoint}, expected ${lo} to ${hi}: it is the padding value)`;
  }
  if (dtypeOf(value, statics) !== dtypeOf(input, statics)) return `constant_values type (got ${dtypeOf(value, statics)}, expected ${dtypeOf(input, statics)} like the input)`;
  if (value.shape.reduce((a, b) => a * b, 1) !== 1) return `constant_values shape (got [${value.shape}], expected one element)`;
  if (!padsWithZeroPoint(input, statics)) return undefined;
  const [q, o] = [value.quantization, node.output(0).quantization];
  const [scale, zeroPoint] = [q?.scale[0] ?? 0, q?.zeroPoint[0] ?? 0];
  const [outScale, outZeroPoint] = [o?.scale[0] ?? 0, o?.zeroPoint[0] ?? 0];
  return scale === outScale && zeroPoint === outZeroPoint ? undefined
    : `constant_values quantization (got scale ${scale} and zero point ${zeroPoint}, expected the output's scale ${outScale} and zero point ${outZeroPoint})`;
}

function check(node: Node, statics: StaticValues): Reason {
  return first(
    () => (node.op === 'PADV2' ? arity(node, 2, 3, 1) : arity(node, 2, 2, 1)),
    () => dataTypes(node, statics, [0], ALL_TYPES),
    () => oneQuantization(node, statics, [0]),
    () => (node.in(0).shape.length <= MAX_RANK ? undefined : `input rank (got ${node.in(0).shape.length}, expected at most ${MAX_RANK})`),
    () => checkValue(node, statics),
    () => {
      const input = node.in(0).shape;
      const p = paddingsOf(node, 1, input.length, statics);
      if (typeof p === 'string') return p;
      return outputShape(node, 0, input.map((d, i) => d + p.before[i] + p.after[i]));
    },
  );
}

function fillOf(node: Node, statics: StaticValues): Fill {
  const value = valueOperand(node);
  if (value) return { tensor: value, bits: 0 };
  if (!padsWithZeroPoint(node.in(0), statics)) return { bits: 0 };
  const zeroPoint = node.output(0).quantization?.zeroPoint[0] ?? 0;
  const bits = DTYPE_BYTES[dtypeOf(node.in(0), statics)] * 8;
  return { bits: ((zeroPoint % 2 ** bits) + 2 ** bits) % 2 ** bits };
}

function encode(b: ProgramBuilder, node: Node): void {
  const input = node.in(0);
  const p = paddingsOf(node, 1, input.shape.length, b.statics) as { before: number[] };
  const outStrides = stridesOf(node.output(0).shape);
  const axes = input.shape.map((d, i) => affine(d, p.before[i] * outStrides[i], outStrides[i]));
  scatter(b, node, input, node.output(0), axes, elementBytes(input, b.statics), fillOf(node, b.statics));
}

export const padReference: ReferenceEncoding = { check, encode };
