// DEPTH_TO_SPACE and SPACE_TO_DEPTH (NHWC, TensorFlow's DCR order).
import { BuiltinOptions, OptionSlot } from '../../model/schema';
import { arity, first, optionsPresent, positive, rank, type Reason } from '../../core/checks';
import { operandTypes } from '../operand-types';
import type { GraphBuilder } from '../builder';
import type { Node } from '../../core/node';
import type { XnnpackLowering } from '../lowering';
import type { StaticValues } from '../../core/static-values';

function blockSize(node: Node): number {
  return node.options!.scalar(OptionSlot.BlockSize.blockSize, 'i32', 'block_size');
}

function check(node: Node, statics: StaticValues): Reason {
  const toSpace = node.op === 'DEPTH_TO_SPACE';
  return first(
    () => arity(node, 1, 1, 1),
    () => optionsPresent(node, toSpace ? BuiltinOptions.DepthToSpaceOptions : BuiltinOptions.SpaceToDepthOptions,
      toSpace ? 'DepthToSpaceOptions' : 'SpaceToDepthOptions'),
    () => operandTypes(node, statics, { activations: [0], quantized: true }),
    () => rank(node.in(0), 4, 'input'),
    () => positive(blockSize(node), 'block_size'),
    () => {
      const b = blockSize(node);
      const [n, h, w, c] = node.in(0).shape;
      const expected = toSpace ? [n, h * b, w * b, c / (b * b)] : [n, h / b, w / b, c * b * b];
      if (expected.some((d) => !Number.isInteger(d))) return `input shape (got [${node.in(0).shape}], expected dimensions divisible by block size ${b})`;
      return expected.join() === node.output(0).shape.join() ? undefined : `output shape (got [${node.output(0).shape}], expected [${expected}])`;
    },
  );
}

function lower(g: GraphBuilder, node: Node): void {
  const define = node.op === 'DEPTH_TO_SPACE' ? g.subgraph.defineDepthToSpace2d : g.subgraph.defineSpaceToDepth2d;
  define.call(g.subgraph, blockSize(node), g.value(node.in(0)), g.value(node.output(0)), 0);
}

export const depthSpace: XnnpackLowering = {
  check, lower, 
};
