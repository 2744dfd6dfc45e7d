/** The op registry: every op family, and the one lookup from an operator name to its family. */
import { batchMatmul } from './ops/batch-matmul';
import { binary } from './ops/binary';
import { concatenation } from './ops/concatenation';
import { constantFolding } from './ops/constant-folding';
import { convolution } from './ops/convolution';
import { depthSpace } from './ops/depth-space';
import { fullyConnected } from './ops/fully-connected';
import { mean } from './ops/mean';
import { pad } from './ops/pad';
import { pooling } from './ops/pooling';
import { quantize } from './ops/quantize';
import { reshape } from './ops/reshape';
import { resizeBilinear } from './ops/resize-bilinear';
import { slice } from './ops/slice';
import { softmax } from './ops/softmax';
import { split } from './ops/split';
import { transpose } from './ops/transpose';
import { transposeConvolution } from './ops/transpose-conv';
import { unary } from './ops/unary';
import type { OpFamily } from './op-family';

export const OP_FAMILIES: readonly OpFamily[] = [
  convolution, transposeConvolution, fullyConnected, batchMatmul, binary, unary, softmax, mean, pooling, pad,
  reshape, concatenation, split, slice, transpose, resizeBilinear, depthSpace, constantFolding, quantize,
];

/** The one lookup from operator name to family; an operator in two families is a programming error. */
export function indexByOp<T extends { readonly ops: readonly string[] }>(families: readonly T[]): Map<string, T> {
  const byOp = new Map<string, T>();
  for (const family of families) {
    for (const op of family.ops) {
      if (byOp.has(op)) throw new Error(`op ${op} is registered twice`);
      byOp.set(op, family);
    }
  }
  return byOp;
}

const byOp = indexByOp(OP_FAMILIES);

export function familyOf(op: string): OpFamily | undefined {
  return byOp.get(op);
}

/** Every operator name XNNPACK can run (for some operand types and options). */
export function xnnpackOps(): string[] {
  return [...byOp.keys()];
}
