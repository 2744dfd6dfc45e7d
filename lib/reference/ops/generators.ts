// Operators that make a tensor from a shape or a few scalars: SHAPE
// (int32/int64 out_type), FILL (every dtype; constant dims), ZEROS_LIKE
// (float32, int32, int64), RANGE (float32, int32, int64; constant start,
// limit and delta, since they decide the output's length) and WHERE, whose
// output length depends on its input's values: it runs only on a constant.
import { arity, first, type Reason } from '../../core/checks';
import type { Node } from '../../core/node';
import type { StaticValues } from '../../core/static-values';
import { nonzeroCount, rangeLength, scalarOf } from '../../core/operators/generators';
import { BuiltinOptions, DTYPE_NAMES, OptionSlot } from '../../model/schema';
import type { ReferenceEncoding } from '../encoding';
import { elementsOf, type ProgramBuilder } from '../program-builder';
import {
  ALL_TYPES, bytesOf, constantIntegers, elementCode, keepsQuantization, rankAtLeast, runTimeShape, sameType, shapeIs, typeIn,
} from './operand-rules';

function checkShape(node: Node): Reason {
  const output = node.output(0);
  return first(
    () => arity(node, 1, 1, 1),
    // TFLite reads the output type from the options, and fails without them.
    () => (node.options && node.def.optionsType === BuiltinOptions.ShapeOptions ? undefined : 'ShapeOptions are missing (they give the output type)'),
    () => {
      const code = node.options!.scalar(OptionSlot.Shape.outType, 'i8', 'out_type');
      const named = DTYPE_NAMES[code] ?? `${code}`;
      if (named !== 'int32' && named !== 'int64') return `out_type (got ${named}, expected int32 or int64)`;
      return named === output.dtype ? undefined : `output type (got ${output.dtype}, expected ${named} as out_type says)`;
    },
    () => shapeIs(output, [node.in(0).shape.length], 'output'),
  );
}

function encodeShape(b: ProgramBuilder, node: Node): void {
  // The input's values are never read: the shape is the model's, known now.
  b.call(node, 'shape', [], [b.tensor(node.output(0))], [bytesOf(node.output(0), b.statics), ...node.in(0).shape]);
}

function checkFill(node: Node, statics: StaticValues): Reason {
  const [dims, value, output] = [node.in(0), node.in(1), node.output(0)];
  return first(
    () => arity(node, 2, 2, 1),
    () => typeIn(dims, statics, ['int32', 'int64'], 'dims'),
    () => (dims.shape.length === 1 ? undefined : `dims rank (got ${dims.shape.length}, expected 1)`),
    () => (constantIntegers(dims, statics) ? undefined : runTimeShape('input 0, the dims, is computed at run time')),
    () => {
      const values = constantIntegers(dims, statics)!;
      return values.every((d) => d >= 0) ? shapeIs(output, values, 'output (from input 0)') : `dims (got [${values}], expected sizes >= 0)`;
    },
    () => (value.shape.length === 0 ? undefined : `value shape (got [${value.shape}], expected a scalar)`),
    () => typeIn(value, statics, ALL_TYPES, 'value'),
    () => sameType(output, value, statics, 'output', 'the value'),
    () => keepsQuantization(node, output, value, 'output', 'the value'),
    () => (value.dtype === 'int16' && (value.quantization?.zeroPoint[0] ?? 0) !== 0 ? `value zero point (got ${value.quantization!.zeroPoint[0]}, expected 0 for int16)` : undefined),
  );
}

function encodeFill(b: ProgramBuilder, node: Node): void {
  const output = node.output(0);
  b.call(node, 'fill', [b.tensor(node.in(1))], [b.tensor(output)], [bytesOf(output, b.statics), elementsOf(output.shape)]);
}

function checkZerosLike(node: Node, statics: StaticValues): Reason {
  return first(
    () => arity(node, 1, 1, 1),
    () => typeIn(node.in(0), statics, ['float32', 'int32', 'int64'], 'input 0'),
    () => sameType(node.output(0), node.in(0), statics, 'output', 'input 0'),
    () => shapeIs(node.output(0), node.in(0).shape, 'output'),
  );
}

function encodeZerosLike(b: ProgramBuilder, node: Node): void {
  const output = node.output(0);
  // No value operand: the kernel writes zeros; the input's values are never read.
  b.call(node, 'fill', [-1], [b.tensor(output)], [bytesOf(output, b.statics), elementsOf(output.shape)]);
}

function checkRange(node: Node, statics: StaticValues): Reason {
  const [start, limit, delta, output] = [node.in(0), node.in(1), node.in(2), node.output(0)];
  return first(
    () => arity(node, 3, 3, 1),
    () => typeIn(start, statics, ['float32', 'int32', 'int64'], 'start'),
    () => sameType(limit, start, statics, 'limit', 'start'),
    () => sameType(delta, start, statics, 'delta', 'start'),
    () => sameType(output, start, statics, 'output', 'start'),
    () => ([start, limit, delta].every((t) => t.shape.length === 0) ? undefined : `start, limit and delta shapes (got [${start.shape}], [${limit.shape}] and [${delta.shape}], expected scalars)`),
    () => ([start, limit, delta].every((t) => scalarOf(t, statics) !== undefined) ? undefined : runTimeShape('start, limit or delta is computed at run time')),
    () => {
      const length = rangeLength(scalarOf(start, statics)!, scalarOf(limit, statics)!, scalarOf(delta, statics)!);
      return typeof length === 'string' ? length : shapeIs(output, [length], 'output');
    },
  );
}

function encodeRange(b: ProgramBuilder, node: Node): void {
  const output = node.output(0);
  b.call(node, 'range', [b.tensor(node.in(0)), b.tensor(node.in(2))], [b.tensor(output)], [elementCode(output, b.statics), output.shape[0]]);
}

const WHERE_TYPES = ['bool', 'float32', 'int8', 'uint8', 'int32', 'int64'] as const;

function checkWhere(node: Node, statics: StaticValues): Reason {
  const [condition, output] = [node.in(0), node.output(0)];
  return first(
    () => arity(node, 1, 1, 1),
    () => typeIn(condition, statics, WHERE_TYPES, 'condition'),
    () => rankAtLeast(condition, 1, 'condition'),
    () => typeIn(output, statics, ['int64'], 'output'),
    () => (statics.isStatic(condition) && statics.get(condition)?.bytes ? undefined : runTimeShape('the number of true elements of input 0')),
    () => shapeIs(output, [nonzeroCount(condition, statics), condition.shape.length], 'output'),
  );
}

function encodeWhere(b: ProgramBuilder, node: Node): void {
  const [condition, output] = [node.in(0), node.output(0)];
  b.call(node, 'where', [b.tensor(condition)], [b.tensor(output)], [elementCode(condition, b.statics), condition.shape.length, output.shape[0], ...condition.shape]);
}

const CHECKS: Record<string, (node: Node, statics: StaticValues) => Reason> = {
  SHAPE: checkShape, FILL: checkFill, ZEROS_LIKE: checkZerosLike, RANGE: checkRange, WHERE: checkWhere,
};
const ENCODERS: Record<string, (b: ProgramBuilder, node: Node) => void> = {
  SHAPE: encodeShape, FILL: encodeFill, ZEROS_LIKE: encodeZerosLike, RANGE: encodeRange, WHERE: encodeWhere,
};

export const generatorsReference: ReferenceEncoding = {
  check: (node, statics) => CHECKS[node.op](node, statics),
  encode: (b, node) => ENCODERS[node.op](b, node),
};
