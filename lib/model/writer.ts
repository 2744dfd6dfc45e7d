/**
 * Writes `.tflite` files with the flatbuffers builder, from a plain
 * description. Used by the tests to build models that cover each operator,
 * and by the quantizer to write the models it makes.
 */
import { Builder } from 'flatbuffers';
import { CUSTOM_OPERATOR_CODE, DTYPE_NAMES, FILE_IDENTIFIER, Slot, SparseIndexVector, builtinCode, type DType } from './schema';
import type { Quantization, Sparsity } from './types';

export type FieldKind = 'bool' | 'i8' | 'u8' | 'i32' | 'f32' | 'i32[]' | 'string';

/** One field of an options table: its slot in the schema, its type and value. */
export interface OptionField {
  slot: number;
  kind: FieldKind;
  value: number | boolean | number[] | string;
}

/** A builtin options table: the BuiltinOptions union member and its fields. */
export interface OptionsSpec {
  type: number;
  fields: OptionField[];
}

export interface TensorSpec {
  name?: string;
  shape: number[];
  dtype?: DType;
  /** Constant contents, little-endian. */
  data?: ArrayBufferView;
  quantization?: Quantization;
  sparsity?: Sparsity;
  shapeSignature?: number[];
}

export interface OperatorSpec {
  /** A builtin operator name (e.g. `CONV_2D`), or a custom op's code when `custom` is true. */
  op: string;
  custom?: boolean;
  inputs: number[];
  outputs: number[];
  options?: OptionsSpec;
  customOptions?: Uint8Array;
  version?: number;
}

export interface SubgraphSpec {
  name?: string;
  tensors: TensorSpec[];
  inputs: number[];
  outputs: number[];
  operators: OperatorSpec[];
}

export interface ModelSpec {
  description?: string;
  subgraphs: SubgraphSpec[];
  metadata?: { name: string; data: Uint8Array }[];
  signatureDefs?: { key: string; subgraphIndex: number; inputs: { name: string; tensorIndex: number }[]; outputs: { name: string; tensorIndex: number }[] }[];
  /** Store constant data after the flatbuffer (Buffer.offset/size), the layout of models over 2 GB. */
  externalBuffers?: boolean;
}

function bytesOf(view: ArrayBufferView): Uint8Array {
  return new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
}

function intVector(b: Builder, values: readonly number[]): number {
  b.startVector(4, values.length, 4);
  for (let i = values.length - 1; i >= 0; i--) b.addInt32(values[i]);
  return b.endVector();
}

function floatVector(b: Builder, values: readonly number[]): number {
  b.startVector(4, values.length, 4);
  for (let i = values.length - 1; i >= 0; i--) b.addFloat32(values[i]);
  return b.endVector();
}

function longVector(b: Builder, values: readonly number[]): number {
  b.startVector(8, values.length, 8);
  for (let i = values.length - 1; i >= 0; i--) b.addInt64(BigInt(values[i]));
  return b.endVector();
}

function byteVector(b: Builder, data: Uint8Array, alignment = 1): number {
  b.startVector(1, data.length, alignment);
  for (let i = data.length - 1; i >= 0; i--) b.addInt8(data[i]);
  return b.endVector();
}

function offsetVector(b: Builder, offsets: readonly number[]): number {
  b.startVector(4, offsets.length, 4);
  for (let i = offsets.length - 1; i >= 0; i--) b.addOffset(offsets[i]);
  return b.endVector();
}

/** Writes a builtin options table; its offset in `b`. */
export function writeOptions(b: Builder, spec: OptionsSpec): number {
  const vectors = new Map<number, number>();
  for (const f of spec.fields) if (f.kind === 'i32[]') vectors.set(f.slot, intVector(b, f.value as number[]));
  for (const f of spec.fields) if (f.kind === 'string') vectors.set(f.slot, b.createString(f.value as string));
  const slots = spec.fields.reduce((m, f) => Math.max(m, f.slot + 1), 0);
  b.startObject(slots);
  for (const f of spec.fields) {
    const v = f.value;
    switch (f.kind) {
      case 'bool': b.addFieldInt8(f.slot, v ? 1 : 0, 0); break;
      case 'i8': b.addFieldInt8(f.slot, v as number, 0); break;
      case 'u8': b.addFieldInt8(f.slot, v as number, 0); break;
      case 'i32': b.addFieldInt32(f.slot, v as number, 0); break;
      case 'f32': b.addFieldFloat32(f.slot, v as number, 0); break;
      case 'i32[]': case 'string': b.addFieldOffset(f.slot, vectors.get(f.slot)!, 0); break;
    }
  }
  return b.endObject();
}

/**
 * A sparse dimension's segments or indices, in the narrowest of the schema's
 * vector types that holds them (as TFLite's converter writes them): uint8
 * indices make a pruned tensor's encoding a fifth of its int32 one.
 */
function writeIndexVector(b: Builder, values: readonly number[]): { type: number; offset: number } {
  let lo = 0;
  let hi = 0;
  for (const v of values) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const width = lo < 0 || hi > 0xffff ? 4 : hi > 0xff ? 2 : 1;
  // Uint16Vector and Uint8Vector are force_align: 4 in the schema.
  b.startVector(width, values.length, 4);
  for (let i = values.length - 1; i >= 0; i--) {
    if (width === 4) b.addInt32(values[i]);
    else if (width === 2) b.addInt16(values[i]);
    else b.addInt8(values[i]);
  }
  const vector = b.endVector();
  b.startObject(1);
  b.addFieldOffset(Slot.IndexVector.values, vector, 0);
  const type = width === 4 ? SparseIndexVector.Int32Vector : width === 2 ? SparseIndexVector.Uint16Vector : SparseIndexVector.Uint8Vector;
  return { type, offset: b.endObject() };
}

function writeSparsity(b: Builder, s: Sparsity): number {
  const S = Slot.DimensionMetadata;
  const dims = s.dimMetadata.map((d) => {
    const segments = d.arraySegments ? writeIndexVector(b, d.arraySegments) : undefined;
    const indices = d.arrayIndices ? writeIndexVector(b, d.arrayIndices) : undefined;
    b.startObject(6);
    b.addFieldInt8(S.format, d.format === 'dense' ? 0 : 1, 0);
    b.addFieldInt32(S.denseSize, d.denseSize, 0);
    if (segments) {
      b.addFieldInt8(S.arraySegmentsType, segments.type, 0);
      b.addFieldOffset(S.arraySegments, segments.offset, 0);
    }
    if (indices) {
      b.addFieldInt8(S.arrayIndicesType, indices.type, 0);
      b.addFieldOffset(S.arrayIndices, indices.offset, 0);
    }
    return b.endObject();
  });
  const traversal = intVector(b, s.traversalOrder);
  const blockMap = intVector(b, s.blockMap);
  const dimVector = offsetVector(b, dims);
  const P = Slot.SparsityParameters;
  b.startObject(3);
  b.addFieldOffset(P.traversalOrder, traversal, 0);
  b.addFieldOffset(P.blockMap, blockMap, 0);
  b.addFieldOffset(P.dimMetadata, dimVector, 0);
  return b.endObject();
}

function writeQuantization(b: Builder, q: Quantization): number {
  const S = Slot.QuantizationParameters;
  const scale = floatVector(b, q.scale);
  const zeroPoint = longVector(b, q.zeroPoint);
  const min = q.min ? floatVector(b, q.min) : 0;
  const max = q.max ? floatVector(b, q.max) : 0;
  b.startObject(7);
  if (min) b.addFieldOffset(S.min, min, 0);
  if (max) b.addFieldOffset(S.max, max, 0);
  b.addFieldOffset(S.scale, scale, 0);
  b.addFieldOffset(S.zeroPoint, zeroPoint, 0);
  b.addFieldInt32(S.quantizedDimension, q.quantizedDimension, 0);
  return b.endObject();
}

interface Layout {
  /** Buffer index of each tensor, per subgraph. */
  tensorBuffers: number[][];
  /** Contents of each buffer (index 0 is the empty sentinel). */
  buffers: Uint8Array[];
}

function layoutBuffers(spec: ModelSpec): Layout {
  const buffers: Uint8Array[] = [new Uint8Array(0)];
  const tensorBuffers = spec.subgraphs.map((sg) => sg.tensors.map((t) => {
    if (!t.data) return 0;
    buffers.push(bytesOf(t.data));
    return buffers.length - 1;
  }));
  for (const m of spec.metadata ?? []) buffers.push(m.data);
  return { tensorBuffers, buffers };
}

function build(spec: ModelSpec, layout: Layout, externalOffsets: number[] | undefined): Uint8Array {
  const b = new Builder(1024);
  b.forceDefaults(true);

  const codeKeys: string[] = [];
  const codeIndex = new Map<string, number>();
  for (const sg of spec.subgraphs) {
    for (const op of sg.operators) {
      const key = `${op.custom ? 'custom:' : ''}${op.op}:${op.version ?? 1}`;
      if (!codeIndex.has(key)) {
        codeIndex.set(key, codeKeys.length);
        codeKeys.push(key);
      }
    }
  }
  const operatorCodes = codeKeys.map((key) => {
    const custom = key.startsWith('custom:');
    const rest = custom ? key.slice(7) : key;
    const name = rest.slice(0, rest.lastIndexOf(':'));
    const version = Number(rest.slice(rest.lastIndexOf(':') + 1));
    const code = custom ? CUSTOM_OPERATOR_CODE : builtinCode(name);
    const customName = custom ? b.createString(name) : 0;
    const S = Slot.OperatorCode;
    b.startObject(4);
    b.addFieldInt8(S.deprecatedBuiltinCode, Math.min(code, 127), 0);
    if (customName) b.addFieldOffset(S.customCode, customName, 0);
    b.addFieldInt32(S.version, version, 1);
    b.addFieldInt32(S.builtinCode, code, 0);
    return b.endObject();
  });

  const subgraphs = spec.subgraphs.map((sg, s) => {
    const tensors = sg.tensors.map((t, i) => {
      const name = b.createString(t.name ?? `t${i}`);
      const shape = intVector(b, t.shape);
      const signature = t.shapeSignature ? intVector(b, t.shapeSignature) : 0;
      const quantization = t.quantization ? writeQuantization(b, t.quantization) : 0;
      const sparsity = t.sparsity ? writeSparsity(b, t.sparsity) : 0;
      const S = Slot.Tensor;
      b.startObject(9);
      b.addFieldOffset(S.shape, shape, 0);
      b.addFieldInt8(S.type, DTYPE_NAMES.indexOf(t.dtype ?? 'float32'), 0);
      b.addFieldInt32(S.buffer, layout.tensorBuffers[s][i], 0);
      b.addFieldOffset(S.name, name, 0);
      if (quantization) b.addFieldOffset(S.quantization, quantization, 0);
      if (sparsity) b.addFieldOffset(S.sparsity, sparsity, 0);
      if (signature) b.addFieldOffset(S.shapeSignature, signature, 0);
      return b.endObject();
    });
    const operators = sg.operators.map((op) => {
      const inputs = intVector(b, op.inputs);
      const outputs = intVector(b, op.outputs);
      const options = op.options ? writeOptions(b, op.options) : 0;
      const custom = op.customOptions ? byteVector(b, op.customOptions) : 0;
      const S = Slot.Operator;
      b.startObject(7);
      b.addFieldInt32(S.opcodeIndex, codeIndex.get(`${op.custom ? 'custom:' : ''}${op.op}:${op.version ?? 1}`)!, 0);
      b.addFieldOffset(S.inputs, inputs, 0);
      b.addFieldOffset(S.outputs, outputs, 0);
      if (options) {
        b.addFieldInt8(S.builtinOptionsType, op.options!.type, 0);
        b.addFieldOffset(S.builtinOptions, options, 0);
      }
      if (custom) b.addFieldOffset(S.customOptions, custom, 0);
      return b.endObject();
    });
    const tensorVector = offsetVector(b, tensors);
    const inputVector = intVector(b, sg.inputs);
    const outputVector = intVector(b, sg.outputs);
    const operatorVector = offsetVector(b, operators);
    const name = b.createString(sg.name ?? (s === 0 ? 'main' : `subgraph_${s}`));
    const S = Slot.SubGraph;
    b.startObject(5);
    b.addFieldOffset(S.tensors, tensorVector, 0);
    b.addFieldOffset(S.inputs, inputVector, 0);
    b.addFieldOffset(S.outputs, outputVector, 0);
    b.addFieldOffset(S.operators, operatorVector, 0);
    b.addFieldOffset(S.name, name, 0);
    return b.endObject();
  });

  const buffers = layout.buffers.map((data, i) => {
    const S = Slot.Buffer;
    if (externalOffsets && i > 0 && data.length > 0) {
      b.startObject(3);
      b.addFieldInt64(S.offset, BigInt(externalOffsets[i]), 0n);
      b.addFieldInt64(S.size, BigInt(data.length), 0n);
      return b.endObject();
    }
    const vector = data.length > 0 ? byteVector(b, data, 16) : 0;
    b.startObject(3);
    if (vector) b.addFieldOffset(S.data, vector, 0);
    return b.endObject();
  });

  const metadataBase = layout.buffers.length - (spec.metadata?.length ?? 0);
  const metadata = (spec.metadata ?? []).map((m, i) => {
    const name = b.createString(m.name);
    b.startObject(2);
    b.addFieldOffset(Slot.Metadata.name, name, 0);
    b.addFieldInt32(Slot.Metadata.buffer, metadataBase + i, 0);
    return b.endObject();
  });
  const signatures = (spec.signatureDefs ?? []).map((sig) => {
    const maps = (list: { name: string; tensorIndex: number }[]) => offsetVector(b, list.map((m) => {
      const name = b.createString(m.name);
      b.startObject(2);
      b.addFieldOffset(Slot.TensorMap.name, name, 0);
      b.addFieldInt32(Slot.TensorMap.tensorIndex, m.tensorIndex, 0);
      return b.endObject();
    }));
    const inputs = maps(sig.inputs);
    const outputs = maps(sig.outputs);
    const key = b.createString(sig.key);
    const S = Slot.SignatureDef;
    b.startObject(5);
    b.addFieldOffset(S.inputs, inputs, 0);
    b.addFieldOffset(S.outputs, outputs, 0);
    b.addFieldOffset(S.signatureKey, key, 0);
    b.addFieldInt32(S.subgraphIndex, sig.subgraphIndex, 0);
    return b.endObject();
  });

  const codesVector = offsetVector(b, operatorCodes);
  const subgraphVector = offsetVector(b, subgraphs);
  const bufferVector = offsetVector(b, buffers);
  const metadataVector = metadata.length ? offsetVector(b, metadata) : 0;
  const signatureVector = signatures.length ? offsetVector(b, signatures) : 0;
  const description = b.createString(spec.description ?? 'written by xnnlite');
  const S = Slot.Model;
  b.startObject(8);
  b.addFieldInt32(S.version, 3, 0);
  b.addFieldOffset(S.operatorCodes, codesVector, 0);
  b.addFieldOffset(S.subgraphs, subgraphVector, 0);
  b.addFieldOffset(S.description, description, 0);
  b.addFieldOffset(S.buffers, bufferVector, 0);
  if (metadataVector) b.addFieldOffset(S.metadata, metadataVector, 0);
  if (signatureVector) b.addFieldOffset(S.signatureDefs, signatureVector, 0);
  b.finish(b.endObject(), FILE_IDENTIFIER);
  return b.asUint8Array();
}

const align16 = (n: number) => Math.ceil(n / 16) * 16;

/** Serializes `spec` into the bytes of a `.tflite` file. */
export function writeModel(spec: ModelSpec): Uint8Array {
  const layout = layoutBuffers(spec);
  if (!spec.externalBuffers) return build(spec, layout, undefined);
  // Offsets are fixed-width fields, so a first pass with placeholders gives the flatbuffer's final size.
  const placeholder = layout.buffers.map(() => 0);
  const size = build(spec, layout, placeholder).length;
  const offsets: number[] = [];
  let position = align16(size);
  for (const data of layout.buffers) {
    offsets.push(position);
    position = align16(position + data.length);
  }
  const head = build(spec, layout, offsets);
  const file = new Uint8Array(position);
  file.set(head);
  layout.buffers.forEach((data, i) => {
    if (i > 0 && data.length > 0) file.set(data, offsets[i]);
  });
  return file;
}
