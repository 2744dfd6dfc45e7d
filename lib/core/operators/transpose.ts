// TRANSPOSE as TFLite defines it: by a constant permutation of the axes.
import { constantIntegers } from '../constant-operands';
import type { Node } from '../node';
import type { StaticValues } from '../static-values';

/** TRANSPOSE's constant perm, a permutation of the input's axes, or why not. */
export function permutationOf(node: Node, statics: StaticValues): number[] | string {
  const perm = constantIntegers(node, 1, 'perm', statics, ['int32']);
  if (typeof perm === 'string') return perm;
  const rank = node.in(0).shape.length;
  const sorted = [...perm].sort((a, b) => a - b);
  return perm.length === rank && sorted.every((p, i) => p === i) ? perm : `perm (got [${perm}], expected a permutation of 0..${rank - 1})`;
}
