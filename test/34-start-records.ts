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
import { fullyConnected } from './helpers/options';
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
  const key = 'limits=1073741824,8589934592';
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
  const key = 'entry=null;optimize=true;precision=fp32';
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
  const shared = writeModel({
    description: 'shared weights (xnnlite test)',
    subgraphs: [{
      name: 'main',
      tensors: [
        { name: 'x', shape: [1, 8] }, { name: 'w', shape: [4, 8], data: weights([4, 8], 7) },
        { name: 'b1', shape: [4], data: Float32Array.of(1, 2, 3, 4) }, { name: 'b2', shape: [4], data: Float32Array.of(-4, -3, -2, -1) },
        { name: 'y1', shape: [1, 4] }, { name: 'y2', shape: [1, 4] },
      ],
      inputs: [0],
      outputs: [4, 5],
      operators: [
        { op: 'FULLY_CONNECTED', inputs: [0, 1, 2], outputs: [4], options: fullyConnected() },
        { op: 'FULLY_CONNECTED', inputs: [0, 1, 3], outputs: [5], options: fullyConnected() },
      ],
    }],
  });
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
