// TRANSPOSE_CONV and MediaPipe's custom Convolution2DTransposeBias, both on
// XNNPACK's deconvolution. TFLite decides the padding from the output shape.
import { BuiltinOptions, OptionSlot, Padding } from '../../model/schema';
import { activation, arity, constant, first, float32Tensors, optionsPresent, positive, rank, type Reason } from '../../core/checks';
import { operandTypes } from '../operand-types';
import type { GraphBuilder } from '../builder';
import type { Node } from '../../core/node';
import type { XnnpackLowering } from '../lowering';
import { mediapipeTransposeParams } from '../../core/operators/transpose-convolution';
import { transposeConvPadding } from '../../core/padding';
import type { StaticValues } from '../../core/static-values';

interface Layout {
  input: number;
  filter: number;
  bias: number;
  padding: number;
  strideW: number;
  strideH: number;
  activation: number;
}

function layout(node: Node): Layout {
  if (node.op === 'TRANSPOSE_CONV') {
    const S = OptionSlot.TransposeConv;
    const o = node.options!;
    return {
      input: 2, filter: 1, bias: 3,
      padding: o.scalar(S.padding, 'i8', 'padding'),
      strideW: o.scalar(S.strideW, 'i32', 'stride_w'),
      strideH: o.scalar(S.strideH, 'i32', 'stride_h'),
      activation: o.scalar(S.activation, 'i8', 'fused_activation_function'),
    };
  }
  const p = mediapipeTransposeParams(node)!;
  return { input: 0, filter: 1, bias: 2, ...p, activation: 0 };
}

function geometry(node: Node, l: Layout) {
  const input = node.in(l.input).shape;
  const filter = node.in(l.filter).shape;
  const output = node.output(0).shape;
  const h = transposeConvPadding(l.padding, input[1], output[1], filter[1], l.strideH);
  const w = transposeConvPadding(l.padding, input[2], output[2], filter[2], l.strideW);
  return { h, w, kernelH: filter[1], kernelW: filter[2], inputChannels: filter[3], outputChannels: filter[0] };
}

function check(node: Node, statics: StaticValues): Reason {
  const custom = node.op !== 'TRANSPOSE_CONV';
  return first(
    () => (custom ? arity(node, 3, 3, 1) : arity(node, 3, 4, 1)),
    () => (custom
      ? (mediapipeTransposeParams(node) ? undefined : `custom options (got ${node.def.customOptions?.length ?? 0} bytes, expected 12: padding, stride_w, stride_h)`)
      : optionsPresent(node, BuiltinOptions.TransposeConvOptions, 'TransposeConvOptions')),
    () => {
      const l = layout(node);
      return first(
        // MediaPipe's custom op is float only; TRANSPOSE_CONV also runs on int8/uint8 (XNNPACK's quantized deconvolution).
        () => (custom ? float32Tensors(node, [l.input, l.filter, l.bias], statics)
          : operandTypes(node, statics, { activations: [l.input], weights: l.filter, bias: l.bias, quantized: true })),
        () => {
          const q = node.in(l.filter).quantization;
          return q && q.scale.length > 1 && q.quantizedDimension !== 0
            ? `per-channel filter scales along dimension ${q.quantizedDimension} (expected 0, the output channels)` : undefined;
        },
        () => rank(node.in(l.input), 4, 'input'),
        () => rank(node.in(l.filter), 4, 'filter'),
        () => rank(node.output(0), 4, 'output'),
        () => constant(node.in(l.filter), 'filter', statics),
        () => (node.input(l.bias) ? constant(node.input(l.bias), 'bias', statics) : undefined),
        () => (l.padding === Padding.SAME || l.padding === Padding.VALID ? undefined : `padding (got ${l.padding}, expected SAME or VALID)`),
        () => positive(l.strideH, 'stride_h'),
        () => positive(l.strideW, 'stride_w'),
        () => activation(l.activation),
        () => {
          const g = geometry(node, l);
          const inputChannels = node.in(l.input).shape[3];
          const outputChannels = node.output(0).shape[3];
          const bias = node.input(l.bias);
          if (g.inputChannels !== inputChannels) return `filter input channels (got ${g.inputChannels}, expected ${inputChannels})`;
          if (g.outputChannels !== outputChannels) return `filter output channels (got ${g.outputChannels}, expected ${outputChannels})`;
          if (bias && (bias.shape.length !== 1 || bias.shape[0] !== outputChannels)) return `bias shape (got [${bias.shape}], expected [${outputChannels}])`;
          for (const [axis, d, stride] of [['height', g.h, l.strideH], ['width', g.w, l.strideW]] as const) {
            if (d.adjustment < 0 || d.adjustment >= stride) return `output ${axis} (got an adjustment of ${d.adjustment}, expected 0 to ${stride - 1} for this input, filter and stride)`;
          }
          return undefined;
        },
      );
    },
  );
}

function lower(g: GraphBuilder, node: Node): void {
  const l = layout(node);
  const geo = geometry(node, l);
  g.withActivation(l.activation, node.output(0), (out, min, max) => {
    g.subgraph.defineDeconvolution2d(geo.h.before, geo.w.after, geo.h.after, geo.w.before, geo.h.adjustment, geo.w.adjustment,
      geo.kernelH, geo.kernelW, l.strideH, l.strideW, 1, 1, 1, geo.inputChannels, geo.outputChannels, min, max,
      g.value(node.in(l.input)), g.value(node.in(l.filter)), g.optional(node.input(l.bias)), out, 0);
  });
}

/** Every input element is scattered through the whole kernel into every output channel. */
function macs(node: Node): number {
  const l = layout(node);
  const [n, h, w, inputChannels] = node.in(l.input).shape;
  const [outputChannels, kernelH, kernelW] = node.in(l.filter).shape;
  return n * h * w * inputChannels * kernelH * kernelW * outputChannels;
}

export const transposeConvolution: XnnpackLowering = {
  check,
  lower,
  macs,
  clampsOutput: true,
};
