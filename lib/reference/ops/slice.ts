// SLICE (size -1 runs to the end) and STRIDED_SLICE (any nonzero strides,
// negative ones included; begin, end, ellipsis, new-axis and shrink masks;
// offset) for every element type: a gather of the window's elements.
import { arity, first, type Reason } from '../../core/checks';
import type { Node } from '../../core/node';
import type { StaticValues } from '../../core/static-values';
import { BuiltinOptions, OptionSlot } from '../../model/schema';
import type { ReferenceEncoding } from '../encoding';
import type { ProgramBuilder } from '../program-builder';
import { ALL_TYPES, constantIntegers, dataTypes, dtypeOf, elementBytes, oneQuantization, optionsType, outputShape } from './layout-checks';
import { affine, gather, windowAxes } from './layout-copy';
import { MAX_SLICE_RANK, stridedSliceAxes, type SliceAxis, type StridedSliceMasks } from './strided-slice-window';

/** TFLite reads at most 31 begin, end and stride values. */
const MAX_INDICES = 31;

function sliceWindow(node: Node, statics: StaticValues): { begins: number[]; sizes: number[] } | string {
  const shape = node.in(0).shape;
  const begin = constantIntegers(node, 1, 'begin', statics);
  if (typeof begin === 'string') return begin;
  const size = constantIntegers(node, 2, 'size', statics);
  if (typeof size === 'string') return size;
  // TFLite reads size in begin's type.
  if (dtypeOf(node.in(2), statics) !== dtypeOf(node.in(1), statics)) return `size type (got ${dtypeOf(node.in(2), statics)}, expected ${dtypeOf(node.in(1), statics)} like begin)`;
  if (begin.length !== shape.length || size.length !== shape.length) return `begin and size (got ${begin.length} and ${size.length} values, expected ${shape.length} each)`;
  const sizes: number[] = [];
  for (let i = 0; i < shape.length; i++) {
    const s = size[i] === -1 ? shape[i] - begin[i] : size[i];
    if (!(begin[i] >= 0 && s >= 0 && begin[i] + s <= shape[i])) {
      return `slice along axis ${i} (got begin ${begin[i]} and size ${size[i]}, expected a window inside 0..${shape[i]})`;
    }
    sizes.push(s);
  }
  return { begins: begin, sizes };
}

function masksOf(node: Node): StridedSliceMasks {
  const o = node.options;
  const S = OptionSlot.StridedSlice;
  const read = (slot: number, name: string) => (o ? o.scalar(slot, 'i32', name) : 0);
  return {
    beginMask: read(S.beginMask, 'begin_mask'),
    endMask: read(S.endMask, 'end_mask'),
    ellipsisMask: read(S.ellipsisMask, 'ellipsis_mask'),
    newAxisMask: read(S.newAxisMask, 'new_axis_mask'),
    shrinkAxisMask: read(S.shrinkAxisMask, 'shrink_axis_mask'),
    offset: o ? o.bool(S.offset, 'offset') : false,
  };
}

function stridedWindow(node: Node, statics: StaticValues): SliceAxis[] | string {
  const shape = node.in(0).shape;
  const values: number[][] = [];
  for (const [k, what] of [[1, 'begin'], [2, 'end'], [3, 'strides']] as const) {
    const v = constantIntegers(node, k, what, statics, ['int32']);
    if (typeof v === 'string') return v;
    if (node.in(k).shape.length !== 1) return `${what} shape (got [${node.in(k).shape}], expected one dimension)`;
    values.push(v);
  }
  const [begin, end, strides] = values;
  const n = begin.length;
  if (end.length !== n || strides.length !== n) return `begin, end and strides (got ${n}, ${end.length} and ${strides.length} values, expected as many of each)`;
  if (n > MAX_INDICES) return `begin (got ${n} values, expected at most ${MAX_INDICES})`;
  const m = masksOf(node);
  // TFLite sizes an offset slice by reading `end` per axis of the expanded input: only plain index lists agree with its kernel.
  if (m.offset && (m.ellipsisMask !== 0 || m.newAxisMask !== 0 || n !== shape.length)) {
    return `offset (got true with ${n} indices, ellipsis_mask ${m.ellipsisMask} and new_axis_mask ${m.newAxisMask}, expected one index per input axis and no ellipsis or new axis)`;
  }
  const axes = stridedSliceAxes(shape, begin, end, strides, m);
  if (typeof axes === 'string') return axes;
  if (n > axes.length) return `begin, end and strides (got ${n} values, expected at most ${axes.length})`;
  return axes;
}

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
