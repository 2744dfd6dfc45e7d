// ONE_HOT on float32, int8, uint8, int32, int64 and bool outputs (TFLite has
// no int16 kernel), int32 or int64 indices, a constant depth and the axis
// option (-1: last). Indices outside [0, depth) give off values.
import { arity, first, type Reason } from '../../core/checks';
import type { Node } from '../../core/node';
import type { StaticValues } from '../../core/static-values';
import { BuiltinOptions, OptionSlot } from '../../model/schema';
import type { ReferenceEncoding } from '../encoding';
import { elementsOf, type ProgramBuilder } from '../program-builder';
import { bytesOf, constantIntegers, keepsQuantization, optionTable, optionsOfType, runTimeShape, sameType, shapeIs, typeIn } from './operand-rules';

/** The axis TFLite takes: the option, with -1 (only) meaning after the last index dimension. */
function axisOf(node: Node): { option: number; axis: number } {
  const option = optionTable(node, BuiltinOptions.OneHotOptions)?.scalar(OptionSlot.OneHot.axis, 'i32', 'axis') ?? 0;
  return { option, axis: option === -1 ? node.in(0).shape.length : option };
}

function check(node: Node, statics: StaticValues): Reason {
  const [indices, depth, on, off, output] = [node.in(0), node.in(1), node.in(2), node.in(3), node.output(0)];
  return first(
    () => arity(node, 4, 4, 1),
    () => optionsOfType(node, BuiltinOptions.OneHotOptions, 'OneHotOptions'),
    () => typeIn(indices, statics, ['int32', 'int64'], 'indices'),
    () => typeIn(depth, statics, ['int32'], 'depth'),
    () => typeIn(on, statics, ['float32', 'int8', 'uint8', 'int32', 'int64', 'bool'], 'on value'),
    () => sameType(off, on, statics, 'off value', 'the on value'),
    () => sameType(output, on, statics, 'output', 'the on value'),
    () => keepsQuantization(node, off, on, 'off value', 'the on value'),
    () => keepsQuantization(node, output, on, 'output', 'the on value'),
    () => (elementsOf(depth.shape) === 1 ? undefined : `depth shape (got [${depth.shape}], expected one element)`),
    () => (elementsOf(on.shape) === 1 && elementsOf(off.shape) === 1 ? undefined : `on and off values (got shapes [${on.shape}] and [${off.shape}], expected one element each)`),
    () => (constantIntegers(depth, statics) ? undefined : runTimeShape('input 1, the depth, is computed at run time')),
    () => {
      const { option, axis } = axisOf(node);
      const rank = indices.shape.length;
      if (!(axis >= 0 && axis <= rank)) return `axis (got ${option}, expected -1 to ${rank})`;
      const d = constantIntegers(depth, statics)![0];
      return shapeIs(output, [...indices.shape.slice(0, axis), d, ...indices.shape.slice(axis)], 'output');
    },
  );
}

function encode(b: ProgramBuilder, node: Node): void {
  const [indices, , on, off, output] = [node.in(0), node.in(1), node.in(2), node.in(3), node.output(0)];
  const { axis } = axisOf(node);
  b.call(node, 'one_hot', [b.tensor(indices), b.tensor(on), b.tensor(off)], [b.tensor(output)], [
    bytesOf(output, b.statics), bytesOf(indices, b.statics), elementsOf(indices.shape.slice(0, axis)), output.shape[axis], elementsOf(indices.shape.slice(axis)),
  ]);
}

export const oneHotReference: ReferenceEncoding = { check, encode };
