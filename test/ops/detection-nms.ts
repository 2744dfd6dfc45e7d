import t from 'tap';
import { loadModel } from '../../lib/index';
import { expectTypedParity, opModel, type TensorArg } from '../helpers/op-model';
import { runReferenceTyped } from '../helpers/litert';
import { clusteredBoxes, random, tiedScores } from '../helpers/detection-options';

const scalar = (v: number): TensorArg => ({ shape: [], data: Float32Array.from([v]) });
const maxOutput = (m: number): TensorArg => ({ shape: [], dtype: 'int32', data: Int32Array.from([m]) });

interface NmsCase {
  n: number;
  m: number;
  /** A number makes a constant; null a graph input (fed after boxes and scores, in this order). */
  iou: number | null;
  scoreThreshold: number | null;
  /** V5's soft_nms_sigma; V4 without it. */
  sigma?: number | null;
}

function nmsModel(c: NmsCase): Uint8Array {
  const soft = c.sigma !== undefined;
  const thresholdArg = (v: number | null): TensorArg => (v === null ? { shape: [] } : scalar(v));
  const inputs = [{ shape: [c.n, 4] }, { shape: [c.n] }, maxOutput(c.m), thresholdArg(c.iou), thresholdArg(c.scoreThreshold)];
  if (soft) inputs.push(thresholdArg(c.sigma!));
  const outputs: TensorArg[] = [{ shape: [c.m], dtype: 'int32' }, ...(soft ? [{ shape: [c.m] }] : []), { shape: [], dtype: 'int32' }];
  return opModel({ op: soft ? 'NON_MAX_SUPPRESSION_V5' : 'NON_MAX_SUPPRESSION_V4', inputs, outputs });
}

// Hand-made: 0 and 1 overlap (IoU 0.68), 2 is 1 with its corners swapped, 3 ties with 0 and is apart, 4 lies inside 0.
const boxes = Float32Array.from([
  0, 0, 1, 1,
  0.1, 0.1, 1.1, 1.1,
  1.1, 1.1, 0.1, 0.1,
  5, 5, 6, 6,
  0.25, 0.25, 0.75, 0.75,
  2, 2, 2, 3, // zero height
]);
const scores = Float32Array.from([0.9, 0.8, 0.85, 0.9, 0.7, 0.6]);

t.test('NON_MAX_SUPPRESSION_V4', async (t) => {
  await t.test('overlaps, swapped corners and tied scores', (t) => expectTypedParity(t, nmsModel({ n: 6, m: 6, iou: 0.5, scoreThreshold: 0 }), [boxes, scores]));
  await t.test('strict IoU threshold 0.2 and a score threshold that drops two', (t) =>
    expectTypedParity(t, nmsModel({ n: 6, m: 4, iou: 0.2, scoreThreshold: 0.75 }), [boxes, scores]));
  await t.test('max_output_size above the box count (zeros after the selections)', async (t) => {
    await expectTypedParity(t, nmsModel({ n: 6, m: 10, iou: 0.5, scoreThreshold: 0 }), [boxes, scores]);
  });
  await t.test('an IoU threshold above 1 (TFLite selects a box again)', (t) =>
    expectTypedParity(t, nmsModel({ n: 6, m: 12, iou: 1.5, scoreThreshold: 0.65 }), [boxes, scores]));
  await t.test('300 clustered boxes, few score levels (many ties)', (t) =>
    expectTypedParity(t, nmsModel({ n: 300, m: 50, iou: 0.45, scoreThreshold: 0.2 }), [clusteredBoxes(300, 1, { inverted: true }), tiedScores(300, 2, 6)]));
  await t.test('2000 boxes, thresholds fed at run time', (t) =>
    expectTypedParity(t, nmsModel({ n: 2000, m: 100, iou: null, scoreThreshold: null }),
      [clusteredBoxes(2000, 3, { inverted: true, degenerate: true }), tiedScores(2000, 4, 50), Float32Array.from([0.6]), Float32Array.from([0.3])]));

  await t.test('every score under the threshold: no selection', async (t) => {
    const bytes = nmsModel({ n: 6, m: 3, iou: 0.5, scoreThreshold: 0.95 });
    await expectTypedParity(t, bytes, [boxes, scores]);
    const model = await loadModel(bytes);
    const out = await (await model.createSession()).run<Int32Array>({ in0: boxes, in1: scores });
    t.same([...out.out0, ...out.out1], [0, 0, 0, 0]);
    model.dispose();
  });

  await t.test('random small cases, exactly as LiteRT.js (tie order, repeated selections)', async (t) => {
    for (let seed = 1; seed <= 60; seed++) {
      const next = random(seed * 7);
      const n = 1 + Math.floor(next() * 40);
      const c = { n, m: 1 + Math.floor(next() * 30), iou: [0.3, 0.5, 1, 1.2, 0][seed % 5], scoreThreshold: next() < 0.3 ? -Infinity : next() * 0.3 };
      await expectTypedParity(t, nmsModel(c), [clusteredBoxes(n, seed, { inverted: true, degenerate: next() < 0.5 }), tiedScores(n, seed + 1, 1 + Math.floor(next() * 8))]);
    }
  });
});

t.test('NON_MAX_SUPPRESSION_V5', async (t) => {
  await t.test('sigma 0 (hard NMS)', (t) => expectTypedParity(t, nmsModel({ n: 6, m: 6, iou: 0.5, scoreThreshold: 0, sigma: 0 }), [boxes, scores]));
  await t.test('sigma 0.5 (soft NMS: decayed scores, boxes back in the queue)', (t) =>
    expectTypedParity(t, nmsModel({ n: 6, m: 6, iou: 0.9, scoreThreshold: 0.1, sigma: 0.5 }), [boxes, scores]));
  await t.test('300 clustered boxes, sigma 0.3', (t) =>
    expectTypedParity(t, nmsModel({ n: 300, m: 80, iou: 0.7, scoreThreshold: 0.05, sigma: 0.3 }), [clusteredBoxes(300, 5, { inverted: true }), tiedScores(300, 6, 10)]));
  await t.test('1500 boxes, thresholds and sigma fed at run time', (t) =>
    expectTypedParity(t, nmsModel({ n: 1500, m: 200, iou: null, scoreThreshold: null, sigma: null }),
      [clusteredBoxes(1500, 7, { inverted: true }), tiedScores(1500, 8, 30), Float32Array.from([0.8]), Float32Array.from([0.1]), Float32Array.from([0.4])]));
  await t.test('every score under the threshold', (t) => expectTypedParity(t, nmsModel({ n: 6, m: 4, iou: 0.5, scoreThreshold: 1, sigma: 0.5 }), [boxes, scores]));

  await t.test('random small cases, exactly as LiteRT.js', async (t) => {
    for (let seed = 1; seed <= 60; seed++) {
      const next = random(seed * 11);
      const n = 1 + Math.floor(next() * 40);
      const c = { n, m: 1 + Math.floor(next() * 30), iou: [0.3, 0.5, 1, 1.2, 0][seed % 5], scoreThreshold: next() * 0.3, sigma: seed % 4 === 0 ? 0 : next() * 0.8 };
      await expectTypedParity(t, nmsModel(c), [clusteredBoxes(n, seed, { inverted: true, degenerate: next() < 0.5 }), tiedScores(n, seed + 1, 1 + Math.floor(next() * 8))]);
    }
  });

  await t.test('a negative sigma fed at run time fails that run only', async (t) => {
    const bytes = nmsModel({ n: 6, m: 4, iou: 0.5, scoreThreshold: 0, sigma: null });
    const model = await loadModel(bytes);
    const session = await model.createSession();
    await t.rejects(session.run({ in0: boxes, in1: scores, in5: Float32Array.from([-0.5]) }),
      { name: 'InvalidValueError', code: 'ERR_XNNLITE_INVALID_VALUE', message: /NON_MAX_SUPPRESSION_V5 #0.*soft_nms_sigma -0\.5/ });
    const good = await session.run<Int32Array | Float32Array>({ in0: boxes, in1: scores, in5: Float32Array.from([0.5]) });
    const reference = await runReferenceTyped(bytes, [boxes, scores, Float32Array.from([0.5])]);
    t.same(Array.from(good.out0), Array.from(reference[0]), 'a later run with a good sigma works');
    t.same(Array.from(good.out2), Array.from(reference[2]));
    model.dispose();
  });
});

t.test('NON_MAX_SUPPRESSION refusals', async (t) => {
  const refused = (bytes: Uint8Array, message: RegExp) => t.rejects(loadModel(bytes), { code: 'ERR_XNNLITE_UNSUPPORTED_OP', message });
  await t.test('max_output_size computed at run time', () => refused(opModel({
    op: 'NON_MAX_SUPPRESSION_V4',
    inputs: [{ shape: [6, 4] }, { shape: [6] }, { shape: [], dtype: 'int32' }, scalar(0.5), scalar(0)],
    outputs: [{ shape: [3], dtype: 'int32' }, { shape: [], dtype: 'int32' }],
  }), /NON_MAX_SUPPRESSION_V4 #0: max_output_size .*output shape depends on run-time values/));
  await t.test('boxes of 3 coordinates', () => refused(opModel({
    op: 'NON_MAX_SUPPRESSION_V4', inputs: [{ shape: [6, 3] }, { shape: [6] }, maxOutput(3), scalar(0.5), scalar(0)],
    outputs: [{ shape: [3], dtype: 'int32' }, { shape: [], dtype: 'int32' }],
  }), /boxes shape \(got \[6,3\], expected \[num_boxes, 4\]\)/));
  await t.test('a score per box', () => refused(opModel({
    op: 'NON_MAX_SUPPRESSION_V4', inputs: [{ shape: [6, 4] }, { shape: [5] }, maxOutput(3), scalar(0.5), scalar(0)],
    outputs: [{ shape: [3], dtype: 'int32' }, { shape: [], dtype: 'int32' }],
  }), /scores shape \(got \[5\], expected \[6\]/));
  await t.test('selected_indices not of max_output_size', () => refused(opModel({
    op: 'NON_MAX_SUPPRESSION_V4', inputs: [{ shape: [6, 4] }, { shape: [6] }, maxOutput(3), scalar(0.5), scalar(0)],
    outputs: [{ shape: [4], dtype: 'int32' }, { shape: [], dtype: 'int32' }],
  }), /selected_indices shape \(got \[4\], expected \[3\]\)/));
  await t.test('int8 boxes', () => refused(opModel({
    op: 'NON_MAX_SUPPRESSION_V4', inputs: [{ shape: [6, 4], dtype: 'int8' }, { shape: [6] }, maxOutput(3), scalar(0.5), scalar(0)],
    outputs: [{ shape: [3], dtype: 'int32' }, { shape: [], dtype: 'int32' }],
  }), /boxes type \(got int8, expected float32\)/));
  await t.test('a threshold that is not a scalar', () => refused(opModel({
    op: 'NON_MAX_SUPPRESSION_V4', inputs: [{ shape: [6, 4] }, { shape: [6] }, maxOutput(3), { shape: [1], data: Float32Array.from([0.5]) }, scalar(0)],
    outputs: [{ shape: [3], dtype: 'int32' }, { shape: [], dtype: 'int32' }],
  }), /iou_threshold rank \(got 1, expected 0\)/));
  await t.test('a constant negative sigma', () => refused(nmsModel({ n: 6, m: 3, iou: 0.5, scoreThreshold: 0, sigma: -1 }),
    /NON_MAX_SUPPRESSION_V5 #0: soft_nms_sigma \(got -1, expected at least 0\)/));
  await t.test('V5 without its scores output', () => refused(opModel({
    op: 'NON_MAX_SUPPRESSION_V5', inputs: [{ shape: [6, 4] }, { shape: [6] }, maxOutput(3), scalar(0.5), scalar(0), scalar(0)],
    outputs: [{ shape: [3], dtype: 'int32' }, { shape: [], dtype: 'int32' }],
  }), /number of outputs \(got 2, expected 3\)/));
});
