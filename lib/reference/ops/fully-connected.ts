// FULLY_CONNECTED, int16 activations with int8 weights.
import { first } from '../../core/checks';
import type { Node } from '../../core/node';
import { fullyConnectedOptions, checkFullyConnected } from '../../core/operators/fully-connected';
import type { ReferenceEncoding } from '../encoding';
import { int16x8Operands } from '../int16x8-operands';
import { activationRange, elementsOf, quantOf, type ProgramBuilder } from '../program-builder';
import { biasElementSize, biasFits, outputMultipliers, weightScalesFit } from './weights';

function encode(b: ProgramBuilder, node: Node): void {
  const [outputs, inputs] = node.in(1).shape;
  const batches = elementsOf(node.in(0).shape) / inputs;
  const [lo, hi] = activationRange(fullyConnectedOptions(node).activation, node.output(0));
  b.call(node, 'fully_connected_s16', [b.tensor(node.in(0)), b.tensor(node.in(1)), b.optional(node.input(2))], [b.tensor(node.output(0))],
    [batches, inputs, outputs, quantOf(node.in(0)).zeroPoint, quantOf(node.output(0)).zeroPoint, lo, hi, biasElementSize(node.input(2), b)],
    outputMultipliers(node, outputs));
}

export const fullyConnectedReference: ReferenceEncoding = {
  check: (node, statics) => first(
    () => checkFullyConnected(node, statics, int16x8Operands(node, statics)),
    () => weightScalesFit(node, node.in(1).shape[0], 0),
    () => biasFits(node, statics),
    () => (elementsOf(node.output(0).shape) * node.in(1).shape[1] === elementsOf(node.in(0).shape) * node.in(1).shape[0]
      ? undefined : `output shape (got [${node.output(0).shape}], expected ${elementsOf(node.in(0).shape) / node.in(1).shape[1]} rows of ${node.in(1).shape[0]})`),
  ),
  encode,
};
