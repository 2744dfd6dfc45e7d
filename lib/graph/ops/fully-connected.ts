// FULLY_CONNECTED: weights [outputs, inputs], optional bias; without keep_num_dims TFLite flattens to 2D.
import { type IntegerTreatments } from '../../core/integer-treatment';
import { BuiltinOptions, OptionSlot } from '../../model/schema';
import { activation, arity, first, operandTypes, rank, type Reason, type OperandRules } from '../checks';
import type { GraphBuilder } from '../builder';
import type { Node } from '../node';
import type { OpFamily } from '../op-family';
import type { StaticValues } from '../static-values';

export function fullyConnectedOptions(node: Node) {
  const o = node.options;
  const S = OptionSlot.FullyConnected;
  return {
    activation: o ? o.scalar(S.activation, 'i8', 'fused_activation_function') : 0,
    weightsFormat: o ? o.scalar(S.weightsFormat, 'i8', 'weights_format') : 0,
    keepNumDims: o ? o.bool(S.keepNumDims, 'keep_num_dims') : false,
  };
}

function check(node: Node, statics: StaticValues, rules: OperandRules = 'xnnpack'): Reason {
  return first(
    () => arity(node, 2, 3, 1),
    () => (node.options && node.def.optionsType !== BuiltinOptions.FullyConnectedOptions
      ? `options type (got ${node.def.optionsType}, expected FullyConnectedOptions)` : undefined),
    () => operandTypes(node, statics, { activations: [0], weights: 1, bias: 2, quantized: true, hybrid: true }, rules),
    () => rank(node.in(1), 2, 'weights'),
    () => {
      const o = fullyConnectedOptions(node);
      if (o.weightsFormat !== 0) return `weights_format (got ${o.weightsFormat}, expected DEFAULT)`;
      return activation(o.activation);
    },
    () => {
      const [outputs, inputs] = node.in(1).shape;
      const x = node.in(0).shape;
      const bias = node.input(2);
      if (x.length === 0 || inputs === 0) return `input shape (got [${x}], expected a last dimension dividing by ${inputs})`;
      const elements = x.reduce((a, b) => a * b, 1);
      if (elements % inputs !== 0) return `input elements (got ${elements}, expected a multiple of ${inputs} weights inputs)`;
      if (bias && (bias.shape.length !== 1 || bias.shape[0] !== outputs)) return `bias shape (got [${bias.shape}], expected [${outputs}])`;
      return undefined;
    },
  );
}

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
export const FULLY_CONNECTED_INTEGERS: IntegerTreatments = { FULLY_CONNECTED: { activations: [0], weights: 1, bias: 2 } };

export const fullyConnected: OpFamily = {
  ops: ['FULLY_CONNECTED'], check, lower, macs, clampsOutput: true, lazyWeightInputs: () => [1, 2], int8: FULLY_CONNECTED_INTEGERS,
};
