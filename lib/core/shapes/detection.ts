// Shape rules of detection post-processing: outputs sized by constants and options, not by the inputs' values.
import type { Node } from '../node';
import { detectionPostprocessOptions } from '../operators/detection-postprocess-options';
import type { ShapeRule } from '../shape-rule';
import type { StaticValues } from '../static-values';
import { constantIntegers } from '../constant-operands';
import { type Shapes } from './common';

/** NON_MAX_SUPPRESSION_V4 and V5: max_output_size indices (and V5's scores), then the scalar count of valid ones. */
export const nonMaxSuppressionShape: ShapeRule = (node: Node, statics: StaticValues): Shapes => {
  const [boxes, scores] = [node.in(0).shape, node.in(1).shape];
  if (boxes.length !== 2 || boxes[1] !== 4) return `boxes shape (got [${boxes}], expected [num_boxes, 4])`;
  if (scores.length !== 1 || scores[0] !== boxes[0]) return `scores shape (got [${scores}], expected [${boxes[0]}], one per box)`;
  const max = constantIntegers(node, 2, 'max_output_size', statics, ['int32']);
  if (typeof max === 'string') return max;
  if (max.length !== 1 || !(max[0] >= 0)) return `max_output_size (got [${max}], expected one size >= 0)`;
  return node.op === 'NON_MAX_SUPPRESSION_V5' ? [[max[0]], [max[0]], []] : [[max[0]], []];
};

/** TFLite_Detection_PostProcess: boxes, classes, scores and count for max_detections x max_classes_per_detection rows of batch 1. */
export const detectionPostprocessShape: ShapeRule = (node: Node): Shapes => {
  const o = detectionPostprocessOptions(node);
  if (typeof o === 'string') return o;
  const [encodings, predictions, anchors] = [node.in(0).shape, node.in(1).shape, node.in(2).shape];
  if (encodings.length !== 3 || encodings[0] !== 1 || !(encodings[2] >= 4)) return `box encodings shape (got [${encodings}], expected [1, num_anchors, 4 or more])`;
  const n = encodings[1];
  if (predictions.length !== 3 || predictions[0] !== 1 || predictions[1] !== n) return `class predictions shape (got [${predictions}], expected [1, ${n}, classes])`;
  if (anchors.length !== 2 || anchors[0] !== n || anchors[1] !== 4) return `anchors shape (got [${anchors}], expected [${n}, 4])`;
  const rows = o.maxDetections * o.maxClassesPerDetection;
  return [[1, rows, 4], [1, rows], [1, rows], [1]];
};
