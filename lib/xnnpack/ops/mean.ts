// MEAN over constant axes, with or without keep_dims.
import { checkMean, keepsDims, meanAxes } from '../../core/operators/mean';
import { xnnpackOperands } from '../operand-types';
import { type Reason } from '../../core/checks';
import type { GraphBuilder } from '../builder';
import type { Node } from '../../core/node';
import type { XnnpackLowering } from '../lowering';
import type { StaticValues } from '../../core/static-values';

function lower(g: GraphBuilder, node: Node): void {
  const a = meanAxes(node, g.statics)!;
  const input = node.in(0);
  const output = node.output(0);
  const keep = keepsDims(node);
  const reducedShape = keep ? input.shape.map((d, i) => (a.includes(i) ? 1 : d)) : input.shape.filter((_, i) => !a.includes(i));
  if (reducedShape.join() === output.shape.join()) {
    g.subgraph.defineStaticReduce(g.C.reduce.mean, a, g.value(input), g.value(output), keep ? g.C.nodeFlags.keepDims : 0);
    return;
  }
  // The declared output shape differs only in unit dimensions: reduce, then reshape.
  const temp = g.internal(reducedShape, output);
  g.subgraph.defineStaticReduce(g.C.reduce.mean, a, g.value(input), temp, keep ? g.C.nodeFlags.keepDims : 0);
  g.subgraph.defineStaticReshape(output.shape, temp, g.value(output), 0);
}

function check(node: Node, statics: StaticValues): Reason {
  return checkMean(node, statics, xnnpackOperands(node, statics));
}

export const mean: XnnpackLowering = { check, lower };
