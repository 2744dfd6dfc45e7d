// CONV_2D and DEPTHWISE_CONV_2D, int16 activations with int8 weights.
import { first } from '../../core/checks';
import type { Node } from '../../core/node';
import { convolutionOptions, checkConvolution } from '../../core/operators/convolution';
import { paddingBeforeAfter } from '../../core/padding';
import { Padding } from '../../model/schema';
import type { ReferenceEncoding } from '../encoding';
import { int16x8Operands } from '../int16x8-operands';
import { activationRange, quantOf, type ProgramBuilder } from '../program-builder';
import { biasElementSize, biasFits, outputMultipliers, weightScalesFit } from './weights';

function encode(b: ProgramBuilder, node: Node): void {
  const o = convolutionOptions(node);
  const depthwise = node.op === 'DEPTHWISE_CONV_2D';
  const [n, h, w, ic] = node.in(0).shape;
  const [, oh, ow, oc] = node.output(0).shape;
  const [, kh, kw, filterChannels] = node.in(1).shape;
  const pad = (inSize: number, k: number, stride: number, dilation: number, outSize: number) =>
    (o.padding === Padding.SAME ? paddingBeforeAfter(stride, dilation, inSize, k, outSize)[0] : 0);
  const groups = depthwise ? oc / ic : ic / filterChannels;
  const [lo, hi] = activationRange(o.activation, node.output(0));
  b.call(node, depthwise ? 'depthwise_conv2d_s16' : 'conv2d_s16',
    [b.tensor(node.in(0)), b.tensor(node.in(1)), b.optional(node.input(2))], [b.tensor(node.output(0))],
    [n, h, w, ic, oh, ow, oc, kh, kw, o.strideH, o.strideW, o.dilationH, o.dilationW,
      pad(h, kh, o.strideH, o.dilationH, oh), pad(w, kw, o.strideW, o.dilationW, ow), groups,
      quantOf(node.in(0)).zeroPoint, quantOf(node.output(0)).zeroPoint, lo, hi, biasElementSize(node.input(2), b)],
    outputMultipliers(node, oc));
}

export const convolutionReference: ReferenceEncoding = {
  check: (node, statics) => first(
    () => checkConvolution(node, statics, int16x8Operands(node, statics)),
    () => weightScalesFit(node, node.output(0).shape[3], node.op === 'DEPTHWISE_CONV_2D' ? 3 : 0),
    () => biasFits(node, statics),
  ),
  encode,
};
