// GATHER (axis, batch_dims; int16, int32 or int64 indices) and
// EMBEDDING_LOOKUP (a GATHER along axis 0 with int32 lookups, or an int8
// table read into float32) on every dtype the reference kernels hold.
// Indices are checked by the kernels at run time (constant ones here).
import { arity, first, type Reason } from '../../core/checks';
import type { Node } from '../../core/node';
import type { StaticValues } from '../../core/static-values';
import { gatherAxes } from '../../core/operators/gather';
import { BuiltinOptions } from '../../model/schema';
import type { ReferenceEncoding } from '../encoding';
import { elementsOf, type ProgramBuilder } from '../program-builder';
import {
  ALL_TYPES, bytesOf, constantIndicesWithin, dtypeOf, keepsQuantization, optionsOfType, rankAtLeast, sameType, shapeIs, typeIn,
} from './operand-rules';

interface GatherGeometry {
  batch: number;
  outer: number;
  axisSize: number;
  count: number;
  inner: number;
  outputShape: number[];
}

/** The sizes the gather kernel walks, from TFLite's axis and batch_dims (lib/core/operators/gather.ts); a string says why not. */
function gatherGeometry(node: Node): GatherGeometry | string {
  const g = gatherAxes(node);
  if (typeof g === 'string') return g;
  const { axis, batchDims, outputShape } = g;
  const [input, indices] = [node.in(0).shape, node.in(1).shape];
  return {
    batch: elementsOf(input.slice(0, batchDims)),
    outer: elementsOf(input.slice(batchDims, axis)),
    axisSize: input[axis],
    count: elementsOf(indices.slice(batchDims)),
    inner: elementsOf(input.slice(axis + 1)),
    outputShape,
  };
}

function checkGather(node: Node, statics: StaticValues): Reason {
  return first(
    () => arity(node, 2, 2, 1),
    () => optionsOfType(node, BuiltinOptions.GatherOptions, 'GatherOptions'),
    () => typeIn(node.in(0), statics, ALL_TYPES, 'input 0'),
    () => typeIn(node.in(1), statics, ['int16', 'int32', 'int64'], 'indices'),
    () => sameType(node.output(0), node.in(0), statics, 'output', 'input 0'),
    () => keepsQuantization(node, node.output(0), node.in(0), 'output', 'input 0'),
    () => {
      const g = gatherGeometry(node);
      if (typeof g === 'string') return g;
      return first(
        () => shapeIs(node.output(0), g.outputShape, 'output'),
        () => constantIndicesWithin(node.in(1), statics, () => g.axisSize, 'indices'),
      );
    },
  );
}

function encodeGather(b: ProgramBuilder, node: Node): void {
  const g = gatherGeometry(node) as GatherGeometry;
  b.call(node, 'gather', [b.tensor(node.in(0)), b.tensor(node.in(1))], [b.tensor(node.output(0))],
    [bytesOf(node.in(0), b.statics), bytesOf(node.in(1), b.statics), g.batch, g.outer, g.axisSize, g.count, g.inner, 1]);
}

/** An int8 table looked up into float32: TFLite's "hybrid" EMBEDDING_LOOKUP, which scales each value. */
function isDequantizingLookup(node: Node, statics: StaticValues): boolean {
  return dtypeOf(node.in(1), statics) === 'int8' && dtypeOf(node.output(0), statics) === 'float32';
}

function dequantizingScales(node: Node): Reason {
  const table = node.in(1);
  const q = table.quantization;
  const rows = table.shape[0];
  if (!q || q.scale.length === 0) return `table quantization (got none, expected a scale to read an int8 table into float32)`;
  if (q.scale.length !== 1 && q.scale.length !== rows) return `table scales (got ${q.scale.length}, expected 1 or one per row: ${rows})`;
  if (q.scale.length > 1 && q.quantizedDimension !== 0) return `table quantized dimension (got ${q.quantizedDimension}, expected 0)`;
  if (q.zeroPoint.some((z) => z !== 0)) return `table zero points (got ${q.zeroPoint.find((z) => z !== 0)}, expected 0: TFLite reads an int8 table into float32 only symmetrically)`;
  return q.scale.every((s) => Number.isFinite(s)) ? undefined : 'table scales (got a value that is not finite)';
}

function checkEmbeddingLookup(node: Node, statics: StaticValues): Reason {
  return first(
    () => arity(node, 2, 2, 1),
    () => typeIn(node.in(0), statics, ['int32'], 'lookups'),
    () => (node.in(0).shape.length === 1 ? undefined : `lookups rank (got ${node.in(0).shape.length}, expected 1)`),
    () => rankAtLeast(node.in(1), 2, 'table'),
    () => typeIn(node.in(1), statics, ALL_TYPES, 'table'),
    () => shapeIs(node.output(0), [node.in(0).shape[0], ...node.in(1).shape.slice(1)], 'output'),
    () => {
      if (isDequantizingLookup(node, statics)) return dequantizingScales(node);
      return first(
        () => sameType(node.output(0), node.in(1), statics, 'output', 'the table (or float32 for an int8 table)'),
        () => keepsQuantization(node, node.output(0), node.in(1), 'output', 'the table'),
      );
    },
    () => constantIndicesWithin(node.in(0), statics, () => node.in(1).shape[0], 'lookups'),
  );
}

function encodeEmbeddingLookup(b: ProgramBuilder, node: Node): void {
  const [lookups, table, output] = [node.in(0), node.in(1), node.output(0)];
  const [rows, columns] = [table.shape[0], elementsOf(table.shape.slice(1))];
  const operands = [b.tensor(lookups), b.tensor(table)];
  if (isDequantizingLookup(node, b.statics)) {
    b.call(node, 'embedding_lookup_dequantize', operands, [b.tensor(output)], [rows, columns, lookups.shape[0]], table.quantization!.scale);
    return;
  }
  // A gather of whole rows; the lookups are the operator's input 0.
  b.call(node, 'gather', operands.reverse(), [b.tensor(output)], [bytesOf(table, b.statics), 4, 1, 1, rows, lookups.shape[0], columns, 0]);
}

export const gatherReference: ReferenceEncoding = {
  check: (node, statics) => (node.op === 'GATHER' ? checkGather(node, statics) : checkEmbeddingLookup(node, statics)),
  encode: (b, node) => (node.op === 'GATHER' ? encodeGather(b, node) : encodeEmbeddingLookup(b, node)),
};
