// SOFTMAX over the last dimension of an int16 tensor, computed in double and
// rounded once (TFLite's int16 kernel uses lookup tables for exp and 1/x).
import type { Node } from '../../graph/node';
import { softmax, softmaxBeta } from '../../graph/ops/softmax';
import type { ReferenceFamily } from '../family';
import { elementsOf, INT16_MAX, INT16_MIN, quantOf, type ProgramBuilder } from '../program-builder';

function encode(b: ProgramBuilder, node: Node): void {
  const shape = node.in(0).shape;
  const depth = shape[shape.length - 1];
  const [x, y] = [quantOf(node.in(0)), quantOf(node.output(0))];
  b.call(node, 'softmax_s16', [b.tensor(node.in(0))], [b.tensor(node.output(0))],
    [elementsOf(shape) / depth, depth, y.zeroPoint, INT16_MIN, INT16_MAX], [x.scale * softmaxBeta(node), y.scale]);
}

export const softmaxReference: ReferenceFamily = {
  ops: softmax.ops,
  check: (node, statics) => softmax.check(node, statics, 'int16x8'),
  encode,
  int16x8: { SOFTMAX: { activations: [0], output: { scale: 1 / 32768, zeroPoint: 0 } } },
};
