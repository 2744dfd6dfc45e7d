// SOFTMAX over the last dimension; beta other than 1 scales the input first.
// On int8/uint8 tensors it runs in float between conversions (XNNPACK has no
// quantized softmax at this version).
import { BuiltinOptions, OptionSlot } from '../../model/schema';
import { arity, first, operandTypes, rankAtMost, type OperandRules, type Reason } from '../checks';
import type { GraphBuilder } from '../builder';
import type { Node } from '../node';
import type { OpFamily } from '../op-family';
import type { StaticValues } from '../static-values';
import { domainOf } from '../tensor-types';

export function softmaxBeta(node: Node): number {
  return node.options ? node.options.scalar(OptionSlot.Softmax.beta, 'f32', 'beta') : 1;
}

function check(node: Node, statics: StaticValues, rules: OperandRules = 'xnnpack'): Reason {
  return first(
    () => arity(node, 1, 1, 1),
    () => (node.options && node.def.optionsType !== BuiltinOptions.SoftmaxOptions
      ? `options type (got ${node.def.optionsType}, expected SoftmaxOptions)` : undefined),
    () => operandTypes(node, statics, { activations: [0], quantized: true }, rules),
    () => rankAtMost(node.in(0), 6, 'input'),
    () => (node.in(0).shape.length >= 1 ? undefined : 'input rank (got 0, expected at least 1)'),
    () => (Number.isFinite(softmaxBeta(node)) && softmaxBeta(node) > 0 ? undefined : `beta (got ${softmaxBeta(node)}, expected a positive number)`),
  );
}

function lower(g: GraphBuilder, node: Node): void {
  const input = node.in(0);
  const softmaxOf = (x: number, y: number) => {
    let source = x;
    const b = softmaxBeta(node);
    if (b !== 1) {
      source = g.internal(input.shape);
      g.subgraph.defineBinary(g.C.binary.multiply, x, g.constant(new Float32Array([b]), []), source, -Infinity, Infinity);
    }
    g.subgraph.defineSoftmax(source, y, 0);
  };
  // XNNPACK has no int8/uint8 softmax at this version: compute it in float between conversions.
  if (domainOf(input, g.statics) === 'float32') softmaxOf(g.value(input), g.value(node.output(0)));
  else g.floatIsland(g.value(input), input.shape, g.value(node.output(0)), node.output(0).shape, softmaxOf);
}

// SOFTMAX is int8 in the file as TFLite writes it (output scale 1/256, zero point -128); XNNPACK runs it in float between conversions.
export const softmax: OpFamily = { ops: ['SOFTMAX'], check, lower, int8: { SOFTMAX: { activations: [0], output: { scale: 1 / 256, zeroPoint: -128 } } } };
