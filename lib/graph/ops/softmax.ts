// SOFTMAX over the last dimension; beta other than 1 scales the input first.
import { BuiltinOptions, OptionSlot } from '../../model/schema';
import { arity, first, operandTypes, rankAtMost, type Reason } from '../checks';
import type { GraphBuilder } from '../builder';
import type { Node } from '../node';
import type { OpFamily } from '../op-family';
import type { StaticValues } from '../static-values';

function beta(node: Node): number {
  return node.options ? node.options.scalar(OptionSlot.Softmax.beta, 'f32', 'beta') : 1;
}

function check(node: Node, statics: StaticValues): Reason {
  return first(
    () => arity(node, 1, 1, 1),
    () => (node.options && node.def.optionsType !== BuiltinOptions.SoftmaxOptions
      ? `options type (got ${node.def.optionsType}, expected SoftmaxOptions)` : undefined),
    // XNNPACK has no int8 softmax at this version.
    () => operandTypes(node, statics, { activations: [0], quantized: false }),
    () => rankAtMost(node.in(0), 6, 'input'),
    () => (node.in(0).shape.length >= 1 ? undefined : 'input rank (got 0, expected at least 1)'),
    () => (Number.isFinite(beta(node)) && beta(node) > 0 ? undefined : `beta (got ${beta(node)}, expected a positive number)`),
  );
}

function lower(g: GraphBuilder, node: Node): void {
  const input = node.in(0);
  let source = g.value(input);
  const b = beta(node);
  if (b !== 1) {
    const scaled = g.internal(input.shape);
    g.subgraph.defineBinary(g.C.binary.multiply, source, g.constant(new Float32Array([b]), []), scaled, -Infinity, Infinity);
    source = scaled;
  }
  g.subgraph.defineSoftmax(source, g.value(node.output(0)), 0);
}

export const softmax: OpFamily = { ops: ['SOFTMAX'], check, lower };
