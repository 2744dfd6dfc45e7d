// RESHAPE, SQUEEZE and EXPAND_DIMS: all a static reshape to the declared output shape.
import { MOVES_VALUES } from '../../core/integer-treatment';
import { arity, first, operandTypes, rankAtMost, sameElementCount, type Reason, type OperandRules } from '../checks';
import type { GraphBuilder } from '../builder';
import type { Node } from '../node';
import type { OpFamily } from '../op-family';
import type { StaticValues } from '../static-values';

function check(node: Node, statics: StaticValues, rules: OperandRules = 'xnnpack'): Reason {
  return first(
    () => arity(node, 1, 2, 1),
    () => operandTypes(node, statics, { activations: [0], quantized: true }, rules),
    () => rankAtMost(node.output(0), 6, 'output'),
    () => rankAtMost(node.in(0), 6, 'input'),
    () => sameElementCount(node.in(0), node.output(0)),
  );
}

function lower(g: GraphBuilder, node: Node): void {
  g.subgraph.defineStaticReshape(node.output(0).shape, g.value(node.in(0)), g.value(node.output(0)), 0);
}

export const reshape: OpFamily = {
  ops: ['RESHAPE', 'SQUEEZE', 'EXPAND_DIMS'], check, lower, int8: { RESHAPE: MOVES_VALUES, SQUEEZE: MOVES_VALUES, EXPAND_DIMS: MOVES_VALUES },
};
