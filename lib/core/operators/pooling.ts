// AVERAGE_POOL_2D and MAX_POOL_2D as TFLite defines them.
import { BuiltinOptions, OptionSlot } from '../../model/schema';
import { arity, first, optionsPresent, positive, rank, windowOptions, type OperandCheck, type Reason } from '../checks';
import type { Node } from '../node';
import { poolingShape } from '../shapes/reduction';
import type { StaticValues } from '../static-values';

export function poolOptions(node: Node) {
  const o = node.options!;
  const S = OptionSlot.Pool2D;
  return {
    padding: o.scalar(S.padding, 'i8', 'padding'),
    strideW: o.scalar(S.strideW, 'i32', 'stride_w'),
    strideH: o.scalar(S.strideH, 'i32', 'stride_h'),
    filterW: o.scalar(S.filterW, 'i32', 'filter_width'),
    filterH: o.scalar(S.filterH, 'i32', 'filter_height'),
    activation: o.scalar(S.activation, 'i8', 'fused_activation_function'),
  };
}

export function checkPooling(node: Node, statics: StaticValues, operands: OperandCheck): Reason {
  return first(
    () => arity(node, 1, 1, 1),
    () => optionsPresent(node, BuiltinOptions.Pool2DOptions, 'Pool2DOptions'),
    () => operands({ activations: [0] }),
    () => rank(node.in(0), 4, 'input'),
    () => rank(node.output(0), 4, 'output'),
    () => {
      const o = poolOptions(node);
      return first(
        () => windowOptions(o),
        () => positive(o.filterH, 'filter_height'),
        () => positive(o.filterW, 'filter_width'),
        () => {
          const expected = poolingShape(node, statics);
          if (typeof expected === 'string') return expected;
          return expected[0].join() === node.output(0).shape.join() ? undefined : `output shape (got [${node.output(0).shape}], expected [${expected[0]}])`;
        },
      );
    },
  );
}
