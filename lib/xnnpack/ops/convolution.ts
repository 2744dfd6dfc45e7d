// CONV_2D and DEPTHWISE_CONV_2D: NHWC input, OHWI (1HWO for depthwise) filter, optional bias.
import { checkConvolution, convolutionOptions } from '../../core/operators/convolution';
import { xnnpackOperands } from '../operand-types';
import { type IntegerTreatments } from '../../core/integer-treatment';
import { Padding } from '../../model/schema';
import { type Reason } from '../../core/checks';
import type { GraphBuilder } from '../builder';
import type { Node } from '../../core/node';
import type { XnnpackLowering } from '../lowering';
import { runsDynamicInt8, type Precision } from '../dynamic-quantization';
import type { StaticValues } from '../../core/static-values';

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
 * cache up before reading filter and bias. Grouped and depthwise
 * convolutions, and one channel in to one channel out, may take the
 * depthwise or multiply-add paths, which pack first. On the dynamically
 * quantized kernels the filter is int8 made here, and the bias is read
 * without being named in the look-up.
 */
function lazyWeightInputs(node: Node, statics: StaticValues, precision: Precision): number[] {
  const [outputChannels, , , inputChannels] = node.in(1).shape;
  if (node.op !== 'CONV_2D' || inputChannels !== node.in(0).shape[3] || (inputChannels === 1 && outputChannels === 1)) return [];
  return runsDynamicInt8(node.in(0), node.in(1), statics, precision) ? [] : [1, 2];
}

/** Weights int8 per output channel: axis 0 of CONV_2D's [O, H, W, I], axis 3 of DEPTHWISE_CONV_2D's [1, H, W, O]. */
function check(node: Node, statics: StaticValues): Reason {
  return checkConvolution(node, statics, xnnpackOperands(node, statics));
}

export const CONVOLUTION_INTEGERS: IntegerTreatments = {
  CONV_2D: { activations: [0], weights: 1, bias: 2, weightAxis: 0 },
  DEPTHWISE_CONV_2D: { activations: [0], weights: 1, bias: 2, weightAxis: 3 },
};

export const convolution: XnnpackLowering = {
  check,
  lower: lowerConvolution,
  macs,
  lazyWeightInputs,
  clampsOutput: true,
};
