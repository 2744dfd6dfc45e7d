// TILE and BROADCAST_TO: gathers that revisit the input. An output axis of a
// TILE is walked as (copy, index) pairs, the copy adding nothing; an axis
// BROADCAST_TO stretches from size 1 adds nothing at all.
import { arity, first, type Reason } from '../../core/checks';
import type { Node } from '../../core/node';
import type { StaticValues } from '../../core/static-values';
import type { ReferenceEncoding } from '../encoding';
import type { ProgramBuilder } from '../program-builder';
import { MAX_TILE_RANK, broadcastToShape as broadcastShape, tileMultiples as multiples } from '../../core/operators/tile';
import { ALL_TYPES, dataTypes, elementBytes, oneQuantization, outputShape } from './layout-checks';
import { affine, gather, stridesOf, type AxisOffsets } from './layout-copy';

function check(node: Node, statics: StaticValues): Reason {
  return first(
    () => arity(node, 2, 2, 1),
    () => dataTypes(node, statics, [0], ALL_TYPES),
    () => oneQuantization(node, statics, [0]),
    () => (node.in(0).shape.length <= MAX_TILE_RANK ? undefined : `input rank (got ${node.in(0).shape.length}, expected at most ${MAX_TILE_RANK})`),
    () => {
      if (node.op === 'BROADCAST_TO') {
        const shape = broadcastShape(node, statics);
        return typeof shape === 'string' ? shape : outputShape(node, 0, shape);
      }
      const m = multiples(node, statics);
      return typeof m === 'string' ? m : outputShape(node, 0, node.in(0).shape.map((d, i) => d * m[i]));
    },
  );
}

function encode(b: ProgramBuilder, node: Node): void {
  const input = node.in(0).shape;
  const strides = stridesOf(input);
  const axes: AxisOffsets[] = [];
  if (node.op === 'TILE') {
    const m = multiples(node, b.statics) as number[];
    input.forEach((d, i) => axes.push(affine(m[i], 0, 0), affine(d, 0, strides[i])));
  } else {
    const out = node.output(0).shape;
    const lead = out.length - input.length;
    out.forEach((d, i) => axes.push(i < lead || input[i - lead] === 1 ? affine(d, 0, 0) : affine(d, 0, strides[i - lead])));
  }
  gather(b, node, node.in(0), node.output(0), axes, elementBytes(node.in(0), b.statics));
}

export const tileReference: ReferenceEncoding = { check, encode };
