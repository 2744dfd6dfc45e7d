// Detection post-processing: non-max suppression and SSD's decoding custom operator.
import { detectionPostprocessShape, nonMaxSuppressionShape } from '../core/shapes/detection';
import { detectionPostprocessReference } from '../reference/ops/detection-postprocess';
import { nonMaxSuppressionReference } from '../reference/ops/non-max-suppression';
import { alike, type OpDescriptors } from './descriptor';

export const DETECTION_OPS: OpDescriptors = {
  ...alike(['NON_MAX_SUPPRESSION_V4', 'NON_MAX_SUPPRESSION_V5'], { reference: nonMaxSuppressionReference, shape: nonMaxSuppressionShape }),
  // A custom operator (options in a flexbuffer) that ends SSD and EfficientDet-Lite models.
  TFLite_Detection_PostProcess: { reference: detectionPostprocessReference, shape: detectionPostprocessShape },
};
