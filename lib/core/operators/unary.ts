// Elementwise unary operators as TFLite defines them: one input, an output of its shape.
import { OptionSlot } from '../../model/schema';
import { arity, first, rankAtMost, type OperandCheck, type Reason } from '../checks';
import type { Node } from '../node';
import type { StaticValues } from '../static-values';

/** GELU's `approximate` option: TFLite's tanh form instead of the exact erf form. */
export function geluApproximate(node: Node): boolean {
  return node.options ? node.options.bool(OptionSlot.Gelu.approximate, 'approximate') : false;
}

export function checkUnary(node: Node, statics: StaticValues, operands: OperandCheck): Reason {
  return first(
    () => arity(node, 1, 1, 1),
    () => operands({ activations: [0] }),
    () => rankAtMost(node.in(0), 6, 'input'),
    () => (node.in(0).shape.join() === node.output(0).shape.join()
      ? undefined : `output shape (got [${node.output(0).shape}], expected the input shape [${node.in(0).shape}])`),
  );
}
