// Elementwise activations (RELU, RELU6, RELU_N1_TO_1, LEAKY_RELU, ELU,
// LOGISTIC, TANH, HARD_SWISH) and float32 math (EXP, LOG, SQRT, RSQRT,
// SQUARE, ABS, NEG, SIN, COS, FLOOR, CEIL, ROUND, SIGN, GELU; quantized EXP,
// LOG, ABS and GELU where XNNPACK agrees with TFLite).
import { checkUnary, geluApproximate } from '../../core/operators/unary';
import { xnnpackOperands } from '../operand-types';
import { OptionSlot } from '../../model/schema';
import { type Reason, first } from '../../core/checks';
import { domainOf } from '../tensor-types';
import type { GraphBuilder } from '../builder';
import type { Node } from '../../core/node';
import type { XnnpackLowering } from '../lowering';
import type { StaticValues } from '../../core/static-values';
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
  // XNNPACK computes the exact form, x/2 (1 + erf(x / sqrt 2)); the tanh approximation is lowerGeluTanh.
  GELU: (C) => ({ op: C.unary.gelu }),
};

/** Run on int8/uint8 tensors too (XNNPACK's qs8/qu8 kernels). */
const QUANTIZED = new Set(['RELU', 'RELU6', 'RELU_N1_TO_1', 'LOGISTIC', 'TANH', 'HARD_SWISH', 'LEAKY_RELU', 'EXP', 'GELU', 'LOG', 'ABS']);

/**
 * Quantized math TFLite computes with lookup tables or fixed point: XNNPACK
 * (dequantize, compute in float, round half to even) agrees with it on every
 * value of these types, checked exhaustively against LiteRT.js, only where
 * noted. LOG: TFLite maps inputs <= 0 to the lowest output; XNNPACK's log of
 * a negative value is NaN, so no negative value may be representable. ABS:
 * TFLite rescales in fixed point, rounding ties otherwise.
 */
const QUANTIZED_MATH: Record<string, readonly string[]> = { EXP: ['int8'], LOG: ['int8'], ABS: ['int8'], GELU: ['int8', 'uint8'] };

function quantizedMath(node: Node, statics: StaticValues): Reason {
  const domain = domainOf(node.in(0), statics);
  if (!QUANTIZED_MATH[node.op] || (domain !== 'int8' && domain !== 'uint8')) return undefined;
  if (!QUANTIZED_MATH[node.op].includes(domain)) return `type (got ${domain}, expected ${['float32', ...QUANTIZED_MATH[node.op]].join(' or ')} for ${node.op})`;
  const [x, y] = [node.in(0).quantization!, node.output(0).quantization!];
  if (node.op === 'LOG' && x.zeroPoint[0] !== -128) return `input zero point (got ${x.zeroPoint[0]}, expected -128 for int8 LOG on XNNPACK: no negative input)`;
  if (node.op === 'ABS' && x.scale[0] !== y.scale[0]) return `output scale (got ${y.scale[0]}, expected the input scale ${x.scale[0]} for int8 ABS on XNNPACK)`;
  return undefined;
}

/**
 * GELU's tanh approximation, which XNNPACK has no operator for, built from
 * XNNPACK's multiply, add and tanh in the order TFLite's kernel evaluates it:
 * 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x x x))).
 */
function lowerGeluTanh(g: GraphBuilder, node: Node): void {
  const shape = node.in(0).shape;
  const x = g.value(node.in(0));
  const scalar = (v: number) => g.constant(new Float32Array([v]), []);
  const binary = (op: number, a: number, b: number, out = g.internal(shape)) => {
    g.subgraph.defineBinary(op, a, b, out, -Infinity, Infinity);
    return out;
  };
  const { multiply, add } = g.C.binary;
  const cubic = binary(multiply, binary(multiply, binary(multiply, x, scalar(0.044715)), x), x);
  const scaled = binary(multiply, binary(add, x, cubic), scalar(Math.sqrt(2 / Math.PI)));
  const tanh = g.internal(shape);
  g.subgraph.defineUnary(g.C.unary.tanh, scaled, tanh);
  binary(multiply, binary(multiply, x, scalar(0.5)), binary(add, tanh, scalar(1)), g.value(node.output(0)));
}

function lower(g: GraphBuilder, node: Node): void {
  if (node.op === 'GELU' && geluApproximate(node)) {
    lowerGeluTanh(g, node);
    return;
  }
  const { op, params } = UNARY[node.op](g.C, node);
  g.subgraph.defineUnary(op, g.value(node.in(0)), g.value(node.output(0)), params);
}

function check(node: Node, statics: StaticValues): Reason {
  return first(
    () => checkUnary(node, statics, xnnpackOperands(node, statics, QUANTIZED.has(node.op))),
    () => quantizedMath(node, statics),
    // The tanh form is built from float operators (lowerGeluTanh); quantized, only the exact form agrees with TFLite.
    () => (node.op === 'GELU' && geluApproximate(node) && domainOf(node.in(0), statics) !== 'float32'
      ? `approximate (got true on ${domainOf(node.in(0), statics)}, expected false: XNNPACK computes the exact erf form)` : undefined),
  );
}

export const unary: XnnpackLowering = { check, lower };
