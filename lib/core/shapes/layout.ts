// Shape rules of the operators that move values: reshapes, joins and splits,
// slices, transposes, paddings, tiles, block rearrangements and resizes.
import { OptionSlot } from '../../model/schema';
import { normalizeAxis } from '../checks';
import { constantIntegers } from '../constant-operands';
import type { Node } from '../node';
import { concatenationOptions } from '../operators/concatenation';
import { paddingsOf } from '../operators/pad';
import { sliceWindow, stridedWindow } from '../operators/slice';
import { blocksOf, spaceBatchOutput } from '../operators/space-batch';
import { dataInput, splitParts } from '../operators/split';
import { broadcastToShape, tileMultiples } from '../operators/tile';
import { permutationOf } from '../operators/transpose';
import type { ShapeRule } from '../shape-rule';
import type { StaticValues } from '../static-values';
import { axisOf, elementsOf, rankReason, sameShape, single, type Shapes } from './common';

/**
 * The shape RESHAPE asks for, as TFLite reads it: its input 1 when that is
 * an int32 vector, else the options' new_shape (a legacy [0] meaning a
 * scalar; none at all meaning a scalar too).
 */
function requestedShape(node: Node, statics: StaticValues): number[] | string {
  const shape = node.input(1);
  if (shape && shape.shape.length === 1 && (statics.get(shape)?.dtype ?? shape.dtype) === 'int32') {
    return constantIntegers(node, 1, 'shape', statics, ['int32']);
  }
  const fromOptions = node.options?.scalars(OptionSlot.Reshape.newShape, 'i32', 'new_shape') ?? [];
  return fromOptions.length === 1 && fromOptions[0] === 0 ? [] : fromOptions;
}

/** RESHAPE: the requested shape, its one -1 (if any) inferred from the input's element count. */
export const reshapeShape: ShapeRule = (node: Node, statics: StaticValues): Shapes => {
  const requested = requestedShape(node, statics);
  if (typeof requested === 'string') return requested;
  const input = node.in(0).shape;
  const count = elementsOf(input);
  let stretch = -1;
  for (const [i, d] of requested.entries()) {
    if (d === -1 && stretch < 0) stretch = i;
    else if (!(d >= 0)) return `new shape (got [${requested}], expected sizes >= 0 and at most one -1)`;
  }
  const out = [...requested];
  if (stretch >= 0) {
    const known = requested.filter((_, i) => i !== stretch);
    const nonzero = (s: readonly number[]) => elementsOf(s.filter((d) => d !== 0));
    out[stretch] = count === 0 && elementsOf(known) !== 0 ? 0 : Math.floor(nonzero(input) / nonzero(known));
  }
  return elementsOf(out) === count ? [out] : `new shape (got [${requested}], expected ${count} elements like the input [${input}])`;
};

/** SQUEEZE: the listed size-1 axes removed (every size-1 axis without a list). */
export const squeezeShape: ShapeRule = (node: Node): Shapes => {
  const input = node.in(0).shape;
  const listed = node.options?.scalars(OptionSlot.Squeeze.squeezeDims, 'i32', 'squeeze_dims') ?? [];
  if (listed.length === 0) return [input.filter((d) => d !== 1)];
  const removed = new Set<number>();
  for (const a of listed) {
    const axis = normalizeAxis(a, input.length);
    if (axis === undefined || input[axis] !== 1) return `squeeze_dims (got [${listed}], expected axes of size 1 of [${input}])`;
    removed.add(axis);
  }
  return [input.filter((_, i) => !removed.has(i))];
};

/** EXPAND_DIMS: a dimension of 1 inserted at the constant axis (input 1; negative counts from past the end). */
export const expandDimsShape: ShapeRule = (node: Node, statics: StaticValues): Shapes => {
  const raw = constantIntegers(node, 1, 'axis', statics);
  if (typeof raw === 'string') return raw;
  const input = node.in(0).shape;
  if (raw.length !== 1) return `axis (got ${raw.length} values, expected one)`;
  const axis = raw[0] < 0 ? raw[0] + input.length + 1 : raw[0];
  if (!(axis >= 0 && axis <= input.length)) return `axis (got ${raw[0]}, expected ${-input.length - 1} to ${input.length})`;
  return [[...input.slice(0, axis), 1, ...input.slice(axis)]];
};

/** CONCATENATION: the inputs' sizes along the axis summed; every other dimension shared. */
export const concatenationShape: ShapeRule = (node: Node): Shapes => {
  const first = node.in(0).shape;
  const axis = axisOf(concatenationOptions(node).axis, first.length, 'axis');
  if (typeof axis === 'string') return axis;
  const out = [...first];
  for (let k = 1; k < node.inputCount; k++) {
    const s = node.in(k).shape;
    if (s.length !== first.length || s.some((d, i) => i !== axis && d !== first[i])) return `input ${k} shape (got [${s}], expected [${first}] outside axis ${axis})`;
    out[axis] += s[axis];
  }
  return [out];
};

/** PACK: the inputs, all of one shape, stacked along a new axis. */
export const packShape: ShapeRule = (node: Node): Shapes => {
  const shape = node.in(0).shape;
  const raw = node.options ? node.options.scalar(OptionSlot.Pack.axis, 'i32', 'axis') : 0;
  const axis = raw < 0 ? raw + shape.length + 1 : raw;
  if (!(axis >= 0 && axis <= shape.length)) return `axis (got ${raw}, expected ${-shape.length - 1} to ${shape.length})`;
  for (let k = 1; k < node.inputCount; k++) {
    if (!sameShape(node.in(k).shape, shape)) return `input ${k} shape (got [${node.in(k).shape}], expected [${shape}] like input 0)`;
  }
  return [[...shape.slice(0, axis), node.inputCount, ...shape.slice(axis)]];
};

/** SPLIT, SPLIT_V and UNPACK: the input's parts along the axis (UNPACK drops it). */
export const splitShapes: ShapeRule = (node: Node, statics: StaticValues): Shapes => {
  const p = splitParts(node, statics);
  if (typeof p === 'string') return p;
  const shape = node.in(dataInput(node)).shape;
  return p.sizes.map((size) => (node.op === 'UNPACK' ? shape.filter((_, i) => i !== p.axis) : shape.map((d, i) => (i === p.axis ? size : d))));
};

/** SLICE: the constant window's sizes. */
export const sliceShape: ShapeRule = (node: Node, statics: StaticValues): Shapes => {
  const w = sliceWindow(node, statics);
  return typeof w === 'string' ? w : [w.sizes];
};

/** STRIDED_SLICE: the count along every axis that is not shrunk, new axes included. */
export const stridedSliceShape: ShapeRule = (node: Node, statics: StaticValues): Shapes => {
  const axes = stridedWindow(node, statics);
  return typeof axes === 'string' ? axes : [axes.filter((a) => !a.shrink).map((a) => a.count)];
};

/** TRANSPOSE: the input's dimensions in the constant permutation's order. */
export const transposeShape: ShapeRule = (node: Node, statics: StaticValues): Shapes => {
  const perm = permutationOf(node, statics);
  return typeof perm === 'string' ? perm : [perm.map((p) => node.in(0).shape[p])];
};

/** PAD, PADV2 and MIRROR_PAD: each dimension grown by its constant paddings. */
export const padShape: ShapeRule = (node: Node, statics: StaticValues): Shapes => {
  const input = node.in(0).shape;
  const p = paddingsOf(node, 1, input.length, statics);
  return typeof p === 'string' ? p : [input.map((d, i) => d + p.before[i] + p.after[i])];
};

/** TILE: each dimension times its constant multiple. */
export const tileShape: ShapeRule = (node: Node, statics: StaticValues): Shapes => {
  const m = tileMultiples(node, statics);
  return typeof m === 'string' ? m : [node.in(0).shape.map((d, i) => d * m[i])];
};

/** BROADCAST_TO: its constant shape, which the input must broadcast to. */
export const broadcastToRule: ShapeRule = (node: Node, statics: StaticValues): Shapes => single(broadcastToShape(node, statics));

/** SPACE_TO_BATCH_ND and BATCH_TO_SPACE_ND: spatial blocks moved to and from the batch. */
export const spaceBatchShape: ShapeRule = (node: Node, statics: StaticValues): Shapes => {
  const rank = node.in(0).shape.length;
  if (rank !== 3 && rank !== 4) return `input rank (got ${rank}, expected 3 or 4)`;
  const blocks = blocksOf(node, statics);
  return typeof blocks === 'string' ? blocks : single(spaceBatchOutput(node, blocks));
};

/** DEPTH_TO_SPACE and SPACE_TO_DEPTH: block_size x block_size pixels to and from channels. */
export const depthSpaceShape: ShapeRule = (node: Node): Shapes => {
  const input = node.in(0);
  const rank = rankReason(input, 4, 'input');
  if (rank) return rank;
  const b = node.options ? node.options.scalar(OptionSlot.BlockSize.blockSize, 'i32', 'block_size') : 0;
  if (!(b >= 1)) return `block_size (got ${b}, expected an integer >= 1)`;
  const [n, h, w, c] = input.shape;
  const out = node.op === 'DEPTH_TO_SPACE' ? [n, h * b, w * b, c / (b * b)] : [n, h / b, w / b, c * b * b];
  return out.every(Number.isInteger) ? [out] : `input shape (got [${input.shape}], expected dimensions divisible by block size ${b})`;
};

/** RESIZE_BILINEAR and RESIZE_NEAREST_NEIGHBOR: [batch, constant height, constant width, channels]. */
export const resizeShape: ShapeRule = (node: Node, statics: StaticValues): Shapes => {
  const rank = rankReason(node.in(0), 4, 'input');
  if (rank) return rank;
  const size = constantIntegers(node, 1, 'size', statics, ['int32']);
  if (typeof size === 'string') return size;
  if (size.length !== 2 || size.some((s) => !(s >= 1))) return `size (got [${size}], expected two positive integers)`;
  const [n, , , c] = node.in(0).shape;
  return [[n, size[0], size[1], c]];
};
