// ARG_MAX and ARG_MIN over one constant axis (may be negative) of a
// float32, int8, uint8, int32 or bool input, giving int32 or int64 indices
// as the options' output_type says; ties pick the first index.
import { arity, first, normalizeAxis, type Reason } from '../../core/checks';
import type { Node } from '../../core/node';
import type { StaticValues } from '../../core/static-values';
import { BuiltinOptions, DTYPE_NAMES, OptionSlot } from '../../model/schema';
import { elementTypeOf } from '../element-type';
import type { ReferenceEncoding } from '../encoding';
import { elementsOf, type ProgramBuilder } from '../program-builder';
import { constantIntegers, elementCode, rankAtLeast, shapeIs, typeIn } from './operand-rules';

const OPTIONS: Record<string, { type: number; name: string }> = {
  ARG_MAX: { type: BuiltinOptions.ArgMaxOptions, name: 'ArgMaxOptions' },
  ARG_MIN: { type: BuiltinOptions.ArgMinOptions, name: 'ArgMinOptions' },
};

function axisOf(node: Node, statics: StaticValues): number {
  return normalizeAxis(constantIntegers(node.in(1), statics)![0], node.in(0).shape.length)!;
}

function check(node: Node, statics: StaticValues): Reason {
  const [input, axis, output] = [node.in(0), node.in(1), node.output(0)];
  const { type, name } = OPTIONS[node.op];
  return first(
    () => arity(node, 2, 2, 1),
    // TFLite reads the output type from the options, and fails without them.
    () => (node.options && node.def.optionsType === type ? undefined : `${name} are missing (they give the output type)`),
    () => {
      const code = node.options!.scalar(OptionSlot.ArgMinMax.outputType, 'i8', 'output_type');
      const named = DTYPE_NAMES[code] ?? `${code}`;
      if (named !== 'int32' && named !== 'int64') return `output_type (got ${named}, expected int32 or int64)`;
      return named === output.dtype ? undefined : `output type (got ${output.dtype}, expected ${named} as output_type says)`;
    },
    () => typeIn(input, statics, ['float32', 'int8', 'uint8', 'int32', 'bool'], 'input 0'),
    () => rankAtLeast(input, 1, 'input 0'),
    () => typeIn(axis, statics, ['int32', 'int64'], 'axis'),
    () => (elementsOf(axis.shape) === 1 ? undefined : `axis shape (got [${axis.shape}], expected one element)`),
    () => (constantIntegers(axis, statics) ? undefined : 'axis (got a tensor computed at run time, expected a constant: the output shape depends on it)'),
    () => {
      const value = constantIntegers(axis, statics)![0];
      const rank = input.shape.length;
      if (normalizeAxis(value, rank) === undefined) return `axis (got ${value}, expected ${-rank} to ${rank - 1})`;
      const a = normalizeAxis(value, rank)!;
      return shapeIs(output, input.shape.filter((_, d) => d !== a), 'output');
    },
  );
}

function encode(b: ProgramBuilder, node: Node): void {
  const [input, output] = [node.in(0), node.output(0)];
  const axis = axisOf(node, b.statics);
  b.call(node, 'arg_min_max', [b.tensor(input)], [b.tensor(output)], [
    elementCode(input, b.statics), elementTypeOf(output.dtype)!, node.op === 'ARG_MAX' ? 1 : 0,
    elementsOf(input.shape.slice(0, axis)), input.shape[axis], elementsOf(input.shape.slice(axis + 1)),
  ]);
}

export const argMinMaxReference: ReferenceEncoding = { check, encode };
