// GATHER_ND (every dtype; int16, int32 or int64 indices) and SCATTER_ND
// (float32, int8, uint8, int32, int64 and bool updates; int32 indices and a
// constant int32 shape), as TFLite runs them. Coordinates are checked by the
// kernels at run time (constant ones here).
import { arity, first, type Reason } from '../../core/checks';
import type { Node } from '../../core/node';
import type { StaticValues } from '../../core/static-values';
import type { ReferenceEncoding } from '../encoding';
import { elementsOf, type ProgramBuilder } from '../program-builder';
import {
  ALL_TYPES, bytesOf, constantIndicesWithin, constantIntegers, elementCode, keepsQuantization, rankAtLeast, runTimeShape, sameType, shapeIs,
  stridesOf, typeIn,
} from './operand-rules';

function checkGatherNd(node: Node, statics: StaticValues): Reason {
  const [params, indices, output] = [node.in(0), node.in(1), node.output(0)];
  return first(
    () => arity(node, 2, 2, 1),
    () => typeIn(params, statics, ALL_TYPES, 'params'),
    () => typeIn(indices, statics, ['int16', 'int32', 'int64'], 'indices'),
    () => sameType(output, params, statics, 'output', 'params'),
    () => keepsQuantization(node, output, params, 'output', 'params'),
    () => rankAtLeast(params, 1, 'params'),
    () => rankAtLeast(indices, 1, 'indices'),
    () => {
      const nd = indices.shape[indices.shape.length - 1];
      if (nd > params.shape.length) return `index depth (got ${nd} coordinates per index, expected at most the params rank ${params.shape.length})`;
      return first(
        () => shapeIs(output, [...indices.shape.slice(0, -1), ...params.shape.slice(nd)], 'output'),
        () => constantIndicesWithin(indices, statics, (k) => params.shape[k % nd], 'indices'),
      );
    },
  );
}

function encodeGatherNd(b: ProgramBuilder, node: Node): void {
  const [params, indices] = [node.in(0), node.in(1)];
  const nd = indices.shape[indices.shape.length - 1];
  const dims = params.shape.slice(0, nd);
  const strides = stridesOf(params.shape).slice(0, nd);
  b.call(node, 'gather_nd', [b.tensor(params), b.tensor(indices)], [b.tensor(node.output(0))], [
    bytesOf(params, b.statics), bytesOf(indices, b.statics), elementsOf(indices.shape.slice(0, -1)), nd,
    elementsOf(params.shape.slice(nd)), elementsOf(params.shape), ...dims, ...strides,
  ]);
}

function checkScatterNd(node: Node, statics: StaticValues): Reason {
  const [indices, updates, shape, output] = [node.in(0), node.in(1), node.in(2), node.output(0)];
  return first(
    () => arity(node, 3, 3, 1),
    () => typeIn(indices, statics, ['int32'], 'indices'),
    () => typeIn(updates, statics, ['float32', 'int8', 'uint8', 'int32', 'int64', 'bool'], 'updates'),
    () => typeIn(shape, statics, ['int32'], 'shape'),
    () => sameType(output, updates, statics, 'output', 'the updates'),
    () => keepsQuantization(node, output, updates, 'output', 'the updates'),
    () => (shape.shape.length === 1 ? undefined : `shape rank (got ${shape.shape.length}, expected 1)`),
    () => (constantIntegers(shape, statics) ? undefined : runTimeShape('input 2, the shape, is computed at run time')),
    () => shapeIs(output, constantIntegers(shape, statics)!, 'output (from input 2)'),
    () => rankAtLeast(indices, 1, 'indices'),
    () => rankAtLeast(updates, 1, 'updates'),
    () => {
      const outer = indices.shape.length - 1;
      const nd = indices.shape[outer];
      if (updates.shape.length < outer) return `updates rank (got ${updates.shape.length}, expected at least ${outer} like the indices' outer dimensions)`;
      for (let d = 0; d < outer; d++) {
        if (updates.shape[d] !== indices.shape[d]) return `updates dimension ${d} (got ${updates.shape[d]}, expected ${indices.shape[d]} as in the indices)`;
      }
      if (nd > output.shape.length) return `index depth (got ${nd} coordinates per index, expected at most the output rank ${output.shape.length})`;
      return first(
        () => shapeIs(updates, [...indices.shape.slice(0, outer), ...output.shape.slice(nd)], 'updates'),
        () => constantIndicesWithin(indices, statics, (k) => output.shape[k % nd], 'indices'),
      );
    },
  );
}

function encodeScatterNd(b: ProgramBuilder, node: Node): void {
  const [indices, updates, output] = [node.in(0), node.in(1), node.output(0)];
  const nd = indices.shape[indices.shape.length - 1];
  b.call(node, 'scatter_nd', [b.tensor(indices), b.tensor(updates)], [b.tensor(output)], [
    elementCode(updates, b.statics), elementsOf(indices.shape.slice(0, -1)), nd, elementsOf(output.shape.slice(nd)), elementsOf(output.shape),
    ...output.shape.slice(0, nd), ...stridesOf(output.shape).slice(0, nd),
  ]);
}

export const gatherNdReference: ReferenceEncoding = {
  check: (node, statics) => (node.op === 'GATHER_ND' ? checkGatherNd(node, statics) : checkScatterNd(node, statics)),
  encode: (b, node) => (node.op === 'GATHER_ND' ? encodeGatherNd(b, node) : encodeScatterNd(b, node)),
};
