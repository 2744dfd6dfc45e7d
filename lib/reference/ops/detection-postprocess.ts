// TFLite_Detection_PostProcess (custom operator): box decoding and fast or
// regular NMS over float32 or uint8 (dequantized) box encodings and class
// predictions, batch 1, as TFLite's kernel takes them.
import { arity, first, type Reason } from '../../core/checks';
import type { Node } from '../../core/node';
import type { StaticValues } from '../../core/static-values';
import type { TensorDef } from '../../model/types';
import { ELEMENT_TYPES } from '../element-type';
import type { ReferenceEncoding } from '../encoding';
import type { ProgramBuilder } from '../program-builder';
import { detectionPostprocessOptions, type DetectionPostprocessOptions } from '../../core/operators/detection-postprocess-options';

const dtypeOf = (t: TensorDef, statics: StaticValues) => statics.get(t)?.dtype ?? t.dtype;

/** float32, or uint8 with one scale and a zero point in its range (TFLite's kernel takes no other type). */
function operandType(t: TensorDef, what: string, statics: StaticValues): Reason {
  const dtype = dtypeOf(t, statics);
  if (dtype === 'float32') return undefined;
  if (dtype !== 'uint8') return `${what} type (got ${dtype}, expected float32 or uint8)`;
  const q = t.quantization;
  const zeroPoint = q?.zeroPoint[0] ?? 0;
  if (!q || q.scale.length !== 1 || !(q.scale[0] > 0) || !Number.isFinite(q.scale[0])) {
    return `${what} quantization (got ${q ? `${q.scale.length} scales` : 'none'}, expected one positive scale)`;
  }
  return zeroPoint >= 0 && zeroPoint <= 255 ? undefined : `${what} zero point (got ${zeroPoint}, expected 0 to 255)`;
}

function shape(t: TensorDef, what: string, expected: readonly (number | undefined)[], description: string): Reason {
  const ok = t.shape.length === expected.length && expected.every((d, k) => d === undefined || t.shape[k] === d);
  return ok ? undefined : `${what} shape (got [${t.shape}], expected ${description})`;
}

function optionValues(o: DetectionPostprocessOptions): Reason {
  const atLeastOne = (v: number, name: string) => (v >= 1 ? undefined : `custom option ${name} (got ${v}, expected at least 1)`);
  const scale = (v: number, name: string) => (Number.isFinite(v) && v !== 0 ? undefined : `custom option ${name} (got ${v}, expected a finite nonzero number)`);
  return first(
    () => atLeastOne(o.maxDetections, 'max_detections'),
    () => atLeastOne(o.maxClassesPerDetection, 'max_classes_per_detection'),
    () => atLeastOne(o.numClasses, 'num_classes'),
    () => (o.useRegularNms ? atLeastOne(o.detectionsPerClass, 'detections_per_class') : undefined),
    () => (o.iouThreshold > 0 && o.iouThreshold <= 1 ? undefined : `custom option nms_iou_threshold (got ${o.iouThreshold}, expected more than 0 and at most 1)`),
    () => (Number.isNaN(o.scoreThreshold) ? 'custom option nms_score_threshold (got NaN, expected a number)' : undefined),
    () => scale(o.yScale, 'y_scale'),
    () => scale(o.xScale, 'x_scale'),
    () => scale(o.hScale, 'h_scale'),
    () => scale(o.wScale, 'w_scale'),
    () => (o.maxDetections * o.maxClassesPerDetection <= 2 ** 31 - 1 ? undefined
      : `custom options max_detections x max_classes_per_detection (got ${o.maxDetections * o.maxClassesPerDetection}, expected at most 2^31 - 1)`),
  );
}

function check(node: Node, statics: StaticValues): Reason {
  let o: DetectionPostprocessOptions | undefined;
  return first(
    () => arity(node, 3, 3, 4),
    () => {
      const parsed = detectionPostprocessOptions(node);
      if (typeof parsed === 'string') return parsed;
      o = parsed;
      return optionValues(o);
    },
    () => operandType(node.in(0), 'box encodings', statics),
    () => operandType(node.in(1), 'class predictions', statics),
    () => operandType(node.in(2), 'anchors', statics),
    () => {
      const [boxes, anchors] = [dtypeOf(node.in(0), statics), dtypeOf(node.in(2), statics)];
      return boxes === anchors ? undefined : `anchors type (got ${anchors} with ${boxes} box encodings, expected ${boxes}: TFLite decodes both alike)`;
    },
    () => shape(node.in(0), 'box encodings', [1, undefined, undefined], '[1, num_anchors, 4 or more]'),
    () => (node.in(0).shape[2] >= 4 ? undefined : `box encodings shape (got [${node.in(0).shape}], expected [1, num_anchors, 4 or more])`),
    () => {
      const n = node.in(0).shape[1];
      return first(
        () => shape(node.in(1), 'class predictions', [1, n, undefined], `[1, ${n}, num_classes or num_classes + 1]`),
        () => {
          const withBackground = node.in(1).shape[2];
          return withBackground === o!.numClasses || withBackground === o!.numClasses + 1 ? undefined
            : `class predictions shape (got [${node.in(1).shape}], expected [1, ${n}, ${o!.numClasses}] or [1, ${n}, ${o!.numClasses + 1}] with a background class, for num_classes ${o!.numClasses})`;
        },
        () => shape(node.in(2), 'anchors', [n, 4], `[${n}, 4]`),
      );
    },
    () => {
      const rows = o!.maxDetections * o!.maxClassesPerDetection;
      const names = ['detection boxes', 'detection classes', 'detection scores', 'num detections'];
      const shapes = [[1, rows, 4], [1, rows], [1, rows], [1]];
      for (let k = 0; k < 4; k++) {
        const t = node.output(k);
        if (t.dtype !== 'float32') return `${names[k]} type (got ${t.dtype}, expected float32)`;
        const reason = shape(t, names[k], shapes[k], `[${shapes[k]}]`);
        if (reason) return reason;
      }
      return undefined;
    },
  );
}

function encode(b: ProgramBuilder, node: Node): void {
  const o = detectionPostprocessOptions(node) as DetectionPostprocessOptions;
  const [encodings, predictions, anchors] = [node.in(0), node.in(1), node.in(2)];
  const type = (t: TensorDef) => (dtypeOf(t, b.statics) === 'uint8' ? ELEMENT_TYPES.uint8 : ELEMENT_TYPES.float32);
  const quantization = (t: TensorDef) => (type(t) === ELEMENT_TYPES.uint8 ? [t.quantization!.scale[0], t.quantization!.zeroPoint[0] ?? 0] : [0, 0]);
  b.call(node, 'detection_postprocess',
    [b.tensor(encodings), b.tensor(predictions), b.tensor(anchors)],
    node.def.outputs.map((_, k) => b.tensor(node.output(k))),
    [encodings.shape[1], encodings.shape[2], predictions.shape[2], o.numClasses, o.maxDetections, o.maxClassesPerDetection,
      o.useRegularNms ? o.detectionsPerClass : 1, o.useRegularNms ? 1 : 0, type(encodings), type(predictions), type(anchors)],
    [o.scoreThreshold, o.iouThreshold, o.yScale, o.xScale, o.hScale, o.wScale, ...quantization(encodings), ...quantization(predictions), ...quantization(anchors)]);
}

export const detectionPostprocessReference: ReferenceEncoding = { check, encode };
