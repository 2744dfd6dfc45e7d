// TILE (constant multiples) and BROADCAST_TO (a constant shape) as TFLite defines them.
import { constantIntegers } from '../constant-operands';
import type { Node } from '../node';
import type { StaticValues } from '../static-values';

/** TILE and BROADCAST_TO take at most 8 dimensions. */
export const MAX_TILE_RANK = 8;

/** TILE's constant multiples, one per input axis, or why not. */
export function tileMultiples(node: Node, statics: StaticValues): number[] | string {
  const m = constantIntegers(node, 1, 'multiples', statics);
  if (typeof m === 'string') return m;
  const rank = node.in(0).shape.length;
  if (m.length !== rank || m.some((v) => !(v >= 0))) return `multiples (got [${m}], expected a non-negative value per input axis: ${rank})`;
  return m;
}

/** BROADCAST_TO's constant shape, one the input broadcasts to, or why not. */
export function broadcastToShape(node: Node, statics: StaticValues): number[] | string {
  const shape = constantIntegers(node, 1, 'shape', statics);
  if (typeof shape === 'string') return shape;
  const input = node.in(0).shape;
  if (node.in(1).shape.length !== 1) return `shape operand (got shape [${node.in(1).shape}], expected one dimension)`;
  if (shape.length < input.length || shape.length > MAX_TILE_RANK) return `shape (got [${shape}], expected ${input.length} to ${MAX_TILE_RANK} dimensions)`;
  const lead = shape.length - input.length;
  for (let i = 0; i < input.length; i++) {
    if (input[i] !== 1 && input[i] !== shape[lead + i]) return `shape (got [${shape}], expected a shape [${input}] broadcasts to)`;
  }
  return shape;
}
