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
  );
}

function lower(g: GraphBuilder, node: Node): void {
  g.subgraph.defineStaticReshape(node.output(0).shape, g.value(node.in(0)), g.value(node.output(0)), 0);
}

export const reshape: XnnpackLowering = {
  check, lower, 
};
