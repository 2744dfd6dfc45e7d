// Elementwise unary operators in the types TFLite's kernels take: ABS
// (float32, int32), NEG (float32, int32, int64), SIGN (float32, int32),
// SQUARE (float32), LOGICAL_NOT (bool) and GELU (float32, both forms).
import { arity, first, rankAtMost, type Reason } from '../../core/checks';
import type { Node } from '../../core/node';
import { geluApproximate } from '../../core/operators/unary';
import type { StaticValues } from '../../core/static-values';
import type { DType } from '../../model/schema';
import { elementTypeOf } from '../element-type';
import type { ReferenceEncoding } from '../encoding';
import { elementsOf, type ProgramBuilder } from '../program-builder';
import { dtypeOf, operandDtypes } from './element-types';

/** Kernel op codes (native/reference/kernels/math_unary.cc) and the dtypes TFLite's kernel takes. */
const OPS: Record<string, { code: (node: Node) => number; types: readonly DType[] }> = {
  ABS: { code: () => 0, types: ['float32', 'int32'] },
  NEG: { code: () => 1, types: ['float32', 'int32', 'int64'] },
  SIGN: { code: () => 2, types: ['float32', 'int32'] },
  SQUARE: { code: () => 3, types: ['float32'] },
  LOGICAL_NOT: { code: () => 4, types: ['bool'] },
  GELU: { code: (node) => (geluApproximate(node) ? 6 : 5), types: ['float32'] },
};

function check(node: Node, statics: StaticValues): Reason {
  return first(
    () => arity(node, 1, 1, 1),
    () => operandDtypes(node, statics, OPS[node.op].types),
    () => rankAtMost(node.in(0), 6, 'input'),
    () => (node.in(0).shape.join() === node.output(0).shape.join()
      ? undefined : `output shape (got [${node.output(0).shape}], expected the input shape [${node.in(0).shape}])`),
  );
}

function encode(b: ProgramBuilder, node: Node): void {
  const x = node.in(0);
  b.call(node, 'math_unary', [b.tensor(x)], [b.tensor(node.output(0))], [OPS[node.op].code(node), elementTypeOf(dtypeOf(x, b.statics))!, elementsOf(x.shape)]);
}

export const mathUnaryReference: ReferenceEncoding = { check, encode };
