// TRANSPOSE_CONV and MediaPipe's custom Convolution2DTransposeBias as TFLite defines them:
// NHWC input, OHWI filter, optional bias; the padding follows from the output shape.
import { OptionSlot, Padding } from '../../model/schema';
import type { Node } from '../node';

/** Where each operand sits, and the options, of either operator. */
export interface TransposeConvLayout {
  input: number;
  filter: number;
  bias: number;
  /** TRANSPOSE_CONV's output-shape operand; MediaPipe's op has none. */
  outputShape?: number;
  padding: number;
  strideW: number;
  strideH: number;
  activation: number;
}

/** MediaPipe stores TfLiteTransposeConvParams as a raw C struct: int32 padding (1 SAME, 2 VALID), stride_w, stride_h. */
export function mediapipeParams(node: Node): { padding: number; strideW: number; strideH: number } | undefined {
  const raw = node.def.customOptions;
  if (!raw || raw.length < 12) return undefined;
  const view = new DataView(raw.buffer, raw.byteOffset, raw.length);
  const tfLitePadding = view.getInt32(0, true);
  const padding = tfLitePadding === 1 ? Padding.SAME : tfLitePadding === 2 ? Padding.VALID : -1;
  return { padding, strideW: view.getInt32(4, true), strideH: view.getInt32(8, true) };
}

/** The layout of a node whose options (or custom options) are present. */
export function transposeConvLayout(node: Node): TransposeConvLayout {
  if (node.op === 'TRANSPOSE_CONV') {
    const S = OptionSlot.TransposeConv;
    const o = node.options!;
    return {
      input: 2, filter: 1, bias: 3, outputShape: 0,
      padding: o.scalar(S.padding, 'i8', 'padding'),
      strideW: o.scalar(S.strideW, 'i32', 'stride_w'),
      strideH: o.scalar(S.strideH, 'i32', 'stride_h'),
      activation: o.scalar(S.activation, 'i8', 'fused_activation_function'),
    };
  }
  const p = mediapipeParams(node)!;
  return { input: 0, filter: 1, bias: 2, ...p, activation: 0 };
}
