// The xnnlite command line, run as a user would (node bin/xnnlite.js).
import t from 'tap';
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { loadModel, readNpy, writeNpy } from '../lib/index';
import { writeModel } from '../lib/model/writer';
import { smallModel } from './helpers/small-model';
import { deterministicInput } from './helpers/compare';
import { zooModel } from './helpers/zoo';

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

  const dir = t.testdir({});
  const unsupported = path.join(dir, 'gather.tflite');
  fs.writeFileSync(unsupported, writeModel({ subgraphs: [{ tensors: [{ shape: [4] }, { shape: [2], dtype: 'int32', data: Int32Array.from([0, 1]) }, { shape: [2] }], inputs: [0], outputs: [2], operators: [{ op: 'GATHER', inputs: [0, 1], outputs: [2] }] }] }));
  const r = cli('inspect', unsupported);
  t.equal(r.code, 3, 'exit code 3 when an operator cannot run');
  t.match(r.stdout, /cannot run:\n {2}GATHER #0: operator is not supported/);
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
  const wrong = cli('run', modelFile, '--input', `img=${path.join(dir, 'x.npy')}`);
  t.equal(wrong.code, 2);
  t.match(wrong.stderr, /the model has no input "img" \(inputs: image\)/);
  fs.writeFileSync(path.join(dir, 'short.npy'), writeNpy(new Float32Array(5), [5]));
  const short = cli('run', modelFile, '--input', path.join(dir, 'short.npy'));
  t.match(short.stderr, /has shape \[5\] \(5 values\); input image needs \[1, 8, 8, 3\] \(192 values\)/);
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
  const r = cli('quantize', zooModel('face_detection_short_range').file, out, '--mode', 'dynamic-int8', '--samples', '2');
  t.equal(r.code, 0, r.stderr);
  t.match(r.stdout, /face_int8\.tflite: 223\.7 KiB -> [\d.]+ KiB \(\d+%\)/);
  t.match(r.stdout, /regressors +[\d.e-]+ +[\d.e-]+/);
  const model = await loadModel(out);
  t.ok(Object.keys(model.operators).includes('CONV_2D'));
  model.dispose();
  const bad = cli('quantize', zooModel('face_detection_short_range').file, out, '--mode', 'int4');
  t.equal(bad.code, 2);
  t.match(bad.stderr, /--mode must be float16, dynamic-int8 or int8/);
  const noSet = cli('quantize', zooModel('face_detection_short_range').file, out, '--mode', 'int8');
  t.equal(noSet.code, 2);
  t.match(noSet.stderr, /--mode int8 needs --calibration DIR/);
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
  t.match(r.stdout, /face_int8\.tflite: 223\.7 KiB -> [\d.]+ KiB \(\d+%\)/);
  const model = await loadModel(out);
  t.equal(model.inputs[0].dtype, 'float32');
  t.ok(Object.keys(model.operators).includes('QUANTIZE'), 'the int8 model quantizes its float input');
  model.dispose();
  const short = cli('quantize', face.file, out, '--mode', 'int8', '--calibration', path.join(dir, 'wrong'));
  t.equal(short.code, 2);
  t.match(short.stderr, /short\.npy holds 5 values; input "input" of shape \[1, 128, 128, 3\] takes 49152/);
  const empty = cli('quantize', face.file, out, '--mode', 'int8', '--calibration', path.join(dir, 'missing'));
  t.equal(empty.code, 2);
  t.match(empty.stderr, /cannot read --calibration directory/);
});
