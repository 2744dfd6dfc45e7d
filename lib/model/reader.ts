import { ModelFormatError } from '../errors';
import { FlatReader, Table } from './flat-reader';
import {
  CUSTOM_OPERATOR_CODE, DTYPE_NAMES, DimensionType, FILE_IDENTIFIER, Slot, SparseIndexVector, builtinName,
} from './schema';
import type {
  DimensionMetadata, OperatorDef, Quantization, SignatureDef, Sparsity, SubgraphDef, TensorDef, TfliteModel,
} from './types';
import { validateModel, type ModelLimits } from './validate';

export type { ModelLimits } from './validate';

interface OperatorCode {
  builtinCode: number;
  customCode?: string;
  version: number;
}

function readOperatorCode(t: Table): OperatorCode {
  const S = Slot.OperatorCode;
  const deprecated = t.scalar(S.deprecatedBuiltinCode, 'i8', 'deprecated_builtin_code');
  const builtin = t.scalar(S.builtinCode, 'i32', 'builtin_code');
  const builtinCode = Math.max(deprecated, builtin);
  if (builtinCode < 0) t.r.fail(t.where, `builtin code ${builtinCode} is negative`);
  return { builtinCode, customCode: t.string(S.customCode, 'custom_code'), version: t.scalar(S.version, 'i32', 'version', 1) };
}

function readBuffer(t: Table, r: FlatReader): Uint8Array | undefined {
  const S = Slot.Buffer;
  const data = t.bytes(S.data, 'data');
  if (data && data.length > 0) return data;
  const offset = t.scalar(S.offset, 'u64', 'offset');
  const size = t.scalar(S.size, 'u64', 'size');
  // offset > 1 marks data stored after the flatbuffer (models over 2 GB).
  if (offset > 1) {
    r.check(offset, size, t.where, 'external buffer');
    return r.bytes.subarray(offset, offset + size);
  }
  return undefined;
}

function readQuantization(t: Table | undefined): Quantization | undefined {
  if (!t) return undefined;
  const S = Slot.QuantizationParameters;
  const scale = t.scalars(S.scale, 'f32', 'scale') ?? [];
  const zeroPoint = t.scalars(S.zeroPoint, 'i64', 'zero_point') ?? [];
  const min = t.scalars(S.min, 'f32', 'min');
  const max = t.scalars(S.max, 'f32', 'max');
  if (scale.length === 0 && !min && !max) return undefined;
  return { scale, zeroPoint, quantizedDimension: t.scalar(S.quantizedDimension, 'i32', 'quantized_dimension'), min, max };
}

function readIndexVector(t: Table, typeSlot: number, valueSlot: number, name: string): number[] | undefined {
  const type = t.scalar(typeSlot, 'u8', `${name}_type`);
  if (type === SparseIndexVector.NONE) return undefined;
  const vector = t.subtable(valueSlot, name);
  if (!vector) t.r.fail(`${t.where}.${name}`, 'index vector is missing');
  const kind = type === SparseIndexVector.Int32Vector ? 'i32' : type === SparseIndexVector.Uint16Vector ? 'u16'
    : type === SparseIndexVector.Uint8Vector ? 'u8' : undefined;
  if (!kind) t.r.fail(`${t.where}.${name}_type`, `unknown index vector type ${type}`);
  return vector.scalars(Slot.IndexVector.values, kind, 'values') ?? [];
}

function readSparsity(t: Table | undefined): Sparsity | undefined {
  if (!t) return undefined;
  const S = Slot.SparsityParameters;
  const D = Slot.DimensionMetadata;
  const dimMetadata: DimensionMetadata[] = t.tables(S.dimMetadata, 'dim_metadata').map((d) => {
    const format = d.scalar(D.format, 'i8', 'format');
    if (format !== DimensionType.DENSE && format !== DimensionType.SPARSE_CSR) d.r.fail(`${d.where}.format`, `unknown dimension type ${format}`);
    return {
      format: format === DimensionType.DENSE ? 'dense' : 'sparse-csr',
      denseSize: d.scalar(D.denseSize, 'i32', 'dense_size'),
      arraySegments: readIndexVector(d, D.arraySegmentsType, D.arraySegments, 'array_segments'),
      arrayIndices: readIndexVector(d, D.arrayIndicesType, D.arrayIndices, 'array_indices'),
    };
  });
  return {
    traversalOrder: t.scalars(S.traversalOrder, 'i32', 'traversal_order') ?? [],
    blockMap: t.scalars(S.blockMap, 'i32', 'block_map') ?? [],
    dimMetadata,
  };
}

function readTensor(t: Table, index: number, buffers: (Uint8Array | undefined)[]): TensorDef {
  const S = Slot.Tensor;
  const typeCode = t.scalar(S.type, 'i8', 'type');
  const dtype = DTYPE_NAMES[typeCode];
  if (dtype === undefined) t.r.fail(`${t.where}.type`, `unknown tensor type ${typeCode}`);
  const buffer = t.scalar(S.buffer, 'u32', 'buffer');
  if (buffer >= buffers.length) t.r.fail(`${t.where}.buffer`, `buffer index ${buffer} is out of range (the model has ${buffers.length} buffers)`);
  return {
    index,
    name: t.string(S.name, 'name') ?? `tensor_${index}`,
    shape: t.scalars(S.shape, 'i32', 'shape') ?? [],
    shapeSignature: t.scalars(S.shapeSignature, 'i32', 'shape_signature'),
    dtype,
    buffer,
    data: buffers[buffer],
    quantization: readQuantization(t.subtable(S.quantization, 'quantization')),
    sparsity: readSparsity(t.subtable(S.sparsity, 'sparsity')),
    isVariable: t.bool(S.isVariable, 'is_variable'),
  };
}

function readOperator(t: Table, index: number, codes: OperatorCode[]): OperatorDef {
  const S = Slot.Operator;
  const opcodeIndex = t.scalar(S.opcodeIndex, 'u32', 'opcode_index');
  const code = codes[opcodeIndex];
  if (!code) t.r.fail(`${t.where}.opcode_index`, `opcode index ${opcodeIndex} is out of range (the model has ${codes.length} operator codes)`);
  const isCustom = code.builtinCode === CUSTOM_OPERATOR_CODE;
  const optionsType = t.scalar(S.builtinOptionsType, 'u8', 'builtin_options_type');
  return {
    index,
    op: isCustom ? code.customCode ?? 'CUSTOM' : builtinName(code.builtinCode),
    builtinCode: code.builtinCode,
    customCode: code.customCode,
    version: code.version,
    inputs: t.scalars(S.inputs, 'i32', 'inputs') ?? [],
    outputs: t.scalars(S.outputs, 'i32', 'outputs') ?? [],
    optionsType,
    options: optionsType !== 0 ? t.subtable(S.builtinOptions, 'builtin_options') : undefined,
    customOptions: t.bytes(S.customOptions, 'custom_options'),
  };
}

function readSubgraph(t: Table, buffers: (Uint8Array | undefined)[], codes: OperatorCode[]): SubgraphDef {
  const S = Slot.SubGraph;
  return {
    name: t.string(S.name, 'name') ?? '',
    tensors: t.tables(S.tensors, 'tensors').map((tensor, i) => readTensor(tensor, i, buffers)),
    inputs: t.scalars(S.inputs, 'i32', 'inputs') ?? [],
    outputs: t.scalars(S.outputs, 'i32', 'outputs') ?? [],
    operators: t.tables(S.operators, 'operators').map((op, i) => readOperator(op, i, codes)),
  };
}

function readSignatureDef(t: Table): SignatureDef {
  const S = Slot.SignatureDef;
  const maps = (slot: number, name: string) => t.tables(slot, name).map((m) => ({
    name: m.string(Slot.TensorMap.name, 'name') ?? '',
    tensorIndex: m.scalar(Slot.TensorMap.tensorIndex, 'u32', 'tensor_index'),
  }));
  return {
    key: t.string(S.signatureKey, 'signature_key') ?? '',
    subgraphIndex: t.scalar(S.subgraphIndex, 'u32', 'subgraph_index'),
    inputs: maps(S.inputs, 'inputs'),
    outputs: maps(S.outputs, 'outputs'),
  };
}

/**
 * Reads and verifies a `.tflite` file. Every offset, length, index and enum
 * is checked before use; any problem is a ModelFormatError naming the place.
 * Buffers are views into `bytes`, not copies.
 */
export function readModel(bytes: Uint8Array, limits?: Partial<ModelLimits>): TfliteModel {
  const r = new FlatReader(bytes);
  if (bytes.length < 8) r.fail('file', `too small to be a TFLite model (${bytes.length} bytes)`);
  const identifier = Buffer.from(bytes.buffer, bytes.byteOffset + 4, 4).toString('latin1');
  if (identifier !== FILE_IDENTIFIER) {
    throw new ModelFormatError('file', `not a TFLite model (file identifier is ${JSON.stringify(identifier)}, expected "${FILE_IDENTIFIER}")`);
  }
  const root = r.rootTable();
  const S = Slot.Model;
  const version = root.scalar(S.version, 'u32', 'version');
  if (version !== 3) throw new ModelFormatError('Model.version', `schema version ${version} is not supported (expected 3)`);
  const buffers = root.tables(S.buffers, 'buffers').map((b) => readBuffer(b, r));
  const codes = root.tables(S.operatorCodes, 'operator_codes').map(readOperatorCode);
  const subgraphs = root.tables(S.subgraphs, 'subgraphs').map((sg) => readSubgraph(sg, buffers, codes));
  const model: TfliteModel = {
    version,
    description: root.string(S.description, 'description') ?? '',
    subgraphs,
    signatureDefs: root.tables(S.signatureDefs, 'signature_defs').map(readSignatureDef),
    metadata: root.tables(S.metadata, 'metadata').map((m) => ({
      name: m.string(Slot.Metadata.name, 'name') ?? '',
      buffer: m.scalar(Slot.Metadata.buffer, 'u32', 'buffer'),
    })),
    bytes,
  };
  validateModel(model, buffers.length, limits);
  return model;
}
