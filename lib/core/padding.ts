/** TFLite's padding rules (tensorflow/lite/kernels/padding.h), for the places XNNPACK's SAME flag does not cover. */
import { Padding } from '../model/schema';

export function outputSize(padding: number, inputSize: number, filterSize: number, stride: number, dilation = 1): number {
  const effective = (filterSize - 1) * dilation + 1;
  return padding === Padding.SAME
    ? Math.floor((inputSize + stride - 1) / stride)
    : Math.floor((inputSize + stride - effective) / stride);
}

/** Padding before and after along one dimension of a convolution from `inputSize` to `outputSize`. */
export function paddingBeforeAfter(stride: number, dilation: number, inputSize: number, filterSize: number, outSize: number): [number, number] {
  const effective = (filterSize - 1) * dilation + 1;
  const total = Math.max((outSize - 1) * stride + effective - inputSize, 0);
  const before = Math.floor(total / 2);
  return [before, total - before];
}

/**
 * Padding and output adjustment of a transpose convolution along one
 * dimension, as TFLite computes it: the padding of the forward convolution
 * from the transpose's output back to its input.
 */
export function transposeConvPadding(padding: number, inputSize: number, outputSizeWanted: number, filterSize: number, stride: number): { before: number; after: number; adjustment: number } {
  const forwardOut = outputSize(padding, outputSizeWanted, filterSize, stride);
  const [before, after] = paddingBeforeAfter(stride, 1, outputSizeWanted, filterSize, forwardOut);
  const adjustment = outputSizeWanted - (stride * (inputSize - 1) + filterSize - before - after);
  return { before, after, adjustment };
}
