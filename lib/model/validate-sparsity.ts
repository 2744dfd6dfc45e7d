/**
 * Checks a sparse constant (TFLite's sparsity format) against its dense
 * shape and its buffer, without densifying it: the traversal order and
 * block map are well formed, every dense level spans its dimension, every
 * CSR level's segments cover exactly its parent entries and its indices lie
 * inside its dimension, and the values the format describes fill the buffer
 * exactly. After this, densifying (lib/model/sparsity.ts) reads every
 * stored value once and writes only inside the dense tensor.
 */
import { ModelFormatError } from '../errors';
import { DTYPE_BYTES } from './schema';
import type { DimensionMetadata, Sparsity, TensorDef } from './types';

/** Size of each level's dimension: an original dimension divided by its block size, or a block dimension. */
function levelSizes(shape: readonly number[], sparsity: Sparsity, where: string): number[] {
  const { traversalOrder, blockMap, dimMetadata } = sparsity;
  const rank = shape.length;
  const levels = traversalOrder.length;
  if (levels !== rank + blockMap.length || dimMetadata.length !== levels) {
    throw new ModelFormatError(where, `traversal order has ${levels} levels for rank ${rank} with ${blockMap.length} block dimensions and ${dimMetadata.length} dimension entries`);
  }
  const seen = new Set<number>();
  for (const d of traversalOrder) {
    if (!Number.isInteger(d) || d < 0 || d >= levels || seen.has(d)) {
      throw new ModelFormatError(`${where}.traversal_order`, `[${traversalOrder}] is not a permutation of 0..${levels - 1}`);
    }
    seen.add(d);
  }
  const blocked = new Set<number>();
  for (const b of blockMap) {
    if (!Number.isInteger(b) || b < 0 || b >= rank) throw new ModelFormatError(`${where}.block_map`, `block dimension ${b} is outside rank ${rank}`);
    if (blocked.has(b)) throw new ModelFormatError(`${where}.block_map`, `dimension ${b} is blocked twice`);
    blocked.add(b);
  }
  // Sizes by traversal-order dimension (0..rank-1 original, rank.. blocks), then by level.
  const sizes = [...shape, ...blockMap.map(() => 0)];
  traversalOrder.forEach((d, level) => {
    if (d < rank) return;
    const block = dimMetadata[level].denseSize;
    const original = blockMap[d - rank];
    if (!(Number.isInteger(block) && block > 0)) {
      throw new ModelFormatError(`${where}.dim_metadata[${level}].dense_size`, `block size ${block} of dimension ${original} is not a positive integer`);
    }
    sizes[d] = block;
    sizes[original] = Math.floor(shape[original] / block);
  });
  return traversalOrder.map((d) => sizes[d]);
}

/** Entries of a CSR level: checks its segments against the parent entries and its indices against the level's size. */
function csrEntries(meta: DimensionMetadata, parents: number, size: number, where: string): number {
  const segments = meta.arraySegments;
  const indices = meta.arrayIndices;
  if (!segments || !indices) throw new ModelFormatError(where, 'sparse dimension lacks array segments or indices');
  if (segments.length !== parents + 1) {
    throw new ModelFormatError(`${where}.array_segments`, `has ${segments.length} entries, but the ${parents} entries of the levels above need ${parents + 1}`);
  }
  if (segments[0] !== 0) throw new ModelFormatError(`${where}.array_segments`, `starts at ${segments[0]}, not 0`);
  for (let p = 0; p < parents; p++) {
    const begin = segments[p];
    const end = segments[p + 1];
    if (!(end >= begin && end <= indices.length)) {
      throw new ModelFormatError(`${where}.array_segments`, `segment ${p} [${begin}, ${end}) is not a range within the ${indices.length} indices`);
    }
    for (let j = begin; j < end; j++) {
      const index = indices[j];
      if (!(index >= 0 && index < size)) throw new ModelFormatError(`${where}.array_indices`, `index ${index} at ${j} is outside the dimension's size ${size}`);
      // Increasing within a segment: no dense entry is stored twice, so the values never outnumber the dense tensor.
      if (j > begin && index <= indices[j - 1]) throw new ModelFormatError(`${where}.array_indices`, `indices of segment ${p} are not increasing (${indices[j - 1]} then ${index} at ${j})`);
    }
  }
  const last = segments[parents];
  if (last !== indices.length) throw new ModelFormatError(`${where}.array_segments`, `ends at ${last}, but there are ${indices.length} indices`);
  return last;
}

/** Checks sparse constant `t` (with data and sparsity); `where` names the tensor, e.g. `Model.subgraphs[0].tensors[14]`. */
export function checkSparsity(t: TensorDef, where: string): void {
  const sparsity = t.sparsity!;
  const data = t.data!;
  const elementBytes = DTYPE_BYTES[t.dtype];
  // Packed and variable-size types cannot be densified; lib/model/sparsity.ts refuses them if an operator asks.
  if (elementBytes === 0) return;
  const sizes = levelSizes(t.shape, sparsity, `${where}.sparsity`);
  let entries = 1;
  sparsity.dimMetadata.forEach((meta, level) => {
    const levelWhere = `${where}.sparsity.dim_metadata[${level}]`;
    if (meta.format === 'dense') {
      if (meta.denseSize !== sizes[level]) {
        throw new ModelFormatError(`${levelWhere}.dense_size`, `dense size ${meta.denseSize}, but the level walks dimension ${sparsity.traversalOrder[level]} of size ${sizes[level]}`);
      }
      entries *= meta.denseSize;
    } else {
      entries = csrEntries(meta, entries, sizes[level], levelWhere);
    }
  });
  if (data.length !== entries * elementBytes) {
    throw new ModelFormatError(`${where}.buffer`, `sparse data has ${data.length} bytes, but its sparsity parameters describe ${entries} values of ${t.dtype} (${entries * elementBytes} bytes, dense shape [${t.shape}])`);
  }
}
