// MIRROR_PAD: each output index along a padded axis reads the input index it
// mirrors. REFLECT mirrors around the edge element (padding at most size - 1),
// SYMMETRIC repeats it (padding at most size).
import { arity, first, type Reason } from '../../core/checks';
import type { Node } from '../../core/node';
import type { StaticValues } from '../../core/static-values';
import { BuiltinOptions, MirrorPadMode, OptionSlot } from '../../model/schema';
import type { ReferenceEncoding } from '../encoding';
import type { ProgramBuilder } from '../program-builder';
import { ALL_TYPES, dataTypes, elementBytes, oneQuantization, outputShape } from './layout-checks';
import { affine, gather, stridesOf, table } from './layout-copy';
import { paddingsOf } from '../../core/operators/pad';

const MAX_RANK = 8;

function mode(node: Node): number {
  return node.options!.scalar(OptionSlot.MirrorPad.mode, 'i8', 'mode');
}

/** The input index output index `i` reads along an axis of `size` padded by `before`; `offset` is 1 for REFLECT, 0 for SYMMETRIC. */
export function mirrored(i: number, size: number, before: number, offset: number): number {
  if (i < before) return before - i - 1 + offset;
  const j = i - before;
  return j < size ? j : 2 * size - j - 1 - offset;
}

function check(node: Node, statics: StaticValues): Reason {
  return first(
    () => arity(node, 2, 2, 1),
    () => (node.options && node.def.optionsType === BuiltinOptions.MirrorPadOptions ? undefined
      : `options (got ${node.options ? `type ${node.def.optionsType}` : 'none'}, expected MirrorPadOptions)`),
    () => (mode(node) === MirrorPadMode.REFLECT || mode(node) === MirrorPadMode.SYMMETRIC ? undefined
      : `mode (got ${mode(node)}, expected REFLECT (0) or SYMMETRIC (1))`),
    () => dataTypes(node, statics, [0], ALL_TYPES),
    () => oneQuantization(node, statics, [0], true),
    () => (node.in(0).shape.length <= MAX_RANK ? undefined : `input rank (got ${node.in(0).shape.length}, expected at most ${MAX_RANK})`),
    () => {
      const input = node.in(0).shape;
      const p = paddingsOf(node, 1, input.length, statics);
      if (typeof p === 'string') return p;
      const offset = mode(node) === MirrorPadMode.REFLECT ? 1 : 0;
      for (let i = 0; i < input.length; i++) {
        const most = input[i] - offset;
        if (p.before[i] > most || p.after[i] > most) {
          return `paddings along axis ${i} (got ${p.before[i]} and ${p.after[i]}, expected at most ${most} for ${offset ? 'REFLECT' : 'SYMMETRIC'} of size ${input[i]})`;
        }
      }
      return outputShape(node, 0, input.map((d, i) => d + p.before[i] + p.after[i]));
    },
  );
}

function encode(b: ProgramBuilder, node: Node): void {
  const input = node.in(0).shape;
  const p = paddingsOf(node, 1, input.length, b.statics) as { before: number[] };
  const offset = mode(node) === MirrorPadMode.REFLECT ? 1 : 0;
  const strides = stridesOf(input);
  const axes = node.output(0).shape.map((size, d) => (size === input[d] ? affine(size, 0, strides[d])
    : table(Array.from({ length: size }, (_, i) => mirrored(i, input[d], p.before[d], offset) * strides[d]))));
  gather(b, node, node.in(0), node.output(0), axes, elementBytes(node.in(0), b.statics));
}

export const mirrorPadReference: ReferenceEncoding = { check, encode };
