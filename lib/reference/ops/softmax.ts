// SOFTMAX over the last dimension of an int16 tensor, computed in double and
// rounded once (TFLite's int16 kernel uses lookup tables for exp and 1/x).
import type { Node } from '../../core/node';
import { softmaxBeta, checkSoftmax } from '../../core/operators/softmax';
import type { ReferenceEncoding } from '../encoding';
import { int16x8Operands } from '../int16x8-operands';
import { elementsOf, INT16_MAX, INT16_MIN, quantOf, type ProgramBuilder } from '../program-builder';

function encode(b: ProgramBuilder, node: Node): void {
  const shape = node.in(0).shape;
  const depth = shape[shape.length - 1];
  const [x, y] = [quantOf(node.in(0)), quantOf(node.output(0))];
  b.call(node, 'softmax_s16', [b.tensor(node.in(0))], [b.tensor(node.output(0))],
    [elementsOf(shape) / depth, depth, y.zeroPoint, INT16_MIN, INT16_MAX], [x.scale * softmaxBeta(node), y.scale]);
}

export const softmaxReference: ReferenceEncoding = {
  check: (node, statics) => checkSoftmax(node, statics, int16x8Operands(node, statics)),
  encode,
};
