// The xnnlite command line, run as a user would (node bin/xnnlite.js).
import t, { type Test } from 'tap';
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { loadModel, quantize, readNpy, writeNpy, type TensorArray } from '../lib/index';
import { writeModel } from '../lib/model/writer';
import { realToStored } from '../lib/tensor-values';
import { smallModel } from './helpers/small-model';
import { deterministicInput, syntheticImage } from './helpers/compare';
import { readModel } from '../lib/model/reader';
import { zooModel } from './helpers/zoo';
import { encodeJpeg, encodePng, encodePnm, testPicture } from './helpers/images';
import { weights } from './helpers/op-model';

const bin = path.join(__dirname, '..', 'bin', 'xnnlite.js');

function cli(...args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', env: { ...process.env, CI: '1' } });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

t.test('help', async (t) => {
  const top = cli('--help');
  t.equal(top.code, 0);
  t.match(top.stdout, /inspect +inputs, outputs, operators/);
  t.match(top.stdout, /bench +load, init/);
  t.match(top.stdout, /run +run once/);
  t.equal(cli().code, 2, 'no command is a usage error');
  for (const command of ['inspect', 'bench', 'run']) {
    const h = cli(command, '--help');
    t.equal(h.code, 0);
    t.match(h.stdout, new RegExp(`^usage: xnnlite ${command} MODEL`));
  }
  const unknown = cli('inspekt');
  t.equal(unknown.code, 2);
  t.match(unknown.stderr, /unknown command "inspekt"/);
  const v = cli('--version');
  t.match(JSON.parse(v.stdout), { xnnpack: '0.0~git20241108.4ea82e5' });
});

t.test('inspect', async (t) => {
  const file = zooModel('face_detection_short_range').file;
  const text = cli('inspect', file);
  t.equal(text.code, 0);
  t.match(text.stdout, /input +\[1, 128, 128, 3\] +float32/);
  t.match(text.stdout, /DEQUANTIZE +74 +folded into constants at load 74/);
  t.match(text.stdout, /CONV_2D +21 +XNNPACK 21/);
  t.match(text.stdout, /float16 +74 +198\.0 KiB/);
  t.match(text.stdout, /30\.8 million multiply-accumulates/);
  const json = JSON.parse(cli('inspect', file, '--json').stdout);
  t.equal(json.supported, true);
  t.equal(json.operators.CONV_2D, 21);
  t.equal(json.placement.length, 164);
  t.equal(json.sparseInference, false, 'a dense model gets no sparse-inference hint');
  t.notMatch(text.stdout, /^sparse:/m);
  const sparse = cli('inspect', zooModel('face_detection_full_range_sparse').file);
  t.match(sparse.stdout, /^sparse: weights are stored sparse \(a pruned model\); sessions let XNNPACK run them in its sparse kernels$/m,
    'a model with weights in TFLite\'s sparse format is reported as such');
  t.equal(JSON.parse(cli('inspect', zooModel('face_detection_full_range_sparse').file, '--json').stdout).sparseInference, true);

  const dir = t.testdir({});
  const unsupported = path.join(dir, 'custom.tflite');
  fs.writeFileSync(unsupported, writeModel({ subgraphs: [{ tensors: [{ shape: [4] }, { shape: [4] }], inputs: [0], outputs: [1], operators: [{ op: 'MyCustomOp', custom: true, inputs: [0], outputs: [1] }] }] }));
  const r = cli('inspect', unsupported);
  t.equal(r.code, 3, 'exit code 3 when an operator cannot run');
  t.match(r.stdout, /cannot run:\n {2}MyCustomOp #0: custom operator is not supported/);

  const mixed = path.join(dir, 'mixed.tflite');
  fs.writeFileSync(mixed, writeModel({ subgraphs: [{
    tensors: [{ shape: [4, 3] }, { shape: [2], dtype: 'int32', data: Int32Array.from([3, 1]) }, { shape: [2, 3] }, { shape: [2, 3] }],
    inputs: [0], outputs: [3],
    operators: [{ op: 'GATHER', inputs: [0, 1], outputs: [2] }, { op: 'RELU', inputs: [2], outputs: [3] }],
  }] }));
  const m = cli('inspect', mixed);
  t.equal(m.code, 0, m.stderr);
  t.match(m.stdout, /plan: 2 step\(s\): 1 XNNPACK partition\(s\), 1 reference kernel call\(s\)\n {2}1\. reference: GATHER #0\n {2}2\. XNNPACK: RELU #1/);
});

t.test('bench', async (t) => {
  const r = cli('bench', zooModel('face_detection_short_range').file, '--threads', '1', '--runs', '4', '--warmup', '1', '--json');
  t.equal(r.code, 0, r.stderr);
  const figures = JSON.parse(r.stdout);
  t.match(figures, { threads: 1, runs: 4, warmup: 1 });
  for (const key of ['loadMs', 'initMs', 'firstInferenceMs', 'warmupMeanMs', 'peakRssBytes']) t.ok(figures[key] > 0, key);
  t.ok(figures.inferenceMs.min <= figures.inferenceMs.median && figures.inferenceMs.median <= figures.inferenceMs.max);
  t.equal(r.stderr, '', 'no progress output when not on a terminal');
  const text = cli('bench', zooModel('face_detection_short_range').file, '--runs', '2', '--warmup', '0');
  t.match(text.stdout, /inference +2 runs: min .* median .* p90 .* max/);
  t.match(text.stdout, /peak memory +[\d.]+ MiB resident/);
  const bad = cli('bench', zooModel('face_detection_short_range').file, '--runs', 'many');
  t.equal(bad.code, 2);
  t.match(bad.stderr, /--runs must be an integer from 1 to 100000 \(got "many"\)/);
});

t.test('run: .npy in, .npy out, matching the API', async (t) => {
  const dir = t.testdir({});
  const modelFile = path.join(dir, 'small.tflite');
  fs.writeFileSync(modelFile, smallModel());
  const x = Float32Array.from({ length: 192 }, (_, i) => Math.sin(i / 5));
  fs.writeFileSync(path.join(dir, 'x.npy'), writeNpy(x, [1, 8, 8, 3]));
  const out = path.join(dir, 'out');
  const r = cli('run', modelFile, '--input', `image=${path.join(dir, 'x.npy')}`, '--output', out);
  t.equal(r.code, 0, r.stderr);
  const scores = readNpy(fs.readFileSync(path.join(out, 'scores.npy')));
  t.same(scores.shape, [1, 4, 4, 4]);
  const model = await loadModel(modelFile);
  const expected = (await model.createSession({ threads: 1 })).runSync(x).scores;
  model.dispose();
  t.same(Array.from(scores.data), Array.from(expected));
  const printed = cli('run', modelFile, '--input', path.join(dir, 'x.npy'));
  t.match(printed.stdout, /^scores \[1, 4, 4, 4\]: min .*, max .*, mean .*; first values/m);
  fs.writeFileSync(path.join(dir, 'x64.npy'), writeNpy(Float64Array.from(x), [1, 8, 8, 3]));
  const out64 = path.join(dir, 'out64');
  t.equal(cli('run', modelFile, '--input', path.join(dir, 'x64.npy'), '--output', out64).code, 0, 'a float64 .npy (numpy\'s default) feeds a float32 input');
  t.same(Array.from(readNpy(fs.readFileSync(path.join(out64, 'scores.npy'))).data), Array.from(expected));
  const wrong = cli('run', modelFile, '--input', `img=${path.join(dir, 'x.npy')}`);
  t.equal(wrong.code, 2);
  t.match(wrong.stderr, /the model has no input "img" \(inputs: image\)/);
  fs.writeFileSync(path.join(dir, 'short.npy'), writeNpy(new Float32Array(5), [5]));
  const short = cli('run', modelFile, '--input', path.join(dir, 'short.npy'));
  t.match(short.stderr, /has shape \[5\] \(5 values\); input image needs \[1, 8, 8, 3\] \(192 values\)/);
});

/** The outputs the library gives for `input`, in model order, to compare the CLI's .npy files with. */
async function libraryOutputs(modelFile: string, inputs: Record<string, TensorArray>): Promise<{ name: string; values: TensorArray }[]> {
  const model = await loadModel(modelFile);
  try {
    const session = await model.createSession({ threads: 1 });
    const out = await session.run<TensorArray>(inputs);
    return session.outputs.map((o) => ({ name: o.name, values: out[o.name] }));
  } finally {
    model.dispose();
  }
}

/** Runs `xnnlite run` with --output and checks every written .npy against the library's outputs for `expected` inputs. */
async function expectRunMatches(t: Test, modelFile: string, args: string[], expected: Record<string, TensorArray>, outDir: string): Promise<string> {
  const r = cli('run', modelFile, ...args, '--output', outDir);
  t.equal(r.code, 0, r.stderr);
  for (const { name, values } of await libraryOutputs(modelFile, expected)) {
    const written = readNpy(fs.readFileSync(path.join(outDir, `${name}.npy`))).data;
    t.equal(written.constructor, values.constructor, `${name}.npy is written in the output's dtype (${values.constructor.name})`);
    t.same(Array.from(written), Array.from(values), `${name} equals the library's output (${args.join(' ') || 'no input'})`);
  }
  return r.stderr;
}

for (const ioType of ['int8', 'uint8'] as const) {
  t.test(`bench and run: a model with ${ioType} inputs`, async (t) => {
    const dir = t.testdir({});
    const modelFile = path.join(dir, `small_${ioType}.tflite`);
    const calibration = [1, 2, 3].map((k) => ({ image: deterministicInput(192, -1, 1, k) }));
    fs.writeFileSync(modelFile, await quantize(smallModel(), { mode: 'int8', ioType, calibration }));
    const model = await loadModel(modelFile);
    const [input] = model.inputs;
    model.dispose();
    t.equal(input.dtype, ioType);
    const Type = ioType === 'int8' ? Int8Array : Uint8Array;

    const bench = cli('bench', modelFile, '--threads', '1', '--runs', '2', '--warmup', '1', '--json');
    t.equal(bench.code, 0, bench.stderr);
    t.match(JSON.parse(bench.stdout), { runs: 2, warmup: 1 });

    const zeroPoint = input.quantization!.zeroPoint[0];
    const zeros = await expectRunMatches(t, modelFile, [], { image: new Type(192).fill(zeroPoint) }, path.join(dir, 'zeros'));
    t.match(zeros, new RegExp(`input image \\[1, 8, 8, 3\\] ${ioType} not given; using real zeros \\(its zero point, ${zeroPoint}\\)`));

    const stored = Type.from(Array.from({ length: 192 }, (_, i) => (ioType === 'int8' ? -128 : 0) + ((i * 37) % 256)));
    fs.writeFileSync(path.join(dir, 'stored.npy'), writeNpy(stored, [1, 8, 8, 3]));
    await expectRunMatches(t, modelFile, ['--input', path.join(dir, 'stored.npy')], { image: stored }, path.join(dir, 'stored'));

    const real = deterministicInput(192, -1.2, 1.2, 9);
    fs.writeFileSync(path.join(dir, 'real.npy'), writeNpy(real, [1, 8, 8, 3]));
    const quantized = realToStored(input, real);
    t.type(quantized, Type);
    await expectRunMatches(t, modelFile, ['--input', `image=${path.join(dir, 'real.npy')}`], { image: quantized }, path.join(dir, 'real'));

    const printed = cli('run', modelFile, '--input', path.join(dir, 'real.npy'));
    t.equal(printed.code, 0, printed.stderr);
    t.match(printed.stdout, new RegExp(`^scores \\[1, 4, 4, 4\\] ${ioType}: min -?\\d+, max -?\\d+, mean [\\d.e+-]+; first values -?\\d+, .*; real values min [\\d.e+-]+, max [\\d.e+-]+, mean [\\d.e+-]+$`, 'm'));
  });
}

t.test('bench and run: a model with int16 inputs', async (t) => {
  // x (int16, scale 0.01) -> QUANTIZE -> y (int16, scale 0.02), and x -> DEQUANTIZE -> real (float32);
  // raw is an int16 input without a scale and zero point that no operator reads.
  const q = (scale: number) => ({ scale: [scale], zeroPoint: [0], quantizedDimension: 0 });
  const bytes = writeModel({
    subgraphs: [{
      tensors: [
        { name: 'x', shape: [1, 8], dtype: 'int16', quantization: q(0.01) },
        { name: 'y', shape: [1, 8], dtype: 'int16', quantization: q(0.02) },
        { name: 'real', shape: [1, 8], dtype: 'float32' },
        { name: 'raw', shape: [4], dtype: 'int16' },
      ],
      inputs: [0, 3], outputs: [1, 2],
      operators: [{ op: 'QUANTIZE', inputs: [0], outputs: [1] }, { op: 'DEQUANTIZE', inputs: [0], outputs: [2] }],
    }],
  });
  const real = Float32Array.of(-400, -1, -0.005, 0.005, 0.015, 0.123, 1, 400);
  const stored = Int16Array.of(-32768, -100, -1, 0, 1, 2, 100, 32767);
  const rawValues = Int16Array.of(-32768, -1, 0, 32767);
  const dir = t.testdir({
    'int16.tflite': Buffer.from(bytes),
    'real.npy': Buffer.from(writeNpy(real, [1, 8])),
    'stored.npy': Buffer.from(writeNpy(stored, [1, 8])),
    'raw.npy': Buffer.from(writeNpy(rawValues, [4])),
    'raw-real.npy': Buffer.from(writeNpy(new Float32Array(4), [4])),
  });
  const modelFile = path.join(dir, 'int16.tflite');
  const model = await loadModel(modelFile);
  const [x] = model.inputs;
  model.dispose();

  const bench = cli('bench', modelFile, '--threads', '1', '--runs', '2', '--warmup', '0');
  t.equal(bench.code, 0, bench.stderr);

  const zeros = await expectRunMatches(t, modelFile, [], { x: new Int16Array(8), raw: new Int16Array(4) }, path.join(dir, 'zeros'));
  t.match(zeros, /input x \[1, 8\] int16 not given; using real zeros \(its zero point, 0\)/);
  t.match(zeros, /input raw \[4\] int16 not given; using zeros\n/);
  const quantized = realToStored(x, real);
  t.same(Array.from(quantized), [-32768, -100, -1, 1, 2, 12, 100, 32767], 'rounded to nearest (ties away from zero) and clamped');
  await expectRunMatches(t, modelFile, ['--input', `x=${path.join(dir, 'real.npy')}`, '--input', `raw=${path.join(dir, 'raw.npy')}`],
    { x: quantized, raw: rawValues }, path.join(dir, 'real'));
  await expectRunMatches(t, modelFile, ['--input', `x=${path.join(dir, 'stored.npy')}`], { x: stored, raw: new Int16Array(4) }, path.join(dir, 'stored'));

  const printed = cli('run', modelFile, '--input', `x=${path.join(dir, 'real.npy')}`);
  t.match(printed.stdout, /^y \[1, 8\] int16: min -16384, max 16384, .*; real values min -327\.68, max 327\.68, mean /m);
  t.match(printed.stdout, /^real \[1, 8\]: min -327\.68, max 327\.67, mean /m);

  const rawReal = cli('run', modelFile, '--input', `x=${path.join(dir, 'stored.npy')}`, '--input', `raw=${path.join(dir, 'raw-real.npy')}`);
  t.equal(rawReal.code, 1);
  t.equal(rawReal.stderr, `xnnlite run: ${path.join(dir, 'raw-real.npy')}: holds float32 values; input raw takes int16: give int16 values (arr.astype(numpy.int16)); the input has no scale and zero point to quantize real values with\n`,
    'real values for an integer input without quantization parameters: one line naming the file and input');
});

t.test('run: .npy files an input cannot take', async (t) => {
  const calibration = [1, 2].map((k) => ({ image: deterministicInput(192, -1, 1, k) }));
  const dir = t.testdir({
    'small.tflite': Buffer.from(smallModel()),
    'small_int8.tflite': Buffer.from(await quantize(smallModel(), { mode: 'int8', ioType: 'int8', calibration })),
    'int8.npy': Buffer.from(writeNpy(new Int8Array(192), [1, 8, 8, 3])),
    'uint8.npy': Buffer.from(writeNpy(new Uint8Array(192), [1, 8, 8, 3])),
    'short.npy': Buffer.from(writeNpy(new Int8Array(100), [100])),
    'nan.npy': Buffer.from(writeNpy(new Float32Array(192).fill(NaN), [1, 8, 8, 3])),
  });
  const fails = (model: string, npy: string, message: RegExp) => {
    const r = cli('run', path.join(dir, model), '--input', path.join(dir, npy));
    t.equal(r.code, 1, `${npy} for ${model}: exit code 1`);
    t.equal(r.stderr.split('\n').filter(Boolean).length, 1, `${npy} for ${model}: one line on stderr`);
    t.match(r.stderr, message);
  };
  fails('small.tflite', 'int8.npy', /^xnnlite run: .*int8\.npy: holds int8 values; input image takes float32: save it with arr\.astype\(numpy\.float32\)$/m);
  fails('small_int8.tflite', 'uint8.npy', /^xnnlite run: .*uint8\.npy: holds uint8 values; input image takes int8 \(scale [\d.e-]+, zero point -?\d+\): give int8 values \(arr\.astype\(numpy\.int8\)\), or real values as float32 to have them quantized$/m);
  fails('small_int8.tflite', 'short.npy', /^xnnlite run: .*short\.npy: has shape \[100\] \(100 values\); input image needs \[1, 8, 8, 3\] \(192 values\)$/m);
  fails('small_int8.tflite', 'nan.npy', /^xnnlite run: .*nan\.npy: Expected a real number for input image value 0 but received number NaN$/m);
});

t.test('errors say what is wrong', async (t) => {
  const dir = t.testdir({ 'junk.tflite': 'not a model at all, just text' });
  const missing = cli('inspect');
  t.equal(missing.code, 2);
  t.match(missing.stderr, /missing MODEL \(a \.tflite file\)/);
  const absent = cli('inspect', path.join(dir, 'absent.tflite'));
  t.equal(absent.code, 1);
  t.match(absent.stderr, /no such file: .*absent\.tflite/);
  const junk = cli('bench', path.join(dir, 'junk.tflite'));
  t.equal(junk.code, 1);
  t.match(junk.stderr, /ModelFormatError: file: not a TFLite model/);
  const option = cli('inspect', path.join(dir, 'junk.tflite'), '--jsn');
  t.equal(option.code, 2);
  t.match(option.stderr, /Unknown option '--jsn'/);
});

t.test('.npy round trip', async (t) => {
  const data = Float32Array.from([1.5, -2, 3.25, 0, 7, 8]);
  const parsed = readNpy(writeNpy(data, [2, 3]));
  t.same(parsed.shape, [2, 3]);
  t.same(Array.from(parsed.data), Array.from(data));
  t.throws(() => readNpy(new Uint8Array(20)), /not a \.npy file/);
});

t.test('quantize', async (t) => {
  const dir = t.testdir({});
  const out = path.join(dir, 'face_int8.tflite');
  const r = cli('quantize', zooModel('face_detection_short_range').file, out, '--mode', 'dynamic-int8', '--held-out', '2');
  t.equal(r.code, 0, r.stderr);
  t.match(r.stdout, /face_int8\.tflite: 223\.7 KiB -> [\d.]+ KiB \(\d+%\)/);
  t.match(r.stdout, /on 2 synthetic input\(s\)/);
  t.match(r.stdout, /regressors +[\d.e-]+ +[\d.e-]+/);
  t.notMatch(r.stdout, /top-1/, 'no top-1 column for a detector');
  const model = await loadModel(out);
  t.ok(Object.keys(model.operators).includes('CONV_2D'));
  model.dispose();
  const bad = cli('quantize', zooModel('face_detection_short_range').file, out, '--mode', 'int4');
  t.equal(bad.code, 2);
  t.match(bad.stderr, /--mode must be float16, dynamic-int8, int8 or int16x8/);
  const noSet = cli('quantize', zooModel('face_detection_short_range').file, out, '--mode', 'int8');
  t.equal(noSet.code, 2);
  t.match(noSet.stderr, /--mode int8 needs --calibration DIR_OR_FILE/);
  const samples = cli('quantize', zooModel('face_detection_short_range').file, out, '--mode', 'float16', '--samples', '3');
  t.equal(samples.code, 2);
  t.match(samples.stderr, /--samples applies to --mode int8 and int16x8 only/);
});

t.test('quantize --max-error and --keep-float: mixed precision, with the optimization report', async (t) => {
  const selfie = zooModel('selfie_segmentation');
  const shape = [1, 256, 256, 3];
  const n = 256 * 256 * 3;
  const stacked = new Float32Array(6 * n);
  for (let k = 0; k < 6; k++) stacked.set(syntheticImage(shape, 0, 1, k + 1), k * n);
  const dir = t.testdir({ 'set.npy': Buffer.from(writeNpy(stacked, [6, 256, 256, 3])) });
  const set = path.join(dir, 'set.npy');
  const out = path.join(dir, 'mixed.tflite');
  // As in test/33: on these synthetic scenes the model is very sensitive, so the budget is a loose one.
  const r = cli('quantize', selfie.file, out, '--mode', 'int8', '--calibration', set, '--held-out', '2', '--max-error', '0.3', '--runs', '5');
  t.equal(r.code, 0, r.stderr);
  t.match(r.stdout, /^size:$/m);
  t.match(r.stdout, /^speed: [\d.]+ ms -> [\d.]+ ms per inference, [\d.]+x/m);
  t.match(r.stdout, /difference from the original on 2 held-out sample\(s\)/);
  const kept = /operators kept at a higher precision: (\d+)/.exec(r.stdout);
  t.ok(kept && Number(kept[1]) > 0, 'the operators kept are listed');
  t.match(r.stdout, /^ {2}CONV_2D #\d+ +float +[\d.]+%$/m, 'each with its sensitivity');
  t.match(r.stdout, /error budget 0\.3: met with error 0\.[0-2]\d*/);
  const model = await loadModel(out);
  t.ok(Object.keys(model.operators).includes('QUANTIZE'));
  model.dispose();

  const original = readModel(fs.readFileSync(selfie.file)).subgraphs[0];
  const picks = [original.operators.findIndex((op) => op.op === 'CONV_2D'), original.operators.findIndex((op) => op.op === 'HARD_SWISH')];
  const byHand = cli('quantize', selfie.file, out, '--mode', 'int8', '--calibration', set, '--keep-float', picks.join(','), '--no-timing');
  t.equal(byHand.code, 0, byHand.stderr);
  t.match(byHand.stdout, new RegExp(`CONV_2D #${picks[0]} +float +by hand`));
  t.match(byHand.stdout, new RegExp(`HARD_SWISH #${picks[1]} +float +by hand`));
  t.notMatch(byHand.stdout, /^speed:/m, '--no-timing');

  const unmet = cli('quantize', selfie.file, out, '--mode', 'int16x8', '--calibration', set, '--held-out', '1', '--max-error', '0.000001');
  t.equal(unmet.code, 1, 'a budget that cannot be met: exit 1');
  t.match(unmet.stderr, /the error budget 0\.000001 cannot be met: .* and still [\d.e-]+ with all \d+ candidate operators kept at a higher precision; nothing written/);
  for (const [args, message] of [
    [['--mode', 'int8', '--calibration', set, '--max-error', '0'], /--max-error must be a number above 0/],
    [['--mode', 'float16', '--max-error', '0.1'], /--max-error applies to --mode int8 and int16x8 only/],
    [['--mode', 'int8', '--calibration', set, '--keep-float', '3,x'], /--keep-float takes operator indices separated by commas/],
    [['--mode', 'int8', '--calibration', set, '--no-timing'], /--no-timing applies with --max-error or --keep-float only/],
    [['--mode', 'int8', '--calibration', set, '--held-out', '0', '--max-error', '0.1'], /--held-out must be at least 1/],
  ] as const) {
    const bad = cli('quantize', selfie.file, out, ...args);
    t.equal(bad.code, 2, args.join(' '));
    t.match(bad.stderr, message);
  }
  const notQuantizable = cli('quantize', selfie.file, out, '--mode', 'int8', '--calibration', set, '--keep-float', '0');
  t.equal(notQuantizable.code, 1);
  t.match(notQuantizable.stderr, /keepFloat: operator #0 \(DEQUANTIZE\) is not one int8 quantization quantizes \(folded into a constant when the model is read\)/);
});

t.test('quantize --mode int8 with a calibration directory', async (t) => {
  const face = zooModel('face_detection_short_range');
  const n = 128 * 128 * 3;
  const dir = t.testdir({
    calibration: Object.fromEntries([1, 2, 3].map((k) => [`sample${k}.npy`, Buffer.from(writeNpy(deterministicInput(n, -1, 1, k), [1, 128, 128, 3]))])),
    wrong: { 'short.npy': Buffer.from(writeNpy(new Float32Array(5), [5])) },
  });
  const out = path.join(dir, 'face_int8.tflite');
  const r = cli('quantize', face.file, out, '--mode', 'int8', '--calibration', path.join(dir, 'calibration'), '--samples', '2');
  t.equal(r.code, 0, r.stderr);
  t.match(r.stdout, /on 1 held-out sample\(s\) of/);
  t.match(r.stdout, /face_int8\.tflite: 223\.7 KiB -> [\d.]+ KiB \(\d+%\)/);
  const model = await loadModel(out);
  t.equal(model.inputs[0].dtype, 'float32');
  t.ok(Object.keys(model.operators).includes('QUANTIZE'), 'the int8 model quantizes its float input');
  model.dispose();
  const short = cli('quantize', face.file, out, '--mode', 'int8', '--calibration', path.join(dir, 'wrong'));
  t.equal(short.code, 1, 'a bad sample is an input error: exit 1');
  t.notMatch(short.stderr, /usage:/, 'without the usage text');
  t.match(short.stderr, /short\.npy holds 5 values; input "input" of shape \[1, 128, 128, 3\] takes 49152/);
  const empty = cli('quantize', face.file, out, '--mode', 'int8', '--calibration', path.join(dir, 'missing'));
  t.equal(empty.code, 2);
  t.match(empty.stderr, /cannot read --calibration .*missing/);
});

t.test('quantize --mode int8 calibrated on images', async (t) => {
  const face = zooModel('face_detection_short_range');
  const pictures = [1, 2, 3, 4, 5, 6].map((k) => ({ k, w: 100 + 20 * k, h: 90 + 10 * k }));
  const files: Record<string, Buffer> = {};
  for (const { k, w, h } of pictures) {
    const rgb = testPicture(w, h, k);
    files[`p${k}.${['png', 'jpg', 'ppm'][k % 3]}`] = k % 3 === 0 ? encodePng(w, h, 3, rgb) : k % 3 === 1 ? encodeJpeg(w, h, rgb) : encodePnm(w, h, 3, rgb);
  }
  const dir = t.testdir({ images: files, 'notes.txt': 'ignored', broken: { 'a.png': 'not a png at all' } });
  const out = path.join(dir, 'face_int8.tflite');
  const r = cli('quantize', face.file, out, '--mode', 'int8', '--calibration', path.join(dir, 'images'), '--mean', '127.5', '--std', '127.5', '--held-out', '2');
  t.equal(r.code, 0, r.stderr);
  t.match(r.stdout, /on 2 held-out sample\(s\) of/);
  const mean = Number(/classificators +[\d.e-]+ +([\d.e-]+)/.exec(r.stdout)?.[1]);
  // Logits of a detector on test patterns, calibrated on four pictures: a guard against a broken rewrite, not an accuracy figure.
  t.ok(mean < 2, `held-out mean |diff| of the score logits ${mean}`);
  const model = await loadModel(out);
  t.ok(Object.keys(model.operators).includes('QUANTIZE'));
  model.dispose();
  const single = cli('quantize', face.file, out, '--mode', 'float16', '--calibration', path.join(dir, 'images', 'p3.png'));
  t.equal(single.code, 0, single.stderr);
  t.match(single.stdout, /on 1 held-out sample\(s\) of .*p3\.png/, 'one image: the report runs on it');
  const broken = cli('quantize', face.file, out, '--mode', 'int8', '--calibration', path.join(dir, 'broken'), '--held-out', '0');
  t.equal(broken.code, 1);
  t.match(broken.stderr, /a\.png: not a PNG, JPEG or binary PPM\/PGM image/);
  const channels = cli('quantize', face.file, out, '--mode', 'int8', '--calibration', path.join(dir, 'images'), '--mean', '1,2');
  t.equal(channels.code, 2);
  t.match(channels.stderr, /--mean takes 1 or 3 values for this 3-channel input \(got 2\)/);
  const std = cli('quantize', face.file, out, '--mode', 'int8', '--calibration', path.join(dir, 'images'), '--std', '0');
  t.match(std.stderr, /--std takes positive numbers/);
});

t.test('quantize a classifier: stacked .npy samples, top-1 agreement, integer edges', async (t) => {
  // x[1,32] -> FULLY_CONNECTED -> logits[1,10] -> SOFTMAX -> probabilities.
  const bytes = writeModel({
    subgraphs: [{
      tensors: [
        { name: 'x', shape: [1, 32], dtype: 'float32' },
        { name: 'w', shape: [10, 32], dtype: 'float32', data: weights([10, 32], 3) },
        { name: 'logits', shape: [1, 10], dtype: 'float32' },
        { name: 'probabilities', shape: [1, 10], dtype: 'float32' },
      ],
      inputs: [0], outputs: [3],
      operators: [
        { op: 'FULLY_CONNECTED', inputs: [0, 1, -1], outputs: [2] },
        { op: 'SOFTMAX', inputs: [2], outputs: [3], options: { type: 9, fields: [{ slot: 0, kind: 'f32', value: 1 }] } },
      ],
    }],
  });
  const dir = t.testdir({ 'classifier.tflite': Buffer.from(bytes), 'samples.npy': Buffer.from(writeNpy(deterministicInput(40 * 32, -1, 1, 7), [40, 32])) });
  const out = path.join(dir, 'classifier_int8.tflite');
  const r = cli('quantize', path.join(dir, 'classifier.tflite'), out, '--mode', 'int8', '--calibration', path.join(dir, 'samples.npy'), '--io-type', 'uint8', '--percentile', '99.9');
  t.equal(r.code, 0, r.stderr);
  t.match(r.stdout, /on 4 held-out sample\(s\)/, '10% of 40 held out');
  const agreement = Number(/probabilities +[\d.e-]+ +[\d.e-]+ +([\d.]+)%/.exec(r.stdout)?.[1]);
  t.ok(agreement >= 75, `top-1 agreement ${agreement}% on the held-out samples`);
  const model = await loadModel(out);
  t.equal(model.inputs[0].dtype, 'uint8', '--io-type uint8');
  model.dispose();
  const notWhole = cli('quantize', path.join(dir, 'classifier.tflite'), out, '--mode', 'int8', '--calibration', path.join(dir, 'samples.npy'), '--samples', '99');
  t.equal(notWhole.code, 2);
  t.match(notWhole.stderr, /--samples must be an integer from 1 to 36/);
});

t.test('quantize --mode int16x8, and inspect says where its operators run', async (t) => {
  const face = zooModel('face_detection_short_range');
  const n = 128 * 128 * 3;
  const dir = t.testdir({
    'samples.npy': Buffer.from(writeNpy(deterministicInput(3 * n, -1, 1, 5), [3, 1, 128, 128, 3])),
    'selfie.npy': Buffer.from(writeNpy(deterministicInput(256 * 256 * 3, 0, 1, 5), [1, 256, 256, 3])),
  });
  const out = path.join(dir, 'face_int16x8.tflite');
  const r = cli('quantize', face.file, out, '--mode', 'int16x8', '--calibration', path.join(dir, 'samples.npy'));
  t.equal(r.code, 0, r.stderr);
  t.match(r.stdout, /on 1 held-out sample\(s\)/);
  const inspect = cli('inspect', out);
  t.equal(inspect.code, 0, inspect.stderr);
  t.match(inspect.stdout, /CONV_2D +\d+ +reference kernels \d+/);
  t.match(inspect.stdout, /note: the reference kernels are xnnlite's portable C\+\+ for what XNNPACK does not run/);
  const ioType = cli('quantize', face.file, out, '--mode', 'int16x8', '--calibration', path.join(dir, 'samples.npy'), '--io-type', 'int8');
  t.equal(ioType.code, 2);
  t.match(ioType.stderr, /--io-type applies to --mode int8 only/);
  const selfie = cli('quantize', zooModel('selfie_segmentation').file, out, '--mode', 'int16x8', '--calibration', path.join(dir, 'selfie.npy'), '--held-out', '0');
  t.equal(selfie.code, 0, selfie.stderr);
  t.match(selfie.stderr, /XNNLITE_QUANTIZE.*int16x8 quantization left \d+ operator\(s\) in float.*HARD_SWISH #\d+ \(no int16 kernel for it in xnnlite\)/,
    'operators without an int16 kernel stay float, and the CLI says which');
  const again = cli('quantize', out, path.join(dir, 'again.tflite'), '--mode', 'float16');
  t.equal(again.code, 1);
  t.match(again.stderr, /^xnnlite quantize: TypeError: the model is already quantized \(tensor ".*" is int16\); quantize its float original instead\n$/, 'an already-quantized model: one clear line');
});
