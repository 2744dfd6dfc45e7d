// Where, in a model file, lie the fields that size its constants: the
// length of each buffer's data, each tensor's shape dimensions, the
// elements of sparse index vectors (segments and indices) and the inputs of
// the operators folded at load (DEQUANTIZE, DENSIFY). Found with the
// project's FlatReader: a vector read as bytes is a view whose offset is
// the vector's position in the file.
import { FlatReader, type Table } from '../../lib/model/flat-reader';
import { Slot, SparseIndexVector, builtinName } from '../../lib/model/schema';

/** A little-endian unsigned (`width` 1 or 2) or 32-bit integer at byte `at`. */
export interface Field {
  at: number;
  width: 1 | 2 | 4;
}

export interface FieldPositions {
  bufferLengths: Field[];
  shapeDims: Field[];
  sparseIndices: Field[];
  foldedInputs: Field[];
}

/** `count` fields of `width` bytes from the start of the vector in `slot`, or none. */
function vectorFields(t: Table, slot: number, width: Field['width']): Field[] {
  const view = t.bytes(slot, 'vector');
  if (!view) return [];
  const start = view.byteOffset - t.r.bytes.byteOffset;
  return Array.from({ length: view.length }, (_, k) => ({ at: start + width * k, width }));
}

const INDEX_WIDTH: Record<number, Field['width']> = {
  [SparseIndexVector.Int32Vector]: 4,
  [SparseIndexVector.Uint16Vector]: 2,
  [SparseIndexVector.Uint8Vector]: 1,
};

export function fieldPositions(bytes: Uint8Array): FieldPositions {
  const root = new FlatReader(bytes).rootTable();
  const M = Slot.Model;
  const bufferLengths: Field[] = [];
  for (const buffer of root.tables(M.buffers, 'buffers')) {
    const data = buffer.bytes(Slot.Buffer.data, 'data');
    if (data && data.length > 0) bufferLengths.push({ at: data.byteOffset - bytes.byteOffset - 4, width: 4 });
  }
  const codes = root.tables(M.operatorCodes, 'operator_codes').map((c) =>
    Math.max(c.scalar(Slot.OperatorCode.deprecatedBuiltinCode, 'i8', 'deprecated_builtin_code'), c.scalar(Slot.OperatorCode.builtinCode, 'i32', 'builtin_code')));
  const shapeDims: Field[] = [];
  const sparseIndices: Field[] = [];
  const foldedInputs: Field[] = [];
  const D = Slot.DimensionMetadata;
  for (const sg of root.tables(M.subgraphs, 'subgraphs')) {
    for (const tensor of sg.tables(Slot.SubGraph.tensors, 'tensors')) {
      shapeDims.push(...vectorFields(tensor, Slot.Tensor.shape, 4));
      const sparsity = tensor.subtable(Slot.Tensor.sparsity, 'sparsity');
      for (const dim of sparsity?.tables(Slot.SparsityParameters.dimMetadata, 'dim_metadata') ?? []) {
        for (const [typeSlot, vectorSlot] of [[D.arraySegmentsType, D.arraySegments], [D.arrayIndicesType, D.arrayIndices]]) {
          const width = INDEX_WIDTH[dim.scalar(typeSlot, 'u8', 'type')];
          const vector = dim.subtable(vectorSlot, 'vector');
          if (width && vector) sparseIndices.push(...vectorFields(vector, Slot.IndexVector.values, width));
        }
      }
    }
    for (const op of sg.tables(Slot.SubGraph.operators, 'operators')) {
      const name = builtinName(codes[op.scalar(Slot.Operator.opcodeIndex, 'u32', 'opcode_index')]);
      if (name === 'DEQUANTIZE' || name === 'DENSIFY') foldedInputs.push(...vectorFields(op, Slot.Operator.inputs, 4));
    }
  }
  return { bufferLengths, shapeDims, sparseIndices, foldedInputs };
}
