// MEAN as TFLite defines it: over constant axes, with or without keep_dims.
import { OptionSlot } from '../../model/schema';
import { arity, constant, first, normalizeAxis, rankAtMost, type OperandCheck, type Reason } from '../checks';
import type { Node } from '../node';
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

export function checkMean(node: Node, statics: StaticValues, operands: OperandCheck): Reason {
  return first(
    () => arity(node, 2, 2, 1),
    () => operands({ activations: [0] }),
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
