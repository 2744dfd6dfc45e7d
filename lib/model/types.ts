import type { Table } from './flat-reader';
import type { DType } from './schema';

/** Quantization parameters of a tensor: real = scale * (q - zeroPoint). */
export interface Quantization {
  scale: number[];
  zeroPoint: number[];
  /** Axis the per-channel scales run along. */
  quantizedDimension: number;
  min?: number[];
  max?: number[];
}

/** One dimension of a sparse tensor in TFLite's sparsity format. */
export interface DimensionMetadata {
  format: 'dense' | 'sparse-csr';
  denseSize: number;
  arraySegments?: number[];
  arrayIndices?: number[];
}

export interface Sparsity {
  traversalOrder: number[];
  blockMap: number[];
  dimMetadata: DimensionMetadata[];
}

export interface TensorDef {
  index: number;
  name: string;
  shape: number[];
  /** -1 marks a dimension that may vary at run time. */
  shapeSignature?: number[];
  dtype: DType;
  buffer: number;
  /** Static contents (a view into the model file), when the tensor is a constant. */
  data?: Uint8Array;
  quantization?: Quantization;
  sparsity?: Sparsity;
  isVariable: boolean;
}

export interface OperatorDef {
  index: number;
  /** Builtin name (e.g. `CONV_2D`) or, for custom ops, the custom code. */
  op: string;
  builtinCode: number;
  customCode?: string;
  version: number;
  /** Tensor indices; -1 marks an omitted optional input. */
  inputs: number[];
  outputs: number[];
  optionsType: number;
  options?: Table;
  customOptions?: Uint8Array;
}

export interface SubgraphDef {
  name: string;
  tensors: TensorDef[];
  inputs: number[];
  outputs: number[];
  operators: OperatorDef[];
}

export interface SignatureDef {
  key: string;
  subgraphIndex: number;
  inputs: { name: string; tensorIndex: number }[];
  outputs: { name: string; tensorIndex: number }[];
}

export interface TfliteModel {
  version: number;
  description: string;
  subgraphs: SubgraphDef[];
  signatureDefs: SignatureDef[];
  metadata: { name: string; buffer: number }[];
  /** The whole file. */
  bytes: Uint8Array;
}
