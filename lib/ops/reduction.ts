// Pooling, reductions and normalizations.
import { MOVES_VALUES, ONE_ACTIVATION } from '../core/integer-treatment';
import { sameAsImageInput, sameAsVectorInput } from '../core/shapes/elementwise';
import { poolingShape, reductionShape } from '../core/shapes/reduction';
import { normalizationReference } from '../reference/ops/normalization';
import { poolingReference } from '../reference/ops/pooling';
import { reductionReference } from '../reference/ops/reduction';
import { softmaxReference } from '../reference/ops/softmax';
import { mean } from '../xnnpack/ops/mean';
import { pooling } from '../xnnpack/ops/pooling';
import { softmax } from '../xnnpack/ops/softmax';
import { alike, type OpDescriptors } from './descriptor';

export const REDUCTION_OPS: OpDescriptors = {
  // AVERAGE_POOL_2D is int8 in the file as TFLite writes it; XNNPACK runs it in float between conversions.
  ...alike(['AVERAGE_POOL_2D', 'MAX_POOL_2D'], { xnnpack: pooling, reference: poolingReference, int8: MOVES_VALUES, int16x8: MOVES_VALUES, shape: poolingShape }),
  MEAN: { xnnpack: mean, reference: reductionReference, int8: ONE_ACTIVATION, int16x8: ONE_ACTIVATION, shape: reductionShape },
  ...alike(['SUM', 'REDUCE_MAX', 'REDUCE_MIN', 'REDUCE_PROD', 'REDUCE_ANY'], { reference: reductionReference, shape: reductionShape }),
  // SOFTMAX is int8 in the file as TFLite writes it (its output quantization fixed by TFLite); XNNPACK runs it in float between conversions.
  SOFTMAX: {
    xnnpack: softmax, reference: softmaxReference,
    int8: { activations: [0], output: { scale: 1 / 256, zeroPoint: -128 } },
    int16x8: { activations: [0], output: { scale: 1 / 32768, zeroPoint: 0 } },
    shape: sameAsVectorInput,
  },
  ...alike(['LOG_SOFTMAX', 'L2_NORMALIZATION'], { reference: normalizationReference, shape: sameAsVectorInput }),
  LOCAL_RESPONSE_NORMALIZATION: { reference: normalizationReference, shape: sameAsImageInput },
};
