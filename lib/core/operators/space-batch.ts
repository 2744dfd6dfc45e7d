// SPACE_TO_BATCH_ND and BATCH_TO_SPACE_ND as TFLite defines them, on 3-D
// [batch, height, channels] and 4-D [batch, height, width, channels] tensors
// (3-D is 4-D with width 1): constant block shape and paddings (or crops).
import { constantIntegers } from '../constant-operands';
import type { Node } from '../node';
import type { StaticValues } from '../static-values';

export interface Blocks {
  /** Block height and width (width 1 for 3-D tensors). */
  block: [number, number];
  /** Paddings (SPACE_TO_BATCH_ND) or crops (BATCH_TO_SPACE_ND) before and after, per spatial axis. */
  before: [number, number];
  after: [number, number];
}

export function blocksOf(node: Node, statics: StaticValues): Blocks | string {
  const spatial = node.in(0).shape.length - 2;
  const what = node.op === 'SPACE_TO_BATCH_ND' ? 'paddings' : 'crops';
  const block = constantIntegers(node, 1, 'block_shape', statics, ['int32']);
  if (typeof block === 'string') return block;
  if (node.in(1).shape.length !== 1 || block.length !== spatial || block.some((b) => !(b >= 1))) {
    return `block_shape (got [${block}], expected ${spatial} values of at least 1)`;
  }
  const pads = constantIntegers(node, 2, what, statics, ['int32']);
  if (typeof pads === 'string') return pads;
  const shape = node.in(2).shape;
  if (shape.length !== 2 || shape[0] !== spatial || shape[1] !== 2) return `${what} shape (got [${shape}], expected [${spatial}, 2])`;
  if (pads.some((p) => !(p >= 0))) return `${what} (got [${pads}], expected non-negative values)`;
  return spatial === 2
    ? { block: [block[0], block[1]], before: [pads[0], pads[2]], after: [pads[1], pads[3]] }
    : { block: [block[0], 1], before: [pads[0], 0], after: [pads[1], 0] };
}

/** A 3-D shape as 4-D with width 1. */
export const as4d = (shape: readonly number[]) => (shape.length === 4 ? [...shape] : [shape[0], shape[1], 1, shape[2]]);

/** The output shape, in the operator's own rank, or why there is none. */
export function spaceBatchOutput(node: Node, b: Blocks): number[] | string {
  const [n, h, w, c] = as4d(node.in(0).shape);
  const [bh, bw] = b.block;
  let out: number[];
  if (node.op === 'SPACE_TO_BATCH_ND') {
    const [ph, pw] = [h + b.before[0] + b.after[0], w + b.before[1] + b.after[1]];
    if (ph % bh !== 0 || pw % bw !== 0) return `padded size (got ${ph} x ${pw}, expected multiples of the block ${bh} x ${bw})`;
    out = [n * bh * bw, ph / bh, pw / bw, c];
  } else {
    if (n % (bh * bw) !== 0) return `batch (got ${n}, expected a multiple of the block ${bh} x ${bw})`;
    out = [n / (bh * bw), h * bh - b.before[0] - b.after[0], w * bw - b.before[1] - b.after[1], c];
    if (out[1] < 1 || out[2] < 1) return `crops (got ${b.before[0]}+${b.after[0]} and ${b.before[1]}+${b.after[1]}, expected to leave at least one row and column of ${h * bh} x ${w * bw})`;
  }
  return node.in(0).shape.length === 4 ? out : [out[0], out[1], out[3]];
}
