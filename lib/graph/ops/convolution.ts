// CONV_2D and DEPTHWISE_CONV_2D: NHWC input, OHWI (1HWO for depthwise) filter, optional bias.
import { type IntegerTreatments } from '../../core/integer-treatment';
import { BuiltinOptions, OptionSlot, Padding } from '../../model/schema';
import { arity, constant, first, operandTypes, optionsPresent, rank, windowOptions, type Reason, type OperandRules } from '../checks';
import type { GraphBuilder } from '../builder';
import type { Node } from '../node';
import type { OpFamily } from '../op-family';
import { outputSize } from '../padding';
import type { StaticValues } from '../static-values';

interface ConvOptions {
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

function checkConvolution(node: Node, statics: StaticValues, rules: OperandRules = 'xnnpack'): Reason {
  const depthwise = node.op === 'DEPTHWISE_CONV_2D';
  const optionsType = depthwise ? BuiltinOptions.DepthwiseConv2DOptions : BuiltinOptions.Conv2DOptions;
  return first(
    () => arity(node, 2, 3, 1),
    () => optionsPresent(node, optionsType, depthwise ? 'DepthwiseConv2DOptions' : 'Conv2DOptions'),
    () => operandTypes(node, statics, { activations: [0], weights: 1, bias: 2, quantized: true, hybrid: node.op === 'CONV_2D' }, rules),
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
      const o = convolutionOptions(node);
      const [n, height, width] = node.in(0).shape;
      const [, kernelH, kernelW] = node.in(1).shape;
      const expected = [n, outputSize(o.padding, height, kernelH, o.strideH, o.dilationH), outputSize(o.padding, width, kernelW, o.strideW, o.dilationW), node.output(0).shape[3]];
      return expected.join() === node.output(0).shape.join() ? undefined : `output shape (got [${node.output(0).shape}], expected [${expected}])`;
    },
  );
}

function lowerConvolution(g: GraphBuilder, node: Node): void {
  const o = convolutionOptions(node);
  const input = node.in(0);
  const filter = node.in(1);
  const flags = o.padding === Padding.SAME ? g.C.nodeFlags.tensorflowSamePadding : 0;
  const [, kernelH, kernelW] = filter.shape;
  g.withActivation(o.activation, node.output(0), (out, min, max) => {
    if (node.op === 'DEPTHWISE_CONV_2D') {
      const channels = input.shape[3];
      const multiplier = node.output(0).shape[3] / channels;
      g.subgraph.defineDepthwiseConvolution2d(0, 0, 0, 0, kernelH, kernelW, o.strideH, o.strideW, o.dilationH, o.dilationW,
        multiplier, channels, min, max, g.value(input), g.value(filter), g.optional(node.input(2)), out, flags);
    } else {
      const groupInputChannels = filter.shape[3];
      const groups = input.shape[3] / groupInputChannels;
      const groupOutputChannels = filter.shape[0] / groups;
      // Dynamic-range models and precision 'dynamic-int8': int8 weights, activations quantized per image at run time.
      const dynamic = groups === 1 && g.usesDynamicInt8(input, filter);
      const x = dynamic ? g.dynamicallyQuantized(input, 3) : g.value(input);
      const w = dynamic ? g.channelwiseInt8Weights(filter) : g.value(filter);
      g.subgraph.defineConvolution2d(0, 0, 0, 0, kernelH, kernelW, o.strideH, o.strideW, o.dilationH, o.dilationW,
        groups, groupInputChannels, groupOutputChannels, min, max, x, w, g.optional(node.input(2)), out, flags);
    }
  });
}

/** Every output element sums kernel height x width x (input channels per group) products. */
function macs(node: Node): number {
  const [n, h, w, outputChannels] = node.output(0).shape;
  const [, kernelH, kernelW, filterChannels] = node.in(1).shape;
  const perOutput = node.op === 'DEPTHWISE_CONV_2D' ? kernelH * kernelW : kernelH * kernelW * filterChannels;
  return n * h * w * outputChannels * perOutput;
}

/**
 * XNNPACK runs an ungrouped CONV_2D as GEMM/IGEMM, which looks the weight
 * cache up before reading filter and bias. Grouped and depthwise convolutions
 * may take the depthwise path, which packs first.
 */
function lazyWeightInputs(node: Node): number[] {
  if (node.op !== 'CONV_2D' || node.in(1).shape[3] !== node.in(0).shape[3]) return [];
  return [1, 2];
}

/** Weights int8 per output channel: axis 0 of CONV_2D's [O, H, W, I], axis 3 of DEPTHWISE_CONV_2D's [1, H, W, O]. */
export const CONVOLUTION_INTEGERS: IntegerTreatments = {
  CONV_2D: { activations: [0], weights: 1, bias: 2, weightAxis: 0 },
  DEPTHWISE_CONV_2D: { activations: [0], weights: 1, bias: 2, weightAxis: 3 },
};

export const convolution: OpFamily = {
  ops: ['CONV_2D', 'DEPTHWISE_CONV_2D'],
  int8: CONVOLUTION_INTEGERS,
  check: checkConvolution,
  lower: lowerConvolution,
  macs,
  lazyWeightInputs,
  clampsOutput: true,
};
