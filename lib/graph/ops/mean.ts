// MEAN over constant axes, with or without keep_dims.
import { ONE_ACTIVATION } from '../../core/integer-treatment';
import { OptionSlot } from '../../model/schema';
import { arity, constant, first, normalizeAxis, operandTypes, rankAtMost, type Reason, type OperandRules } from '../checks';
import type { GraphBuilder } from '../builder';
import type { Node } from '../node';
import type { OpFamily } from '../op-family';
import type { StaticValues } from '../static-values';

export function meanAxes(node: Node, statics: StaticValues): number[] | undefined {
  const raw = statics.integers(node.in(1));
  if (!raw) return undefined;
  const r = node.in(0).shape.length;
  const out = new Set<number>();
  for (const a of raw) {
    const n = normalizeAxis(a, r);
    if (n === undefined) return undefined;
    out.add(n);
  }
  return [...out].sort((x, y) => x - y);
}

export function keepsDims(node: Node): boolean {
  return node.options ? node.options.bool(OptionSlot.Reducer.keepDims, 'keep_dims') : false;
}

function check(node: Node, statics: StaticValues, rules: OperandRules = 'xnnpack'): Reason {
  return first(
    () => arity(node, 2, 2, 1),
    () => operandTypes(node, statics, { activations: [0], quantized: true }, rules),
    () => rankAtMost(node.in(0), 6, 'input'),
    () => constant(node.in(1), 'axes', statics),
    () => {
      const a = meanAxes(node, statics);
      if (!a) return `axes (got [${statics.integers(node.in(1))}], expected integers within rank ${node.in(0).shape.length})`;
      if (a.length === 0) return 'axes (got none, expected at least one)';
      const input = node.in(0).shape;
      const expected = keepsDims(node) ? input.map((d, i) => (a.includes(i) ? 1 : d)) : input.filter((_, i) => !a.includes(i));
      const out = node.output(0).shape;
      return out.reduce((x, y) => x * y, 1) === expected.reduce((x, y) => x * y, 1)
        ? undefined : `output shape (got [${out}], expected [${expected}])`;
    },
  );
}

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

export const mean: OpFamily = { ops: ['MEAN'], check, lower, int8: { MEAN: ONE_ACTIVATION } };
