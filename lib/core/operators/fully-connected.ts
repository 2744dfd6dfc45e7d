// FULLY_CONNECTED as TFLite defines it: weights [outputs, inputs], optional bias; without keep_num_dims TFLite flattens to 2D.
import { BuiltinOptions, OptionSlot } from '../../model/schema';
import { activation, arity, first, rank, type OperandCheck, type Reason } from '../checks';
import type { Node } from '../node';
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

export function checkFullyConnected(node: Node, statics: StaticValues, operands: OperandCheck): Reason {
  return first(
    () => arity(node, 2, 3, 1),
    () => (node.options && node.def.optionsType !== BuiltinOptions.FullyConnectedOptions
      ? `options type (got ${node.def.optionsType}, expected FullyConnectedOptions)` : undefined),
    () => operands({ activations: [0], weights: 1, bias: 2, hybrid: true }),
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
