// Full-integer int8 quantization calibrated on a representative dataset: the
// file is standard TFLite (LiteRT.js loads and runs it), every convolution and
// fully-connected layer in it is int8, and xnnlite's error against the float32
// model is no worse than LiteRT.js's on the same file. Both runtimes run these
// layers on XNNPACK's qs8 kernels; on most models they agree exactly, but
// where LiteRT.js runs a layer on another kernel the last-step roundings drift
// apart over a deep network, so the comparison is of errors, not outputs.
// The calibration set is synthetic (deterministic inputs in the model's input
// range), so the errors say how faithful the rewrite is, not how accurate a
// model calibrated on real data would be.
import t from 'tap';
import { loadModel, quantize } from '../lib/index';
import { readModel } from '../lib/model/reader';
import { writeModel } from '../lib/model/writer';
import { rangeObserver } from '../lib/quantize/ranges';
import { deterministicInput, difference } from './helpers/compare';
import { weights } from './helpers/op-model';
import { conv2d, transposeConv } from './helpers/options';
import { runReference } from './helpers/litert';
import { floatModel, meanError, runModel as run } from './helpers/quantize';

for (const name of ['face_detection_short_range', 'selfie_segmentation', 'hand_landmark_lite', 'pose_landmark_lite']) {
  t.test(name, async (t) => {
    const { bytes: float32, inputName, sample } = floatModel(name);
    let progress = 0;
    // An async generator, as a dataset read from disk would be.
    async function* calibration() {
      for (let k = 0; k < 8; k++) yield sample(100 + k);
    }
    const bytes = await quantize(float32, { mode: 'int8', calibration: calibration(), onProgress: (done) => { progress = done; } });
    t.equal(progress, 8, 'progress reported for every calibration record');
    const ratio = bytes.length / float32.length;
    t.ok(ratio < 0.55, `${(ratio * 100).toFixed(0)}% of the float32 model's size`);

    const sg = readModel(bytes).subgraphs[0];
    const weighted = sg.operators.filter((op) => ['CONV_2D', 'DEPTHWISE_CONV_2D', 'FULLY_CONNECTED'].includes(op.op));
    t.ok(weighted.length > 0 && weighted.every((op) => sg.tensors[op.inputs[0]].dtype === 'int8' && sg.tensors[op.inputs[1]].dtype === 'int8'
      && sg.tensors[op.outputs[0]].dtype === 'int8' && (op.inputs[2] === undefined || op.inputs[2] < 0 || sg.tensors[op.inputs[2]].dtype === 'int32')),
    `all ${weighted.length} convolution and fully-connected layers are int8 with int32 biases`);
    t.same(sg.inputs.map((i) => sg.tensors[i].dtype), ['float32'], 'float32 input by default');

    const x = sample(5);
    const reference = (await run(float32, x)) as Float32Array[];
    const ours = (await run(bytes, x)) as Float32Array[];
    const litert = await runReference(bytes, [x[inputName]]);
    ours.forEach((o, k) => {
      const scale = difference(reference[k], reference[k]).scale;
      const ourError = meanError(o, reference[k], scale);
      const theirError = meanError(litert[k], reference[k], scale);
      t.ok(ourError * scale <= 1.1 * theirError * scale + 1e-3 * Math.max(scale, 1),
        `output ${k}: mean difference from float32 ${(ourError * 100).toFixed(2)}% of scale (LiteRT.js: ${(theirError * 100).toFixed(2)}%)`);
    });
  });
}

t.test('int8 inputs and outputs', async (t) => {
  const { bytes: float32, sample } = floatModel('hand_landmark_lite');
  const calibration = [0, 1, 2, 3].map((k) => sample(200 + k));
  const floatIo = await quantize(float32, { mode: 'int8', calibration });
  const int8Io = await quantize(float32, { mode: 'int8', calibration, ioType: 'int8' });
  const model = await loadModel(int8Io);
  const [input] = model.inputs;
  t.equal(input.dtype, 'int8');
  t.ok(model.outputs.every((o) => o.dtype === 'int8'), 'every output is int8');
  // The float-io model fed values on the int8 grid quantizes them back to the same integers,
  // so the two models must give the same outputs, up to the float DEQUANTIZE at the end.
  const { scale: [s], zeroPoint: [z] } = input.quantization!;
  const q = Int8Array.from(sample(7)[input.name], (v) => Math.max(-128, Math.min(127, Math.round(v / s) + z)));
  const floatOut = (await run(floatIo, { [input.name]: Float32Array.from(q, (v) => (v - z) * s) })) as Float32Array[];
  const int8Out = (await run(int8Io, { [input.name]: q })) as Int8Array[];
  model.outputs.forEach((o, k) => {
    const { scale: [os], zeroPoint: [oz] } = o.quantization!;
    const real = Float32Array.from(int8Out[k], (v) => (v - oz) * os);
    t.ok(difference(real, floatOut[k]).maxAbs <= os * 1e-3, `output ${k} equals the float-io model's`);
  });
  model.dispose();
});

t.test('bad calibration', async (t) => {
  const { bytes, inputName, sample } = floatModel('face_detection_short_range');
  await t.rejects(quantize(bytes, { mode: 'int8' }), { name: 'TypeError', message: /options.calibration/ });
  await t.rejects(quantize(bytes, { mode: 'int8', calibration: 5 } as never), { name: 'TypeError', message: /an iterable of input records/ });
  await t.rejects(quantize(bytes, { mode: 'int8', calibration: [] }), { name: 'RangeError', message: /calibration set is empty/ });
  await t.rejects(quantize(bytes, { mode: 'int8', calibration: [{ wrong: new Float32Array(3) }] }),
    { name: 'TypeError', message: new RegExp(`calibration record 0 has no Float32Array for input "${inputName}"`) });
  const bad = sample(1);
  bad[inputName][10] = NaN;
  await t.rejects(quantize(bytes, { mode: 'int8', calibration: [sample(2), bad] }), { name: 'RangeError', message: /calibration record 1: non-finite value in input/ });
  await t.rejects(quantize(bytes, { mode: 'int8', calibration: [sample(2)], ioType: 'int16' } as never), { name: 'TypeError', message: /options.ioType/ });
  await t.rejects(quantize(bytes, { mode: 'float16', calibration: [sample(2)] }), { name: 'TypeError', message: /options.calibration applies to modes 'int8' and 'int16x8' only/ });
  await t.rejects(quantize(bytes, { mode: 'int8', calibration: [{ [inputName]: new Float32Array(10) }] }),
    { name: 'TypeError', message: new RegExp(`Expected 49152 values \\(shape \\[1,128,128,3\\]\\) for input "${inputName}" but received Float32Array\\(10\\)`) });
  const int8 = await quantize(bytes, { mode: 'int8', calibration: [sample(2)] });
  for (const mode of ['int8', 'dynamic-int8', 'float16'] as const) {
    await t.rejects(quantize(int8, mode === 'int8' ? { mode, calibration: [sample(2)] } : { mode }),
      { name: 'TypeError', message: /the model is already quantized \(tensor ".*" is int8\); quantize its float original instead/ }, `${mode} refuses an int8 model`);
  }
  async function* failing() {
    yield sample(3);
    throw new Error('dataset read failed');
  }
  await t.rejects(quantize(bytes, { mode: 'int8', calibration: failing() }), { message: 'dataset read failed' }, "the dataset's own error reaches the caller");
});

t.test('an input read by both an int8 and a float operator', async (t) => {
  // x -> CONV_2D -> y (int8 kernel); x -> ELU -> z (no int8 rewrite, stays float).
  const w = weights([3, 1, 1, 4], 4);
  const bytes = writeModel({
    subgraphs: [{
      tensors: [
        { name: 'x', shape: [1, 6, 6, 4], dtype: 'float32' },
        { name: 'w', shape: [3, 1, 1, 4], dtype: 'float32', data: w },
        { name: 'b', shape: [3], dtype: 'float32', data: Float32Array.of(0.1, -0.2, 0.3) },
        { name: 'y', shape: [1, 6, 6, 3], dtype: 'float32' },
        { name: 'z', shape: [1, 6, 6, 4], dtype: 'float32' },
      ],
      inputs: [0], outputs: [3, 4],
      operators: [
        { op: 'CONV_2D', inputs: [0, 1, 2], outputs: [3], options: conv2d() },
        { op: 'ELU', inputs: [0], outputs: [4] },
      ],
    }],
  });
  const sample = (seed: number) => ({ x: deterministicInput(144, -2, 2, seed) });
  const calibration = [1, 2, 3, 4].map(sample);
  const int8Io = await quantize(bytes, { mode: 'int8', calibration, ioType: 'int8' });
  const model = await loadModel(int8Io);
  t.same(model.inputs.map((i) => [i.name, i.dtype]), [['x', 'int8']]);
  t.same(model.outputs.map((o) => [o.name, o.dtype]), [['y', 'int8'], ['z', 'float32']]);
  const { scale: [s], zeroPoint: [z] } = model.inputs[0].quantization!;
  // A calibration sample: values outside the calibrated ranges would clip.
  const q = Int8Array.from(sample(2).x, (v) => Math.max(-128, Math.min(127, Math.round(v / s) + z)));
  const onGrid = Float32Array.from(q, (v) => (v - z) * s);
  const [y, elu] = await run(int8Io, { x: q });
  const [yFloat, eluFloat] = (await run(bytes, { x: onGrid })) as Float32Array[];
  t.ok(difference(elu as Float32Array, eluFloat).maxAbs <= 1e-6, 'the float operator reads the dequantized int8 input');
  const { scale: [ys], zeroPoint: [yz] } = model.outputs[0].quantization!;
  // Output rounding is half a step; int8 weights add up to half their step per input channel.
  const weightStep = Math.max(...w.map(Math.abs)) / 127;
  const bound = ys / 2 + 4 * 2 * weightStep / 2 + 1e-6;
  const error = difference(Float32Array.from(y as Int8Array, (v) => (v - yz) * ys), yFloat).maxAbs;
  t.ok(error <= bound, `the int8 convolution is within its rounding bound of float (${error.toPrecision(3)} <= ${bound.toPrecision(3)})`);
  model.dispose();
});

t.test('uint8 inputs and outputs', async (t) => {
  const { bytes: float32, sample } = floatModel('hand_landmark_lite');
  const calibration = [0, 1, 2, 3].map((k) => sample(200 + k));
  const int8Io = await quantize(float32, { mode: 'int8', calibration, ioType: 'int8' });
  const uint8Io = await quantize(float32, { mode: 'int8', calibration, ioType: 'uint8' });
  const int8Model = await loadModel(int8Io);
  const model = await loadModel(uint8Io);
  t.same(model.inputs.map((i) => [i.name, i.dtype]), int8Model.inputs.map((i) => [i.name, 'uint8']), 'inputs keep their names, as uint8');
  t.same(model.outputs.map((o) => [o.name, o.dtype]), int8Model.outputs.map((o) => [o.name, 'uint8']), 'outputs keep their names, as uint8');
  const [input] = model.inputs;
  t.same(input.quantization!.scale, int8Model.inputs[0].quantization!.scale, 'same scale as the int8 edge');
  t.equal(input.quantization!.zeroPoint[0], int8Model.inputs[0].quantization!.zeroPoint[0] + 128, 'zero point shifted by 128');
  const { scale: [s], zeroPoint: [z] } = int8Model.inputs[0].quantization!;
  const q = Int8Array.from(sample(9)[input.name], (v) => Math.max(-128, Math.min(127, Math.round(v / s) + z)));
  const int8Out = (await run(int8Io, { [input.name]: q })) as Int8Array[];
  const uint8Out = (await run(uint8Io, { [input.name]: Uint8Array.from(q, (v) => v + 128) })) as Uint8Array[];
  t.ok(uint8Out.every((o) => o instanceof Uint8Array), 'outputs are Uint8Arrays');
  t.ok(uint8Out.every((o, k) => o.every((v, j) => v === int8Out[k][j] + 128)), 'every output byte is the int8 model\'s plus 128');
  model.dispose();
  int8Model.dispose();
});

t.test('perChannel: false', async (t) => {
  const { bytes: float32, sample } = floatModel('hand_landmark_lite');
  const calibration = [0, 1, 2, 3].map((k) => sample(300 + k));
  const x = sample(11);
  const reference = (await run(float32, x)) as Float32Array[];
  for (const mode of ['int8', 'dynamic-int8'] as const) {
    const options = mode === 'int8' ? { mode, calibration } : { mode };
    const perChannel = await quantize(float32, options);
    const perTensor = await quantize(float32, { ...options, perChannel: false });
    const sg = readModel(perTensor).subgraphs[0];
    const weightsOf = (op: { inputs: number[] }) => sg.tensors[op.inputs[1]];
    const weighted = sg.operators.filter((op) => ['CONV_2D', 'DEPTHWISE_CONV_2D', 'FULLY_CONNECTED'].includes(op.op) && weightsOf(op).dtype === 'int8');
    t.ok(weighted.length > 0 && weighted.every((op) => weightsOf(op).quantization!.scale.length === 1), `${mode}: all ${weighted.length} int8 weight tensors have one scale`);
    const channelwise = readModel(perChannel).subgraphs[0];
    t.ok(channelwise.operators.some((op) => op.op === 'CONV_2D' && (channelwise.tensors[op.inputs[1]].quantization?.scale.length ?? 0) > 1), `${mode}: the default is one scale per channel`);
    const [a, b] = [await run(perChannel, x), await run(perTensor, x)] as Float32Array[][];
    const scale = difference(reference[0], reference[0]).scale;
    const channelError = meanError(a[0], reference[0], scale);
    const tensorError = meanError(b[0], reference[0], scale);
    // One scale per tensor cannot be finer than one per channel; on depthwise layers it is much coarser.
    t.ok(tensorError < 0.5, `${mode}: per-tensor runs (landmarks' mean error ${(tensorError * 100).toFixed(2)}% of scale, per-channel ${(channelError * 100).toFixed(2)}%)`);
    const litert = await runReference(perTensor, [x[Object.keys(x)[0]]]);
    t.ok(meanError(b[0], reference[0], scale) <= 1.1 * meanError(litert[0], reference[0], scale) + 1e-3, `${mode}: xnnlite's error is no worse than LiteRT.js's on the per-tensor file`);
  }
});

t.test('activationRange: percentile', async (t) => {
  // One activation with a rare outlier: min/max stretches the grid over it, a percentile range does not.
  const bytes = writeModel({
    subgraphs: [{
      tensors: [
        { name: 'x', shape: [1, 1000], dtype: 'float32' },
        { name: 'w', shape: [4, 1000], dtype: 'float32', data: weights([4, 1000], 2) },
        { name: 'y', shape: [1, 4], dtype: 'float32' },
      ],
      inputs: [0], outputs: [2],
      operators: [{ op: 'FULLY_CONNECTED', inputs: [0, 1, -1], outputs: [2] }],
    }],
  });
  const calibration = [0, 1, 2, 3].map((k) => {
    const x = deterministicInput(1000, -1, 1, 400 + k);
    if (k === 0) x[7] = 50;
    return { x };
  });
  const inputScale = (b: Uint8Array) => {
    const sg = readModel(b).subgraphs[0];
    const fc = sg.operators.find((op) => op.op === 'FULLY_CONNECTED')!;
    return sg.tensors[fc.inputs[0]].quantization!.scale[0];
  };
  const minmax = await quantize(bytes, { mode: 'int8', calibration });
  const clipped = await quantize(bytes, { mode: 'int8', calibration, activationRange: { percentile: 99.9 } });
  t.ok(Math.abs(inputScale(minmax) - 51 / 255) < 1e-3, `min/max covers the outlier (scale ${inputScale(minmax).toFixed(4)})`);
  t.ok(inputScale(clipped) < 2.1 / 255, `the 99.9th percentile range leaves it out (scale ${inputScale(clipped).toFixed(4)})`);
  const x = { x: deterministicInput(1000, -1, 1, 9) };
  const [reference] = (await run(bytes, x)) as Float32Array[];
  const errorOf = async (b: Uint8Array) => difference(((await run(b, x)) as Float32Array[])[0], reference).maxAbs;
  t.ok(await errorOf(clipped) < (await errorOf(minmax)) / 4, 'and is far more accurate on ordinary inputs');
  await t.rejects(quantize(bytes, { mode: 'int8', calibration, activationRange: { percentile: 40 } }), { name: 'TypeError', message: /options.activationRange/ });
  await t.rejects(quantize(bytes, { mode: 'int8', calibration, activationRange: 'kl' } as never), { name: 'TypeError', message: /'minmax' or \{ percentile: p \}/ });
  await t.rejects(quantize(bytes, { mode: 'float16', perChannel: false }), { name: 'TypeError', message: /options.perChannel applies to modes 'int8', 'int16x8' and 'dynamic-int8'/ });
  await t.rejects(quantize(bytes, { mode: 'dynamic-int8', perChannel: 'no' } as never), { name: 'TypeError', message: /Expected a boolean for options.perChannel/ });
});

t.test('range observers', async (t) => {
  // Streamed in chunks of growing magnitude, so the histogram has to widen several times.
  const chunks = [0.01, 1, 30, 2].map((m, k) => Float32Array.from(deterministicInput(5000, -m, m * 0.5, 500 + k)));
  const all = Float32Array.from(chunks.flatMap((c) => [...c])).sort();
  const minmax = rangeObserver('minmax');
  const p99 = rangeObserver({ percentile: 99 });
  for (const c of chunks) { minmax.observe(c); p99.observe(c); }
  t.same(minmax.range(), [all[0], Math.max(all[all.length - 1], 0)]);
  const [lo, hi] = p99.range()!;
  const exactLo = all[Math.floor(all.length * 0.01)];
  const exactHi = all[Math.ceil(all.length * 0.99) - 1];
  const resolution = 60 / 2048;
  t.ok(Math.abs(lo - exactLo) <= resolution && Math.abs(hi - exactHi) <= resolution,
    `99th percentile range [${lo.toFixed(3)}, ${hi.toFixed(3)}] within one bin of the exact [${exactLo.toFixed(3)}, ${exactHi.toFixed(3)}]`);
  const zeros = rangeObserver({ percentile: 99 });
  zeros.observe(new Float32Array(10));
  t.same(zeros.range(), [0, 0], 'all zeros');
  t.equal(rangeObserver('minmax').range(), undefined, 'nothing observed');
  t.equal(rangeObserver('minmax').observe(Float32Array.of(1, Infinity)), 1, 'the first non-finite value is reported');
  t.equal(rangeObserver({ percentile: 99 }).observe(Float32Array.of(NaN)), 0);
});

t.test('MAXIMUM and MINIMUM take their operands in the output quantization', async (t) => {
  // y = min(max(a, b), 0.5): a and b have different ranges; the constant 0.5 becomes an int8 constant.
  const bytes = writeModel({
    subgraphs: [{
      tensors: [
        { name: 'a', shape: [1, 16], dtype: 'float32' },
        { name: 'b', shape: [1, 16], dtype: 'float32' },
        { name: 'm', shape: [1, 16], dtype: 'float32' },
        { name: 'c', shape: [1], dtype: 'float32', data: Float32Array.of(0.5) },
        { name: 'y', shape: [1, 16], dtype: 'float32' },
      ],
      inputs: [0, 1], outputs: [4],
      operators: [{ op: 'MAXIMUM', inputs: [0, 1], outputs: [2] }, { op: 'MINIMUM', inputs: [2, 3], outputs: [4] }],
    }],
  });
  const sample = (seed: number) => ({ a: deterministicInput(16, -2, 1, seed), b: deterministicInput(16, -0.5, 3, seed + 50) });
  const int8 = await quantize(bytes, { mode: 'int8', calibration: [1, 2, 3, 4].map(sample) });
  const sg = readModel(int8).subgraphs[0];
  for (const name of ['MAXIMUM', 'MINIMUM']) {
    const op = sg.operators.find((o) => o.op === name)!;
    const out = sg.tensors[op.outputs[0]].quantization!;
    t.ok(op.inputs.every((i) => sg.tensors[i].dtype === 'int8' && sg.tensors[i].quantization!.scale[0] === out.scale[0]
      && sg.tensors[i].quantization!.zeroPoint[0] === out.zeroPoint[0]), `${name}: int8, every operand in the output's quantization`);
  }
  const x = sample(9);
  const [ours] = (await run(int8, x)) as Float32Array[];
  const [reference] = (await run(bytes, x)) as Float32Array[];
  const [litert] = await runReference(int8, [x.a, x.b]);
  const step = sg.tensors[sg.operators.find((o) => o.op === 'MINIMUM')!.outputs[0]].quantization!.scale[0];
  t.ok(difference(ours, litert).maxAbs <= step * 1.001, 'xnnlite equals LiteRT.js within one step');
  // Rounding: half a step of MAXIMUM's output, then requantized onto MINIMUM's finer grid.
  const maxStep = sg.tensors[sg.operators.find((o) => o.op === 'MAXIMUM')!.outputs[0]].quantization!.scale[0];
  const bound = maxStep / 2 + step;
  t.ok(difference(ours, reference).maxAbs <= bound, `within rounding of float (${difference(ours, reference).maxAbs.toExponential(2)} <= ${bound.toExponential(2)})`);
});

t.test('TRANSPOSE_CONV in int8 (per-channel weights, bias): LiteRT.js and xnnlite agree within one step', async (t) => {
  const bytes = writeModel({
    subgraphs: [{
      tensors: [
        { name: 'shape', shape: [4], dtype: 'int32', data: Int32Array.of(1, 8, 8, 3) },
        { name: 'w', shape: [3, 3, 3, 4], dtype: 'float32', data: weights([3, 3, 3, 4], 6) },
        { name: 'x', shape: [1, 4, 4, 4], dtype: 'float32' },
        { name: 'b', shape: [3], dtype: 'float32', data: Float32Array.of(0.2, -0.1, 0.05) },
        { name: 'y', shape: [1, 8, 8, 3], dtype: 'float32' },
      ],
      inputs: [2], outputs: [4],
      operators: [{ op: 'TRANSPOSE_CONV', inputs: [0, 1, 2, 3], outputs: [4], options: transposeConv({ padding: 'SAME', stride: [2, 2] }) }],
    }],
  });
  const sample = (seed: number) => ({ x: deterministicInput(64, -1, 1, seed) });
  const int8 = await quantize(bytes, { mode: 'int8', calibration: [1, 2, 3, 4].map(sample) });
  const sg = readModel(int8).subgraphs[0];
  const op = sg.operators.find((o) => o.op === 'TRANSPOSE_CONV')!;
  t.same([op.inputs[1], op.inputs[2], op.inputs[3], op.outputs[0]].map((i) => sg.tensors[i].dtype), ['int8', 'int8', 'int32', 'int8'], 'weights, input and output int8, bias int32');
  t.equal(sg.tensors[op.inputs[1]].quantization!.scale.length, 3, 'one weight scale per output channel');
  const x = sample(2);
  const [ours] = (await run(int8, x)) as Float32Array[];
  const [reference] = (await run(bytes, x)) as Float32Array[];
  const [litert] = await runReference(int8, [x.x]);
  const step = sg.tensors[op.outputs[0]].quantization!.scale[0];
  t.ok(difference(ours, litert).maxAbs <= step * 1.001, `xnnlite and LiteRT.js within one step (${difference(ours, litert).maxAbs.toExponential(2)})`);
  t.ok(difference(ours, reference).maxAbs < 10 * step, `close to float (${(difference(ours, reference).maxAbs / step).toFixed(1)} steps)`);
});
