import { OptionSlot } from '../../model/schema';
import type { TensorDef } from '../../model/types';
import { constantIntegers } from '../constant-operands';
import type { Node } from '../node';
import type { StaticValues } from '../static-values';

/**
 * Which input elements TFLite's STRIDED_SLICE picks: the masks expanded as
 * its kernel expands them (an ellipsis covers the axes the index lists leave
 * out, a new axis inserts a dimension of 1), then per axis a start, a stride
 * and a count, with TFLite's clamping of out-of-range begins and ends.
 */
export interface StridedSliceMasks {
  beginMask: number;
  endMask: number;
  ellipsisMask: number;
  newAxisMask: number;
  shrinkAxisMask: number;
  offset: boolean;
}

/** The masks and offset of a STRIDED_SLICE (all 0 without options). */
export function stridedSliceMasks(node: Node): StridedSliceMasks {
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

/** One axis of the input with new axes inserted. */
export interface SliceAxis {
  /** Its size (1 for a new axis) and row-major stride (0 for a new axis). */
  size: number;
  stride: number;
  start: number;
  step: number;
  count: number;
  /** Dropped from the output (shrink_axis_mask). */
  shrink: boolean;
}

/** More axes than this (input rank plus new axes) are refused. */
export const MAX_SLICE_RANK = 8;

const bit = (mask: number, i: number) => ((mask >>> i) & 1) === 1;

const clamp = (v: number, lo: number, hi: number) => Math.min(Math.max(v, lo), hi);

/** TFLite's StartForAxis and EndForAxis (reference_ops, strided_slice.h), for one effective axis. */
function range(size: number, begin: number, end: number, step: number, masked: { begin: boolean; end: boolean; shrink: boolean }, offset: boolean): [number, number] {
  let start = begin < 0 ? begin + size : begin;
  start = step > 0 ? clamp(start, 0, size) : clamp(start, -1, size - 1);
  if (masked.begin) start = step > 0 ? 0 : size - 1;
  if (masked.shrink) return [start, start >= size ? start : start + 1];
  let stop = offset ? end + start : end;
  if (stop < 0) stop += size;
  stop = step > 0 ? clamp(stop, 0, size) : clamp(stop, -1, size - 1);
  if (masked.end) stop = step > 0 ? size : -1;
  return [start, stop];
}

/** Elements visited from `start` toward `stop` (exclusive) by `step`. */
const countOf = (start: number, stop: number, step: number) => Math.max(0, Math.ceil((stop - start) / step));

/** The axes the slice walks (new axes included, in output order), or why the masks do not fit the input. */
export function stridedSliceAxes(shape: readonly number[], begin: readonly number[], end: readonly number[], strides: readonly number[], m: StridedSliceMasks): SliceAxis[] | string {
  const n = begin.length;
  let addedAxes = 0;
  for (let i = 0; i < n; i++) if (!bit(m.ellipsisMask, i) && bit(m.newAxisMask, i)) addedAxes++;
  const dims = shape.length + addedAxes;
  if (dims > MAX_SLICE_RANK) return `rank with new axes (got ${dims}, expected at most ${MAX_SLICE_RANK})`;
  // The axes the ellipsis stands for, and the new axes, in effective-axis numbering.
  const ellipsisAxes = new Set<number>();
  const newAxes = new Set<number>();
  let ellipsisStart = dims;
  let expanded = 0;
  for (let i = 0; i < dims;) {
    if (bit(m.ellipsisMask, i)) {
      ellipsisStart = i;
      const stop = Math.max(i + 1, Math.min(i + 1 + addedAxes + shape.length - n, dims));
      expanded = stop - i - 1;
      for (; i < stop; i++) ellipsisAxes.add(i);
      continue;
    }
    if (bit(m.newAxisMask, i - expanded)) newAxes.add(i);
    i++;
  }
  const sizes: number[] = [];
  const specs: { begin: number; end: number; step: number; masked: { begin: boolean; end: boolean; shrink: boolean } }[] = [];
  let addedEllipsis = 0;
  let inserted = 0;
  for (let i = 0; i < dims; i++) {
    const all = { begin: 0, end: 0, step: 1, masked: { begin: true, end: true, shrink: false } };
    if (ellipsisAxes.has(i)) {
      addedEllipsis = Math.max(0, i - ellipsisStart);
      sizes.push(shape[i - inserted]);
      specs.push(all);
    } else if (newAxes.has(i)) {
      sizes.push(1);
      specs.push({ begin: 0, end: 1, step: 1, masked: { begin: false, end: false, shrink: false } });
      inserted++;
    } else if (i >= n + expanded) {
      sizes.push(shape[i - inserted]);
      specs.push(all);
    } else {
      const k = i - addedEllipsis;
      sizes.push(shape[i - inserted]);
      specs.push({ begin: begin[k], end: end[k], step: strides[k], masked: { begin: bit(m.beginMask, k), end: bit(m.endMask, k), shrink: bit(m.shrinkAxisMask, k) } });
    }
  }
  if (inserted !== addedAxes || sizes.some((s) => s === undefined)) return `masks (got ellipsis_mask ${m.ellipsisMask} and new_axis_mask ${m.newAxisMask}, expected masks that fit an input of rank ${shape.length})`;
  const strideOf: number[] = [];
  let s = 1;
  for (let i = dims - 1; i >= 0; i--) {
    strideOf[i] = s;
    s *= sizes[i];
  }
  const axes: SliceAxis[] = [];
  for (let i = 0; i < dims; i++) {
    const spec = specs[i];
    if (!Number.isInteger(spec.begin) || !Number.isInteger(spec.end) || !Number.isInteger(spec.step)) return `begin, end and strides (expected ${n} integers each)`;
    if (spec.step === 0 || spec.step <= -(2 ** 31)) return `stride along axis ${i} (got ${spec.step}, expected nonzero and above -2^31)`;
    // TFLite's kernel walks a shrunk axis from begin to begin + 1 by the stride: with a negative one it reads nothing.
    if (spec.masked.shrink && spec.step < 0) return `stride along shrunk axis ${i} (got ${spec.step}, expected a positive one)`;
    const [start, stop] = range(sizes[i], spec.begin, spec.end, spec.step, spec.masked, m.offset);
    const count = countOf(start, stop, spec.step);
    if (spec.masked.shrink && count !== 1) return `shrunk axis ${i} (got begin ${spec.begin}, expected an index inside -${sizes[i]}..${sizes[i] - 1})`;
    if (m.offset && !spec.masked.shrink && count !== countOf(0, spec.end, spec.step)) {
      return `offset slice along axis ${i} (got size ${spec.end} from ${start}, expected a window inside the ${sizes[i]} elements)`;
    }
    axes.push({ size: sizes[i], stride: newAxes.has(i) ? 0 : strideOf[i], start, step: spec.step, count, shrink: spec.masked.shrink });
  }
  return axes;
}

const dtypeOf = (t: TensorDef, statics: StaticValues) => statics.get(t)?.dtype ?? t.dtype;

/** TFLite reads at most 31 begin, end and stride values. */
const MAX_INDICES = 31;

/** SLICE's window: begin and size per axis (size -1 runs to the end), or why they do not fit the input. */
export function sliceWindow(node: Node, statics: StaticValues): { begins: number[]; sizes: number[] } | string {
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

/** STRIDED_SLICE's axes (new ones included), or why its operands and masks do not fit the input. */
export function stridedWindow(node: Node, statics: StaticValues): SliceAxis[] | string {
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
  const m = stridedSliceMasks(node);
  // TFLite sizes an offset slice by reading `end` per axis of the expanded input: only plain index lists agree with its kernel.
  if (m.offset && (m.ellipsisMask !== 0 || m.newAxisMask !== 0 || n !== shape.length)) {
    return `offset (got true with ${n} indices, ellipsis_mask ${m.ellipsisMask} and new_axis_mask ${m.newAxisMask}, expected one index per input axis and no ellipsis or new axis)`;
  }
  const axes = stridedSliceAxes(shape, begin, end, strides, m);
  if (typeof axes === 'string') return axes;
  if (n > axes.length) return `begin, end and strides (got ${n} values, expected at most ${axes.length})`;
  return axes;
}
