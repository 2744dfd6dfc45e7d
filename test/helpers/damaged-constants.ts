// Models whose constant data no longer fits the tensors that hold or read
// it, rewritten with the writer from real and small models: dense
// constants shortened or their shapes grown, FP16 constants behind
// DEQUANTIZE with a different number of values than its output, and sparse
// constants whose values, segments, indices or dimensions disagree. Each is
// a malformed file, to be refused with a ModelFormatError that names the
// place (`where`, the start of the message) and the sizes (`mentions`).
import { DTYPE_BYTES } from '../../lib/model/schema';
import type { Sparsity, TensorDef, TfliteModel } from '../../lib/model/types';
import { readModel } from '../../lib/model/reader';
import { writeModel, type SubgraphSpec, type TensorSpec } from '../../lib/model/writer';
import { toSpec } from '../../lib/quantize/rewrite';
import { fullyConnected } from './options';

export interface DamagedConstant {
  label: string;
  bytes: Uint8Array;
  where: string;
  mentions: string[];
}

const elements = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);
const tensorWhere = (i: number) => `Model.subgraphs[0].tensors[${i}]`;
const operatorWhere = (k: number, op: string) => `Model.subgraphs[0].operators[${k}] (${op})`;

/** `model` rewritten after `change` edits its (only) subgraph. */
function rewrite(model: TfliteModel, change: (sg: SubgraphSpec) => void): Uint8Array {
  const spec = toSpec(model);
  change(spec.subgraphs[0]);
  return writeModel(spec);
}

function bytesOf(t: TensorSpec): Uint8Array {
  const d = t.data!;
  return new Uint8Array(d.buffer, d.byteOffset, d.byteLength);
}

/** `shape` with dimension `axis` changed by `change` (the largest dimension when omitted). */
function reshaped(shape: readonly number[], change: (d: number) => number, axis = shape.indexOf(Math.max(...shape))): number[] {
  return shape.map((d, i) => (i === axis ? change(d) : d));
}

/** Dense constants (no sparsity, fixed-size type) shortened by an element, a byte or half, or with a grown shape. */
export function* denseDamage(model: TfliteModel, tensors: (t: TensorDef) => boolean = () => true): Generator<DamagedConstant> {
  for (const t of model.subgraphs[0].tensors) {
    if (!t.data || t.sparsity || DTYPE_BYTES[t.dtype] === 0 || !tensors(t)) continue;
    const size = DTYPE_BYTES[t.dtype];
    const length = t.data.length;
    const where = `${tensorWhere(t.index)}.buffer`;
    const lengths = new Set([length - size, length - 1, Math.floor(length / 2)].filter((n) => n > 0 && n < length));
    for (const n of lengths) {
      yield {
        label: `${t.name}: buffer cut from ${length} to ${n} bytes`,
        bytes: rewrite(model, (sg) => { sg.tensors[t.index].data = bytesOf(sg.tensors[t.index]).slice(0, n); }),
        where,
        mentions: [`static data has ${n} bytes, but shape [${t.shape}] of ${t.dtype} needs ${length}`],
      };
    }
    const shapes = t.shape.length === 0 ? [[2]] : [reshaped(t.shape, (d) => d + 1, 0), reshaped(t.shape, (d) => 2 * d, t.shape.length - 1)];
    for (const shape of shapes) {
      if (elements(shape) === elements(t.shape)) continue;
      yield {
        label: `${t.name}: shape [${t.shape}] grown to [${shape}]`,
        bytes: rewrite(model, (sg) => { sg.tensors[t.index].shape = shape; }),
        where,
        mentions: [`static data has ${length} bytes, but shape [${shape}] of ${t.dtype} needs ${elements(shape) * size}`],
      };
    }
  }
}

/**
 * For each DEQUANTIZE of a stored FP16 constant: the FP16 buffer one value
 * short; the constant shrunk with its shape (consistent in itself, too small
 * for the output); the output's shape grown and shrunk; and the DEQUANTIZE
 * pointed at another FP16 constant of a different size.
 */
export function* float16Damage(model: TfliteModel): Generator<DamagedConstant> {
  const sg = model.subgraphs[0];
  const dequantized = sg.operators.filter((op) => op.op === 'DEQUANTIZE' && sg.tensors[op.inputs[0]].dtype === 'float16' && sg.tensors[op.inputs[0]].data && !sg.tensors[op.inputs[0]].sparsity);
  for (const [n, op] of dequantized.entries()) {
    const input = sg.tensors[op.inputs[0]];
    const output = sg.tensors[op.outputs[0]];
    const values = elements(input.shape);
    const where = operatorWhere(op.index, 'DEQUANTIZE');
    const says = (t: TensorDef, count: number, shape: readonly number[]) => [
      `float16 data of tensors[${t.index}] (${t.name}) has ${2 * count} bytes (${count} values)`,
      `the DEQUANTIZE output tensors[${output.index}] (${output.name}) of shape [${shape}] needs ${elements(shape)} values`,
    ];
    yield {
      label: `${input.name}: FP16 buffer one value short`,
      bytes: rewrite(model, (s) => { s.tensors[input.index].data = bytesOf(s.tensors[input.index]).slice(0, 2 * values - 2); }),
      where: `${tensorWhere(input.index)}.buffer`,
      mentions: [`static data has ${2 * values - 2} bytes, but shape [${input.shape}] of float16 needs ${2 * values}`],
    };
    const smaller = reshaped(input.shape, (d) => d - 1);
    if (elements(smaller) > 0) {
      yield {
        label: `${input.name}: FP16 constant shrunk to [${smaller}] under a [${output.shape}] output`,
        bytes: rewrite(model, (s) => {
          s.tensors[input.index].shape = smaller;
          s.tensors[input.index].data = bytesOf(s.tensors[input.index]).slice(0, 2 * elements(smaller));
        }),
        where,
        mentions: says(input, elements(smaller), output.shape),
      };
    }
    for (const shape of [reshaped(output.shape, (d) => d + 1), reshaped(output.shape, (d) => d - 1)]) {
      yield {
        label: `${output.name}: DEQUANTIZE output [${output.shape}] changed to [${shape}]`,
        bytes: rewrite(model, (s) => { s.tensors[output.index].shape = shape; }),
        where,
        mentions: says(input, values, shape),
      };
    }
    const other = [...dequantized.slice(n + 1), ...dequantized.slice(0, n)].map((o) => sg.tensors[o.inputs[0]]).find((t) => elements(t.shape) !== values);
    if (other) {
      yield {
        label: `DEQUANTIZE #${op.index} reads ${other.name} instead of ${input.name}`,
        bytes: rewrite(model, (s) => { s.operators[op.index].inputs = [other.index]; }),
        where,
        mentions: says(other, elements(other.shape), output.shape),
      };
    }
  }
}

/** Size of the dimension sparsity level `level` walks: a block, or an original dimension divided by its block. */
function levelSize(shape: readonly number[], sparsity: Sparsity, level: number): number {
  const rank = shape.length;
  const blockSize = (b: number) => sparsity.dimMetadata[sparsity.traversalOrder.indexOf(rank + b)].denseSize;
  const d = sparsity.traversalOrder[level];
  if (d >= rank) return blockSize(d - rank);
  const b = sparsity.blockMap.indexOf(d);
  return b < 0 ? shape[d] : Math.floor(shape[d] / blockSize(b));
}

/**
 * For sparse constants read by DENSIFY: values one short and one long;
 * segments that run past the indices, decrease, start past 0 or miss an
 * entry; indices outside their dimension, negative or repeated; a dense
 * level or the tensor's shape that disagrees with the other; the DENSIFY
 * output, or the DEQUANTIZE after it, with a grown shape; a traversal order
 * that is not a permutation, and a block map without a block level.
 */
export function* sparseDamage(model: TfliteModel, tensors: (t: TensorDef) => boolean = () => true): Generator<DamagedConstant> {
  const sg = model.subgraphs[0];
  for (const t of sg.tensors) {
    const sparsity = t.sparsity;
    if (!t.data || !sparsity || DTYPE_BYTES[t.dtype] === 0 || !tensors(t)) continue;
    const densify = sg.operators.find((op) => op.op === 'DENSIFY' && op.inputs[0] === t.index);
    const level = sparsity.dimMetadata.findIndex((d) => d.format === 'sparse-csr');
    if (!densify || level < 0) continue;
    const size = DTYPE_BYTES[t.dtype];
    const length = t.data.length;
    const values = length / size;
    const tw = tensorWhere(t.index);
    const lw = `${tw}.sparsity.dim_metadata[${level}]`;
    const segments = sparsity.dimMetadata[level].arraySegments!;
    const indices = sparsity.dimMetadata[level].arrayIndices!;
    const parents = segments.length - 1;
    const dimension = levelSize(t.shape, sparsity, level);
    const edit = (label: string, where: string, mentions: string[], change: (s: SubgraphSpec, target: TensorSpec) => void): DamagedConstant => ({
      label: `${t.name}: ${label}`,
      bytes: rewrite(model, (s) => change(s, s.tensors[t.index])),
      where,
      mentions,
    });
    const editLevel = (label: string, where: string, mentions: string[], change: (segments: number[], indices: number[]) => void) =>
      edit(label, where, mentions, (_, target) => {
        const dims = target.sparsity!.dimMetadata.map((d) => ({ ...d, arraySegments: d.arraySegments && [...d.arraySegments], arrayIndices: d.arrayIndices && [...d.arrayIndices] }));
        change(dims[level].arraySegments!, dims[level].arrayIndices!);
        target.sparsity = { ...target.sparsity!, dimMetadata: dims };
      });

    for (const n of [length - size, length + size]) {
      yield edit(`values buffer of ${n} bytes instead of ${length}`, `${tw}.buffer`,
        [`sparse data has ${n} bytes, but its sparsity parameters describe ${values} values of ${t.dtype} (${length} bytes`],
        (_, target) => { target.data = Uint8Array.from({ length: n }, (_, i) => (i < length ? t.data![i] : 0)); });
    }
    const lastUsed = segments.findIndex((v) => v > indices.length - 1) - 1;
    yield editLevel('last index dropped', `${lw}.array_segments`,
      [`segment ${lastUsed} [${segments[lastUsed]}, ${segments[lastUsed + 1]}) is not a range within the ${indices.length - 1} indices`],
      (_, i) => { i.pop(); });
    yield editLevel('last segment past the indices', `${lw}.array_segments`,
      [`segment ${parents - 1} [${segments[parents - 1]}, ${indices.length + 1}) is not a range within the ${indices.length} indices`],
      (s) => { s[parents] += 1; });
    const rising = segments.findIndex((v, p) => p > 0 && v > segments[p - 1]);
    if (rising > 0 && rising < parents) {
      yield editLevel(`segment ${rising} moved before segment ${rising - 1}`, `${lw}.array_segments`,
        [`segment ${rising - 1} [${segments[rising - 1]}, ${segments[rising - 1] - 1}) is not a range`],
        (s) => { s[rising] = s[rising - 1] - 1; });
    }
    yield editLevel('last segment missing', `${lw}.array_segments`,
      [`has ${parents} entries, but the ${parents} entries of the levels above need ${parents + 1}`],
      (s) => { s.pop(); });
    yield editLevel('segments start at 1', `${lw}.array_segments`, ['starts at 1, not 0'], (s) => { s[0] = 1; });
    yield editLevel(`last index set to the dimension's size ${dimension}`, `${lw}.array_indices`,
      [`index ${dimension} at ${indices.length - 1} is outside the dimension's size ${dimension}`],
      (_, i) => { i[i.length - 1] = dimension; });
    yield editLevel('first index negative', `${lw}.array_indices`, [`index -1 at 0 is outside the dimension's size ${dimension}`], (_, i) => { i[0] = -1; });
    const pair = segments.findIndex((v, p) => p < parents && segments[p + 1] - v >= 2);
    if (pair >= 0) {
      const j = segments[pair] + 1;
      yield editLevel(`index ${j} repeated`, `${lw}.array_indices`,
        [`indices of segment ${pair} are not increasing (${indices[j - 1]} then ${indices[j - 1]} at ${j})`],
        (_, i) => { i[j] = i[j - 1]; });
    }
    const first = sparsity.dimMetadata[0];
    const d0 = sparsity.traversalOrder[0];
    if (first.format === 'dense' && d0 < t.shape.length) {
      yield edit('first dense size one larger', `${tw}.sparsity.dim_metadata[0].dense_size`,
        [`dense size ${first.denseSize + 1}, but the level walks dimension ${d0} of size ${t.shape[d0]}`],
        (_, target) => { target.sparsity = { ...target.sparsity!, dimMetadata: target.sparsity!.dimMetadata.map((d, k) => (k === 0 ? { ...d, denseSize: d.denseSize + 1 } : d)) }; });
      const grown = reshaped(t.shape, (d) => d + 1, d0);
      yield edit(`shape grown to [${grown}]`, `${tw}.sparsity.dim_metadata[0].dense_size`,
        [`dense size ${first.denseSize}, but the level walks dimension ${d0} of size ${grown[d0]}`],
        (s, target) => { target.shape = grown; s.tensors[densify.outputs[0]].shape = grown; });
    }
    const dense = sg.tensors[densify.outputs[0]];
    const grownDense = reshaped(dense.shape, (d) => d + 1, 0);
    yield edit(`DENSIFY output grown to [${grownDense}]`, operatorWhere(densify.index, 'DENSIFY'),
      [`densifies ${t.dtype} [${t.shape}] of tensors[${t.index}] (${t.name}) into ${dense.dtype} [${grownDense}] of tensors[${dense.index}] (${dense.name})`],
      (s) => { s.tensors[dense.index].shape = grownDense; });
    const dequantize = sg.operators.find((op) => op.op === 'DEQUANTIZE' && op.inputs[0] === dense.index);
    if (dequantize) {
      const output = sg.tensors[dequantize.outputs[0]];
      const grown = reshaped(output.shape, (d) => d + 1, 0);
      const count = elements(dense.shape);
      yield edit(`DEQUANTIZE output after DENSIFY grown to [${grown}]`, operatorWhere(dequantize.index, 'DEQUANTIZE'),
        [`${dense.dtype} data of tensors[${dense.index}] (${dense.name}) has ${count * DTYPE_BYTES[dense.dtype]} bytes (${count} values)`, `of shape [${grown}] needs ${elements(grown)} values`],
        (s) => { s.tensors[output.index].shape = grown; });
    }
    const levels = sparsity.traversalOrder.length;
    if (levels > 1) {
      yield edit('traversal order repeats a dimension', `${tw}.sparsity.traversal_order`, [`is not a permutation of 0..${levels - 1}`],
        (_, target) => { target.sparsity = { ...target.sparsity!, traversalOrder: [...sparsity.traversalOrder.slice(0, -1), sparsity.traversalOrder[0]] }; });
    }
    yield edit('block map without a block level', `${tw}.sparsity`,
      [`traversal order has ${levels} levels for rank ${t.shape.length} with ${sparsity.blockMap.length + 1} block dimensions`],
      (_, target) => { target.sparsity = { ...target.sparsity!, blockMap: [...sparsity.blockMap, 0] }; });
  }
}

/**
 * FULLY_CONNECTED on [2, 8] weights stored block-sparse: blocks of 4 along
 * dimension 1, CSR over the blocks (one block kept per row), then DENSIFY.
 */
export function blockSparseModel(): TfliteModel {
  const sparse: TensorSpec = {
    name: 'weights_sparse',
    shape: [2, 8],
    data: Float32Array.from([0.5, -0.25, 0.75, 1, -1, 0.125, 0.25, -0.5]),
    sparsity: {
      traversalOrder: [0, 1, 2],
      blockMap: [1],
      dimMetadata: [
        { format: 'dense', denseSize: 2 },
        { format: 'sparse-csr', denseSize: 0, arraySegments: [0, 1, 2], arrayIndices: [0, 1] },
        { format: 'dense', denseSize: 4 },
      ],
    },
  };
  return readModel(writeModel({
    subgraphs: [{
      tensors: [{ name: 'x', shape: [1, 8] }, sparse, { name: 'weights', shape: [2, 8] }, { name: 'y', shape: [1, 2] }],
      inputs: [0],
      outputs: [3],
      operators: [
        { op: 'DENSIFY', inputs: [1], outputs: [2] },
        { op: 'FULLY_CONNECTED', inputs: [0, 2, -1], outputs: [3], options: fullyConnected() },
      ],
    }],
  }));
}

/** The block level of blockSparseModel() damaged: block size 0, block size 3 (too few values), block map outside the rank. */
export function* blockDamage(model: TfliteModel): Generator<DamagedConstant> {
  const tw = tensorWhere(1);
  const withBlock = (block: number, blockMap = [1]) => rewrite(model, (s) => {
    const sparsity = s.tensors[1].sparsity!;
    s.tensors[1].sparsity = { ...sparsity, blockMap, dimMetadata: sparsity.dimMetadata.map((d, k) => (k === 2 ? { ...d, denseSize: block } : d)) };
  });
  yield { label: 'block size 0', bytes: withBlock(0), where: `${tw}.sparsity.dim_metadata[2].dense_size`, mentions: ['block size 0 of dimension 1 is not a positive integer'] };
  yield { label: 'block size 3', bytes: withBlock(3), where: `${tw}.buffer`, mentions: ['sparse data has 32 bytes, but its sparsity parameters describe 6 values of float32 (24 bytes'] };
  yield { label: 'block map outside the rank', bytes: withBlock(4, [2]), where: `${tw}.sparsity.block_map`, mentions: ['block dimension 2 is outside rank 2'] };
}
