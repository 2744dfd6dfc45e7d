// Convolutions and matrix products.
import type { IntegerTreatment } from '../core/integer-treatment';
import {
  batchMatmulShape, convolutionShape, fullyConnectedShape, mediapipeTransposeConvolutionShape, transposeConvolutionShape,
} from '../core/shapes/convolution';
import { convolutionReference } from '../reference/ops/convolution';
import { fullyConnectedReference } from '../reference/ops/fully-connected';
import { batchMatmul } from '../xnnpack/ops/batch-matmul';
import { convolution } from '../xnnpack/ops/convolution';
import { fullyConnected } from '../xnnpack/ops/fully-connected';
import { transposeConvolution } from '../xnnpack/ops/transpose-conv';
import type { OpDescriptors } from './descriptor';

// Weights int8 per output channel: axis 0 of CONV_2D's [O, H, W, I], axis 3 of DEPTHWISE_CONV_2D's [1, H, W, O].
const CONV_2D: IntegerTreatment = { activations: [0], weights: 1, bias: 2, weightAxis: 0 };
const DEPTHWISE_CONV_2D: IntegerTreatment = { activations: [0], weights: 1, bias: 2, weightAxis: 3 };
const FULLY_CONNECTED: IntegerTreatment = { activations: [0], weights: 1, bias: 2 };

export const CONVOLUTION_OPS: OpDescriptors = {
  CONV_2D: { xnnpack: convolution, reference: convolutionReference, int8: CONV_2D, int16x8: CONV_2D, shape: convolutionShape },
  DEPTHWISE_CONV_2D: { xnnpack: convolution, reference: convolutionReference, int8: DEPTHWISE_CONV_2D, int16x8: DEPTHWISE_CONV_2D, shape: convolutionShape },
  TRANSPOSE_CONV: { xnnpack: transposeConvolution, int8: { activations: [2], weights: 1, bias: 3, weightAxis: 0 }, shape: transposeConvolutionShape },
  // MediaPipe's custom transposed convolution.
  Convolution2DTransposeBias: { xnnpack: transposeConvolution, shape: mediapipeTransposeConvolutionShape },
  FULLY_CONNECTED: { xnnpack: fullyConnected, reference: fullyConnectedReference, int8: FULLY_CONNECTED, int16x8: FULLY_CONNECTED, shape: fullyConnectedShape },
  BATCH_MATMUL: { xnnpack: batchMatmul, shape: batchMatmulShape },
};
