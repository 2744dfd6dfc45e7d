// Input shapes, as converters leave them open and TFLite's resize_tensor_input
// sets them: a resized session checked against LiteRT.js running a twin of
// the model written at those shapes with the same weights.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { loadModel, ShapeError } from '../lib/index';
import { native } from '../lib/native';
import { readModel } from '../lib/model/reader';
import { DEFAULT_LIMITS } from '../lib/model/validate';
import { analysisAtShapes, analyzeSubgraph } from '../lib/plan/analysis';
import { buildSessionPlan } from '../lib/plan/session-plan';
import { createRuntime } from '../lib/runtime';
import { resolveSessionOptions } from '../lib/session';
import { deterministicInput, expectCloseTo } from './helpers/compare';
import { attentionBlock, convClassifier, flattenClassifier, sharedWeightsModel } from './helpers/dynamic-models';
import { runReferenceTyped } from './helpers/litert';

const size = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

const ids = (n: number, seed: number) => Int32Array.from(deterministicInput(n, 0, 31.99, seed), (v) => Math.floor(v));

t.test('a BERT-style block with ids [1, -1] runs at 8, 40 and 8 again in one session', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xnnlite-resize-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const model = await loadModel(attentionBlock(8, true), { weightCache: dir });
  t.teardown(() => model.dispose());
  t.same(model.inputs[0].shapeSignature, [1, -1], 'the open dimension is reported');
  const session = await model.createSession({ threads: 1 });
  for (const [k, sequence] of [8, 40, 8].entries()) {
    if (k > 0) {
      const started = performance.now();
      await session.resize({ input_ids: [1, sequence] });
      t.comment(`resize to ${sequence}: ${(performance.now() - started).toFixed(1)} ms; weight cache ${session.weightCache?.state}`);
      t.equal(session.weightCache?.state, 'mapped', `resize to ${sequence} reuses the packed weights`);
    }
    t.same(session.inputs[0].shape, [1, sequence]);
    t.same(session.outputs.map((o) => o.shape), [[1, sequence, 16], [1, 16]]);
    const input = ids(sequence, sequence);
    const ours = await session.run({ input_ids: input });
    const ref = await runReferenceTyped(attentionBlock(sequence, false), [input]);
    expectCloseTo(t, ours.hidden_states, ref[0], `sequence ${sequence}: hidden states`);
    expectCloseTo(t, ours.pooled, ref[1], `sequence ${sequence}: pooled`);
  }
  t.throws(() => session.run({ input_ids: ids(40, 1) }), { name: 'TypeError', message: /Expected 8 values \(shape \[1,8\]\)/ }, 'runs take the current shape');
});

t.test('a classifier with batch -1 runs at batch 1 and 4, from createSession and resize', async (t) => {
  const model = await loadModel(convClassifier(1, true));
  t.teardown(() => model.dispose());
  const at4 = await model.createSession({ threads: 1, inputShapes: { image: [4, 16, 16, 3] } });
  const at1 = await model.createSession({ threads: 1 });
  const image = deterministicInput(size([4, 16, 16, 3]), -1, 1, 11);
  const ref4 = (await runReferenceTyped(convClassifier(4, false), [image]))[0];
  expectCloseTo(t, (await at4.run({ image })).probabilities, ref4, 'batch 4 from inputShapes');
  const one = image.subarray(0, size([1, 16, 16, 3]));
  expectCloseTo(t, (await at1.run({ image: one })).probabilities, ref4.subarray(0, 10), 'batch 1: the first item of batch 4');
  await at1.resize({ image: [4, 16, 16, 3] });
  expectCloseTo(t, (await at1.run({ image })).probabilities, ref4, 'batch 4 after resize');
});

t.test('a RESHAPE whose target the model computes from its input (SHAPE -> STRIDED_SLICE -> PACK) follows a new batch', async (t) => {
  const model = await loadModel(flattenClassifier(1, true));
  t.teardown(() => model.dispose());
  const session = await model.createSession({ threads: 1, inputShapes: { image: [3, 4, 4, 2] } });
  t.same(session.outputs[0].shape, [3, 10]);
  const image = deterministicInput(size([3, 4, 4, 2]), -1, 1, 21);
  const ref = (await runReferenceTyped(flattenClassifier(3, false), [image]))[0];
  expectCloseTo(t, (await session.run({ image })).probabilities, ref, 'batch 3');
  await session.resize({ image: [1, 4, 4, 2] });
  expectCloseTo(t, (await session.run({ image: image.subarray(0, 32) })).probabilities, ref.subarray(0, 10), 'back at batch 1: the first item');
});

t.test('runs queued before a resize complete at the old shapes, later ones at the new', async (t) => {
  const model = await loadModel(convClassifier(1, true));
  t.teardown(() => model.dispose());
  const session = await model.createSession({ threads: 1 });
  const one = deterministicInput(size([1, 16, 16, 3]), -1, 1, 12);
  const two = deterministicInput(size([2, 16, 16, 3]), -1, 1, 13);
  const before = [session.run({ image: one }), session.run({ image: one })];
  const resized = session.resize({ image: [2, 16, 16, 3] });
  t.same(session.inputs[0].shape, [2, 16, 16, 3], 'inputs describe the new shapes at once');
  const after = session.run({ image: two });
  t.throws(() => session.runSync({ image: two }), { code: 'ERR_XNNLITE_BUSY' });
  const [a, b] = await Promise.all(before);
  await resized;
  t.equal(a.probabilities.length, 10);
  t.same(b.probabilities, a.probabilities);
  t.equal((await after).probabilities.length, 20);
});

t.test('shapes a model cannot take are refused, naming the operator; the session keeps its shapes', async (t) => {
  const model = await loadModel(convClassifier(1, true));
  t.teardown(() => model.dispose());
  await t.rejects(model.createSession({ inputShapes: { image: [1, 16, 16, 4] } }), { name: 'ShapeError', code: 'ERR_XNNLITE_SHAPE', message: /CONV_2D #0/ });
  await t.rejects(model.createSession({ inputShapes: { image: [1, 16, 16] } }), { name: 'RangeError', message: /rank 3/ });
  await t.rejects(model.createSession({ inputShapes: { pixels: [1, 16, 16, 3] } }), { name: 'TypeError', message: /Unknown input "pixels"/ });
  await t.rejects(model.createSession({ inputShapes: { image: [0, 16, 16, 3] } }), { name: 'TypeError', message: /integers from 1/ });
  await t.rejects(model.createSession({ inputShapes: { image: [100000, 1000, 1000, 3] } }), ShapeError, 'a shape over the size limit');
  const session = await model.createSession({ threads: 1 });
  await t.rejects(session.resize({ image: [2, 16, 16, 5] }), { name: 'ShapeError' });
  t.same(session.inputs[0].shape, [1, 16, 16, 3], 'a refused resize changes nothing');
  const out = await session.run({ image: deterministicInput(size([1, 16, 16, 3]), -1, 1, 3)  });
  t.equal(out.probabilities.length, 10, 'and the session still runs');
  session.dispose();
  await t.rejects(session.resize({ image: [2, 16, 16, 3] }), { name: 'DisposedError' });
});

t.test('without a cache file, a resize packs nothing again: the new runtime finds the weights its session packed', async (t) => {
  const bytes = convClassifier(1, true);
  const analysis = analyzeSubgraph(readModel(bytes, DEFAULT_LIMITS), 0, { optimize: true });
  const options = resolveSessionOptions({ threads: 1, weightCache: false }, 'options');
  const planAt = (batch: number) => buildSessionPlan(analysisAtShapes(analysis, new Map([[analysis.subgraph.inputs[0], [batch, 16, 16, 3]]])));
  const run = async (runtime: { invokeAsync(i: ArrayBufferView[], o: ArrayBufferView[]): Promise<void> }, batch: number) => {
    const out = new Float32Array(batch * 10);
    await runtime.invokeAsync([deterministicInput(size([batch, 16, 16, 3]), -1, 1, 5)], [out]);
    return out;
  };

  const first = (await createRuntime(planAt(1), options, undefined)).runtime;
  const packed = first.packedWeights();
  t.ok(packed && packed.packed > 0 && packed.bytes > 0, `the first runtime packs (${packed?.packed} buffers, ${packed?.bytes} bytes)`);
  first.dispose();
  const second = (await createRuntime(planAt(4), options, undefined, packed)).runtime;
  t.equal(second.packedWeights()?.packed, 0, 'a runtime at batch 4 made with them packs nothing');
  t.equal(second.packedWeights()?.bytes, packed!.bytes, 'and holds no more');
  const fresh = (await createRuntime(planAt(4), options, undefined)).runtime;
  t.same(await run(second, 4), await run(fresh, 4), 'results bit-identical to a runtime that packed its own');
  second.dispose();
  fresh.dispose();
  t.throws(() => native().SessionRuntime.create(planAt(1).native, 1, 0, undefined, {}), { message: /packed must come from a runtime's packedWeights\(\)/ },
    'anything else is refused');

  // Quantized weights two layers share are packed for each runtime (never named): they go with the runtime.
  const shared = analyzeSubgraph(readModel(sharedWeightsModel(), DEFAULT_LIMITS), 0, { optimize: true });
  const int8 = resolveSessionOptions({ threads: 1, weightCache: false, precision: 'dynamic-int8' }, 'options');
  let handle: ReturnType<typeof first.packedWeights>;
  let held = 0;
  for (let k = 0; k < 4; k++) {
    const runtime = (await createRuntime(buildSessionPlan(shared, { precision: 'dynamic-int8' }), int8, undefined, handle)).runtime;
    handle = runtime.packedWeights();
    if (k === 0) held = handle!.bytes;
    t.equal(handle!.packed, 2, `runtime ${k + 1} packs the two layers' weights`);
    runtime.dispose();
  }
  t.equal(handle!.bytes, held, 'and what each packed goes with it: resizing over and over holds no more');

  const model = await loadModel(bytes);
  t.teardown(() => model.dispose());
  const session = await model.createSession({ threads: 1 });
  const image = deterministicInput(size([4, 16, 16, 3]), -1, 1, 11);
  const ref4 = (await runReferenceTyped(convClassifier(4, false), [image]))[0];
  await session.resize({ image: [4, 16, 16, 3] });
  expectCloseTo(t, (await session.run({ image })).probabilities, ref4, 'a session resized without a cache, as LiteRT.js');
  await session.resize({ image: [2, 16, 16, 3] });
  expectCloseTo(t, (await session.run({ image: image.subarray(0, size([2, 16, 16, 3])) })).probabilities, ref4.subarray(0, 20), 'and again');
});
