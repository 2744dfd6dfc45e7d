// Elementwise activations (RELU, RELU6, RELU_N1_TO_1, LEAKY_RELU, ELU,
// LOGISTIC, TANH, HARD_SWISH) and float32 math (EXP, LOG, SQRT, RSQRT,
// SQUARE, ABS, NEG, SIN, COS, FLOOR, CEIL, ROUND, SIGN, GELU).
import { OptionSlot } from '../../model/schema';
import { arity, first, operandTypes, rankAtMost, type Reason, type OperandRules } from '../checks';
import type { GraphBuilder } from '../builder';
import type { Node } from '../node';
import type { OpFamily } from '../op-family';
import type { StaticValues } from '../static-values';
import type { NativeConstants, UnaryParams } from '../../native';

type Lowering = (C: NativeConstants, node: Node) => { op: number; params?: UnaryParams };

const UNARY: Record<string, Lowering> = {
  RELU: (C) => ({ op: C.unary.clamp, params: { min: 0, max: Infinity } }),
  RELU6: (C) => ({ op: C.unary.clamp, params: { min: 0, max: 6 } }),
  RELU_N1_TO_1: (C) => ({ op: C.unary.clamp, params: { min: -1, max: 1 } }),
  LEAKY_RELU: (C, node) => ({
    op: C.unary.leakyRelu,
    params: { negativeSlope: node.options ? node.options.scalar(OptionSlot.LeakyRelu.alpha, 'f32', 'alpha') : 0 },
  }),
  ELU: (C) => ({ op: C.unary.elu, params: { alpha: 1 } }),
  LOGISTIC: (C) => ({ op: C.unary.sigmoid }),
  TANH: (C) => ({ op: C.unary.tanh }),
  HARD_SWISH: (C) => ({ op: C.unary.hardswish }),
  EXP: (C) => ({ op: C.unary.exp }),
  LOG: (C) => ({ op: C.unary.log }),
  SQRT: (C) => ({ op: C.unary.squareRoot }),
  RSQRT: (C) => ({ op: C.unary.reciprocalSquareRoot }),
  SQUARE: (C) => ({ op: C.unary.square }),
  ABS: (C) => ({ op: C.unary.abs }),
  NEG: (C) => ({ op: C.unary.negate }),
  SIN: (C) => ({ op: C.unary.sine }),
  COS: (C) => ({ op: C.unary.cosine }),
  FLOOR: (C) => ({ op: C.unary.floor }),
  CEIL: (C) => ({ op: C.unary.ceiling }),
  // TFLite's ROUND rounds half to even, as XNNPACK's bankers rounding does.
  ROUND: (C) => ({ op: C.unary.bankersRounding }),
  SIGN: (C) => ({ op: C.unary.sign }),
  // XNNPACK computes the exact form, x/2 (1 + erf(x / sqrt 2)); the tanh approximation runs on the reference kernels.
  GELU: (C) => ({ op: C.unary.gelu }),
};

/** GELU's `approximate` option: TFLite's tanh form instead of the exact erf form. */
export function geluApproximate(node: Node): boolean {
  return node.options ? node.options.bool(OptionSlot.Gelu.approximate, 'approximate') : false;
}

/** Run on int8/uint8 tensors too (XNNPACK's qs8/qu8 kernels). */
const QUANTIZED = new Set(['RELU', 'RELU6', 'RELU_N1_TO_1', 'LOGISTIC', 'TANH', 'HARD_SWISH', 'LEAKY_RELU']);

function check(node: Node, statics: StaticValues, rules: OperandRules = 'xnnpack'): Reason {
  return first(
    () => arity(node, 1, 1, 1),
    () => operandTypes(node, statics, { activations: [0], quantized: QUANTIZED.has(node.op) }, rules),
    () => rankAtMost(node.in(0), 6, 'input'),
    () => (node.op === 'GELU' && geluApproximate(node) ? 'approximate (got true, expected false: XNNPACK computes the exact erf form)' : undefined),
    () => (node.in(0).shape.join() === node.output(0).shape.join()
      ? undefined : `output shape (got [${node.output(0).shape}], expected the input shape [${node.in(0).shape}])`),
  );
}

function lower(g: GraphBuilder, node: Node): void {
  const { op, params } = UNARY[node.op](g.C, node);
  g.subgraph.defineUnary(op, g.value(node.in(0)), g.value(node.output(0)), params);
}

export const unary: OpFamily = { ops: Object.keys(UNARY), check, lower };
