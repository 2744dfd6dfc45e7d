// SPLIT (equal parts), SPLIT_V (given sizes, one of them may be -1: the
// rest) and UNPACK (parts of one index, the axis dropped): one gather per
// output, of its window of the input.
import { arity, first, normalizeAxis, type Reason } from '../../core/checks';
import type { Node } from '../../core/node';
import type { StaticValues } from '../../core/static-values';
import { BuiltinOptions, OptionSlot } from '../../model/schema';
import type { ReferenceEncoding } from '../encoding';
import type { ProgramBuilder } from '../program-builder';
import { ALL_TYPES, constantIntegers, dataTypes, elementBytes, oneQuantization, outputShape } from './layout-checks';
import { gather, windowAxes } from './layout-copy';

const MAX_RANK = 8;

/** Where each output lies along `axis` of the input. */
interface Parts {
  input: number;
  axis: number;
  sizes: number[];
}

const dataInput = (node: Node) => (node.op === 'SPLIT' ? 1 : 0);

function options(node: Node, type: number, name: string): Reason {
  return node.options && node.def.optionsType === type ? undefined : `options (got ${node.options ? `type ${node.def.optionsType}` : 'none'}, expected ${name})`;
}

function axisOf(node: Node, k: number, statics: StaticValues): number | string {
  const raw = constantIntegers(node, k, 'axis', statics, ['int32']);
  if (typeof raw === 'string') return raw;
  const rank = node.in(dataInput(node)).shape.length;
  const axis = raw.length === 1 ? normalizeAxis(raw[0], rank) : undefined;
  return axis ?? `axis (got [${raw}], expected one value from ${-rank} to ${rank - 1})`;
}

function parts(node: Node, statics: StaticValues): Parts | string {
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

function check(node: Node, statics: StaticValues): Reason {
  const count = node.outputCount;
  const input = dataInput(node);
  const types = node.op === 'UNPACK' ? ALL_TYPES.filter((d) => d !== 'int64') : ALL_TYPES.filter((d) => d !== 'bool');
  return first(
    () => (count >= 1 ? undefined : 'number of outputs (got 0, expected at least 1)'),
    () => arity(node, node.op === 'UNPACK' ? 1 : node.op === 'SPLIT' ? 2 : 3, node.op === 'UNPACK' ? 1 : node.op === 'SPLIT' ? 2 : 3, count),
    () => (node.op === 'SPLIT' ? options(node, BuiltinOptions.SplitOptions, 'SplitOptions')
      : node.op === 'SPLIT_V' ? options(node, BuiltinOptions.SplitVOptions, 'SplitVOptions') : options(node, BuiltinOptions.UnpackOptions, 'UnpackOptions')),
    () => dataTypes(node, statics, [input], types),
    () => oneQuantization(node, statics, [input]),
    () => (node.in(input).shape.length <= MAX_RANK ? undefined : `input rank (got ${node.in(input).shape.length}, expected at most ${MAX_RANK})`),
    () => {
      const p = parts(node, statics);
      if (typeof p === 'string') return p;
      const shape = node.in(input).shape;
      for (let k = 0; k < count; k++) {
        const expected = node.op === 'UNPACK' ? shape.filter((_, i) => i !== p.axis) : shape.map((d, i) => (i === p.axis ? p.sizes[k] : d));
        const reason = outputShape(node, k, expected);
        if (reason) return reason;
      }
      return undefined;
    },
  );
}

function encode(b: ProgramBuilder, node: Node): void {
  const p = parts(node, b.statics) as Parts;
  const input = node.in(p.input);
  let at = 0;
  for (let k = 0; k < node.outputCount; k++) {
    const begins = input.shape.map((_, i) => (i === p.axis ? at : 0));
    const sizes = input.shape.map((d, i) => (i === p.axis ? p.sizes[k] : d));
    gather(b, node, input, node.output(k), windowAxes(input.shape, begins, sizes), elementBytes(input, b.statics));
    at += p.sizes[k];
  }
}

export const splitReference: ReferenceEncoding = { check, encode };
