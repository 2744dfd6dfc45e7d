// Elementwise arithmetic with numpy broadcasting on float32 and integer
// tensors, in the types TFLite's kernels take: ADD, SUB, MUL, DIV (with a
// fused activation), MAXIMUM, MINIMUM, POW, SQUARED_DIFFERENCE, FLOOR_DIV,
// FLOOR_MOD. int16 ADD/SUB/MUL (int16x8 models) keep their requantizing
// kernel (./binary).
import { activation, arity, first, rankAtMost, type Reason } from '../../core/checks';
import type { Node } from '../../core/node';
import { broadcastShape, fusedActivation } from '../../core/operators/binary';
import type { StaticValues } from '../../core/static-values';
import type { DType } from '../../model/schema';
import { elementTypeOf } from '../element-type';
import type { ReferenceEncoding } from '../encoding';
import type { ProgramBuilder } from '../program-builder';
import { binaryReference, hasInt16Kernel } from './binary';
import { broadcastLayout } from './broadcast-layout';
import { dtypeOf, operandDtypes } from './element-types';

/** Kernel op codes (native/reference/kernels/math_binary.cc) and the dtypes TFLite's kernel takes. */
const OPS: Record<string, { code: number; types: readonly DType[] }> = {
  ADD: { code: 0, types: ['float32', 'int32', 'int64'] },
  SUB: { code: 1, types: ['float32', 'int32', 'int64'] },
  MUL: { code: 2, types: ['float32', 'int32', 'int64'] },
  DIV: { code: 3, types: ['float32', 'int32'] },
  // Quantized operands compare as raw values, as TFLite's kernel does (it does not requantize).
  MAXIMUM: { code: 4, types: ['float32', 'int32', 'int64', 'int8', 'uint8', 'int16'] },
  MINIMUM: { code: 5, types: ['float32', 'int32', 'int64', 'int8', 'uint8', 'int16'] },
  POW: { code: 6, types: ['float32', 'int32'] },
  SQUARED_DIFFERENCE: { code: 7, types: ['float32', 'int32'] },
  FLOOR_DIV: { code: 8, types: ['float32', 'int32', 'int8', 'int16'] },
  FLOOR_MOD: { code: 9, types: ['float32', 'int32', 'int64', 'int8', 'int16'] },
};

/** int16 ADD/SUB/MUL are int16x8 operators: quantized, requantized to the output's scale. */
function isInt16x8(node: Node, statics: StaticValues): boolean {
  return hasInt16Kernel(node.op) && node.input(0) !== undefined && dtypeOf(node.in(0), statics) === 'int16';
}

function check(node: Node, statics: StaticValues): Reason {
  if (isInt16x8(node, statics)) return binaryReference.check(node, statics);
  return first(
    () => arity(node, 2, 2, 1),
    () => operandDtypes(node, statics, OPS[node.op].types),
    () => rankAtMost(node.in(0), 6, 'input 0'),
    () => rankAtMost(node.in(1), 6, 'input 1'),
    () => activation(fusedActivation(node)),
    () => {
      const [a, b] = [node.in(0).shape, node.in(1).shape];
      const shape = broadcastShape(a, b);
      if (!shape) return `input shapes (got [${a}] and [${b}], expected shapes that broadcast)`;
      const out = node.output(0).shape;
      return shape.join() === out.join() ? undefined : `output shape (got [${out}], expected [${shape}])`;
    },
  );
}

function encode(b: ProgramBuilder, node: Node): void {
  if (isInt16x8(node, b.statics)) {
    binaryReference.encode(b, node);
    return;
  }
  const [x, y] = [node.in(0), node.in(1)];
  b.call(node, 'broadcast_binary', [b.tensor(x), b.tensor(y)], [b.tensor(node.output(0))],
    [OPS[node.op].code, elementTypeOf(dtypeOf(x, b.statics))!, fusedActivation(node), ...broadcastLayout(node.output(0).shape, [x.shape, y.shape])]);
}

export const mathBinaryReference: ReferenceEncoding = { check, encode };
