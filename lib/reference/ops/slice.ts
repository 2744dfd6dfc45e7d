// SLICE (size -1 runs to the end) and STRIDED_SLICE (any nonzero strides,
// negative ones included; begin, end, ellipsis, new-axis and shrink masks;
// offset) for every element type: a gather of the window's elements.
import { arity, first, type Reason } from '../../core/checks';
import type { Node } from '../../core/node';
import type { StaticValues } from '../../core/static-values';
import { BuiltinOptions } from '../../model/schema';
import type { ReferenceEncoding } from '../encoding';
import type { ProgramBuilder } from '../program-builder';
import { ALL_TYPES, dataTypes, elementBytes, oneQuantization, optionsType, outputShape } from './layout-checks';
import { affine, gather, windowAxes } from './layout-copy';
import { MAX_SLICE_RANK, sliceWindow, stridedWindow, type SliceAxis } from '../../core/operators/slice';

function check(node: Node, statics: StaticValues): Reason {
  const strided = node.op === 'STRIDED_SLICE';
  return first(
    () => (strided ? arity(node, 4, 4, 1) : arity(node, 3, 3, 1)),
    () => (strided ? optionsType(node, BuiltinOptions.StridedSliceOptions, 'StridedSliceOptions') : undefined),
    () => dataTypes(node, statics, [0], ALL_TYPES),
    () => oneQuantization(node, statics, [0]),
    () => (node.in(0).shape.length <= MAX_SLICE_RANK ? undefined : `input rank (got ${node.in(0).shape.length}, expected at most ${MAX_SLICE_RANK})`),
    () => {
      if (!strided) {
        const w = sliceWindow(node, statics);
        return typeof w === 'string' ? w : outputShape(node, 0, w.sizes);
      }
      const axes = stridedWindow(node, statics);
      return typeof axes === 'string' ? axes : outputShape(node, 0, axes.filter((a) => !a.shrink).map((a) => a.count));
    },
  );
}

function encode(b: ProgramBuilder, node: Node): void {
  const input = node.in(0);
  if (node.op === 'SLICE') {
    const w = sliceWindow(node, b.statics) as { begins: number[]; sizes: number[] };
    gather(b, node, input, node.output(0), windowAxes(input.shape, w.begins, w.sizes), elementBytes(input, b.statics));
    return;
  }
  const axes = (stridedWindow(node, b.statics) as SliceAxis[]).map((a) => affine(a.count, a.start * a.stride, a.step * a.stride));
  gather(b, node, input, node.output(0), axes, elementBytes(input, b.statics));
}

export const sliceReference: ReferenceEncoding = { check, encode };
