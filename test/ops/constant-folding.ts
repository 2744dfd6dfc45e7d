// DEQUANTIZE of FP16 weights and DENSIFY of sparse weights, as TFLite's
// float16 quantization and pruning write them, feeding a CONV_2D.
import t from 'tap';
import { float32ToFloat16Bits } from '../../lib/model/float16';
import type { Sparsity } from '../../lib/model/types';
import { writeModel, type TensorSpec, type OperatorSpec } from '../../lib/model/writer';
import { conv2d } from '../helpers/options';
import { expectParity, weights } from '../helpers/op-model';

function toFloat16(values: Float32Array): Uint16Array {
  return Uint16Array.from(values, (v) => float32ToFloat16Bits(v));
}

/** Row-sparse weights: zero out ~60% of the entries. */
function pruned(shape: number[], seed: number): Float32Array {
  const w = weights(shape, seed);
  return w.map((v, i) => ((i * 7919) % 10 < 6 ? 0 : v));
}

/** CSR over the last dimension, dense over the others (what the MediaPipe sparse detector uses). */
function csr(values: Float32Array, shape: number[]): { sparsity: Sparsity; data: Float32Array } {
  const inner = shape[shape.length - 1];
  const rows = values.length / inner;
  const segments = [0];
  const indices: number[] = [];
  const kept: number[] = [];
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < inner; c++) {
      const v = values[r * inner + c];
      if (v !== 0) {
        indices.push(c);
        kept.push(v);
      }
    }
    segments.push(indices.length);
  }
  return {
    data: Float32Array.from(kept),
    sparsity: {
      traversalOrder: shape.map((_, i) => i),
      blockMap: [],
      dimMetadata: [
        ...shape.slice(0, -1).map((d) => ({ format: 'dense' as const, denseSize: d })),
        { format: 'sparse-csr' as const, denseSize: 0, arraySegments: segments, arrayIndices: indices },
      ],
    },
  };
}

/** Blocks of 4 along the last dimension, CSR over blocks. */
function blockCsr(values: Float32Array, shape: number[], block = 4): { sparsity: Sparsity; data: Float32Array } {
  const inner = shape[shape.length - 1];
  const rows = values.length / inner;
  const segments = [0];
  const indices: number[] = [];
  const kept: number[] = [];
  for (let r = 0; r < rows; r++) {
    for (let b = 0; b < inner / block; b++) {
      const chunk = values.subarray(r * inner + b * block, r * inner + (b + 1) * block);
      if (chunk.some((v) => v !== 0)) {
        indices.push(b);
        kept.push(...chunk);
      }
    }
    segments.push(indices.length);
  }
  const rank = shape.length;
  return {
    data: Float32Array.from(kept),
    sparsity: {
      traversalOrder: [...shape.map((_, i) => i), rank],
      blockMap: [rank - 1],
      dimMetadata: [
        ...shape.slice(0, -1).map((d) => ({ format: 'dense' as const, denseSize: d })),
        { format: 'sparse-csr' as const, denseSize: 0, arraySegments: segments, arrayIndices: indices },
        { format: 'dense' as const, denseSize: block },
      ],
    },
  };
}

/** input -> CONV_2D(filter, bias) where the filter comes through `filterOps` from a stored constant. */
function convModel(stored: TensorSpec, filterOps: Array<'DENSIFY' | 'DEQUANTIZE'>, filterShape: number[], fp16Bias: boolean): Uint8Array {
  const tensors: TensorSpec[] = [{ name: 'input', shape: [1, 6, 6, filterShape[3]] }, stored];
  const operators: OperatorSpec[] = [];
  let current = 1;
  let dtype = stored.dtype;
  for (const op of filterOps) {
    if (op === 'DEQUANTIZE') dtype = 'float32';
    tensors.push({ name: `${op.toLowerCase()}_out`, shape: filterShape, dtype });
    operators.push({ op, inputs: [current], outputs: [tensors.length - 1] });
    current = tensors.length - 1;
  }
  const bias = weights([filterShape[0]], 11);
  let biasIndex: number;
  if (fp16Bias) {
    tensors.push({ name: 'bias_fp16', shape: [filterShape[0]], dtype: 'float16', data: toFloat16(bias) });
    tensors.push({ name: 'bias', shape: [filterShape[0]] });
    operators.push({ op: 'DEQUANTIZE', inputs: [tensors.length - 2], outputs: [tensors.length - 1] });
  } else {
    tensors.push({ name: 'bias', shape: [filterShape[0]], data: bias });
  }
  biasIndex = tensors.length - 1;
  tensors.push({ name: 'output', shape: [1, 6, 6, filterShape[0]] });
  operators.push({ op: 'CONV_2D', inputs: [0, current, biasIndex], outputs: [tensors.length - 1], options: conv2d() });
  return writeModel({ subgraphs: [{ tensors, inputs: [0], outputs: [tensors.length - 1], operators }] });
}

t.test('DEQUANTIZE of FP16 weights and bias', async (t) => {
  const shape = [8, 3, 3, 4];
  const stored: TensorSpec = { name: 'filter_fp16', shape, dtype: 'float16', data: toFloat16(weights(shape)) };
  await expectParity(t, convModel(stored, ['DEQUANTIZE'], shape, true));
});

t.test('DENSIFY of CSR-sparse float32 weights', async (t) => {
  const shape = [6, 1, 1, 16];
  const { data, sparsity } = csr(pruned(shape, 5), shape);
  await expectParity(t, convModel({ name: 'filter_sparse', shape, data, sparsity }, ['DENSIFY'], shape, false));
});

t.test('DENSIFY then DEQUANTIZE of sparse FP16 weights (the sparse face detector\'s layout)', async (t) => {
  const shape = [8, 1, 1, 12];
  const { data, sparsity } = csr(pruned(shape, 6), shape);
  await expectParity(t, convModel({ name: 'filter_sparse_fp16', shape, dtype: 'float16', data: toFloat16(data), sparsity }, ['DENSIFY', 'DEQUANTIZE'], shape, true));
});

t.test('DENSIFY of block-sparse weights (blocks of 4)', async (t) => {
  const shape = [4, 1, 1, 16];
  const dense = weights(shape, 8).map((v, i) => (Math.floor(i / 4) % 3 === 1 ? 0 : v));
  const { data, sparsity } = blockCsr(dense, shape);
  await expectParity(t, convModel({ name: 'filter_blocks', shape, data, sparsity }, ['DENSIFY'], shape, false));
});
