// SOFTMAX as TFLite defines it: over the last dimension, input scaled by beta.
import { BuiltinOptions, OptionSlot } from '../../model/schema';
import { arity, first, rankAtMost, type OperandCheck, type Reason } from '../checks';
import type { Node } from '../node';
import type { StaticValues } from '../static-values';

export function softmaxBeta(node: Node): number {
  return node.options ? node.options.scalar(OptionSlot.Softmax.beta, 'f32', 'beta') : 1;
}

export function checkSoftmax(node: Node, statics: StaticValues, operands: OperandCheck): Reason {
  return first(
    () => arity(node, 1, 1, 1),
    () => (node.options && node.def.optionsType !== BuiltinOptions.SoftmaxOptions
      ? `options type (got ${node.def.optionsType}, expected SoftmaxOptions)` : undefined),
    () => operands({ activations: [0] }),
    () => rankAtMost(node.in(0), 6, 'input'),
    () => (node.in(0).shape.length >= 1 ? undefined : 'input rank (got 0, expected at least 1)'),
    () => (Number.isFinite(softmaxBeta(node)) && softmaxBeta(node) > 0 ? undefined : `beta (got ${softmaxBeta(node)}, expected a positive number)`),
  );
}
