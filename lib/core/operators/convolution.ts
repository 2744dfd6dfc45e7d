// CONV_2D and DEPTHWISE_CONV_2D as TFLite defines them: NHWC input, OHWI (1HWO for depthwise) filter, optional bias.
import { BuiltinOptions, OptionSlot } from '../../model/schema';
import { arity, constant, first, optionsPresent, rank, windowOptions, type OperandCheck, type Reason } from '../checks';
import type { Node } from '../node';
import { convolutionShape } from '../shapes/convolution';
import type { StaticValues } from '../static-values';

export interface ConvOptions {
  padding: number;
  strideW: number;
  strideH: number;
  dilationW: number;
  dilationH: number;
  activation: number;
  depthMultiplier: number;
}

export function convolutionOptions(node: Node): ConvOptions {
  const o = node.options!;
  const depthwise = node.op === 'DEPTHWISE_CONV_2D';
  const S = depthwise ? OptionSlot.DepthwiseConv2D : OptionSlot.Conv2D;
  return {
    padding: o.scalar(S.padding, 'i8', 'padding'),
    strideW: o.scalar(S.strideW, 'i32', 'stride_w'),
    strideH: o.scalar(S.strideH, 'i32', 'stride_h'),
    dilationW: o.scalar(S.dilationW, 'i32', 'dilation_w_factor', 1),
    dilationH: o.scalar(S.dilationH, 'i32', 'dilation_h_factor', 1),
    activation: o.scalar(S.activation, 'i8', 'fused_activation_function'),
    depthMultiplier: depthwise ? o.scalar(OptionSlot.DepthwiseConv2D.depthMultiplier, 'i32', 'depth_multiplier') : 1,
  };
}

export function checkConvolution(node: Node, statics: StaticValues, operands: OperandCheck): Reason {
  const depthwise = node.op === 'DEPTHWISE_CONV_2D';
  const optionsType = depthwise ? BuiltinOptions.DepthwiseConv2DOptions : BuiltinOptions.Conv2DOptions;
  return first(
    () => arity(node, 2, 3, 1),
    () => optionsPresent(node, optionsType, depthwise ? 'DepthwiseConv2DOptions' : 'Conv2DOptions'),
    () => operands({ activations: [0], weights: 1, bias: 2, hybrid: node.op === 'CONV_2D' }),
    () => rank(node.in(0), 4, 'input'),
    () => rank(node.in(1), 4, 'filter'),
    () => rank(node.output(0), 4, 'output'),
    () => constant(node.in(1), 'filter', statics),
    () => (node.input(2) ? constant(node.input(2), 'bias', statics) : undefined),
    () => windowOptions(convolutionOptions(node)),
    () => {
      const inputChannels = node.in(0).shape[3];
      const filter = node.in(1).shape;
      const outputChannels = node.output(0).shape[3];
      const bias = node.input(2);
      if (bias && (bias.shape.length !== 1 || bias.shape[0] !== outputChannels)) {
        return `bias shape (got [${bias.shape}], expected [${outputChannels}])`;
      }
      if (depthwise) {
        if (filter[0] !== 1) return `depthwise filter shape (got [${filter}], expected [1, H, W, C])`;
        if (filter[3] !== outputChannels) return `filter channels (got ${filter[3]}, expected output channels ${outputChannels})`;
        if (inputChannels === 0 || outputChannels % inputChannels !== 0) {
          return `output channels (got ${outputChannels}, expected a multiple of input channels ${inputChannels})`;
        }
        return undefined;
      }
      if (filter[0] !== outputChannels) return `filter output channels (got ${filter[0]}, expected ${outputChannels})`;
      if (filter[3] === 0 || inputChannels % filter[3] !== 0) {
        return `filter input channels (got ${filter[3]}, expected a divisor of input channels ${inputChannels})`;
      }
      const groups = inputChannels / filter[3];
      return outputChannels % groups === 0 ? undefined : `output channels (got ${outputChannels}, expected a multiple of ${groups} groups)`;
    },
    () => {
      const expected = convolutionShape(node, statics);
      if (typeof expected === 'string') return expected;
      return expected[0].join() === node.output(0).shape.join() ? undefined : `output shape (got [${node.output(0).shape}], expected [${expected[0]}])`;
    },
  );
}
