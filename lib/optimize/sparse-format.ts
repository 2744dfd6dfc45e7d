/**
 * Encodes a dense constant in TFLite's sparsity format the way its converter
 * encodes randomly pruned weights: every dimension dense except the last,
 * which is compressed (CSR), in the original dimension order. The stored
 * values are the non-zeros, row by row; each row keeps the positions of its
 * non-zeros. lib/model/sparsity.ts decodes it (and LiteRT's DENSIFY does).
 */
import type { Sparsity } from '../model/types';

export interface SparseEncoding {
  sparsity: Sparsity;
  /** Indices into the dense values, in storage order. */
  stored: Uint32Array;
}

/** Bytes of one index vector as lib/model/writer.ts writes it: the narrowest type holding its largest value. */
function indexVectorBytes(count: number, largest: number): number {
  return count * (largest > 0xffff ? 4 : largest > 0xff ? 2 : 1);
}

/** The CSR-on-the-last-dimension encoding of `isNonZero` over `shape` (rank at least 1). */
export function encodeSparse(shape: readonly number[], isNonZero: (i: number) => boolean): SparseEncoding {
  const rank = shape.length;
  const rowLength = shape[rank - 1];
  const rows = shape.slice(0, -1).reduce((a, b) => a * b, 1);
  const segments = new Array<number>(rows + 1);
  const indices: number[] = [];
  const stored: number[] = [];
  segments[0] = 0;
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < rowLength; j++) {
      const i = r * rowLength + j;
      if (isNonZero(i)) {
        indices.push(j);
        stored.push(i);
      }
    }
    segments[r + 1] = indices.length;
  }
  return {
    sparsity: {
      traversalOrder: shape.map((_, d) => d),
      blockMap: [],
      dimMetadata: shape.map((size, d) => (d < rank - 1
        ? { format: 'dense' as const, denseSize: size }
        : { format: 'sparse-csr' as const, denseSize: 0, arraySegments: segments, arrayIndices: indices })),
    },
    stored: Uint32Array.from(stored),
  };
}

/**
 * Bytes the sparse encoding of a tensor with `nonZeros` non-zero values of
 * `elementBytes` each takes, beside its dense size: values, indices and
 * segments (the flatbuffer tables around them are a few dozen bytes more).
 */
export function sparseBytes(shape: readonly number[], nonZeros: number, elementBytes: number): number {
  const rowLength = shape[shape.length - 1];
  const rows = shape.slice(0, -1).reduce((a, b) => a * b, 1);
  return nonZeros * elementBytes + indexVectorBytes(nonZeros, rowLength - 1) + indexVectorBytes(rows + 1, nonZeros);
}

/** Overhead of the sparsity tables beyond their vectors, so that a saving of a few bytes does not turn a tensor sparse. */
export const SPARSITY_TABLE_BYTES = 64;
