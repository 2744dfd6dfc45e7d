// TRANSPOSE by a constant permutation.
import { arity, constant, first, rankAtMost, type Reason } from '../../core/checks';
import { operandTypes } from '../operand-types';
import type { GraphBuilder } from '../builder';
import type { Node } from '../../core/node';
import type { XnnpackLowering } from '../lowering';
import type { StaticValues } from '../../core/static-values';

function check(node: Node, statics: StaticValues): Reason {
  return first(
    () => arity(node, 2, 2, 1),
    () => operandTypes(node, statics, { activations: [0], quantized: true }),
    () => rankAtMost(node.in(0), 6, 'input'),
    () => constant(node.in(1), 'perm', statics),
    () => {
      const perm = statics.integers(node.in(1)) ?? [];
      const r = node.in(0).shape.length;
      const sorted = [...perm].sort((a, b) => a - b);
      if (perm.length !== r || sorted.some((p, i) => p !== i)) return `perm (got [${perm}], expected a permutation of 0..${r - 1})`;
      const expected = perm.map((p) => node.in(0).shape[p]);
      return expected.join() === node.output(0).shape.join() ? undefined : `output shape (got [${node.output(0).shape}], expected [${expected}])`;
    },
  );
}

function lower(g: GraphBuilder, node: Node): void {
  g.subgraph.defineStaticTranspose(g.statics.integers(node.in(1))!, g.value(node.in(0)), g.value(node.output(0)), 0);
}

export const transpose: XnnpackLowering = { check, lower };
