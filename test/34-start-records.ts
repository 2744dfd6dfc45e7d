// Start records: a warm start makes its model summary and session plan from
// what an earlier start recorded beside the cache files, and gets the same
// model description and bit-identical results. A damaged, hostile or
// mismatched record is never used: the work is done again and the record
// written anew.
import t from 'tap';
import fs from 'node:fs';
import path from 'node:path';
import { loadModel, type Model } from '../lib/index';
import { readRecord, writeRecord } from '../lib/cache/start-records';
import { clearCache } from '../lib/cache/files';
import { zooModel } from './helpers/zoo';
import { writeModel } from '../lib/model/writer';
import { batchMatmul, conv2d } from './helpers/options';
import { sharedWeightsModel } from './helpers/dynamic-models';
import { float16ToFloat32, float32ToFloat16Bits } from '../lib/model/float16';
import { weights } from './helpers/op-model';
import { runWorker } from './helpers/cache-run';

const small = zooModel('face_detection_short_range').file;
const records = (dir: string) => fs.readdirSync(dir).filter((f) => f.endsWith('.xnnrec'));

async function runOnce(model: Model, options = {}) {
  const session = await model.createSession({ threads: 1, ...options });
  const info = session.inputs[0];
  const x = Float32Array.from({ length: info.shape.reduce((a, b) => a * b, 1) }, (_, i) => Math.sin(i * 0.37));
  const out = await session.run({ [info.name]: x });
  return { session, outputs: session.outputs.map((o) => Buffer.from((out[o.name] as Float32Array).buffer).toString('hex')).join(':') };
}

/** Description, inputs, outputs, signatures and operators: what loadModel reports. */
const described = (m: Model) => JSON.stringify([m.description, m.version, m.inputs, m.outputs, m.signatures, m.operators, m.metadataNames, m.byteLength]);

async function start(file: string, dir: string, options = {}) {
  const model = await loadModel(file, { weightCache: dir });
  try {
    const { session, outputs } = await runOnce(model, options);
    return { description: described(model), outputs, plan: session.weightCache?.plan, state: session.weightCache?.state };
  } finally {
    await model[Symbol.asyncDispose]();
  }
}

async function uncached(file: string, options = {}) {
  const model = await loadModel(file, { weightCache: false });
  try {
    return { description: described(model), outputs: (await runOnce(model, options)).outputs };
  } finally {
    model.dispose();
  }
}

t.test('a warm start is made from the records of the first: same description, same bits', async (t) => {
  for (const name of ['face_detection_short_range', 'hand_landmark_lite', 'selfie_segmentation']) {
    const file = zooModel(name).file;
    const dir = t.testdir({});
    const reference = await uncached(file);
    const cold = await start(file, dir);
    t.equal(cold.plan, 'planned', `${name}: the first start plans`);
    t.equal(records(dir).length, 2, `${name}: and records the model's summary and the session's plan`);
    const warm = await start(file, dir);
    t.equal(warm.plan, 'recorded', `${name}: the next start makes the session from the record`);
    t.equal(warm.state, 'mapped');
    t.equal(warm.description, reference.description, `${name}: the model is described as when read from its file`);
    t.equal(warm.outputs, reference.outputs, `${name}: bit-identical results`);
  }
});

t.test('records are used across processes', async (t) => {
  const dir = t.testdir({});
  const cold = runWorker(small, dir);
  const warm = runWorker(small, dir);
  t.equal(cold.plan, 'planned');
  t.equal(warm.plan, 'recorded');
  t.equal(warm.outputs, cold.outputs);
});

t.test('the summary a warm load reports is the record', async (t) => {
  const dir = t.testdir({});
  await start(small, dir);
  // The record is named by the model's SHA-256 and the limits: change what it says, keeping it well-formed.
  const real = fs.realpathSync(dir);
  const sha256 = (await import('node:crypto')).createHash('sha256').update(fs.readFileSync(small)).digest();
  const key = 'limits=1073741824,8589934592;kernels=xnnpack';
  const summary = readRecord<{ description: string }>(real, sha256, 'model', key);
  t.ok(summary, 'the summary is recorded under the model digest and the default limits');
  await writeRecord(real, sha256, 'model', key, { ...summary, description: 'from the record' });
  const model = await loadModel(small, { weightCache: dir });
  t.equal(model.description, 'from the record', 'a warm load does not read the file again');
  model.dispose();
  const limited = await loadModel(small, { weightCache: dir, maxTotalBytes: 1 << 30 });
  t.not(limited.description, 'from the record', 'other limits are checked against the file');
  limited.dispose();
});

t.test('a damaged record is not used: the session is planned and recorded again', async (t) => {
  const reference = await uncached(small);
  for (const damage of ['flip', 'truncate', 'empty', 'garbage']) {
    const dir = t.testdir({});
    await start(small, dir);
    for (const name of records(dir)) {
      const file = path.join(dir, name);
      const bytes = fs.readFileSync(file);
      if (damage === 'flip') bytes[bytes.length - 5] ^= 0x40;
      fs.writeFileSync(file, damage === 'truncate' ? bytes.subarray(0, bytes.length >> 1)
        : damage === 'empty' ? Buffer.alloc(0) : damage === 'garbage' ? Buffer.from('XNNLREC\0not a record at all') : bytes);
    }
    const again = await start(small, dir);
    t.equal(again.plan, 'planned', `${damage}: planned again`);
    t.equal(again.outputs, reference.outputs, `${damage}: correct results`);
    t.equal(again.description, reference.description, `${damage}: the model read from its file`);
    const next = await start(small, dir);
    t.equal(next.plan, 'recorded', `${damage}: the record written anew is used next time`);
  }
});

t.test('a well-formed record that does not make the plan is refused, never crashing', async (t) => {
  const reference = await uncached(small);
  const sha256 = (await import('node:crypto')).createHash('sha256').update(fs.readFileSync(small)).digest();
  const key = 'entry=null;optimize=true;precision=fp32;kernels=xnnpack';
  type Step = { calls?: [string, unknown[], unknown][] };
  type Plan = { native: { steps: Step[]; arenaBytes: number; tensors: { offset?: number }[] }; hints: unknown };
  const inSteps = (damage: (steps: Step[]) => void) => (plan: Plan) => damage(plan.native.steps);
  const damages: [string, (plan: Plan) => void][] = [
    ['a method that is not a define call', inSteps((steps) => { steps.find((s) => s.calls)!.calls![0][0] = 'dispose'; })],
    ['an unknown method', inSteps((steps) => { steps.find((s) => s.calls)!.calls![0][0] = 'defineNothing'; })],
    ['a returned id that differs', inSteps((steps) => { steps.find((s) => s.calls)!.calls![0][2] = 12345; })],
    ['data outside the model', inSteps((steps) => {
      const call = steps.find((s) => s.calls)!.calls!.find((c) => c[1].some((a) => (a as { modelView?: unknown })?.modelView))!;
      const k = call[1].findIndex((a) => (a as { modelView?: unknown })?.modelView);
      call[1][k] = { modelView: ['Float32Array', 1 << 30, 16] };
    })],
    ['arguments XNNPACK refuses', inSteps((steps) => { steps.find((s) => s.calls)!.calls![0][1] = [999, [1, 2], null, -7, 0]; })],
    ['a step that is not one', inSteps((steps) => { steps.push({ calls: 'no' as never }); })],
    ['no hints', (plan) => { plan.hints = undefined; }],
    ['an arena the binding refuses', (plan) => { plan.native.arenaBytes = -4; }],
    ['a tensor outside the arena', (plan) => { plan.native.tensors.find((x) => x.offset !== undefined)!.offset = 1e12; }],
  ];
  for (const [what, damage] of damages) {
    const dir = t.testdir({});
    await start(small, dir);
    const real = fs.realpathSync(dir);
    const record = readRecord<{ plan: Plan }>(real, sha256, 'session', key);
    t.ok(record, `${what}: the session's plan is recorded under its options`);
    damage(record!.plan);
    await writeRecord(real, sha256, 'session', key, record);
    const again = await start(small, dir);
    t.equal(again.plan, 'planned', `${what}: planned as usual`);
    t.equal(again.outputs, reference.outputs, `${what}: correct results`);
  }
});

t.test('records are per session options; sessions at other input shapes plan', async (t) => {
  const dir = t.testdir({});
  const reference = await uncached(small, { precision: 'fp16' });
  await start(small, dir);
  const fp16 = await start(small, dir, { precision: 'fp16' });
  t.equal(fp16.plan, 'planned', 'another precision has no record yet');
  const again = await start(small, dir, { precision: 'fp16' });
  t.equal(again.plan, 'recorded', 'now it has');
  t.equal(again.outputs, reference.outputs);
  const shaped = await start(small, dir, { inputShapes: { input: [1, 128, 128, 3] } });
  t.equal(shaped.plan, 'planned', 'input shapes set by the options are planned every time');
  const model = await loadModel(small, { weightCache: dir });
  const { session } = await runOnce(model);
  t.equal(session.weightCache?.plan, 'recorded');
  await session.resize({ input: [2, 128, 128, 3] });
  t.equal(session.weightCache?.plan, 'planned', 'a resize plans (reading the file a warm load skipped)');
  model.dispose();
});

t.test('cache clear removes records; prune keeps the recently used', async (t) => {
  const dir = t.testdir({});
  await start(small, dir);
  const real = fs.realpathSync(dir);
  const removed = clearCache(real);
  t.ok(records(dir).length === 0 && removed.some((f) => f.endsWith('.xnnrec')), 'clear removes them with the cache files');
  t.same(fs.readdirSync(dir), []);
});

t.test('dynamic-int8 sessions give the same results without a cache, cold and warm (XNNPACK packs their bias unnamed)', async (t) => {
  const file = zooModel('face_detection_full_range').file;
  const reference = await uncached(file);
  const quantized = await uncached(file, { precision: 'dynamic-int8' });
  const dir = t.testdir({});
  const cold = await start(file, dir, { precision: 'dynamic-int8' });
  const warm = await start(file, dir, { precision: 'dynamic-int8' });
  t.equal(cold.outputs, quantized.outputs, 'cold: as without a cache');
  t.equal(warm.state, 'mapped');
  t.equal(warm.outputs, quantized.outputs, 'warm: as without a cache');
  const values = (hex: string) => new Float32Array(Uint8Array.from(Buffer.from(hex.split(':')[0], 'hex')).buffer);
  const [q, f] = [values(quantized.outputs), values(reference.outputs)];
  const scale = Math.max(...f.map(Math.abs));
  const mean = q.reduce((s, v, k) => s + Math.abs(v - f[k]), 0) / q.length / scale;
  t.ok(mean < 0.03, `close to float32 on average (${(mean * 100).toFixed(2)}% of the output scale): every bias is in`);

  // Two layers reading one weights tensor with different biases: the qd8 packing of each holds its own bias.
  const shared = sharedWeightsModel();
  const x = Float32Array.from({ length: 8 }, (_, i) => Math.cos(i));
  const runShared = async (options: object) => {
    const model = await loadModel(shared, { weightCache: dir });
    const session = await model.createSession({ threads: 1, ...options });
    const out = await session.run({ x });
    model.dispose();
    return [Array.from(out.y1 as Float32Array), Array.from(out.y2 as Float32Array)];
  };
  const float = await runShared({ weightCache: false });
  for (const pass of ['cold', 'warm']) {
    const [y1, y2] = await runShared({ precision: 'dynamic-int8' });
    t.ok(y1.every((v, k) => Math.abs(v - float[0][k]) < 0.1) && y2.every((v, k) => Math.abs(v - float[1][k]) < 0.1),
      `${pass}: each layer with its own bias (${y1.map((v) => v.toFixed(2))} / ${y2.map((v) => v.toFixed(2))})`);
  }
});

/** Float16 bytes of `values` (as TFLite stores FP16 weights, read through DEQUANTIZE). */
function fp16(values: Float32Array): Uint8Array {
  return new Uint8Array(Uint16Array.from(values, (v) => float32ToFloat16Bits(v)).buffer);
}

t.test('FP16 weights XNNPACK reads before any cache look-up are converted up front, with a cache or without', async (t) => {
  // A one-channel convolution (XNNPACK's multiply-add or depthwise path packs first) and a
  // batch matmul run with precision 'fp16' (XNNPACK copies its constant to FP16 first).
  const filter = weights([1, 3, 3, 1], 4);
  const matrix = weights([1, 4, 3], 6);
  const model = (half: boolean) => writeModel({
    description: 'fp16 weights (xnnlite test)',
    subgraphs: [{
      name: 'main',
      tensors: [
        { name: 'x', shape: [1, 8, 8, 1] },
        half ? { name: 'filter16', shape: [1, 3, 3, 1], dtype: 'float16', data: fp16(filter) } : { name: 'filter', shape: [1, 3, 3, 1], data: filter },
        { name: 'filter', shape: [1, 3, 3, 1] },
        { name: 'bias', shape: [1], data: Float32Array.of(0.25) },
        { name: 'y', shape: [1, 8, 8, 1] },
        { name: 'a', shape: [1, 2, 4] },
        half ? { name: 'b16', shape: [1, 4, 3], dtype: 'float16', data: fp16(matrix) } : { name: 'b', shape: [1, 4, 3], data: matrix },
        { name: 'b', shape: [1, 4, 3] },
        { name: 'z', shape: [1, 2, 3] },
      ],
      inputs: [0, 5],
      outputs: [4, 8],
      operators: [
        ...(half ? [{ op: 'DEQUANTIZE', inputs: [1], outputs: [2] }, { op: 'DEQUANTIZE', inputs: [6], outputs: [7] }] : []),
        { op: 'CONV_2D', inputs: [0, half ? 2 : 1, 3], outputs: [4], options: conv2d({ padding: 'SAME' }) },
        { op: 'BATCH_MATMUL', inputs: [5, half ? 7 : 6], outputs: [8], options: batchMatmul() },
      ],
    }],
  });
  // The float16 values, as float32: what every session must compute with.
  const rounded = (v: Float32Array) => float16ToFloat32(fp16(v));
  filter.set(rounded(filter));
  matrix.set(rounded(matrix));
  const inputs = { x: Float32Array.from({ length: 64 }, (_, i) => Math.sin(i)), a: Float32Array.from({ length: 8 }, (_, i) => Math.cos(i)) };
  const run = async (bytes: Uint8Array, options: object, dir: string | false) => {
    const m = await loadModel(bytes, { weightCache: dir });
    const s = await m.createSession({ threads: 1, ...options });
    const out = await s.run(inputs);
    m.dispose();
    return [Array.from(out.y as Float32Array), Array.from(out.z as Float32Array)];
  };
  const expected = await run(model(false), {}, false);
  for (const precision of ['fp32', 'fp16'] as const) {
    const dir = t.testdir({});
    for (const [what, cache] of [['without a cache', false], ['cold', dir], ['warm', dir]] as const) {
      const [y, z] = await run(model(true), { precision }, cache);
      const tolerance = precision === 'fp16' ? 0.05 : 1e-5;
      t.ok(y.every((v, k) => Math.abs(v - expected[0][k]) <= tolerance * (1 + Math.abs(expected[0][k]))), `${precision}, ${what}: the one-channel convolution has its filter`);
      t.ok(z.every((v, k) => Math.abs(v - expected[1][k]) <= tolerance * (1 + Math.abs(expected[1][k]))), `${precision}, ${what}: the batch matmul has its constant`);
    }
  }
});

t.test('XNNLITE_KERNELS keys the records: a plan placed for one is never replayed for the other', async (t) => {
  const dir = t.testdir({});
  await start(small, dir);
  t.equal((await start(small, dir)).plan, 'recorded');
  process.env.XNNLITE_KERNELS = 'reference';
  t.teardown(() => { delete process.env.XNNLITE_KERNELS; });
  const reference = await start(small, dir);
  t.equal(reference.plan, 'planned', 'XNNLITE_KERNELS=reference plans its own');
  t.equal((await start(small, dir)).plan, 'recorded', 'and records it');
  delete process.env.XNNLITE_KERNELS;
  t.equal((await start(small, dir)).plan, 'recorded', 'the default finds its own record again');
});
