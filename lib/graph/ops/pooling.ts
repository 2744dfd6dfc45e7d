// AVERAGE_POOL_2D and MAX_POOL_2D. A 1x1 window with stride 1 is only the
// fused activation, which XNNPACK's pooling does not accept: it becomes a clamp.
import { MOVES_VALUES } from '../../core/integer-treatment';
import { BuiltinOptions, OptionSlot, Padding } from '../../model/schema';
import { arity, first, operandTypes, optionsPresent, positive, rank, windowOptions, type Reason, type OperandRules } from '../checks';
import type { GraphBuilder } from '../builder';
import type { Node } from '../node';
import type { OpFamily } from '../op-family';
import { outputSize } from '../padding';
import type { StaticValues } from '../static-values';
import { domainOf } from '../tensor-types';

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

function check(node: Node, statics: StaticValues, rules: OperandRules = 'xnnpack'): Reason {
  return first(
    () => arity(node, 1, 1, 1),
    () => optionsPresent(node, BuiltinOptions.Pool2DOptions, 'Pool2DOptions'),
    () => operandTypes(node, statics, { activations: [0], quantized: true }, rules),
    () => rank(node.in(0), 4, 'input'),
    () => rank(node.output(0), 4, 'output'),
    () => {
      const o = poolOptions(node);
      return first(
        () => windowOptions(o),
        () => positive(o.filterH, 'filter_height'),
        () => positive(o.filterW, 'filter_width'),
        () => {
          const [, height, width] = node.in(0).shape;
          if (o.filterH > height || o.filterW > width) return `filter size (got ${o.filterH}x${o.filterW}, expected at most the input's ${height}x${width})`;
          const expected = [node.in(0).shape[0], outputSize(o.padding, height, o.filterH, o.strideH), outputSize(o.padding, width, o.filterW, o.strideW), node.in(0).shape[3]];
          return expected.join() === node.output(0).shape.join() ? undefined : `output shape (got [${node.output(0).shape}], expected [${expected}])`;
        },
      );
    },
  );
}

function lower(g: GraphBuilder, node: Node): void {
  const o = poolOptions(node);
  const input = g.value(node.in(0));
  const flags = o.padding === Padding.SAME ? g.C.nodeFlags.tensorflowSamePadding : 0;
  g.withActivation(o.activation, node.output(0), (out, min, max) => {
    if (o.filterH === 1 && o.filterW === 1 && o.strideH === 1 && o.strideW === 1) {
      g.subgraph.defineUnary(g.C.unary.clamp, input, out, { min, max });
    } else if (node.op === 'AVERAGE_POOL_2D') {
      const pool = (x: number, y: number) => g.subgraph.defineAveragePooling2d(0, 0, 0, 0, o.filterH, o.filterW, o.strideH, o.strideW, min, max, x, y, flags);
      // XNNPACK has no int8/uint8 average pooling at this version: pool in float between conversions.
      if (domainOf(node.in(0), g.statics) === 'float32') pool(input, out);
      else g.floatIsland(input, node.in(0).shape, out, node.output(0).shape, pool);
    } else {
      g.subgraph.defineMaxPooling2d(0, 0, 0, 0, o.filterH, o.filterW, o.strideH, o.strideW, 1, 1, min, max, input, out, flags);
    }
  });
}

export const pooling: OpFamily = {
  ops: ['AVERAGE_POOL_2D', 'MAX_POOL_2D'], check, lower, clampsOutput: true,
  // AVERAGE_POOL_2D is int8 in the file as TFLite writes it; XNNPACK runs it in float between conversions.
  int8: { AVERAGE_POOL_2D: MOVES_VALUES, MAX_POOL_2D: MOVES_VALUES },
};
