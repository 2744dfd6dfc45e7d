// TRANSPOSE by a constant permutation and REVERSE_V2 along constant axes:
// gathers whose axes step through the input in another order or backwards.
import { arity, first, normalizeAxis, type Reason } from '../../core/checks';
import type { Node } from '../../core/node';
import type { StaticValues } from '../../core/static-values';
import { permutationOf as permutation } from '../../core/operators/transpose';
import type { ReferenceEncoding } from '../encoding';
import type { ProgramBuilder } from '../program-builder';
import { ALL_TYPES, constantIntegers, dataTypes, elementBytes, oneQuantization, outputShape } from './layout-checks';
import { affine, gather, stridesOf } from './layout-copy';

const MAX_RANK = 8;

/**
 * REVERSE_V2's axes, normalized. TFLite's kernel reverses one run of
 * adjacent axes only; it refuses other lists, and so does this.
 */
function reversedAxes(node: Node, statics: StaticValues): number[] | string {
  const raw = constantIntegers(node, 1, 'axis', statics, ['int32']);
  if (typeof raw === 'string') return raw;
  const rank = node.in(0).shape.length;
  const axes = raw.map((a) => normalizeAxis(a, rank));
  if (node.in(1).shape.length !== 1 || raw.length < 1 || axes.some((a) => a === undefined)) {
    return `axis (got [${raw}], expected a list of 1 to ${rank} axes from ${-rank} to ${rank - 1})`;
  }
  const sorted = (axes as number[]).sort((a, b) => a - b);
  return sorted.every((a, i) => i === 0 || a === sorted[i - 1] + 1) ? sorted : `axis (got [${raw}], expected adjacent axes, each once: TFLite reverses no other lists)`;
}

function check(node: Node, statics: StaticValues): Reason {
  return first(
    () => arity(node, 2, 2, 1),
    () => dataTypes(node, statics, [0], ALL_TYPES),
    () => oneQuantization(node, statics, [0]),
    () => (node.in(0).shape.length <= MAX_RANK ? undefined : `input rank (got ${node.in(0).shape.length}, expected at most ${MAX_RANK})`),
    () => {
      const input = node.in(0).shape;
      if (node.op === 'REVERSE_V2') {
        const axes = reversedAxes(node, statics);
        return typeof axes === 'string' ? axes : outputShape(node, 0, input);
      }
      const perm = permutation(node, statics);
      return typeof perm === 'string' ? perm : outputShape(node, 0, perm.map((p) => input[p]));
    },
  );
}

function encode(b: ProgramBuilder, node: Node): void {
  const input = node.in(0).shape;
  const strides = stridesOf(input);
  let axes;
  if (node.op === 'REVERSE_V2') {
    const reversed = new Set(reversedAxes(node, b.statics) as number[]);
    axes = input.map((d, i) => (reversed.has(i) ? affine(d, (d - 1) * strides[i], -strides[i]) : affine(d, 0, strides[i])));
  } else {
    axes = (permutation(node, b.statics) as number[]).map((p) => affine(input[p], 0, strides[p]));
  }
  gather(b, node, node.in(0), node.output(0), axes, elementBytes(node.in(0), b.statics));
}

export const transposeReference: ReferenceEncoding = { check, encode };
