// TILE and BROADCAST_TO: gathers that revisit the input. An output axis of a
// TILE is walked as (copy, index) pairs, the copy adding nothing; an axis
// BROADCAST_TO stretches from size 1 adds nothing at all.
import { arity, first, type Reason } from '../../core/checks';
import type { Node } from '../../core/node';
import type { StaticValues } from '../../core/static-values';
import type { ReferenceEncoding } from '../encoding';
import type { ProgramBuilder } from '../program-builder';
import { ALL_TYPES, constantIntegers, dataTypes, elementBytes, oneQuantization, outputShape } from './layout-checks';
import { affine, gather, stridesOf, type AxisOffsets } from './layout-copy';

const MAX_RANK = 8;

function multiples(node: Node, statics: StaticValues): number[] | string {
  const m = constantIntegers(node, 1, 'multiples', statics);
  if (typeof m === 'string') return m;
  const rank = node.in(0).shape.length;
  if (m.length !== rank || m.some((v) => !(v >= 0))) return `multiples (got [${m}], expected a non-negative value per input axis: ${rank})`;
  return m;
}

function broadcastShape(node: Node, statics: StaticValues): number[] | string {
  const shape = constantIntegers(node, 1, 'shape', statics);
  if (typeof shape === 'string') return shape;
  const input = node.in(0).shape;
  if (node.in(1).shape.length !== 1) return `shape operand (got shape [${node.in(1).shape}], expected one dimension)`;
  if (shape.length < input.length || shape.length > MAX_RANK) return `shape (got [${shape}], expected ${input.length} to ${MAX_RANK} dimensions)`;
  const lead = shape.length - input.length;
  for (let i = 0; i < input.length; i++) {
    if (input[i] !== 1 && input[i] !== shape[lead + i]) return `shape (got [${shape}], expected a shape [${input}] broadcasts to)`;
  }
  return shape;
}

function check(node: Node, statics: StaticValues): Reason {
  return first(
    () => arity(node, 2, 2, 1),
    () => dataTypes(node, statics, [0], ALL_TYPES),
    () => oneQuantization(node, statics, [0]),
    () => (node.in(0).shape.length <= MAX_RANK ? undefined : `input rank (got ${node.in(0).shape.length}, expected at most ${MAX_RANK})`),
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
