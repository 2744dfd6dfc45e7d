// Shape rules of pooling and reductions.
import type { Node } from '../node';
import { keepsDims } from '../operators/mean';
import { poolOptions } from '../operators/pooling';
import { outputSize } from '../padding';
import type { ShapeRule } from '../shape-rule';
import type { StaticValues } from '../static-values';
import { constantIntegers } from '../constant-operands';
import { normalizeAxis } from '../checks';
import { rankReason, type Shapes } from './common';

/** AVERAGE_POOL_2D and MAX_POOL_2D: [batch, out height, out width, channels]. */
export const poolingShape: ShapeRule = (node: Node): Shapes => {
  const input = node.in(0);
  const rank = rankReason(input, 4, 'input');
  if (rank) return rank;
  const o = poolOptions(node);
  const [n, h, w, c] = input.shape;
  const outH = outputSize(o.padding, h, o.filterH, o.strideH);
  const outW = outputSize(o.padding, w, o.filterW, o.strideW);
  if (!(outH >= 1 && outW >= 1)) return `input height and width (got ${h} x ${w}, expected at least the ${o.filterH} x ${o.filterW} window with VALID padding)`;
  return [[n, outH, outW, c]];
};

/** The reduced axes of input 0 from constant input 1 (negative ones count from the end, repeats once), sorted; or why not. */
export function reducedAxes(node: Node, statics: StaticValues): number[] | string {
  const raw = constantIntegers(node, 1, 'axes', statics, ['int32']);
  if (typeof raw === 'string') return raw;
  const rank = node.in(0).shape.length;
  const axes = new Set<number>();
  for (const a of raw) {
    const n = normalizeAxis(a, rank);
    if (n === undefined) return `axes (got [${raw}], expected integers from ${-rank} to ${rank - 1})`;
    axes.add(n);
  }
  return [...axes].sort((x, y) => x - y);
}

/** MEAN, SUM and REDUCE_*: the reduced axes dropped, or kept as 1 with keep_dims. */
export const reductionShape: ShapeRule = (node: Node, statics: StaticValues): Shapes => {
  const axes = reducedAxes(node, statics);
  if (typeof axes === 'string') return axes;
  const input = node.in(0).shape;
  return [keepsDims(node) ? input.map((d, i) => (axes.includes(i) ? 1 : d)) : input.filter((_, i) => !axes.includes(i))];
};
