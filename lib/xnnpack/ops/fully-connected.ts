// FULLY_CONNECTED: weights [outputs, inputs], optional bias; without keep_num_dims TFLite flattens to 2D.
import { checkFullyConnected, fullyConnectedOptions } from '../../core/operators/fully-connected';
import { xnnpackOperands } from '../operand-types';
import { type IntegerTreatments } from '../../core/integer-treatment';
import { type Reason } from '../../core/checks';
import type { GraphBuilder } from '../builder';
import type { Node } from '../../core/node';
import type { XnnpackLowering } from '../lowering';
import { runsDynamicInt8 } from '../dynamic-quantization';
import type { StaticValues } from '../../core/static-values';

function lower(g: GraphBuilder, node: Node): void {
  const o = fullyConnectedOptions(node);
  const flags = o.keepNumDims ? 0 : g.C.nodeFlags.tensorflowReshape2d;
  const input = node.in(0);
  const weights = node.in(1);
  // Dynamic-range models and precision 'dynamic-int8': int8 weights, input rows quantized at run time
  // (one scale per row; per whole input when its last dimension is not the row length).
  const dynamic = g.usesDynamicInt8(input, weights);
  const rowsAreLastDim = input.shape[input.shape.length - 1] === weights.shape[1];
  const x = dynamic ? g.dynamicallyQuantized(input, rowsAreLastDim ? 1 : input.shape.length) : g.value(input);
  const w = dynamic ? g.channelwiseInt8Weights(weights) : g.value(weights);
  g.withActivation(o.activation, node.output(0), (out, min, max) => {
    g.subgraph.defineFullyConnected(min, max, x, w, g.optional(node.input(2)), out, flags);
  });
}

function macs(node: Node): number {
  const [outputs, inputs] = node.in(1).shape;
  const elements = node.in(0).shape.reduce((a, b) => a * b, 1);
  return (elements / inputs) * inputs * outputs;
}

// XNNPACK's fully-connected operator looks the weight cache up before reading weights and bias.
function check(node: Node, statics: StaticValues): Reason {
  return checkFullyConnected(node, statics, xnnpackOperands(node, statics));
}

export const FULLY_CONNECTED_INTEGERS: IntegerTreatments = { FULLY_CONNECTED: { activations: [0], weights: 1, bias: 2 } };

export const fullyConnected: XnnpackLowering = {
  check, lower, macs, clampsOutput: true, lazyWeightInputs: (node, statics, precision) => (runsDynamicInt8(node.in(0), node.in(1), statics, precision) ? [] : [1, 2]), 
};
