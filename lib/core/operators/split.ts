// SPLIT (equal parts along a constant axis), SPLIT_V (constant sizes, one of
// them may be -1: the rest) and UNPACK (parts of one index, the axis dropped)
// as TFLite defines them.
import { OptionSlot } from '../../model/schema';
import { normalizeAxis } from '../checks';
import { constantIntegers } from '../constant-operands';
import type { Node } from '../node';
import type { StaticValues } from '../static-values';

/** Where each output lies along `axis` of the input. */
export interface Parts {
  input: number;
  axis: number;
  sizes: number[];
}

/** The input that holds the data (SPLIT's axis comes first). */
export const dataInput = (node: Node) => (node.op === 'SPLIT' ? 1 : 0);

function axisOf(node: Node, k: number, statics: StaticValues): number | string {
  const raw = constantIntegers(node, k, 'axis', statics, ['int32']);
  if (typeof raw === 'string') return raw;
  const rank = node.in(dataInput(node)).shape.length;
  const axis = raw.length === 1 ? normalizeAxis(raw[0], rank) : undefined;
  return axis ?? `axis (got [${raw}], expected one value from ${-rank} to ${rank - 1})`;
}

export function splitParts(node: Node, statics: StaticValues): Parts | string {
  const count = node.outputCount;
  if (node.op === 'UNPACK') {
    const o = node.options!;
    const [num, raw] = [o.scalar(OptionSlot.Unpack.num, 'i32', 'num'), o.scalar(OptionSlot.Unpack.axis, 'i32', 'axis')];
    const shape = node.in(0).shape;
    const axis = normalizeAxis(raw, shape.length);
    if (axis === undefined) return `axis (got ${raw}, expected ${-shape.length} to ${shape.length - 1})`;
    if (num !== count || shape[axis] !== count) return `num (got ${num} for ${count} outputs, expected both to be the input's size ${shape[axis]} along axis ${axis})`;
    return { input: 0, axis, sizes: new Array<number>(count).fill(1) };
  }
  const split = node.op === 'SPLIT';
  const numSplits = node.options!.scalar(split ? OptionSlot.Split.numSplits : OptionSlot.SplitV.numSplits, 'i32', 'num_splits');
  if (numSplits !== count) return `num_splits (got ${numSplits}, expected the ${count} outputs)`;
  const axis = axisOf(node, split ? 0 : 2, statics);
  if (typeof axis === 'string') return axis;
  const input = dataInput(node);
  const size = node.in(input).shape[axis];
  if (split) {
    return size % count === 0 ? { input, axis, sizes: new Array<number>(count).fill(size / count) }
      : `size along axis ${axis} (got ${size}, expected a multiple of ${count})`;
  }
  const given = constantIntegers(node, 1, 'size_splits', statics);
  if (typeof given === 'string') return given;
  if (given.length !== count) return `size_splits (got ${given.length} values, expected one per output: ${count})`;
  const rest = given.filter((s) => s === -1).length;
  const known = given.filter((s) => s !== -1);
  const sum = known.reduce((a, b) => a + b, 0);
  if (rest > 1 || known.some((s) => s < 0) || (rest === 0 ? sum !== size : sum > size)) {
    return `size_splits (got [${given}], expected sizes summing to ${size}, one of them may be -1)`;
  }
  return { input, axis, sizes: given.map((s) => (s === -1 ? size - sum : s)) };
}
