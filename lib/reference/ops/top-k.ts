// TOPK_V2 over the last dimension of a float32, int8, uint8, int16, int32
// or int64 input, with a constant k (int32 or int16): values in decreasing
// order and their int32 indices, ties to the lower index as in TFLite.
import { arity, first, type Reason } from '../../core/checks';
import type { Node } from '../../core/node';
import type { StaticValues } from '../../core/static-values';
import { topKOf as kOf } from '../../core/operators/top-k';
import type { ReferenceEncoding } from '../encoding';
import { elementsOf, type ProgramBuilder } from '../program-builder';
import { elementCode, keepsQuantization, rankAtLeast, runTimeShape, sameType, shapeIs, typeIn } from './operand-rules';

function check(node: Node, statics: StaticValues): Reason {
  const [input, k, values, indices] = [node.in(0), node.in(1), node.output(0), node.output(1)];
  return first(
    () => arity(node, 2, 2, 2),
    () => typeIn(input, statics, ['float32', 'int8', 'uint8', 'int16', 'int32', 'int64'], 'input 0'),
    () => rankAtLeast(input, 1, 'input 0'),
    () => sameType(values, input, statics, 'output 0', 'input 0'),
    () => keepsQuantization(node, values, input, 'output 0', 'input 0'),
    () => typeIn(indices, statics, ['int32'], 'output 1 (indices)'),
    () => typeIn(k, statics, ['int32', 'int16'], 'k'),
    () => (elementsOf(k.shape) === 1 ? undefined : `k shape (got [${k.shape}], expected one element)`),
    () => (kOf(node, statics) !== undefined ? undefined : runTimeShape('input 1, k, is computed at run time')),
    () => {
      const value = kOf(node, statics)!;
      const size = input.shape[input.shape.length - 1];
      if (!(value >= 1 && value <= size)) return `k (got ${value}, expected 1 to ${size}, the size of the last dimension)`;
      const shape = [...input.shape.slice(0, -1), value];
      return first(() => shapeIs(values, shape, 'output 0'), () => shapeIs(indices, shape, 'output 1'));
    },
  );
}

function encode(b: ProgramBuilder, node: Node): void {
  const input = node.in(0);
  const size = input.shape[input.shape.length - 1];
  b.call(node, 'top_k', [b.tensor(input)], [b.tensor(node.output(0)), b.tensor(node.output(1))],
    [elementCode(input, b.statics), elementsOf(input.shape) / size, size, kOf(node, b.statics)!]);
}

export const topKReference: ReferenceEncoding = { check, encode };
