// Post-training quantization in Node: float16 and dynamic-int8 files that
// LiteRT.js (TFLite's runtime) loads and runs, with xnnlite matching it on
// them, and the sizes and accuracy cost the modes promise. The zoo stores
// FP16 weights behind DEQUANTIZE; the float32 model each mode starts from is
// that model with its weights read through those ops.
//
// On float16 files xnnlite and LiteRT.js agree to float rounding. On
// dynamic-int8 files both quantize activations at run time; a single layer
// agrees to 1e-7 (test/ops/dynamic-range.ts), but LiteRT.js does not run
// every hybrid layer on the same kernel, and over a deep network the two
// approximations drift apart, so there the test compares how far each is
// from the float32 model: xnnlite's mean error must be no worse than
// LiteRT.js's (up to 3x, plus 0.1% of the output scale or of 1, whichever is
// larger: the pose models' one-element presence output is near zero on a
// synthetic input, and both runtimes move it by far more than its own scale).
import t from 'tap';
import fs from 'node:fs';
import { quantize } from '../lib/index';
import { difference } from './helpers/compare';
import { runReference } from './helpers/litert';
import { floatModel, runModel } from './helpers/quantize';
import { zooModel } from './helpers/zoo';

for (const name of ['face_detection_short_range', 'selfie_segmentation', 'hand_landmark_lite', 'pose_landmark_lite']) {
  t.test(name, async (t) => {
    const { bytes: float32, inputName, sample } = floatModel(name);
    const run = async (bytes: Uint8Array, input: Float32Array) => (await runModel(bytes, { [inputName]: input })) as Float32Array[];
    const x = sample(5)[inputName];
    const reference = await run(float32, x);
    for (const mode of ['float16', 'dynamic-int8'] as const) {
      const bytes = await quantize(float32, { mode });
      const ratio = bytes.length / float32.length;
      const ours = await run(bytes, x);
      const litert = await runReference(bytes, [x]);
      t.ok(mode === 'float16' ? ratio < 0.57 : ratio < (name === 'hand_landmark_lite' || name === 'pose_landmark_lite' ? 0.4 : 0.6),
        `${mode}: ${(ratio * 100).toFixed(0)}% of the float32 model's size`);
      const meanError = (a: Float32Array, b: Float32Array, scale: number) => a.reduce((sum, v, i) => sum + Math.abs(v - b[i]), 0) / a.length / Math.max(scale, 1e-9);
      ours.forEach((o, k) => {
        const scale = difference(reference[k], reference[k]).scale;
        const ourError = meanError(o, reference[k], scale);
        if (mode === 'float16') {
          const parity = difference(o, litert[k]);
          t.ok(parity.maxAbs <= 1e-6 + 1e-3 * parity.scale, `float16 output ${k}: xnnlite vs LiteRT.js on the quantized file, max |diff| ${parity.relative.toExponential(2)} of scale`);
          t.ok(ourError <= 2e-3, `float16 output ${k}: mean difference from float32 ${(ourError * 100).toFixed(3)}% of scale`);
        } else {
          const theirError = meanError(litert[k], reference[k], scale);
          t.ok(ourError * scale <= 3 * theirError * scale + 1e-3 * Math.max(scale, 1),
            `dynamic-int8 output ${k}: mean difference from float32 ${(ourError * 100).toFixed(2)}% of scale (LiteRT.js: ${(theirError * 100).toFixed(2)}%)`);
        }
      });
    }
  });
}

t.test('bad options', async (t) => {
  const bytes = fs.readFileSync(zooModel('face_detection_short_range').file);
  await t.rejects(quantize(bytes, { mode: 'int4' } as never), { name: 'TypeError', message: /Expected 'float16', 'dynamic-int8', 'int8' or 'int16x8' for options.mode but received string "int4"/ });
  await t.rejects(quantize(bytes, { mode: 'float16', samples: [] } as never), { name: 'TypeError', message: /Unknown option "samples"/ });
});
