// Mixed precision: quantize() keeping operators float by hand (keepFloat) or
// under an error budget (maxError) measured on held-out samples, on
// selfie_segmentation, where full int8's error is largest. The calibration
// and held-out inputs are synthetic scenes (test/helpers/compare's
// syntheticImage): on them this model's mask flips over whole regions when
// almost any single operator is int8, so the budgets here are loose ones;
// what is tested is the mechanism, not what real data would give.
import t, { type Test } from 'tap';
import { quantize } from '../lib/index';
import { readModel } from '../lib/model/reader';
import { runReference } from './helpers/litert';
import { floatModel, runModel } from './helpers/quantize';

const { bytes: float32, inputName, picture } = floatModel('selfie_segmentation');
const calibration = [1, 2, 3, 4].map(picture);
const heldOut = [5, 6].map(picture);

/** The budget's measure, computed here from scratch: max |a - b| over the samples / max |float|, worst output. */
async function relativeError(bytes: Uint8Array, samples: Record<string, Float32Array>[]): Promise<number> {
  let diff = 0;
  let scale = 0;
  for (const x of samples) {
    const [expected] = await runModel(float32, x) as Float32Array[];
    const [actual] = await runModel(bytes, x) as Float32Array[];
    expected.forEach((v, i) => {
      diff = Math.max(diff, Math.abs(v - actual[i]));
      scale = Math.max(scale, Math.abs(v));
    });
  }
  return diff / scale;
}

/** The operators of a written model that compute float, conversions aside. */
function floatOperators(bytes: Uint8Array): string[] {
  const sg = readModel(bytes).subgraphs[0];
  return sg.operators.filter((op) => op.op !== 'QUANTIZE' && op.op !== 'DEQUANTIZE' && sg.tensors[op.outputs[0]].dtype === 'float32').map((op) => op.op).sort();
}

/**
 * LiteRT.js runs the file, and its outputs match xnnlite's. Both run the int8 layers on XNNPACK's
 * kernels, but where LiteRT.js picks another kernel the last roundings differ, and on this model
 * (see above) a difference of one quantum can flip a region of the mask: as in test/13, the
 * comparison is of the two runtimes' errors against the float model.
 */
async function agreesWithLitert(t: Test, bytes: Uint8Array) {
  const x = heldOut[0];
  const [float] = await runModel(float32, x) as Float32Array[];
  const [ours] = await runModel(bytes, x) as Float32Array[];
  const [theirs] = await runReference(bytes, [x[inputName]]) as Float32Array[];
  const mean = (a: Float32Array, b: Float32Array) => a.reduce((sum, v, i) => sum + Math.abs(v - b[i]), 0) / a.length;
  const [eOurs, eTheirs, between] = [mean(ours, float), mean(theirs, float), mean(ours, theirs)];
  t.comment(`mean |diff|: xnnlite-float ${eOurs.toPrecision(3)}, LiteRT.js-float ${eTheirs.toPrecision(3)}, xnnlite-LiteRT.js ${between.toPrecision(3)}`);
  t.ok(eOurs <= 1.1 * eTheirs + 1e-3, `xnnlite's error (${eOurs.toPrecision(3)}) is no worse than LiteRT.js's (${eTheirs.toPrecision(3)})`);
}

t.test('a budget full int8 misses is met with fewer than all operators float', async (t) => {
  const maxError = 0.3;
  const phases = new Set<string>();
  let searchRounds = 0;
  const result = await quantize(float32, {
    mode: 'int8', calibration, heldOut, maxError,
    onProgress: (done, total, phase) => {
      phases.add(phase);
      if (phase === 'search') searchRounds = done;
      if (phase !== 'calibrating' && total !== undefined && done > total) t.fail(`progress ${done} of ${total}`);
    },
  });
  const budget = result.budget!;
  t.ok(budget.quantizedError > maxError, `full int8 misses it: error ${budget.quantizedError.toFixed(3)}`);
  t.ok(budget.met && budget.error <= maxError, `met: error ${budget.error.toFixed(3)} with ${result.kept.length} operators float`);
  const candidates = result.sensitivities.length;
  t.ok(candidates > 100, `${candidates} operators measured`);
  t.ok(result.kept.length > 0 && result.kept.length < candidates, `${result.kept.length} of ${candidates} kept float`);
  t.ok(result.sensitivities.every((s, k) => k === 0 || s.sensitivity <= result.sensitivities[k - 1].sensitivity), 'sensitivities most sensitive first');
  t.same(result.kept.map((k) => k.index), result.sensitivities.slice(0, result.kept.length).map((s) => s.index), 'the most sensitive ones are kept');
  t.ok(result.kept.every((k) => k.precision === 'float' && k.sensitivity !== undefined), 'each kept one float, with its sensitivity');
  t.same([...phases].sort(), ['calibrating', 'search', 'sensitivity'], 'progress in every phase');
  t.ok(searchRounds <= 2 + Math.ceil(Math.log2(candidates)) && budget.rounds === candidates + searchRounds, `${searchRounds} search rounds (binary search)`);
  t.same(result.leftFloat.map((f) => f.op), ['Convolution2DTransposeBias'], 'the operator without an int8 kernel is still named');

  const sg = readModel(float32).subgraphs[0];
  t.same(floatOperators(result.bytes), [...result.kept.map((k) => sg.operators[k.index].op), 'Convolution2DTransposeBias'].sort(), 'the file computes float exactly there');
  const error = await relativeError(result.bytes, heldOut);
  t.ok(Math.abs(error - budget.error) < 1e-6, `the error reported is the file's on the held-out samples (${error.toFixed(4)})`);

  await agreesWithLitert(t, result.bytes);
});

t.test('keepFloat keeps exactly those operators float', async (t) => {
  const sg = readModel(float32).subgraphs[0];
  const keepFloat = [3, 17];
  const result = await quantize(float32, { mode: 'int8', calibration, keepFloat });
  t.same(result.kept, keepFloat.map((index) => ({ index, op: sg.operators[index].op, precision: 'float' })));
  t.equal(result.budget, undefined, 'no budget, nothing measured');
  t.same(floatOperators(result.bytes), [...keepFloat.map((k) => sg.operators[k].op), 'Convolution2DTransposeBias'].sort(), 'read back: those two and the one without a kernel compute float');
  await agreesWithLitert(t, result.bytes);

  // int16x8 without a budget: int16x8 throughout, those kept float.
  const int16 = await quantize(float32, { mode: 'int16x8', calibration: calibration.slice(0, 2), keepFloat: [2] });
  t.same(int16.kept.map((k) => k.index), [2]);
  const written = readModel(int16.bytes).subgraphs[0];
  const convolutions = written.operators.filter((op) => op.op === 'CONV_2D');
  t.equal(convolutions.filter((op) => written.tensors[op.outputs[0]].dtype === 'float32').length, 1, 'int16x8: one CONV_2D float');
  t.ok(convolutions.filter((op) => written.tensors[op.outputs[0]].dtype === 'int16').length === convolutions.length - 1, 'the others int16');
});

t.test('a budget that cannot be met is reported, not thrown', async (t) => {
  // int16x8 mixes int8 with int16x8: with every candidate at int16x8 the error is still that of int16 activations.
  const result = await quantize(float32, { mode: 'int16x8', calibration, heldOut: heldOut.slice(0, 1), maxError: 1e-6 });
  const budget = result.budget!;
  t.equal(budget.met, false);
  t.ok(budget.allPromotedError !== undefined && budget.allPromotedError > 1e-6, `every candidate int16x8: error ${budget.allPromotedError}`);
  t.equal(budget.error, budget.allPromotedError, 'the model returned is that most accurate point');
  t.ok(result.kept.length === result.sensitivities.length && result.kept.every((k) => k.precision === 'int16x8'), 'all candidates promoted to int16x8');
  const sg = readModel(result.bytes).subgraphs[0];
  t.ok(sg.tensors.some((x) => x.dtype === 'int16') && sg.tensors.some((x) => x.dtype === 'int8' && x.data === undefined), 'the file mixes int16 and int8 activations');
  await agreesWithLitert(t, result.bytes);
});

t.test('bad arguments give named errors', async (t) => {
  await t.rejects(quantize(float32, { mode: 'int8', calibration, maxError: 0 }), RangeError);
  await t.rejects(quantize(float32, { mode: 'int8', calibration, maxError: -0.1 }), RangeError);
  await t.rejects(quantize(float32, { mode: 'int8', calibration, maxError: Number.NaN }), RangeError);
  await t.rejects(quantize(float32, { mode: 'int8', maxError: 0.1 } as never), { name: 'TypeError', message: /maxError measures on held-out samples\) for options\.calibration/ });
  await t.rejects(quantize(float32, { mode: 'dynamic-int8', maxError: 0.1 } as never), { name: 'TypeError', message: /options\.maxError applies to modes 'int8' and 'int16x8' only/ });
  await t.rejects(quantize(float32, { mode: 'int8', calibration: [picture(1)], maxError: 0.1 }), { name: 'RangeError', message: /at least 2 calibration records/ });
  await t.rejects(quantize(float32, { mode: 'int8', calibration, heldOut } as never), { name: 'TypeError', message: /heldOut applies with options\.maxError/ });
  await t.rejects(quantize(float32, { mode: 'int8', calibration, keepFloat: [136] }), { name: 'RangeError', message: /from 0 to 135/ });
  await t.rejects(quantize(float32, { mode: 'int8', calibration, keepFloat: [-1] }), RangeError);
  await t.rejects(quantize(float32, { mode: 'int8', calibration, keepFloat: [134] }), { name: 'TypeError', message: /#134 \(Convolution2DTransposeBias\) is not one int8 quantization quantizes/ });
  await t.rejects(quantize(float32, { mode: 'int8', calibration, keepFloat: [1.5] }), TypeError);
});
