import { ModelFormatError } from '../errors';
import { DTYPE_BYTES } from './schema';
import type { TensorDef } from './types';
import { elementCount } from './element-count';

/**
 * Decodes a tensor stored in TFLite's sparsity format (a traversal order,
 * optional blocks, and per-level dense or CSR dimensions) into its dense
 * bytes. Every index is checked, and the walk is bounded, so a hostile
 * sparsity table gives a ModelFormatError rather than a hang or a write out
 * of bounds.
 */
export function densify(tensor: TensorDef, where: string): Uint8Array {
  const sparsity = tensor.sparsity;
  const source = tensor.data;
  if (!sparsity || !source) throw new ModelFormatError(where, 'tensor is not a static sparse tensor');
  const elementBytes = DTYPE_BYTES[tensor.dtype];
  if (elementBytes === 0) throw new ModelFormatError(where, `cannot densify ${tensor.dtype}`);
  const shape = tensor.shape;
  const rank = shape.length;
  const { traversalOrder, blockMap, dimMetadata } = sparsity;
  const levels = traversalOrder.length;
  if (levels !== rank + blockMap.length || dimMetadata.length !== levels) {
    throw new ModelFormatError(`${where}.sparsity`, `traversal order has ${levels} levels for rank ${rank} with ${blockMap.length} block dimensions and ${dimMetadata.length} dimension entries`);
  }
  const seen = new Set<number>();
  for (const d of traversalOrder) {
    if (!Number.isInteger(d) || d < 0 || d >= levels || seen.has(d)) throw new ModelFormatError(`${where}.sparsity.traversal_order`, `[${traversalOrder}] is not a permutation of 0..${levels - 1}`);
    seen.add(d);
  }
  for (const b of blockMap) {
    if (!Number.isInteger(b) || b < 0 || b >= rank) throw new ModelFormatError(`${where}.sparsity.block_map`, `block dimension ${b} is outside rank ${rank}`);
  }
  // Block size of each original dimension, read from the level that walks its block.
  const blockSize = new Array<number>(rank).fill(1);
  traversalOrder.forEach((d, level) => {
    if (d >= rank) blockSize[blockMap[d - rank]] = dimMetadata[level].denseSize;
  });

  const total = elementCount(shape);
  const values = Math.floor(source.length / elementBytes);
  const dense = new Uint8Array(total * elementBytes);
  const strides = new Array<number>(rank);
  for (let i = rank - 1, s = 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i];
  }
  const outer = new Array<number>(rank).fill(0);
  const inner = new Array<number>(rank).fill(0);
  let consumed = 0;
  let visits = 0;
  const maxVisits = 4 * (total + values) + 1024;

  const visit = (level: number, parent: number): void => {
    if (++visits > maxVisits) throw new ModelFormatError(`${where}.sparsity`, 'dimension metadata describes more entries than the tensor holds');
    if (level === levels) {
      let offset = 0;
      for (let d = 0; d < rank; d++) {
        const coordinate = outer[d] * blockSize[d] + inner[d];
        if (!(coordinate >= 0 && coordinate < shape[d])) throw new ModelFormatError(`${where}.sparsity`, `index ${coordinate} is outside dimension ${d} of size ${shape[d]}`);
        offset += coordinate * strides[d];
      }
      if (consumed >= values) throw new ModelFormatError(`${where}.sparsity`, `needs more than the ${values} stored values`);
      dense.set(source.subarray(consumed * elementBytes, (consumed + 1) * elementBytes), offset * elementBytes);
      consumed++;
      return;
    }
    const d = traversalOrder[level];
    const meta = dimMetadata[level];
    const set = (i: number) => {
      if (d < rank) outer[d] = i;
      else inner[blockMap[d - rank]] = i;
    };
    if (meta.format === 'dense') {
      if (!(meta.denseSize >= 0)) throw new ModelFormatError(`${where}.sparsity.dim_metadata[${level}]`, `dense size ${meta.denseSize} is negative`);
      for (let i = 0; i < meta.denseSize; i++) {
        set(i);
        visit(level + 1, parent * meta.denseSize + i);
      }
      return;
    }
    const segments = meta.arraySegments;
    const indices = meta.arrayIndices;
    if (!segments || !indices || parent + 1 >= segments.length) {
      throw new ModelFormatError(`${where}.sparsity.dim_metadata[${level}]`, 'sparse dimension lacks array segments or indices for its parent');
    }
    const begin = segments[parent];
    const end = segments[parent + 1];
    if (!(begin >= 0 && begin <= end && end <= indices.length)) {
      throw new ModelFormatError(`${where}.sparsity.dim_metadata[${level}].array_segments`, `segment [${begin}, ${end}) is outside the ${indices.length} indices`);
    }
    for (let j = begin; j < end; j++) {
      set(indices[j]);
      visit(level + 1, j);
    }
  };
  visit(0, 0);
  if (consumed !== values) throw new ModelFormatError(`${where}.sparsity`, `walk used ${consumed} of the ${values} stored values`);
  return dense;
}
