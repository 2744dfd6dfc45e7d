// CAST between float32, int8, uint8, int16, int32, int64 and bool.
import { arity, first, type Reason } from '../../core/checks';
import type { Node } from '../../core/node';
import type { StaticValues } from '../../core/static-values';
import { elementTypeOf } from '../element-type';
import type { ReferenceEncoding } from '../encoding';
import { elementsOf, type ProgramBuilder } from '../program-builder';

function check(node: Node, statics: StaticValues): Reason {
  return first(
    () => arity(node, 1, 1, 1),
    () => {
      const [from, to] = [statics.get(node.in(0))?.dtype ?? node.in(0).dtype, node.output(0).dtype];
      if (elementTypeOf(from) === undefined || elementTypeOf(to) === undefined) {
        return `types (got ${from} to ${to}, expected float32, int8, uint8, int16, int32, int64 or bool)`;
      }
      return elementsOf(node.in(0).shape) === elementsOf(node.output(0).shape) ? undefined : `output shape (got [${node.output(0).shape}], expected [${node.in(0).shape}])`;
    },
  );
}

function encode(b: ProgramBuilder, node: Node): void {
  const from = elementTypeOf(b.statics.get(node.in(0))?.dtype ?? node.in(0).dtype)!;
  b.call(node, 'cast', [b.tensor(node.in(0))], [b.tensor(node.output(0))], [elementsOf(node.in(0).shape), from, elementTypeOf(node.output(0).dtype)!]);
}

export const castReference: ReferenceEncoding = { check, encode };
