// PAD, PADV2 and MIRROR_PAD as TFLite defines them: a constant [rank, 2] tensor of paddings before and after each axis.
import { constantIntegers } from '../constant-operands';
import type { Node } from '../node';
import type { StaticValues } from '../static-values';

/** Paddings before and after each axis of `rank` from a constant [rank, 2] operand, or why not. */
export function paddingsOf(node: Node, k: number, rank: number, statics: StaticValues): { before: number[]; after: number[] } | string {
  const raw = constantIntegers(node, k, 'paddings', statics);
  if (typeof raw === 'string') return raw;
  const shape = node.in(k).shape;
  if (shape.length !== 2 || shape[0] !== rank || shape[1] !== 2) return `paddings shape (got [${shape}], expected [${rank}, 2])`;
  if (raw.some((p) => !(p >= 0 && p <= 2 ** 31 - 1))) return `paddings (got [${raw}], expected non-negative int32 values)`;
  return { before: raw.filter((_, i) => i % 2 === 0), after: raw.filter((_, i) => i % 2 === 1) };
}
