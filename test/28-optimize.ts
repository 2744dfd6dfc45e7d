// Pruning and clustering (lib/optimize): the files they write, read back
// (sparsity, zeros, channels, distinct values), run in LiteRT.js (TFLite's
// own runtime) and in xnnlite with the same results; the report's fields;
// the refusals. Models: three small zoo models, as the zoo stores them (FP16
// weights behind DEQUANTIZE), and a small float32 classifier written here
// (residual block, depthwise convolution, MEAN, FULLY_CONNECTED), whose
// every channel group structured pruning can cut. Pruning and clustering
// without retraining move outputs a lot; what is tested is that the files are
// what they claim and run identically in both runtimes, not their accuracy
// (the report measures that).
import t from 'tap';
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { cluster, optimizationReport, prune } from '../lib/index';
import { readModel } from '../lib/model/reader';
import { writeModel, type ModelSpec } from '../lib/model/writer';
import { ModelEdit } from '../lib/optimize/model-edit';
import { kmeans } from '../lib/optimize/kmeans';
import { fileSizes, weightSummary } from '../lib/optimize/report';
import { findWeights, type Weight } from '../lib/optimize/weights';
import { toSpec } from '../lib/quantize/rewrite';
import { expectParity, weights as values } from './helpers/op-model';
import { arithmetic, conv2d, depthwise, fullyConnected, reducer } from './helpers/options';
import { zooModel } from './helpers/zoo';

const zoo = (name: string) => new Uint8Array(fs.readFileSync(zooModel(name).file));
const filters = (bytes: Uint8Array): Weight[] => findWeights(new ModelEdit(toSpec(readModel(bytes)))).weights;
const sparseTensors = (bytes: Uint8Array) => readModel(bytes).subgraphs[0].tensors.filter((x) => x.sparsity).length;
/** Output channels of every CONV_2D, by the name of its output. */
function convChannels(bytes: Uint8Array): Map<string, number> {
  const sg = readModel(bytes).subgraphs[0];
  return new Map(sg.operators.filter((op) => op.op === 'CONV_2D').map((op) => [sg.tensors[op.outputs[0]].name, sg.tensors[op.outputs[0]].shape[3]]));
}

/** input -> conv+relu -> depthwise -> 1x1 conv -> + (residual) -> relu -> 1x1 conv -> mean -> fully connected [1, 10]. */
function classifier(): Uint8Array {
  const spec: ModelSpec = {
    subgraphs: [{
      tensors: [
        { name: 'image', shape: [1, 8, 8, 3] },
        { name: 'w1', shape: [8, 3, 3, 3], data: values([8, 3, 3, 3], 1) }, { name: 'b1', shape: [8], data: values([8], 2, 0.1) },
        { name: 'c1', shape: [1, 8, 8, 8] },
        { name: 'wd', shape: [1, 3, 3, 8], data: values([1, 3, 3, 8], 3) }, { name: 'bd', shape: [8], data: values([8], 4, 0.1) },
        { name: 'd', shape: [1, 8, 8, 8] },
        { name: 'w2', shape: [8, 1, 1, 8], data: values([8, 1, 1, 8], 5) }, { name: 'b2', shape: [8], data: values([8], 6, 0.1) },
        { name: 'c2', shape: [1, 8, 8, 8] },
        { name: 'sum', shape: [1, 8, 8, 8] },
        { name: 'w3', shape: [12, 1, 1, 8], data: values([12, 1, 1, 8], 7) }, { name: 'b3', shape: [12], data: values([12], 8, 0.1) },
        { name: 'c3', shape: [1, 8, 8, 12] },
        { name: 'axes', shape: [2], dtype: 'int32', data: Int32Array.from([1, 2]) },
        { name: 'pooled', shape: [1, 12] },
        { name: 'wf', shape: [10, 12], data: values([10, 12], 9) }, { name: 'bf', shape: [10], data: values([10], 10, 0.1) },
        { name: 'logits', shape: [1, 10] },
      ],
      inputs: [0],
      outputs: [18],
      operators: [
        { op: 'CONV_2D', inputs: [0, 1, 2], outputs: [3], options: conv2d({ padding: 'SAME', activation: 'RELU' }) },
        { op: 'DEPTHWISE_CONV_2D', inputs: [3, 4, 5], outputs: [6], options: depthwise({ padding: 'SAME' }) },
        { op: 'CONV_2D', inputs: [6, 7, 8], outputs: [9], options: conv2d() },
        { op: 'ADD', inputs: [9, 3], outputs: [10], options: arithmetic('ADD', 'RELU') },
        { op: 'CONV_2D', inputs: [10, 11, 12], outputs: [13], options: conv2d({ activation: 'RELU' }) },
        { op: 'MEAN', inputs: [13, 14], outputs: [15], options: reducer(false) },
        { op: 'FULLY_CONNECTED', inputs: [15, 16, 17], outputs: [18], options: fullyConnected() },
      ],
    }],
  };
  return writeModel(spec);
}

t.test('unstructured pruning at 50% on face_detection_short_range: sparse format, half zeros, smaller, same results in LiteRT.js', async (t) => {
  const original = zoo('face_detection_short_range');
  let notes: string[] = [];
  const pruned = await prune(original, { sparsity: 0.5, onNotes: (n) => { notes = n; } });
  t.ok(pruned.length < original.length, `smaller: ${pruned.length} of ${original.length} bytes`);
  const before = filters(original);
  const after = filters(pruned);
  t.equal(after.length, before.length, 'every filter is still there');
  for (const w of after) {
    const zeros = w.constant.values.filter((v) => v === 0).length;
    if (zeros < Math.round(0.5 * w.constant.values.length)) t.fail(`${w.name}: ${zeros} zeros of ${w.constant.values.length}`);
  }
  const summary = weightSummary(pruned);
  t.ok(Math.abs(summary.zeros / summary.weights - 0.5) < 0.01, `${(100 * summary.zeros / summary.weights).toFixed(2)}% of the weights are zero`);
  t.ok(after.every((w) => w.constant.storage === 'float16'), 'FP16 weights stay FP16');
  t.ok(sparseTensors(pruned) >= after.length - 2, `${sparseTensors(pruned)} of ${after.length} filters stored in TFLite's sparse format`);
  t.equal(readModel(pruned).subgraphs[0].operators.filter((op) => op.op === 'DENSIFY').length, sparseTensors(pruned), 'each behind a DENSIFY, as TFLite\'s converter writes them');
  t.match(notes[0], /^pruned 37 filter\(s\) \(each\) to 50\.0% zeros; \d+ stored in the sparse format/);
  // The surviving weights are the original ones, untouched.
  const kept = before.every((w, k) => w.constant.values.every((v, i) => after[k].constant.values[i] === 0 || after[k].constant.values[i] === v));
  t.ok(kept, 'every weight is either zero or its original value');
  await expectParity(t, pruned, 1e-4, [-1, 1]);

  // float32 weights: stored sparse as float32 behind DENSIFY alone (the FULLY_CONNECTED's too).
  const f32 = await prune(classifier(), { sparsity: 0.75 });
  t.ok(filters(f32).every((w) => w.constant.storage === 'float32' && w.constant.sparse), 'float32 filters stored sparse as float32');
  t.ok(readModel(f32).subgraphs[0].operators.every((op) => op.op !== 'DEQUANTIZE'), 'without DEQUANTIZE');
  await expectParity(t, f32, 1e-5);

  const global = await prune(original, { sparsity: 0.5, scope: 'global' });
  const g = weightSummary(global);
  t.equal(g.zeros, Math.round(0.5 * g.weights), 'global scope: exactly half of all weights are zero');
  const perFilter = filters(global).map((w) => w.constant.values.filter((v) => v === 0).length / w.constant.values.length);
  t.ok(Math.max(...perFilter) - Math.min(...perFilter) > 0.2, 'global scope: filters lose different fractions');
});

t.test('structured pruning: fewer channels, same results in LiteRT.js, and convolutions it cannot rewrite are named', async (t) => {
  const small = classifier();
  let notes: string[] = [];
  const pruned = await prune(small, { sparsity: 0.5, structured: true, onNotes: (n) => { notes = n; } });
  t.same(Object.fromEntries(convChannels(pruned)), { c1: 4, c2: 4, c3: 6 }, 'the residual group (c1, c2, the depthwise) and c3 lose half their channels');
  const sg = readModel(pruned).subgraphs[0];
  const shapeOf = (name: string) => sg.tensors.find((x) => x.name === name)?.shape;
  t.same(shapeOf('wd'), [1, 3, 3, 4], 'the depthwise filter follows');
  t.same(shapeOf('wf'), [10, 6], 'the fully-connected layer loses the matching inputs');
  t.same(shapeOf('logits'), [1, 10], 'outputs keep their shapes');
  t.same(notes, ['removed 14 of the 28 output channels of 3 convolution(s); 0 of 3 kept theirs'], 'counted per convolution: 4 of 8 in c1 and c2, 6 of 12 in c3');
  t.ok(pruned.length < small.length * 0.75, `dense and smaller: ${pruned.length} of ${small.length} bytes`);
  await expectParity(t, pruned, 1e-5);

  const hand = zoo('hand_landmark_lite');
  const handPruned = await prune(hand, { sparsity: 0.25, structured: true });
  const [b, a] = [convChannels(hand), convChannels(handPruned)];
  const total = (m: Map<string, number>) => [...m.values()].reduce((x, y) => x + y, 0);
  t.ok(total(a) < 0.8 * total(b), `hand_landmark_lite: ${total(a)} of ${total(b)} convolution channels`);
  t.equal(sparseTensors(handPruned), 0, 'a dense model');
  await expectParity(t, handPruned, 1e-4, [0, 1]);

  // BlazeFace widens its residual paths by padding channels (PAD): the padded channels are pruned with the
  // rest, and the PADs append fewer. Its heads' outputs are reshaped into the model's outputs: those
  // convolutions keep their channels, and the notes say why.
  const face = zoo('face_detection_short_range');
  let faceNotes: string[] = [];
  const facePruned = await prune(face, { sparsity: 0.5, structured: true, onNotes: (n) => { faceNotes = n; } });
  t.match(faceNotes[0], /^removed \d+ of the \d+ output channels of 17 convolution\(s\); 4 of 21 kept theirs$/);
  t.same(faceNotes.slice(1).map((n) => n.replace(/#\d+/g, '#')), ['classificator_8', 'classificator_16', 'regressor_8', 'regressor_16']
    .map((name) => `kept the channels of CONV_2D # (${name}): read by RESHAPE #`));
  const [fb, fa] = [convChannels(face), convChannels(facePruned)];
  t.equal(fa.get('regressor_8'), fb.get('regressor_8'), 'a head keeps its channels');
  t.ok(fa.get('conv2d_2')! < fb.get('conv2d_2')!, `conv2d_2: ${fa.get('conv2d_2')} of ${fb.get('conv2d_2')} channels`);
  const pads = (bytes: Uint8Array) => {
    const sg = readModel(bytes).subgraphs[0];
    return sg.operators.filter((op) => op.op === 'PAD').map((op) => {
      const d = sg.tensors[op.inputs[1]].data!;
      return new Int32Array(Uint8Array.prototype.slice.call(d).buffer)[7];
    });
  };
  const [padsBefore, padsAfter] = [pads(face), pads(facePruned)];
  t.ok(padsBefore.some((p, k) => p > padsAfter[k]), `channel padding appended by the PADs: ${padsBefore.join(',')} before, ${padsAfter.join(',')} after`);
  t.equal(readModel(facePruned).subgraphs[0].tensors.filter((x) => x.name === 'regressors')[0].shape.join(), '1,896,16', 'outputs keep their shapes');
  await expectParity(t, facePruned, 1e-4, [-1, 1]);
});

t.test('clustering to 16 values: at most 16 per filter (or per channel), FP16 kept, same results in LiteRT.js, compresses better', async (t) => {
  const original = zoo('selfie_segmentation');
  const clustered = await cluster(original, { clusters: 16 });
  const after = filters(clustered);
  t.equal(after.length, filters(original).length);
  const most = Math.max(...after.map((w) => new Set(w.constant.values).size));
  t.ok(most <= 16, `at most ${most} distinct values in a filter`);
  t.ok(after.every((w) => w.constant.storage === 'float16' && !w.constant.sparse), 'dense FP16, as the model stored them');
  const [b, a] = [fileSizes(original), fileSizes(clustered)];
  t.ok(a.gzip / a.raw < 0.6 * (b.gzip / b.raw), `gzip: ${(100 * a.gzip / a.raw).toFixed(0)}% of the file, was ${(100 * b.gzip / b.raw).toFixed(0)}%`);
  t.ok(a.brotli < 0.5 * b.brotli, `brotli: ${a.brotli} bytes, was ${b.brotli}`);
  await expectParity(t, clustered, 1e-4, [0, 1]);

  const face = zoo('face_detection_short_range');
  const perChannel = await cluster(face, { clusters: 4, perChannel: true });
  let worst = 0;
  let distinctInFilter = 0;
  for (const w of filters(perChannel)) {
    const { shape, values: v } = w.constant;
    distinctInFilter = Math.max(distinctInFilter, new Set(v).size);
    const inner = shape.slice(w.channelAxis + 1).reduce((x, y) => x * y, 1);
    for (let c = 0; c < shape[w.channelAxis]; c++) {
      const seen = new Set<number>();
      for (let i = 0; i < v.length; i++) if (Math.floor(i / inner) % shape[w.channelAxis] === c) seen.add(v[i]);
      worst = Math.max(worst, seen.size);
    }
  }
  t.ok(worst <= 4, `per channel: at most ${worst} distinct values in a channel`);
  t.ok(distinctInFilter > 4, `(while a filter holds up to ${distinctInFilter})`);
  await expectParity(t, perChannel, 1e-4, [-1, 1]);

  // A sparse model keeps its zeros: they are one of the k values.
  const small = await prune(classifier(), { sparsity: 0.75 });
  const again = await cluster(small, { clusters: 3 });
  for (const w of filters(again)) {
    const distinct = new Set(w.constant.values);
    if (!(distinct.size <= 3 && distinct.has(0) && w.constant.sparse === filters(small).find((x) => x.name === w.name)!.constant.sparse)) t.fail(`${w.name}: ${[...distinct]}`);
  }
  t.ok(sparseTensors(again) > 0, 'filters stored sparse stay sparse');
  await expectParity(t, again, 1e-5);
});

t.test('k-means: deterministic, exact on few distinct values, never more than k', async (t) => {
  const data = values([5000], 11, 2);
  t.same(Array.from(kmeans(data, 16)), Array.from(kmeans(data, 16)), 'same centroids every time');
  t.equal(kmeans(data, 16).length, 16);
  t.same(Array.from(kmeans([3, 1, 3, 2, 1], 4)), [1, 2, 3], 'at most k distinct values come back as they are');
  const two = kmeans([0, 0.1, 0.2, 10, 10.1, 10.2], 2);
  t.ok(Math.abs(two[0] - 0.1) < 1e-9 && Math.abs(two[1] - 10.1) < 1e-9, `two clusters at their means: ${Array.from(two)}`);
});

t.test('the report: sizes, speed, error per output, top-1 agreement, weights, notes', async (t) => {
  const small = classifier();
  const pruned = await prune(small, { sparsity: 0.5, structured: true });
  const phases = new Set<string>();
  const report = await optimizationReport(small, pruned, {
    syntheticSamples: 3, speed: { rounds: 1, runs: 3 }, notes: ['a note'], onProgress: (phase) => phases.add(phase),
  });
  for (const side of ['before', 'after'] as const) {
    const s = report.size[side];
    t.ok(s.raw > 0 && s.gzip > 0 && s.brotli > 0, `${side}: raw ${s.raw}, gzip ${s.gzip}, brotli ${s.brotli}`);
  }
  t.equal(report.size.before.raw, small.length);
  t.equal(report.size.after.raw, pruned.length);
  t.ok(report.speed && report.speed.beforeMs > 0 && report.speed.afterMs > 0 && report.speed.speedup === report.speed.beforeMs / report.speed.afterMs, 'speed of both models and their ratio');
  t.match(report.speed, { rounds: 1, runs: 3, threads: 1 });
  t.match(report.accuracy, { samples: 3, synthetic: true });
  t.equal(report.accuracy.outputs.length, 1);
  const out = report.accuracy.outputs[0];
  t.equal(out.name, 'logits');
  t.ok(out.maxAbs > 0 && out.meanAbs > 0 && out.meanAbs <= out.maxAbs && out.scale > 0, `max ${out.maxAbs}, mean ${out.meanAbs}, scale ${out.scale}`);
  t.equal(out.relative, out.maxAbs / out.scale, 'relative: max |diff| over the largest |value|');
  t.ok(out.top1Agreement !== undefined && out.top1Agreement >= 0 && out.top1Agreement <= 1, `top-1 agreement ${out.top1Agreement} for a [1, 10] output`);
  t.match(report.weights, { before: { filters: 5, weights: 216 + 72 + 64 + 96 + 120, convolutionChannels: 28 }, after: { filters: 5, convolutionChannels: 14 } });
  t.same(report.notes, ['a note']);
  t.same([...phases].sort(), ['accuracy', 'speed']);

  const same = await optimizationReport(small, small, { samples: [{ image: values([192], 12) }], speed: false });
  t.equal(same.speed, undefined, 'speed: false leaves timing out');
  t.match(same.accuracy, { samples: 1, synthetic: false, outputs: [{ maxAbs: 0, relative: 0, top1Agreement: 1 }] });
});

t.test('bad arguments are refused with named errors', async (t) => {
  const small = classifier();
  for (const sparsity of [-0.1, 1, 1.5]) await t.rejects(prune(small, { sparsity }), RangeError, `sparsity ${sparsity}`);
  for (const sparsity of [NaN, '0.5', undefined]) await t.rejects(prune(small, { sparsity } as never), TypeError, `sparsity ${String(sparsity)}`);
  await t.rejects(prune(small, { sparsity: 0.5, scope: 'network' } as never), { name: 'TypeError', message: /Expected 'layer' or 'global' for options\.scope/ });
  await t.rejects(prune(small, { sparsity: 0.5, scope: 'global', structured: true }), { name: 'TypeError', message: /scope 'global' applies to unstructured pruning/ });
  await t.rejects(prune(small, { sparsity: 0.5, level: 2 } as never), { name: 'TypeError', message: /Unknown option "level"/ });
  for (const clusters of [1, 0, 257]) await t.rejects(cluster(small, { clusters }), RangeError, `clusters ${clusters}`);
  await t.rejects(cluster(small, { clusters: 2.5 }), TypeError);
  await t.rejects(cluster(small, { clusters: 16, perChannel: 'yes' } as never), TypeError);
  const noFilters = writeModel({ subgraphs: [{ tensors: [{ name: 'x', shape: [1, 4] }, { name: 'y', shape: [1, 4] }], inputs: [0], outputs: [1], operators: [{ op: 'RELU', inputs: [0], outputs: [1] }] }] });
  await t.rejects(prune(noFilters, { sparsity: 0.5 }), { name: 'TypeError', message: /the model has no float32 or FP16 filters of CONV_2D, DEPTHWISE_CONV_2D or FULLY_CONNECTED to prune/ });
  await t.rejects(prune(noFilters, { sparsity: 0.5, structured: true }), { name: 'TypeError', message: /no CONV_2D operators whose output channels could be pruned/ });
  await t.rejects(cluster(noFilters, { clusters: 16 }), { name: 'TypeError', message: /to cluster/ });
  await t.rejects(optimizationReport(small, small, { syntheticSamples: 0 }), RangeError);
  await t.rejects(optimizationReport(small, small, { speed: true } as never), TypeError);
});

t.test('xnnlite prune and xnnlite cluster', async (t) => {
  const bin = path.join(__dirname, '..', 'bin', 'xnnlite.js');
  const cli = (...args: string[]) => {
    const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', env: { ...process.env, CI: '1' } });
    return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
  };
  const dir = t.testdir({});
  const face = zooModel('face_detection_short_range').file;
  const sweep = cli('prune', face, '-o', path.join(dir, 'face.tflite'), '--sparsity', '0.25,0.5', '--held-out', '1', '--rounds', '1', '--runs', '2');
  t.equal(sweep.code, 0, sweep.stderr);
  t.ok(fs.existsSync(path.join(dir, 'face_0.25.tflite')) && fs.existsSync(path.join(dir, 'face_0.5.tflite')), 'one file per sparsity');
  t.match(sweep.stdout, /error on 1 synthetic input\(s\); speedup: medians of 1 alternating round\(s\) of 2 runs, 1 thread\(s\)/);
  t.match(sweep.stdout, /^sparsity +file +gzip +brotli +speedup +max error \/ scale +zeros +CONV_2D channels$/m);
  t.match(sweep.stdout, /^0\.25 +[\d.]+ KiB \([\d.]+%\) .* [\d.]+x +[\d.]+% +25\.0% +\d+$/m);
  t.match(sweep.stdout, /^0\.5 +[\d.]+ KiB .* 50\.0% +\d+$/m);

  const one = cli('cluster', face, '-o', path.join(dir, 'face_c.tflite'), '--clusters', '16', '--held-out', '1', '--no-timing');
  t.equal(one.code, 0, one.stderr);
  t.match(one.stdout, /face_c\.tflite: 223\.7 KiB -> [\d.]+ KiB/);
  t.match(one.stdout, /^ {2}gzip +[\d.]+ KiB +[\d.]+ KiB \([\d.]+%\)$/m);
  t.match(one.stdout, /most distinct values in a filter +\d+ +(1[0-6]|[2-9])$/m);
  t.notMatch(one.stdout, /^speed:/m, '--no-timing');

  const bad = cli('prune', face, '-o', path.join(dir, 'x.tflite'), '--sparsity', '0.5,1');
  t.equal(bad.code, 2);
  t.match(bad.stderr, /--sparsity takes numbers from 0 up to \(not including\) 1/);
  const k = cli('cluster', face, '-o', path.join(dir, 'x.tflite'), '--clusters', '1');
  t.equal(k.code, 2);
  t.match(k.stderr, /--clusters takes integers from 2 to 256/);
  const noOut = cli('cluster', face, '--clusters', '8');
  t.equal(noOut.code, 2);
  t.match(noOut.stderr, /missing -o OUT/);
  const scope = cli('prune', face, '-o', path.join(dir, 'x.tflite'), '--sparsity', '0.5', '--scope', 'model');
  t.equal(scope.code, 2);
  t.match(scope.stderr, /--scope must be layer or global/);
});
