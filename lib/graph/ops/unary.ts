// Elementwise activations: RELU, RELU6, RELU_N1_TO_1, LEAKY_RELU, ELU, LOGISTIC, TANH, HARD_SWISH.
import { ONE_ACTIVATION } from '../../core/integer-treatment';
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
};

/** Run on int8/uint8 tensors too (XNNPACK's qs8/qu8 kernels). */
const QUANTIZED = new Set(['RELU', 'RELU6', 'RELU_N1_TO_1', 'LOGISTIC', 'TANH', 'HARD_SWISH', 'LEAKY_RELU']);

function check(node: Node, statics: StaticValues, rules: OperandRules = 'xnnpack'): Reason {
  return first(
    () => arity(node, 1, 1, 1),
    () => operandTypes(node, statics, { activations: [0], quantized: QUANTIZED.has(node.op) }, rules),
    () => rankAtMost(node.in(0), 6, 'input'),
    () => (node.in(0).shape.join() === node.output(0).shape.join()
      ? undefined : `output shape (got [${node.output(0).shape}], expected the input shape [${node.in(0).shape}])`),
  );
}

function lower(g: GraphBuilder, node: Node): void {
  const { op, params } = UNARY[node.op](g.C, node);
  g.subgraph.defineUnary(op, g.value(node.in(0)), g.value(node.output(0)), params);
}

export const unary: OpFamily = {
  ops: Object.keys(UNARY), check, lower,
  int8: {
    RELU: ONE_ACTIVATION, RELU6: ONE_ACTIVATION, RELU_N1_TO_1: ONE_ACTIVATION, LEAKY_RELU: ONE_ACTIVATION, HARD_SWISH: ONE_ACTIVATION,
    // TFLite fixes these outputs' quantization.
    LOGISTIC: { activations: [0], output: { scale: 1 / 256, zeroPoint: -128 } },
    TANH: { activations: [0], output: { scale: 1 / 128, zeroPoint: 0 } },
  },
};
