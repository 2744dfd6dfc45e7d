// RESHAPE, SQUEEZE and EXPAND_DIMS: all a static reshape to the declared output shape.
import { arity, first, rankAtMost, sameElementCount, type Reason } from '../../core/checks';
import { operandTypes } from '../operand-types';
import type { GraphBuilder } from '../builder';
import type { Node } from '../../core/node';
import type { XnnpackLowering } from '../lowering';
import type { StaticValues } from '../../core/static-values';

function check(node: Node, statics: StaticValues): Reason {
  return first(
    () => arity(node, 1, 2, 1),
    () => operandTypes(node, statics, { activations: [0], quantized: true }),
    () => rankAtMost(node.output(0), 6, 'output'),
    () => rankAtMost(node.in(0), 6, 'input'),
    () => sameElementCount(node.in(0), node.output(0)),
    // A target computed at run time (SHAPE -> ... -> RESHAPE) would be a partition input XNNPACK cannot take;
    // the reference kernels copy. At a session's own shapes it is usually folded into a constant (lib/core/shape-values.ts).
    () => (node.input(1) && !statics.isStatic(node.input(1)) ? 'shape (got a tensor computed at run time, expected a constant)' : undefined),
  );
}

function lower(g: GraphBuilder, node: Node): void {
  g.subgraph.defineStaticReshape(node.output(0).shape, g.value(node.in(0)), g.value(node.output(0)), 0);
}

export const reshape: XnnpackLowering = {
  check, lower, 
};
