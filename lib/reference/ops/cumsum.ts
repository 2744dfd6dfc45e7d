// CUMSUM of float32, int32 or int64 along a constant axis (may be
// negative), with the exclusive and reverse options.
import { arity, first, normalizeAxis, type Reason } from '../../core/checks';
import type { Node } from '../../core/node';
import type { StaticValues } from '../../core/static-values';
import { BuiltinOptions, OptionSlot } from '../../model/schema';
import type { ReferenceEncoding } from '../encoding';
import { elementsOf, type ProgramBuilder } from '../program-builder';
import { constantIntegers, elementCode, optionTable, optionsOfType, rankAtLeast, sameType, shapeIs, typeIn } from './operand-rules';

/** exclusive and reverse (false without options); a field outside its table throws a ModelFormatError. */
function flags(node: Node): { exclusive: boolean; reverse: boolean } {
  const options = optionTable(node, BuiltinOptions.CumsumOptions);
  return {
    exclusive: options?.bool(OptionSlot.Cumsum.exclusive, 'exclusive') ?? false,
    reverse: options?.bool(OptionSlot.Cumsum.reverse, 'reverse') ?? false,
  };
}

function check(node: Node, statics: StaticValues): Reason {
  const [input, axis, output] = [node.in(0), node.in(1), node.output(0)];
  return first(
    () => arity(node, 2, 2, 1),
    () => optionsOfType(node, BuiltinOptions.CumsumOptions, 'CumsumOptions'),
    // Read here, so that a damaged table is refused when the model loads rather than when a session is made.
    () => {
      flags(node);
      return undefined;
    },
    () => typeIn(input, statics, ['float32', 'int32', 'int64'], 'input 0'),
    () => sameType(output, input, statics, 'output', 'input 0'),
    () => rankAtLeast(input, 1, 'input 0'),
    () => shapeIs(output, input.shape, 'output'),
    () => typeIn(axis, statics, ['int32'], 'axis'),
    () => (elementsOf(axis.shape) === 1 ? undefined : `axis shape (got [${axis.shape}], expected one element)`),
    () => (constantIntegers(axis, statics) ? undefined : 'axis (got a tensor computed at run time, expected a constant)'),
    () => {
      const value = constantIntegers(axis, statics)![0];
      const rank = input.shape.length;
      return normalizeAxis(value, rank) === undefined ? `axis (got ${value}, expected ${-rank} to ${rank - 1})` : undefined;
    },
  );
}

function encode(b: ProgramBuilder, node: Node): void {
  const input = node.in(0);
  const axis = normalizeAxis(constantIntegers(node.in(1), b.statics)![0], input.shape.length)!;
  const { exclusive, reverse } = flags(node);
  b.call(node, 'cumsum', [b.tensor(input)], [b.tensor(node.output(0))], [
    elementCode(input, b.statics), elementsOf(input.shape.slice(0, axis)), input.shape[axis], elementsOf(input.shape.slice(axis + 1)),
    exclusive ? 1 : 0, reverse ? 1 : 0,
  ]);
}

export const cumsumReference: ReferenceEncoding = { check, encode };
