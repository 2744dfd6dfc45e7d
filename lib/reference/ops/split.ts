// SPLIT (equal parts), SPLIT_V (given sizes, one of them may be -1: the
// rest) and UNPACK (parts of one index, the axis dropped): one gather per
// output, of its window of the input.
import { arity, first, type Reason } from '../../core/checks';
import type { Node } from '../../core/node';
import type { StaticValues } from '../../core/static-values';
import { dataInput, splitParts as parts, type Parts } from '../../core/operators/split';
import { BuiltinOptions } from '../../model/schema';
import type { ReferenceEncoding } from '../encoding';
import type { ProgramBuilder } from '../program-builder';
import { ALL_TYPES, dataTypes, elementBytes, oneQuantization, outputShape } from './layout-checks';
import { gather, windowAxes } from './layout-copy';

const MAX_RANK = 8;

function options(node: Node, type: number, name: string): Reason {
  return node.options && node.def.optionsType === type ? undefined : `options (got ${node.options ? `type ${node.def.optionsType}` : 'none'}, expected ${name})`;
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
