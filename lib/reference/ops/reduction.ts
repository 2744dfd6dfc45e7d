// SUM, MEAN, REDUCE_MAX, REDUCE_MIN, REDUCE_PROD and REDUCE_ANY over any
// set of constant axes (negative axes count from the end, duplicates count
// once, no axes copy the input), with or without keep_dims, in the types
// TFLite's kernels take. int16 MEAN (int16x8 models) keeps its
// requantizing kernel (./mean).
import { arity, constant, first, normalizeAxis, rankAtMost, type Reason } from '../../core/checks';
import type { Node } from '../../core/node';
import { keepsDims } from '../../core/operators/mean';
import type { StaticValues } from '../../core/static-values';
import type { DType } from '../../model/schema';
import { elementTypeOf } from '../element-type';
import type { ReferenceEncoding } from '../encoding';
import { elementsOf, type ProgramBuilder } from '../program-builder';
import { dtypeOf, perTensorQuantization, sameScaleAsOutput } from './element-types';
import { meanReference } from './mean';

/** Kernel op codes (native/reference/kernels/reduce_axes.cc) and the dtypes TFLite's kernel takes. */
const OPS: Record<string, { code: number; types: readonly DType[] }> = {
  SUM: { code: 0, types: ['float32', 'int32', 'int64', 'int8', 'uint8'] },
  MEAN: { code: 1, types: ['float32', 'int32', 'int64'] },
  REDUCE_MAX: { code: 2, types: ['float32', 'int32', 'int64', 'int8', 'uint8', 'int16'] },
  REDUCE_MIN: { code: 3, types: ['float32', 'int32', 'int64', 'int8', 'uint8', 'int16'] },
  REDUCE_PROD: { code: 4, types: ['float32', 'int32', 'int64'] },
  REDUCE_ANY: { code: 5, types: ['bool'] },
};

const QUANTIZED: readonly DType[] = ['int8', 'uint8', 'int16'];

function isInt16Mean(node: Node, statics: StaticValues): boolean {
  return node.op === 'MEAN' && node.input(0) !== undefined && dtypeOf(node.in(0), statics) === 'int16';
}

/** The reduced axes, normalized, sorted and without duplicates; undefined if one is out of range. */
export function reducedAxes(node: Node, statics: StaticValues): number[] | undefined {
  const rank = node.in(0).shape.length;
  const axes = new Set<number>();
  for (const a of statics.integers(node.in(1)) ?? []) {
    const n = normalizeAxis(a, rank);
    if (n === undefined) return undefined;
    axes.add(n);
  }
  return [...axes].sort((x, y) => x - y);
}

function axesReason(node: Node, statics: StaticValues): Reason {
  const axes = node.in(1);
  if (dtypeOf(axes, statics) !== 'int32') return `axes type (got ${dtypeOf(axes, statics)}, expected int32)`;
  const reduced = reducedAxes(node, statics);
  const rank = node.in(0).shape.length;
  if (!reduced) return `axes (got [${statics.integers(axes)}], expected integers from ${-rank} to ${rank - 1})`;
  const input = node.in(0).shape;
  const expected = keepsDims(node) ? input.map((d, i) => (reduced.includes(i) ? 1 : d)) : input.filter((_, i) => !reduced.includes(i));
  const out = node.output(0).shape;
  return elementsOf(out) === elementsOf(expected) ? undefined : `output shape (got [${out}], expected [${expected}])`;
}

function quantizationReason(node: Node, statics: StaticValues): Reason {
  const type = dtypeOf(node.in(0), statics);
  if (!QUANTIZED.includes(type)) return undefined;
  // MAX and MIN pick raw values; SUM requantizes.
  if (node.op !== 'SUM') return sameScaleAsOutput(node);
  for (const t of [node.in(0), node.output(0)]) {
    const q = perTensorQuantization(t);
    if (typeof q === 'string') return q;
  }
  return undefined;
}

function check(node: Node, statics: StaticValues): Reason {
  if (isInt16Mean(node, statics)) return meanReference.check(node, statics);
  return first(
    () => arity(node, 2, 2, 1),
    () => {
      const type = dtypeOf(node.in(0), statics);
      if (!OPS[node.op].types.includes(type)) {
        const why = node.op === 'MEAN' && (type === 'int8' || type === 'uint8') ? ' (XNNPACK runs quantized MEAN)' : '';
        return `type (got ${type}, expected ${OPS[node.op].types.join(', ')} for ${node.op} on the reference kernels${why})`;
      }
      return node.output(0).dtype === type ? undefined : `output type (got ${node.output(0).dtype}, expected ${type})`;
    },
    () => quantizationReason(node, statics),
    () => rankAtMost(node.in(0), 6, 'input'),
    () => constant(node.in(1), 'axes', statics),
    () => axesReason(node, statics),
  );
}

/**
 * Kept and reduced dimensions with their input strides: unit dimensions
 * dropped, neighbours of the same kind merged (the input is contiguous, so
 * they stay contiguous). Kept dimensions keep their order: the output's.
 */
export function reductionLayout(shape: readonly number[], reduced: readonly number[]): number[] {
  const groups: { kept: { size: number; stride: number }[]; reduced: { size: number; stride: number }[] } = { kept: [], reduced: [] };
  let stride = 1;
  let previous: 'kept' | 'reduced' | undefined;
  for (let d = shape.length - 1; d >= 0; d--) {
    const size = shape[d];
    if (size !== 1) {
      const kind = reduced.includes(d) ? 'reduced' : 'kept';
      const list = groups[kind];
      if (previous === kind) list[list.length - 1].size *= size; // innermost first, so the last entry is the neighbour
      else list.push({ size, stride });
      previous = kind;
    }
    stride *= size;
  }
  const ints = (list: { size: number; stride: number }[]) => {
    const outerFirst = [...list].reverse();
    return [outerFirst.length, ...outerFirst.map((g) => g.size), ...outerFirst.map((g) => g.stride)];
  };
  return [...ints(groups.kept), ...ints(groups.reduced)];
}

function encode(b: ProgramBuilder, node: Node): void {
  if (isInt16Mean(node, b.statics)) {
    meanReference.encode(b, node);
    return;
  }
  const x = node.in(0);
  const type = dtypeOf(x, b.statics);
  const requantizes = node.op === 'SUM' && QUANTIZED.includes(type);
  const [inQ, outQ] = requantizes ? [perTensorQuantization(x), perTensorQuantization(node.output(0))] as { scale: number; zeroPoint: number }[] : [];
  b.call(node, 'reduce_axes', [b.tensor(x)], [b.tensor(node.output(0))],
    [OPS[node.op].code, elementTypeOf(type)!, requantizes ? 1 : 0, inQ?.zeroPoint ?? 0, outQ?.zeroPoint ?? 0,
      ...reductionLayout(x.shape, reducedAxes(node, b.statics)!)],
    requantizes ? [Math.fround(inQ.scale / outQ.scale)] : []);
}

export const reductionReference: ReferenceEncoding = { check, encode };
