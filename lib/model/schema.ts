/**
 * Facts of the TFLite flatbuffer schema (tensorflow/lite/schema/schema.fbs)
 * that the reader and writer need: field slots of each table (slot i sits at
 * vtable byte 4 + 2i; a union takes two slots, type then value) and enums.
 */

export const FILE_IDENTIFIER = 'TFL3';

/** Field slots per table. */
export const Slot = {
  Model: { version: 0, operatorCodes: 1, subgraphs: 2, description: 3, buffers: 4, metadataBuffer: 5, metadata: 6, signatureDefs: 7 },
  SubGraph: { tensors: 0, inputs: 1, outputs: 2, operators: 3, name: 4 },
  Tensor: {
    shape: 0, type: 1, buffer: 2, name: 3, quantization: 4, isVariable: 5, sparsity: 6, shapeSignature: 7, hasRank: 8,
  },
  QuantizationParameters: { min: 0, max: 1, scale: 2, zeroPoint: 3, detailsType: 4, details: 5, quantizedDimension: 6 },
  OperatorCode: { deprecatedBuiltinCode: 0, customCode: 1, version: 2, builtinCode: 3 },
  Operator: {
    opcodeIndex: 0, inputs: 1, outputs: 2, builtinOptionsType: 3, builtinOptions: 4, customOptions: 5,
    customOptionsFormat: 6, mutatingVariableInputs: 7, intermediates: 8,
  },
  Buffer: { data: 0, offset: 1, size: 2 },
  SignatureDef: { inputs: 0, outputs: 1, signatureKey: 2, subgraphIndex: 4 },
  TensorMap: { name: 0, tensorIndex: 1 },
  Metadata: { name: 0, buffer: 1 },
  SparsityParameters: { traversalOrder: 0, blockMap: 1, dimMetadata: 2 },
  DimensionMetadata: { format: 0, denseSize: 1, arraySegmentsType: 2, arraySegments: 3, arrayIndicesType: 4, arrayIndices: 5 },
  IndexVector: { values: 0 },
} as const;

/** TensorType: element types of tensors. */
export const TensorType = {
  FLOAT32: 0, FLOAT16: 1, INT32: 2, UINT8: 3, INT64: 4, STRING: 5, BOOL: 6, INT16: 7, COMPLEX64: 8, INT8: 9,
  FLOAT64: 10, COMPLEX128: 11, UINT64: 12, RESOURCE: 13, VARIANT: 14, UINT32: 15, UINT16: 16, INT4: 17, BFLOAT16: 18,
} as const;

export type DType =
  | 'float32' | 'float16' | 'int32' | 'uint8' | 'int64' | 'string' | 'bool' | 'int16' | 'complex64' | 'int8'
  | 'float64' | 'complex128' | 'uint64' | 'resource' | 'variant' | 'uint32' | 'uint16' | 'int4' | 'bfloat16';

export const DTYPE_NAMES: readonly DType[] = [
  'float32', 'float16', 'int32', 'uint8', 'int64', 'string', 'bool', 'int16', 'complex64', 'int8',
  'float64', 'complex128', 'uint64', 'resource', 'variant', 'uint32', 'uint16', 'int4', 'bfloat16',
];

/** Bytes per element; 0 for types without a fixed size (string, resource, variant) and for int4 (packed). */
/** The values each integer type holds. */
export const INTEGER_DTYPE_RANGES: Readonly<Partial<Record<DType, readonly [number, number]>>> = {
  int8: [-128, 127],
  uint8: [0, 255],
  int16: [-32768, 32767],
  int32: [-(2 ** 31), 2 ** 31 - 1],
};

export const DTYPE_BYTES: Readonly<Record<DType, number>> = {
  float32: 4, float16: 2, int32: 4, uint8: 1, int64: 8, string: 0, bool: 1, int16: 2, complex64: 8, int8: 1,
  float64: 8, complex128: 16, uint64: 8, resource: 0, variant: 0, uint32: 4, uint16: 2, int4: 0, bfloat16: 2,
};

/** BuiltinOperator names by code, up to the codes this version knows. */
export const BUILTIN_OPERATORS: readonly string[] = [
  'ADD', 'AVERAGE_POOL_2D', 'CONCATENATION', 'CONV_2D', 'DEPTHWISE_CONV_2D', 'DEPTH_TO_SPACE', 'DEQUANTIZE',
  'EMBEDDING_LOOKUP', 'FLOOR', 'FULLY_CONNECTED', 'HASHTABLE_LOOKUP', 'L2_NORMALIZATION', 'L2_POOL_2D',
  'LOCAL_RESPONSE_NORMALIZATION', 'LOGISTIC', 'LSH_PROJECTION', 'LSTM', 'MAX_POOL_2D', 'MUL', 'RELU', 'RELU_N1_TO_1',
  'RELU6', 'RESHAPE', 'RESIZE_BILINEAR', 'RNN', 'SOFTMAX', 'SPACE_TO_DEPTH', 'SVDF', 'TANH', 'CONCAT_EMBEDDINGS',
  'SKIP_GRAM', 'CALL', 'CUSTOM', 'EMBEDDING_LOOKUP_SPARSE', 'PAD', 'UNIDIRECTIONAL_SEQUENCE_RNN', 'GATHER',
  'BATCH_TO_SPACE_ND', 'SPACE_TO_BATCH_ND', 'TRANSPOSE', 'MEAN', 'SUB', 'DIV', 'SQUEEZE',
  'UNIDIRECTIONAL_SEQUENCE_LSTM', 'STRIDED_SLICE', 'BIDIRECTIONAL_SEQUENCE_RNN', 'EXP', 'TOPK_V2', 'SPLIT',
  'LOG_SOFTMAX', 'DELEGATE', 'BIDIRECTIONAL_SEQUENCE_LSTM', 'CAST', 'PRELU', 'MAXIMUM', 'ARG_MAX', 'MINIMUM', 'LESS',
  'NEG', 'PADV2', 'GREATER', 'GREATER_EQUAL', 'LESS_EQUAL', 'SELECT', 'SLICE', 'SIN', 'TRANSPOSE_CONV',
  'SPARSE_TO_DENSE', 'TILE', 'EXPAND_DIMS', 'EQUAL', 'NOT_EQUAL', 'LOG', 'SUM', 'SQRT', 'RSQRT', 'SHAPE', 'POW',
  'ARG_MIN', 'FAKE_QUANT', 'REDUCE_PROD', 'REDUCE_MAX', 'PACK', 'LOGICAL_OR', 'ONE_HOT', 'LOGICAL_AND', 'LOGICAL_NOT',
  'UNPACK', 'REDUCE_MIN', 'FLOOR_DIV', 'REDUCE_ANY', 'SQUARE', 'ZEROS_LIKE', 'FILL', 'FLOOR_MOD', 'RANGE',
  'RESIZE_NEAREST_NEIGHBOR', 'LEAKY_RELU', 'SQUARED_DIFFERENCE', 'MIRROR_PAD', 'ABS', 'SPLIT_V', 'UNIQUE', 'CEIL',
  'REVERSE_V2', 'ADD_N', 'GATHER_ND', 'COS', 'WHERE', 'RANK', 'ELU', 'REVERSE_SEQUENCE', 'MATRIX_DIAG', 'QUANTIZE',
  'MATRIX_SET_DIAG', 'ROUND', 'HARD_SWISH', 'IF', 'WHILE', 'NON_MAX_SUPPRESSION_V4', 'NON_MAX_SUPPRESSION_V5',
  'SCATTER_ND', 'SELECT_V2', 'DENSIFY', 'SEGMENT_SUM', 'BATCH_MATMUL', 'PLACEHOLDER_FOR_GREATER_OP_CODES', 'CUMSUM',
  'CALL_ONCE', 'BROADCAST_TO', 'RFFT2D', 'CONV_3D', 'IMAG', 'REAL', 'COMPLEX_ABS', 'HASHTABLE', 'HASHTABLE_FIND',
  'HASHTABLE_IMPORT', 'HASHTABLE_SIZE', 'REDUCE_ALL', 'CONV_3D_TRANSPOSE', 'VAR_HANDLE', 'READ_VARIABLE',
  'ASSIGN_VARIABLE', 'BROADCAST_ARGS', 'RANDOM_STANDARD_NORMAL', 'BUCKETIZE', 'RANDOM_UNIFORM', 'MULTINOMIAL', 'GELU',
  'DYNAMIC_UPDATE_SLICE', 'RELU_0_TO_1', 'UNSORTED_SEGMENT_PROD', 'UNSORTED_SEGMENT_MAX', 'UNSORTED_SEGMENT_SUM',
  'ATAN2', 'UNSORTED_SEGMENT_MIN', 'SIGN', 'BITCAST', 'BITWISE_XOR', 'RIGHT_SHIFT',
];

export const CUSTOM_OPERATOR_CODE = 32;

/** Name of a builtin code, or BUILTIN_<code> for codes newer than this table. */
export function builtinName(code: number): string {
  return BUILTIN_OPERATORS[code] ?? `BUILTIN_${code}`;
}

export function builtinCode(name: string): number {
  const code = BUILTIN_OPERATORS.indexOf(name);
  if (code < 0) throw new Error(`unknown builtin operator ${name}`);
  return code;
}

/** BuiltinOptions union member numbers (0 is NONE). */
export const BuiltinOptions = {
  Conv2DOptions: 1, DepthwiseConv2DOptions: 2, Pool2DOptions: 5, FullyConnectedOptions: 8, SoftmaxOptions: 9,
  ConcatenationOptions: 10, AddOptions: 11, ResizeBilinearOptions: 15, ReshapeOptions: 17, SpaceToDepthOptions: 19,
  MulOptions: 21, PadOptions: 22, TransposeOptions: 26, ReducerOptions: 27, SubOptions: 28, DivOptions: 29,
  SqueezeOptions: 30, StridedSliceOptions: 32, SplitOptions: 35, DequantizeOptions: 38, MaximumMinimumOptions: 39,
  SliceOptions: 48, TransposeConvOptions: 49, ExpandDimsOptions: 52, LeakyReluOptions: 75,
  SquaredDifferenceOptions: 76, HardSwishOptions: 91, DepthToSpaceOptions: 94, DensifyOptions: 99,
  BatchMatMulOptions: 101,
  PackOptions: 59, UnpackOptions: 64, ResizeNearestNeighborOptions: 74, MirrorPadOptions: 77, SplitVOptions: 79,
  NonMaxSuppressionV4Options: 95, NonMaxSuppressionV5Options: 96,
  GatherOptions: 23, TopKV2Options: 34, ArgMaxOptions: 40, SelectOptions: 47, ShapeOptions: 55, ArgMinOptions: 57,
  OneHotOptions: 61, ZerosLikeOptions: 67, FillOptions: 68, RangeOptions: 73, GatherNdOptions: 83, WhereOptions: 85,
  ScatterNdOptions: 97, SelectV2Options: 98, CumsumOptions: 102,
  L2NormOptions: 12, LocalResponseNormalizationOptions: 13, ExpOptions: 33, LogSoftmaxOptions: 36, LessOptions: 41,
  NegOptions: 42, GreaterOptions: 44, GreaterEqualOptions: 45, LessEqualOptions: 46, EqualOptions: 53, NotEqualOptions: 54,
  PowOptions: 56, LogicalOrOptions: 60, LogicalAndOptions: 62, LogicalNotOptions: 63, FloorDivOptions: 65, SquareOptions: 66,
  FloorModOptions: 72, AbsOptions: 78, CosOptions: 84, GeluOptions: 116, SignOptions: 123,
  IfOptions: 92, WhileOptions: 93, CallOnceOptions: 103, VarHandleOptions: 111, ReadVariableOptions: 112, AssignVariableOptions: 113,
} as const;

export const Padding = { SAME: 0, VALID: 1 } as const;
export const Activation = { NONE: 0, RELU: 1, RELU_N1_TO_1: 2, RELU6: 3, TANH: 4, SIGN_BIT: 5 } as const;
export const ACTIVATION_NAMES = ['NONE', 'RELU', 'RELU_N1_TO_1', 'RELU6', 'TANH', 'SIGN_BIT'];

/** DimensionType of sparse tensors, and the SparseIndexVector union members. */
export const DimensionType = { DENSE: 0, SPARSE_CSR: 1 } as const;
export const SparseIndexVector = { NONE: 0, Int32Vector: 1, Uint16Vector: 2, Uint8Vector: 3 } as const;

/** Option-table field slots, in schema field order. */
export const OptionSlot = {
  Conv2D: { padding: 0, strideW: 1, strideH: 2, activation: 3, dilationW: 4, dilationH: 5 },
  DepthwiseConv2D: { padding: 0, strideW: 1, strideH: 2, depthMultiplier: 3, activation: 4, dilationW: 5, dilationH: 6 },
  Pool2D: { padding: 0, strideW: 1, strideH: 2, filterW: 3, filterH: 4, activation: 5 },
  FullyConnected: { activation: 0, weightsFormat: 1, keepNumDims: 2, asymmetricQuantizeInputs: 3 },
  Softmax: { beta: 0 },
  Concatenation: { axis: 0, activation: 1 },
  /** ADD, SUB, MUL, DIV share this first field. */
  Arithmetic: { activation: 0 },
  ResizeBilinear: { alignCorners: 2, halfPixelCenters: 3 },
  Reshape: { newShape: 0 },
  BlockSize: { blockSize: 0 },
  Reducer: { keepDims: 0 },
  Squeeze: { squeezeDims: 0 },
  StridedSlice: { beginMask: 0, endMask: 1, ellipsisMask: 2, newAxisMask: 3, shrinkAxisMask: 4, offset: 5 },
  Split: { numSplits: 0 },
  TransposeConv: { padding: 0, strideW: 1, strideH: 2, activation: 3 },
  LeakyRelu: { alpha: 0 },
  BatchMatMul: { adjX: 0, adjY: 1 },
  Pack: { valuesCount: 0, axis: 1 },
  Unpack: { num: 0, axis: 1 },
  ResizeNearestNeighbor: { alignCorners: 0, halfPixelCenters: 1 },
  MirrorPad: { mode: 0 },
  SplitV: { numSplits: 0 },
  Gather: { axis: 0, batchDims: 1 },
  /** ArgMaxOptions and ArgMinOptions. */
  ArgMinMax: { outputType: 0 },
  OneHot: { axis: 0 },
  Cumsum: { exclusive: 0, reverse: 1 },
  Shape: { outType: 0 },
  Gelu: { approximate: 0 },
  L2Norm: { activation: 0 },
  LocalResponseNormalization: { radius: 0, bias: 1, alpha: 2, beta: 3 },
} as const;

/** MirrorPadOptions.mode. */
export const MirrorPadMode = { REFLECT: 0, SYMMETRIC: 1 } as const;
