// LOGISTIC, TANH, RELU, RELU6 and RELU_N1_TO_1 on int16, computed on real
// values and requantized to the output's scale.
import type { Node } from '../../core/node';
import { checkUnary } from '../../core/operators/unary';
import type { ReferenceEncoding } from '../encoding';
import { int16x8Operands } from '../int16x8-operands';
import { elementsOf, INT16_MAX, INT16_MIN, quantOf, type ProgramBuilder } from '../program-builder';

const CLAMPS: Record<string, [number, number]> = { RELU: [0, Infinity], RELU6: [0, 6], RELU_N1_TO_1: [-1, 1] };

function encode(b: ProgramBuilder, node: Node): void {
  const [x, y] = [quantOf(node.in(0)), quantOf(node.output(0))];
  const ints = [elementsOf(node.in(0).shape), x.zeroPoint, y.zeroPoint, INT16_MIN, INT16_MAX];
  const clamp = CLAMPS[node.op];
  const kernel = clamp ? 'requantize_s16' : node.op === 'LOGISTIC' ? 'logistic_s16' : 'tanh_s16';
  b.call(node, kernel, [b.tensor(node.in(0))], [b.tensor(node.output(0))], ints, clamp ? [x.scale, y.scale, ...clamp] : [x.scale, y.scale]);
}

export const activationReference: ReferenceEncoding = {
  check: (node, statics) => checkUnary(node, statics, int16x8Operands(node, statics)),
  encode,
};
