// LOGISTIC, TANH, RELU, RELU6 and RELU_N1_TO_1 on int16, computed on real
// values and requantized to the output's scale.
import { ONE_ACTIVATION } from '../../core/integer-treatment';
import type { Node } from '../../graph/node';
import { unary } from '../../graph/ops/unary';
import type { ReferenceFamily } from '../family';
import { elementsOf, INT16_MAX, INT16_MIN, quantOf, type ProgramBuilder } from '../program-builder';

const CLAMPS: Record<string, [number, number]> = { RELU: [0, Infinity], RELU6: [0, 6], RELU_N1_TO_1: [-1, 1] };

function encode(b: ProgramBuilder, node: Node): void {
  const [x, y] = [quantOf(node.in(0)), quantOf(node.output(0))];
  const ints = [elementsOf(node.in(0).shape), x.zeroPoint, y.zeroPoint, INT16_MIN, INT16_MAX];
  const clamp = CLAMPS[node.op];
  const kernel = clamp ? 'requantize_s16' : node.op === 'LOGISTIC' ? 'logistic_s16' : 'tanh_s16';
  b.call(node, kernel, [b.tensor(node.in(0))], [b.tensor(node.output(0))], ints, clamp ? [x.scale, y.scale, ...clamp] : [x.scale, y.scale]);
}

export const activationReference: ReferenceFamily = {
  ops: ['LOGISTIC', 'TANH', ...Object.keys(CLAMPS)],
  check: (node, statics) => unary.check(node, statics, 'int16x8'),
  encode,
  int16x8: {
    RELU: ONE_ACTIVATION, RELU6: ONE_ACTIVATION, RELU_N1_TO_1: ONE_ACTIVATION,
    LOGISTIC: { activations: [0], output: { scale: 1 / 32768, zeroPoint: 0 } },
    TANH: { activations: [0], output: { scale: 1 / 32768, zeroPoint: 0 } },
  },
};
