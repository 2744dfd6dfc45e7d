import t, { type Test } from 'tap';
import { loadModel } from '../../lib/index';
import type { DType } from '../../lib/model/schema';
import type { Quantization } from '../../lib/model/types';
import { writeModel, type TensorSpec } from '../../lib/model/writer';
import { difference } from '../helpers/compare';
import { runReferenceTyped } from '../helpers/litert';
import { boxEncodings, flexMap, gridAnchors, postprocessEntries, postprocessOptions, random, tiedScores, type PostprocessOptions } from '../helpers/detection-options';

const OP = 'TFLite_Detection_PostProcess';

interface Operand {
  dtype?: DType;
  quantization?: { scale: number; zeroPoint: number };
  shape?: number[];
}

interface PostprocessCase {
  anchors: number;
  classes: number;
  /** With a background class first (SSD's layout). */
  background?: boolean;
  codeSize?: number;
  options: PostprocessOptions;
  customOptions?: Uint8Array;
  encodings?: Operand;
  predictions?: Operand;
  /** Constant anchors [y, x, h, w] (float32 values; quantized when `dtype` is uint8); a graph input when `input` is set. */
  anchorOperand?: Operand & { input?: boolean };
  outputs?: { shape: number[]; dtype?: DType }[];
}

const quantization = (o?: Operand): Quantization | undefined =>
  o?.quantization ? { scale: [o.quantization.scale], zeroPoint: [o.quantization.zeroPoint], quantizedDimension: 0 } : undefined;

const quantize = (values: Float32Array, q: { scale: number; zeroPoint: number }) =>
  Uint8Array.from(values, (v) => Math.max(0, Math.min(255, Math.round(v / q.scale) + q.zeroPoint)));

/** Inputs in the model's order: box encodings, class predictions (and anchors when they are a graph input). */
function inputsOf(c: PostprocessCase, seed: number): (Float32Array | Uint8Array)[] {
  const n = c.anchors;
  const encodings = boxEncodings(n, c.codeSize ?? 4, seed);
  const predictions = tiedScores(n * (c.classes + (c.background ? 1 : 0)), seed + 1, 16);
  const inputs: (Float32Array | Uint8Array)[] = [
    c.encodings?.quantization ? quantize(encodings, c.encodings.quantization) : encodings,
    c.predictions?.quantization ? quantize(predictions, c.predictions.quantization) : predictions,
  ];
  if (c.anchorOperand?.input) inputs.push(gridAnchors(n));
  return inputs;
}

function postprocessModel(c: PostprocessCase): Uint8Array {
  const n = c.anchors;
  const rows = c.options.maxDetections * c.options.maxClassesPerDetection;
  const anchorValues = gridAnchors(n);
  const anchorQuant = c.anchorOperand?.quantization;
  const tensors: TensorSpec[] = [
    { name: 'encodings', shape: c.encodings?.shape ?? [1, n, c.codeSize ?? 4], dtype: c.encodings?.dtype ?? 'float32', quantization: quantization(c.encodings) },
    { name: 'predictions', shape: c.predictions?.shape ?? [1, n, c.classes + (c.background ? 1 : 0)], dtype: c.predictions?.dtype ?? 'float32', quantization: quantization(c.predictions) },
    {
      name: 'anchors', shape: c.anchorOperand?.shape ?? [n, 4], dtype: c.anchorOperand?.dtype ?? 'float32', quantization: quantization(c.anchorOperand),
      data: c.anchorOperand?.input ? undefined : anchorQuant ? quantize(anchorValues, anchorQuant) : anchorValues,
    },
    ...(c.outputs ?? [{ shape: [1, rows, 4] }, { shape: [1, rows] }, { shape: [1, rows] }, { shape: [1] }])
      .map((o, k) => ({ name: ['boxes', 'classes', 'scores', 'count'][k], shape: o.shape, dtype: o.dtype ?? 'float32' })),
  ];
  return writeModel({
    subgraphs: [{
      tensors, inputs: c.anchorOperand?.input ? [0, 1, 2] : [0, 1], outputs: [3, 4, 5, 6],
      operators: [{ op: OP, custom: true, inputs: [0, 1, 2], outputs: [3, 4, 5, 6], customOptions: c.customOptions ?? postprocessOptions(c.options) }],
    }],
  });
}

/**
 * Parity with LiteRT.js on the rows TFLite writes (the first num_detections
 * rows for regular NMS; for fast NMS, the first min(max_classes_per_detection,
 * num_classes) of each detection's max_classes_per_detection rows): it leaves
 * the others as they were, xnnlite writes zeros there. Boxes within 1e-5 of
 * the largest coordinate (decoded with exp in double: the C libraries may
 * differ in the last bit), classes, scores and the count exactly.
 */
async function expectPostprocessParity(t: Test, c: PostprocessCase, seed = 1): Promise<number> {
  const bytes = postprocessModel(c);
  const inputs = inputsOf(c, seed);
  const model = await loadModel(bytes);
  try {
    const session = await model.createSession({ threads: 1 });
    const ours = await session.run<Float32Array>(Object.fromEntries(model.inputs.map((info, k) => [info.name, inputs[k]])));
    const [boxes, classes, scores, count] = (await runReferenceTyped(bytes, inputs)) as Float32Array[];
    const o = c.options;
    const detections = count[0];
    const perDetection = Math.min(o.maxClassesPerDetection, o.numClasses);
    const written = (row: number) => (o.useRegularNms ? row < detections
      : Math.floor(row / o.maxClassesPerDetection) < detections && row % o.maxClassesPerDetection < perDetection);
    const rows = o.maxDetections * o.maxClassesPerDetection;
    const pick = (values: Float32Array, width: number) => Array.from(values).filter((_, i) => written(Math.floor(i / width)));
    t.equal(ours.count[0], detections, `num_detections ${detections}`);
    const d = difference(pick(ours.boxes, 4), pick(boxes, 4));
    t.ok(d.maxAbs <= 1e-6 + 1e-5 * d.scale, `boxes: max |diff| ${d.maxAbs.toExponential(2)} at ${d.index}`);
    t.same(pick(ours.classes, 1), pick(classes, 1), 'classes');
    t.same(pick(ours.scores, 1), pick(scores, 1), 'scores');
    const padding = [...Array(rows).keys()].filter((row) => !written(row));
    t.ok(padding.every((row) => ours.classes[row] === 0 && ours.scores[row] === 0 && [0, 1, 2, 3].every((k) => ours.boxes[4 * row + k] === 0)),
      `${padding.length} rows past the detections are zeros`);
    return detections;
  } finally {
    model.dispose();
  }
}

const ssd = (o: Partial<PostprocessOptions> = {}): PostprocessOptions => ({
  maxDetections: 10, maxClassesPerDetection: 1, scoreThreshold: 0.3, iouThreshold: 0.6, numClasses: 90, ...o,
});

t.test('TFLite_Detection_PostProcess, fast NMS', async (t) => {
  await t.test('SSD MobileNet layout: 1917 anchors, 90 classes and background', async (t) => {
    const found = await expectPostprocessParity(t, { anchors: 1917, classes: 90, background: true, options: ssd() });
    t.ok(found > 0, 'it finds something');
  });
  await t.test('3 classes per detection among tied scores', (t) =>
    expectPostprocessParity(t, { anchors: 300, classes: 12, background: true, options: ssd({ maxClassesPerDetection: 3, numClasses: 12, maxDetections: 20 }) }));
  await t.test('more classes per detection than classes (rows left unwritten)', (t) =>
    expectPostprocessParity(t, { anchors: 100, classes: 2, options: ssd({ maxClassesPerDetection: 4, numClasses: 2, maxDetections: 5 }) }));
  await t.test('no background class, box codes of 6 values', (t) =>
    expectPostprocessParity(t, { anchors: 200, classes: 5, codeSize: 6, options: ssd({ numClasses: 5, iouThreshold: 0.3, scales: [8, 9, 4, 6] }) }));
  await t.test('every score under the threshold: no detections', async (t) => {
    const found = await expectPostprocessParity(t, { anchors: 50, classes: 3, background: true, options: ssd({ numClasses: 3, scoreThreshold: 1.5 }) });
    t.equal(found, 0);
  });
});

t.test('TFLite_Detection_PostProcess, regular NMS', async (t) => {
  await t.test('1917 anchors, 90 classes, 100 detections per class', (t) =>
    expectPostprocessParity(t, { anchors: 1917, classes: 90, background: true, options: ssd({ useRegularNms: true, maxDetections: 100, detectionsPerClass: 100, scoreThreshold: 0.5 }) }));
  await t.test('ties across classes, detections_per_class 3', (t) =>
    expectPostprocessParity(t, { anchors: 200, classes: 6, background: true, options: ssd({ useRegularNms: true, numClasses: 6, detectionsPerClass: 3, maxDetections: 12 }) }));
  await t.test('default detections_per_class, 2 classes per detection (rows left unwritten)', (t) =>
    expectPostprocessParity(t, { anchors: 150, classes: 4, options: ssd({ useRegularNms: true, numClasses: 4, maxClassesPerDetection: 2, iouThreshold: 1 }) }));
  await t.test('every score under the threshold', (t) =>
    expectPostprocessParity(t, { anchors: 60, classes: 3, background: true, options: ssd({ useRegularNms: true, numClasses: 3, scoreThreshold: 2 }) }));
});

t.test('TFLite_Detection_PostProcess on uint8 inputs (dequantized)', async (t) => {
  const q = (scale: number, zeroPoint: number): Operand => ({ dtype: 'uint8', quantization: { scale, zeroPoint } });
  const quantized = { encodings: q(4 / 255, 128), predictions: q(1 / 255, 0), anchorOperand: q(1 / 255, 0) };
  await t.test('fast NMS, 1917 anchors', (t) => expectPostprocessParity(t, { anchors: 1917, classes: 90, background: true, ...quantized, options: ssd() }));
  await t.test('regular NMS', (t) =>
    expectPostprocessParity(t, { anchors: 500, classes: 20, background: true, ...quantized, options: ssd({ useRegularNms: true, numClasses: 20, maxDetections: 25 }) }));
  await t.test('float32 encodings and anchors, uint8 class predictions', (t) =>
    expectPostprocessParity(t, { anchors: 300, classes: 10, background: true, predictions: q(0.004, 3), options: ssd({ numClasses: 10, maxClassesPerDetection: 2 }) }));
});

t.test('TFLite_Detection_PostProcess, random small cases', async (t) => {
  for (let seed = 1; seed <= 40; seed++) {
    const next = random(seed * 13);
    const classes = 1 + Math.floor(next() * 7);
    await expectPostprocessParity(t, {
      anchors: 1 + Math.floor(next() * 60), classes, background: next() < 0.5, codeSize: next() < 0.3 ? 6 : 4,
      options: {
        maxDetections: 1 + Math.floor(next() * 12), maxClassesPerDetection: 1 + Math.floor(next() * 4), detectionsPerClass: 1 + Math.floor(next() * 5),
        useRegularNms: seed % 2 === 0, scoreThreshold: next() < 0.2 ? 0 : next() * 0.5, iouThreshold: [0.3, 0.5, 1][seed % 3], numClasses: classes,
      },
    }, seed);
  }
});

t.test('TFLite_Detection_PostProcess: a box that decodes upside down fails that run only', async (t) => {
  const c: PostprocessCase = { anchors: 20, classes: 3, background: true, options: ssd({ numClasses: 3 }), anchorOperand: { input: true } };
  const model = await loadModel(postprocessModel(c));
  const session = await model.createSession();
  const [encodings, predictions, anchors] = inputsOf(c, 1);
  const upsideDown = Float32Array.from(anchors);
  upsideDown[4 * 7 + 2] = -0.2; // anchor 7's height
  await t.rejects(session.run({ encodings, predictions, anchors: upsideDown }),
    { name: 'InvalidValueError', code: 'ERR_XNNLITE_INVALID_VALUE', message: /TFLite_Detection_PostProcess #0: box 7 decodes to corners .* negative height or width/ });
  const good = await session.run<Float32Array>({ encodings, predictions, anchors });
  const reference = await runReferenceTyped(postprocessModel(c), [encodings, predictions, anchors]);
  t.equal(good.count[0], reference[3][0], 'a later run with good anchors works');
  model.dispose();
});

t.test('TFLite_Detection_PostProcess refusals', async (t) => {
  const base: PostprocessCase = { anchors: 10, classes: 3, background: true, options: ssd({ numClasses: 3 }) };
  const refused = (c: PostprocessCase, message: RegExp) => t.rejects(loadModel(postprocessModel(c)), { code: 'ERR_XNNLITE_UNSUPPORTED_OP', message });
  const entries = postprocessEntries(base.options);
  const { num_classes: _, ...withoutClasses } = entries;

  await t.test('a missing option', () => refused({ ...base, customOptions: flexMap(withoutClasses) },
    /TFLite_Detection_PostProcess #0: custom option num_classes \(got none, expected an integer\)/));
  await t.test('an option of the wrong type', () => refused({ ...base, customOptions: flexMap({ ...entries, max_detections: { string: '10' } }) },
    /custom option max_detections \(got a string, expected an integer\)/));
  await t.test('an IoU threshold of 0', () => refused({ ...base, options: { ...base.options, iouThreshold: 0 } },
    /custom option nms_iou_threshold \(got 0, expected more than 0 and at most 1\)/));
  await t.test('a scale of 0', () => refused({ ...base, options: { ...base.options, scales: [10, 0, 5, 5] } }, /custom option x_scale \(got 0/));
  await t.test('no custom options', () => refused({ ...base, customOptions: new Uint8Array(0) }, /custom options \(got none/));
  await t.test('options with 64-bit values', () => refused({ ...base, customOptions: flexMap({ ...entries, max_detections: { int: 2 ** 40 } }) },
    /custom options \(got a flexbuffer map of 64-bit wide values/));
  await t.test('bytes that are no flexbuffer map', async () => {
    await t.rejects(loadModel(postprocessModel({ ...base, customOptions: Uint8Array.from([1, 2, 3, 4, 5, 250, 36, 1]) })),
      { code: 'ERR_XNNLITE_MODEL_FORMAT', message: /TFLite_Detection_PostProcess #0\.custom_options: not a valid flexbuffer map/ });
    await t.rejects(loadModel(postprocessModel({ ...base, customOptions: flexMap({}).subarray(0, 2) })), { code: 'ERR_XNNLITE_MODEL_FORMAT' });
  });
  await t.test('int8 box encodings', () => refused({ ...base, encodings: { dtype: 'int8', quantization: { scale: 0.1, zeroPoint: 0 } } },
    /box encodings type \(got int8, expected float32 or uint8\)/));
  await t.test('uint8 box encodings with float32 anchors', () => refused({ ...base, encodings: { dtype: 'uint8', quantization: { scale: 0.1, zeroPoint: 0 } } },
    /anchors type \(got float32 with uint8 box encodings, expected uint8/));
  await t.test('anchors of 5 values', () => refused({ ...base, anchorOperand: { shape: [10, 5], input: true } }, /anchors shape \(got \[10,5\], expected \[10, 4\]\)/));
  await t.test('class predictions for two more classes than num_classes', () => refused({ ...base, predictions: { shape: [1, 10, 5] } },
    /class predictions shape \(got \[1,10,5\], expected \[1, 10, 3\] or \[1, 10, 4\]/));
  await t.test('box encodings of another batch', () => refused({ ...base, encodings: { shape: [2, 10, 4] } }, /box encodings shape \(got \[2,10,4\]/));
  await t.test('outputs not of max_detections rows', () => refused({ ...base, outputs: [{ shape: [1, 9, 4] }, { shape: [1, 10] }, { shape: [1, 10] }, { shape: [1] }] },
    /detection boxes shape \(got \[1,9,4\], expected \[1,10,4\]\)/));
});
