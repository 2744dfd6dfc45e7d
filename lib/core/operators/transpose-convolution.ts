// MediaPipe's custom Convolution2DTransposeBias: TFLite's TRANSPOSE_CONV
// whose output size follows from its input, with a bias input.
import { Padding } from '../../model/schema';
import type { Node } from '../node';

/** MediaPipe stores TfLiteTransposeConvParams as a raw C struct: int32 padding (1 SAME, 2 VALID), stride_w, stride_h. */
export function mediapipeTransposeParams(node: Node): { padding: number; strideW: number; strideH: number } | undefined {
  const raw = node.def.customOptions;
  if (!raw || raw.length < 12) return undefined;
  const view = new DataView(raw.buffer, raw.byteOffset, raw.length);
  const tfLitePadding = view.getInt32(0, true);
  const padding = tfLitePadding === 1 ? Padding.SAME : tfLitePadding === 2 ? Padding.VALID : -1;
  return { padding, strideW: view.getInt32(4, true), strideH: view.getInt32(8, true) };
}
