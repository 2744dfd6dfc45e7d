import { ModelFormatError } from '../errors';
import { elementCount } from './element-count';
import { DTYPE_BYTES, INTEGER_DTYPE_RANGES } from './schema';
import type { SubgraphDef, TensorDef, TfliteModel } from './types';
import { checkFoldedConstants } from './validate-folding';
import { checkSparsity } from './validate-sparsity';

/** Bounds on what a model may ask for, so that a hostile file cannot claim unbounded memory. */
export interface ModelLimits {
  /** Largest tensor, in bytes. Default 1 GiB. */
  maxTensorBytes: number;
  /** Sum of all tensor sizes, in bytes. Default 8 GiB. */
  maxTotalBytes: number;
  /** Largest rank. Default 8 (XNNPACK itself takes 6). */
  maxRank: number;
}

export const DEFAULT_LIMITS: ModelLimits = {
  maxTensorBytes: 1024 ** 3,
  maxTotalBytes: 8 * 1024 ** 3,
  maxRank: 8,
};

const FLOAT32_MIN_NORMAL = 2 ** -126;


function tensorWhere(sg: number, t: number): string {
  return `Model.subgraphs[${sg}].tensors[${t}]`;
}

/** The bytes tensor `t` needs at its shape; the error `refuse` makes when that is over the limit. */
export function tensorBytes(t: TensorDef, limits: ModelLimits, refuse: (problem: string) => Error): number {
  const elements = elementCount(t.shape);
  const bytes = elements * DTYPE_BYTES[t.dtype];
  if (!Number.isSafeInteger(elements) || bytes > limits.maxTensorBytes) {
    throw refuse(`shape [${t.shape}] of ${t.dtype} needs ${bytes} bytes, more than the limit of ${limits.maxTensorBytes}`);
  }
  return bytes;
}

function checkTensor(t: TensorDef, sg: number, limits: ModelLimits): number {
  const where = tensorWhere(sg, t.index);
  if (t.shape.length > limits.maxRank) throw new ModelFormatError(`${where}.shape`, `rank ${t.shape.length} is larger than ${limits.maxRank}`);
  for (const d of t.shape) {
    if (d < 0) throw new ModelFormatError(`${where}.shape`, `dimension ${d} is negative (shape [${t.shape}])`);
  }
  const bytes = tensorBytes(t, limits, (problem) => new ModelFormatError(`${where}.shape`, problem));
  const signature = t.shapeSignature;
  if (signature && (signature.length !== t.shape.length || signature.some((d, k) => d !== -1 && d !== t.shape[k]))) {
    throw new ModelFormatError(`${where}.shape_signature`, `[${signature}] does not match shape [${t.shape}] (each dimension must equal the shape's, or be -1)`);
  }
  if (t.data && t.sparsity) checkSparsity(t, where);
  else if (t.data && DTYPE_BYTES[t.dtype] > 0 && t.data.length !== bytes) {
    throw new ModelFormatError(`${where}.buffer`, `static data has ${t.data.length} bytes, but shape [${t.shape}] of ${t.dtype} needs ${bytes}`);
  }
  const q = t.quantization;
  if (q) {
    if (q.zeroPoint.length !== 0 && q.zeroPoint.length !== q.scale.length) {
      throw new ModelFormatError(`${where}.quantization`, `${q.scale.length} scales but ${q.zeroPoint.length} zero points`);
    }
    if (q.scale.length > 1) {
      if (q.quantizedDimension < 0 || q.quantizedDimension >= t.shape.length) {
        throw new ModelFormatError(`${where}.quantization.quantized_dimension`, `axis ${q.quantizedDimension} is outside rank ${t.shape.length}`);
      }
      if (t.shape[q.quantizedDimension] !== q.scale.length) {
        throw new ModelFormatError(`${where}.quantization.scale`, `${q.scale.length} scales for dimension ${q.quantizedDimension} of size ${t.shape[q.quantizedDimension]}`);
      }
    }
    for (const s of q.scale) {
      // Scales are used as float32, where they must be normal numbers (XNNPACK refuses subnormal and infinite ones).
      const single = Math.fround(s);
      if (!(Number.isFinite(single) && single >= FLOAT32_MIN_NORMAL)) {
        throw new ModelFormatError(`${where}.quantization.scale`, `scale ${s} is not a positive normal float32 number`);
      }
    }
    // A quantized tensor's zero points are values of its own type.
    const range = INTEGER_DTYPE_RANGES[t.dtype];
    if (range) {
      for (const z of q.zeroPoint) {
        if (!(Number.isInteger(z) && z >= range[0] && z <= range[1])) {
          throw new ModelFormatError(`${where}.quantization.zero_point`, `zero point ${z} is outside the range of ${t.dtype} [${range[0]}, ${range[1]}]`);
        }
      }
    }
  }
  return bytes;
}

function checkIndex(index: number, count: number, where: string, what: string): void {
  if (!Number.isInteger(index) || index < 0 || index >= count) {
    throw new ModelFormatError(where, `${what} ${index} is out of range (the subgraph has ${count} tensors)`);
  }
}

/**
 * The dataflow of one subgraph: indices in range, every operator input
 * available before it is read (a graph input, a constant, or the output of
 * an earlier operator), every tensor written at most once. TFLite runs
 * operators in the order they are listed, so this also rules out cycles.
 */
function checkDataflow(sg: SubgraphDef, s: number): void {
  const count = sg.tensors.length;
  const available = new Uint8Array(count);
  sg.inputs.forEach((i, k) => {
    checkIndex(i, count, `Model.subgraphs[${s}].inputs[${k}]`, 'tensor index');
    if (sg.tensors[i].data) throw new ModelFormatError(`Model.subgraphs[${s}].inputs[${k}]`, `input tensor ${i} is a constant`);
    available[i] = 1;
  });
  for (const t of sg.tensors) if (t.data || t.isVariable) available[t.index] = 1;
  for (const op of sg.operators) {
    const where = `Model.subgraphs[${s}].operators[${op.index}] (${op.op})`;
    op.inputs.forEach((i, k) => {
      if (i === -1) return;
      checkIndex(i, count, `${where}.inputs[${k}]`, 'tensor index');
      if (!available[i]) throw new ModelFormatError(`${where}.inputs[${k}]`, `reads tensor ${i} (${sg.tensors[i].name}) before any operator writes it`);
    });
    op.outputs.forEach((o, k) => {
      checkIndex(o, count, `${where}.outputs[${k}]`, 'tensor index');
      if (available[o]) throw new ModelFormatError(`${where}.outputs[${k}]`, `writes tensor ${o} (${sg.tensors[o].name}), which is already written or constant`);
      available[o] = 1;
    });
  }
  sg.outputs.forEach((o, k) => {
    checkIndex(o, count, `Model.subgraphs[${s}].outputs[${k}]`, 'tensor index');
    if (!available[o]) throw new ModelFormatError(`Model.subgraphs[${s}].outputs[${k}]`, `output tensor ${o} is never written`);
  });
}

export function validateModel(model: TfliteModel, bufferCount: number, limits?: Partial<ModelLimits>): void {
  const l = { ...DEFAULT_LIMITS, ...limits };
  if (model.subgraphs.length === 0) throw new ModelFormatError('Model.subgraphs', 'the model has no subgraph');
  let total = 0;
  model.subgraphs.forEach((sg, s) => {
    for (const t of sg.tensors) {
      total += checkTensor(t, s, l);
      if (total > l.maxTotalBytes) throw new ModelFormatError(`Model.subgraphs[${s}]`, `tensors need more than ${l.maxTotalBytes} bytes in total`);
    }
    checkDataflow(sg, s);
    checkFoldedConstants(sg, s);
  });
  model.metadata.forEach((m, i) => {
    if (m.buffer >= bufferCount) throw new ModelFormatError(`Model.metadata[${i}].buffer`, `buffer index ${m.buffer} is out of range`);
  });
  model.signatureDefs.forEach((sig, i) => {
    const sg = model.subgraphs[sig.subgraphIndex];
    if (!sg) throw new ModelFormatError(`Model.signature_defs[${i}].subgraph_index`, `subgraph ${sig.subgraphIndex} does not exist`);
    for (const m of [...sig.inputs, ...sig.outputs]) checkIndex(m.tensorIndex, sg.tensors.length, `Model.signature_defs[${i}]`, 'tensor index');
  });
}
