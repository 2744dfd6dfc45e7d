// SPACE_TO_BATCH_ND and BATCH_TO_SPACE_ND on 3-D [batch, height, channels]
// and 4-D [batch, height, width, channels] tensors, as TFLite takes them
// (3-D is 4-D with width 1). Batch index (by * block_w + bx) * batch + b of
// the spatial side holds the pixels at (y * block_h + by, x * block_w + bx)
// of image b on the other side, shifted by the paddings (SPACE_TO_BATCH_ND,
// whose padding holds the output's zero point for 8-bit types and 0
// otherwise) or the crops (BATCH_TO_SPACE_ND). Each spatial index splits into
// a block offset and a position, so every axis adds its own offset:
// SPACE_TO_BATCH_ND scatters the input, BATCH_TO_SPACE_ND gathers the output.
import { arity, first, type Reason } from '../../core/checks';
import type { Node } from '../../core/node';
import type { StaticValues } from '../../core/static-values';
import type { ReferenceEncoding } from '../encoding';
import type { ProgramBuilder } from '../program-builder';
import { as4d, blocksOf, spaceBatchOutput, type Blocks } from '../../core/operators/space-batch';
import { ALL_TYPES, dataTypes, elementBytes, oneQuantization, outputShape, zeroPointOf } from './layout-checks';
import { affine, gather, scatter, stridesOf, table, type AxisOffsets } from './layout-copy';

function check(node: Node, statics: StaticValues): Reason {
  return first(
    () => arity(node, 3, 3, 1),
    () => dataTypes(node, statics, [0], ALL_TYPES),
    () => oneQuantization(node, statics, [0], true),
    () => (node.in(0).shape.length === 3 || node.in(0).shape.length === 4 ? undefined : `input rank (got ${node.in(0).shape.length}, expected 3 or 4)`),
    () => {
      const b = blocksOf(node, statics);
      if (typeof b === 'string') return b;
      const out = spaceBatchOutput(node, b);
      return typeof out === 'string' ? out : outputShape(node, 0, out);
    },
  );
}

/** Along a spatial axis of `size` on the spatial side: the offset index i adds on the batch side ([block_h, block_w, batch, h, w, c]). */
function spatialAxis(size: number, shift: number, block: number, blockStride: number, positionStride: number): AxisOffsets {
  return table(Array.from({ length: size }, (_, i) => ((i + shift) % block) * blockStride + Math.floor((i + shift) / block) * positionStride));
}

function encode(b: ProgramBuilder, node: Node): void {
  const blocks = blocksOf(node, b.statics) as Blocks;
  const [bh, bw] = blocks.block;
  const bytes = elementBytes(node.in(0), b.statics);
  if (node.op === 'SPACE_TO_BATCH_ND') {
    const [n, h, w, c] = as4d(node.in(0).shape);
    const s = stridesOf(as4d(node.output(0).shape));
    const axes = [affine(n, 0, s[0]), spatialAxis(h, blocks.before[0], bh, bw * n * s[0], s[1]), spatialAxis(w, blocks.before[1], bw, n * s[0], s[2]), affine(c, 0, 1)];
    // TFLite fills the padding with memset of the output's zero point: one byte, so only 8-bit types see a zero point.
    const fill = bytes === 1 ? (zeroPointOf(node.output(0)) + 256) % 256 : 0;
    scatter(b, node, node.in(0), node.output(0), axes, bytes, { bits: fill });
    return;
  }
  const [n, h, w, c] = as4d(node.output(0).shape);
  const s = stridesOf(as4d(node.in(0).shape));
  const axes = [affine(n, 0, s[0]), spatialAxis(h, blocks.before[0], bh, bw * n * s[0], s[1]), spatialAxis(w, blocks.before[1], bw, n * s[0], s[2]), affine(c, 0, 1)];
  gather(b, node, node.in(0), node.output(0), axes, bytes);
}

export const spaceBatchReference: ReferenceEncoding = { check, encode };
