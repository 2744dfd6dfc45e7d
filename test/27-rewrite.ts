// The graph rewrite stage (lib/rewrite): each rule applies where its
// precondition holds and nowhere else, and a rewritten graph gives what the
// file's graph gives (within 1e-5 of its largest output) and what LiteRT.js
// gives on the original file. Sessions take optimize: false; the weight cache
// keeps the two kinds of session apart; inspect lists the rewrites.
import t, { type Test } from 'tap';
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { inspectModel, loadModel } from '../lib/index';
import { difference, deterministicInput } from './helpers/compare';
import { expectParity } from './helpers/op-model';
import { cacheFiles, worker, workerEnv } from './helpers/cache-run';
import { zooModel } from './helpers/zoo';
import {
  convBatchNormModel, convTimesActivationModel, depthwiseAndDenseAffineModel, identitiesModel, mediapipeTransposeConvModel,
  reshapeChainModel, transposeConvModel,
} from './helpers/rewrite-models';

/** Runs `source` with and without rewrites on the same inputs; outputs in model order. */
async function runBothWays(source: Uint8Array | string, inputRange: [number, number] = [-2, 2]) {
  const model = await loadModel(source);
  try {
    const inputs = Object.fromEntries(model.inputs.map((info, k) => [info.name, deterministicInput(info.shape.reduce((a, b) => a * b, 1), inputRange[0], inputRange[1], k + 1)]));
    const optimized = await (await model.createSession({ threads: 1 })).run(inputs);
    const plain = await (await model.createSession({ threads: 1, optimize: false })).run(inputs);
    return model.outputs.map((o) => ({ name: o.name, optimized: optimized[o.name], plain: plain[o.name] }));
  } finally {
    model.dispose();
  }
}

/** The rules applied to `bytes`, as inspect reports them. */
async function rulesOf(bytes: Uint8Array | string): Promise<string[]> {
  return (await inspectModel(bytes)).rewrites.map((r) => r.rule);
}

/**
 * `rules` are exactly the rules applied (none for a precondition that is false), and the
 * rewritten graph matches the file's graph within 1e-5 and LiteRT.js on the original file.
 */
async function expectRewrite(t: Test, bytes: Uint8Array, rules: string[], litert = true): Promise<void> {
  t.same((await rulesOf(bytes)).sort(), [...rules].sort(), rules.length ? `applies ${rules.join(', ')}` : 'applies no rule');
  for (const o of await runBothWays(bytes)) {
    const d = difference(o.optimized, o.plain);
    t.ok(d.maxAbs <= 1e-5 * d.scale, `${o.name}: rewritten within 1e-5 of the file's graph (max |diff| ${d.maxAbs.toExponential(2)}, scale ${d.scale.toFixed(3)})`);
  }
  if (litert) await expectParity(t, bytes);
}

const D2S = 'transposed-conv-to-depth-to-space';
const AFFINE = 'channel-affine-into-weights';
const RESHAPES = 'collapse-reshapes';
const IDENTITIES = 'remove-identities';

t.test(`${D2S}: kernel equal to the stride`, async (t) => {
  await t.test('TRANSPOSE_CONV 2x2 stride 2 VALID, bias, RELU', (t) => expectRewrite(t, transposeConvModel({ h: 5, w: 6, c: 3, out: 4, kernel: 2, stride: 2, padding: 'VALID', activation: 'RELU' }), [D2S]));
  await t.test('TRANSPOSE_CONV 3x3 stride 3 SAME, no bias', (t) => expectRewrite(t, transposeConvModel({ h: 4, w: 3, c: 5, out: 2, kernel: 3, stride: 3, padding: 'SAME', bias: false }), [D2S]));
  await t.test('TRANSPOSE_CONV 1x1 stride 1 (a plain 1x1 convolution)', (t) => expectRewrite(t, transposeConvModel({ h: 4, w: 4, c: 3, out: 6, kernel: 1, stride: 1, padding: 'VALID', activation: 'RELU6' }), [D2S]));
  await t.test('MediaPipe Convolution2DTransposeBias 2x2 stride 2', (t) => expectRewrite(t, mediapipeTransposeConvModel({ h: 8, w: 6, c: 16, out: 1, kernel: 2 }), [D2S]));
  await t.test('not: a 3x3 kernel of stride 2 overlaps', (t) => expectRewrite(t, transposeConvModel({ h: 5, w: 5, c: 3, out: 4, kernel: 3, stride: 2, padding: 'SAME' }), []));
  await t.test('not: MediaPipe 3x3 kernel of stride 2', (t) => expectRewrite(t, mediapipeTransposeConvModel({ h: 5, w: 5, c: 4, out: 3, kernel: 3 }), []));
});

t.test(`${AFFINE}: per-channel MUL/ADD after a layer`, async (t) => {
  await t.test('CONV_2D -> MUL [O] -> ADD [1,1,1,O] RELU6', (t) => expectRewrite(t, convBatchNormModel(), [AFFINE, AFFINE]));
  await t.test('DEPTHWISE_CONV_2D -> MUL scalar; FULLY_CONNECTED -> ADD [O] RELU', (t) => expectRewrite(t, depthwiseAndDenseAffineModel(), [AFFINE, AFFINE]));
  await t.test('not: the convolution has a fused activation', (t) => expectRewrite(t, convBatchNormModel({ convActivation: 'RELU' }), []));
  await t.test('not: the convolution\'s output is also a graph output', (t) => expectRewrite(t, convBatchNormModel({ convIsOutput: true }), []));
  await t.test('not: a MUL by another activation', (t) => expectRewrite(t, convTimesActivationModel(), []));
});

t.test(`${RESHAPES} and ${IDENTITIES}`, async (t) => {
  await t.test('RESHAPE -> SQUEEZE -> EXPAND_DIMS collapse into one RESHAPE', (t) => expectRewrite(t, reshapeChainModel(), [RESHAPES, RESHAPES]));
  await t.test('a RESHAPE to the same shape and cancelling TRANSPOSEs are removed', (t) => expectRewrite(t, identitiesModel(), [IDENTITIES, IDENTITIES]));
  await t.test('not: the middle of the chain is a graph output (only the rest collapses)', (t) => expectRewrite(t, reshapeChainModel({ middleIsOutput: true }), [RESHAPES]));
  await t.test('not: the identity RESHAPE writes a graph output', (t) => expectRewrite(t, identitiesModel({ identityIsOutput: true }), []));
});

t.test('selfie segmentation: its transposed convolution is rewritten, results within 1e-5', async (t) => {
  const file = zooModel('selfie_segmentation').file;
  const report = await inspectModel(file);
  t.same(report.rewrites, [{ rule: D2S, operators: [report.placement.findIndex((p) => p.op === 'Convolution2DTransposeBias')] }], 'inspect names the rule and the operator');
  for (const o of await runBothWays(file, [0, 1])) {
    const d = difference(o.optimized, o.plain);
    t.ok(d.maxAbs <= 1e-5 * d.scale, `${o.name}: max |diff| ${d.maxAbs.toExponential(2)} (scale ${d.scale.toFixed(3)})`);
  }
});

t.test('optimize must be a boolean', async (t) => {
  const model = await loadModel(convBatchNormModel());
  await t.rejects(model.createSession({ optimize: 'no' as unknown as boolean }), { name: 'TypeError', message: /options\.optimize/ });
  model.dispose();
});

t.test('the weight cache keeps rewritten and unrewritten weights apart, across processes', async (t) => {
  const dir = t.testdir({});
  const model = path.join(dir, 'model.tflite');
  fs.writeFileSync(model, transposeConvModel({ h: 16, w: 16, c: 8, out: 4, kernel: 2, stride: 2, padding: 'VALID' }));
  const cache = path.join(dir, 'cache');
  const run = (optimize: boolean, cacheDir: string) => {
    const r = spawnSync(process.execPath, [worker, model, cacheDir, String(optimize)], { encoding: 'utf8', env: workerEnv });
    if (r.status !== 0) throw new Error(`worker failed: ${r.stderr}`);
    return JSON.parse(r.stdout.trim().split('\n').pop()!) as { state: string; warnings: string[]; outputs: string };
  };
  const expected = { true: run(true, '').outputs, false: run(false, '').outputs };
  for (const optimize of [true, false, true, false]) {
    const r = run(optimize, cache);
    t.same(r.warnings, [], `optimize ${optimize}: no warning`);
    t.equal(r.outputs, expected[`${optimize}`], `optimize ${optimize}: bit-identical to a session without cache`);
  }
  t.equal(cacheFiles(cache).length, 2, 'one cache file per kind of session');
  t.equal(run(true, cache).state, 'mapped', 'a rewritten session maps its file');
  t.equal(run(false, cache).state, 'mapped', 'an unrewritten session maps its own');
});

t.test('xnnlite inspect lists the rewrites; bench --no-optimize runs the file\'s graph', async (t) => {
  const dir = t.testdir({});
  const model = path.join(dir, 'model.tflite');
  fs.writeFileSync(model, convBatchNormModel());
  const bin = path.join(__dirname, '..', 'bin', 'xnnlite.js');
  const cli = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', env: { ...process.env, CI: '1' } });
  const inspect = cli('inspect', model);
  t.equal(inspect.status, 0);
  t.match(inspect.stdout, /rewrites: 2 /);
  t.match(inspect.stdout, new RegExp(`${AFFINE}: CONV_2D #0, MUL #1\\n`));
  t.match(inspect.stdout, new RegExp(`${AFFINE}: CONV_2D #0, MUL #1, ADD #2\\n`));
  const bench = cli('bench', model, '--threads', '1', '--runs', '2', '--warmup', '0', '--no-optimize');
  t.equal(bench.status, 0, bench.stderr);
  t.match(bench.stdout, /graph\s+as in the file \(--no-optimize\)/);
});
