// Inputs and environments a careful API would not expect but a real service
// meets: arrays over shared memory, typed arrays whose properties lie, a
// model file overwritten in place under a running service, and worker
// threads terminated in the middle of an inference. Each gets a correct
// result or a clear error; the process never dies.
import t from 'tap';
import fs from 'node:fs';
import path from 'node:path';
import { once } from 'node:events';
import { Worker } from 'node:worker_threads';
import { loadModel, ModelChangedError, quantize } from '../lib/index';
import { writeModel } from '../lib/model/writer';
import { deterministicInput } from './helpers/compare';
import { f32, opModel } from './helpers/op-model';
import { arithmetic, conv2d } from './helpers/options';
import { smallModel } from './helpers/small-model';
import { zooModel } from './helpers/zoo';

const dist = path.join(__dirname, '..', 'dist', 'index.js');

/** input [1, 4096] + a float32 constant of 16 KiB, read from the model file at every run. */
function addConstantModel(): Uint8Array {
  const n = 4096;
  return writeModel({
    subgraphs: [{
      tensors: [
        { name: 'x', shape: [1, n] },
        { name: 'c', shape: [1, n], data: deterministicInput(n, -1, 1, 5) },
        { name: 'y', shape: [1, n] },
      ],
      inputs: [0], outputs: [2],
      operators: [{ op: 'ADD', inputs: [0, 1], outputs: [2], options: arithmetic('ADD') }],
    }],
  });
}

/**
 * The same sum in three steps: two XNNPACK partitions, each adding a
 * constant from the file, around a reference step (float FLOOR_MOD by a
 * large constant, which leaves these values as they are).
 */
function mixedConstantModel(): Uint8Array {
  const n = 4096;
  const t = (name: string, data?: Float32Array) => ({ name, shape: [1, n], ...(data ? { data } : {}) });
  return writeModel({
    subgraphs: [{
      tensors: [
        t('x'), t('c1', deterministicInput(n, -1, 1, 5)), t('a'),
        { name: 'm', shape: [1], data: new Float32Array([1000]) }, t('b'),
        t('c2', deterministicInput(n, -1, 1, 6)), t('y'),
      ],
      inputs: [0], outputs: [6],
      operators: [
        { op: 'ADD', inputs: [0, 1], outputs: [2], options: arithmetic('ADD') },
        { op: 'FLOOR_MOD', inputs: [2, 3], outputs: [4] },
        { op: 'ADD', inputs: [4, 5], outputs: [6], options: arithmetic('ADD') },
      ],
    }],
  });
}

t.test('inputs over a SharedArrayBuffer work like any other', async (t) => {
  const model = await loadModel(smallModel());
  t.teardown(() => model.dispose());
  const session = await model.createSession({ threads: 1 });
  const n = 8 * 8 * 3;
  const plain = deterministicInput(n, 0, 1, 3);
  const shared = new Float32Array(new SharedArrayBuffer(n * 4));
  shared.set(plain);
  const expected = await session.run(plain);
  const viaRun = await session.run(shared);
  const viaRunSync = session.runSync({ image: shared });
  for (const name of Object.keys(expected)) {
    t.same(Array.from(viaRun[name]), Array.from(expected[name]), `run: ${name}`);
    t.same(Array.from(viaRunSync[name]), Array.from(expected[name]), `runSync: ${name}`);
  }
  const int16 = await quantize(opModel({ op: 'TANH', inputs: [f32([1, 64])], outputs: [f32([1, 64])] }), { mode: 'int16x8', calibration: [{ in0: deterministicInput(64, -2, 2, 1) }] });
  const reference = await loadModel(int16);
  t.teardown(() => reference.dispose());
  const rs = await reference.createSession({ threads: 1 });
  const x = deterministicInput(64, -2, 2, 4);
  const sx = new Float32Array(new SharedArrayBuffer(256));
  sx.set(x);
  t.same(Array.from((await rs.run(sx)).out0), Array.from((await rs.run(x)).out0), 'the reference kernels take them too');
});

t.test('typed arrays whose length properties lie are measured by what they hold', async (t) => {
  const model = await loadModel(smallModel());
  t.teardown(() => model.dispose());
  const session = await model.createSession({ threads: 1 });
  const n = 8 * 8 * 3;
  class Lying extends Float32Array {
    override get length(): number {
      return n;
    }
  }
  const short = new Lying(10);
  t.equal(short.length, n, 'it claims the right length');
  const message = `Expected ${n} values (shape [1,8,8,3]) for input "image" but received Lying(10)`;
  t.throws(() => session.run(short), { name: 'TypeError', message }, 'run (thrown at the call, as for every bad input)');
  t.throws(() => session.runSync(short), { name: 'TypeError', message });

  const tiny = new Float32Array(10);
  Object.defineProperty(tiny, 'length', { value: n });
  Object.defineProperty(tiny, 'byteLength', { value: n * 4 });
  t.throws(() => session.run(tiny), { name: 'TypeError' }, 'own properties that lie change nothing');

  const honest = deterministicInput(n, 0, 1, 2);
  const disguised = Float32Array.from(honest);
  Object.defineProperty(disguised, 'byteLength', { value: 1 });
  Object.defineProperty(disguised, 'buffer', { value: new ArrayBuffer(1) });
  t.same(Array.from((await session.run(disguised)).scores), Array.from((await session.run(honest)).scores), 'and an array of the right size runs on its real contents');
});

t.test('a model file truncated or rewritten in place: clear errors, no crash', async (t) => {
  const dir = t.testdir({});
  const x = deterministicInput(4096, -1, 1, 2);
  const damages = [
    ['truncated', (file: string) => fs.truncateSync(file, 64), /its size changed from \d+ to 64 bytes|truncated while in use/],
    ['rewritten in place, same size', (file: string) => {
      const fd = fs.openSync(file, 'r+');
      fs.writeSync(fd, Buffer.alloc(4096, 0x7f), 0, 4096, 1024);
      fs.closeSync(fd);
    }, /modified in place/],
  ] as const;
  const models = [['one partition', addConstantModel()], ['partitions around a reference step', mixedConstantModel()]] as const;
  for (const [[label, damage, pattern], [kind, bytes]] of damages.flatMap((d) => models.map((m) => [d, m] as const))) {
    const file = path.join(dir, `${label.replace(/\W+/g, '-')}-${kind.replace(/\W+/g, '-')}.tflite`);
    fs.writeFileSync(file, bytes);
    const model = await loadModel(file);
    const session = await model.createSession({ threads: 1 });
    const before = (await session.run(x)).y;
    // Make sure the file's modification time can differ from the one recorded at load.
    await new Promise((resolve) => setTimeout(resolve, 20));
    damage(file);
    for (const run of [() => session.run(x), async () => session.runSync(x)]) {
      try {
        const after = (await run()).y;
        t.same(Array.from(after), Array.from(before), `${label}, ${kind}: a session that runs gives the results of the model it loaded`);
      } catch (err) {
        t.type(err, ModelChangedError, `${label}, ${kind}: or says the file changed`);
        t.match((err as Error).message, pattern);
      }
    }
    await t.rejects(model.createSession({ threads: 1 }), { name: 'ModelChangedError', code: 'ERR_XNNLITE_MODEL_CHANGED', message: pattern },
      `${label}, ${kind}: a new session is refused`);
    model.dispose();
  }

  // A truncated file under a session whose constants come from it: reads past the end are caught.
  const file = path.join(dir, 'under-a-run.tflite');
  fs.writeFileSync(file, addConstantModel());
  const model = await loadModel(file);
  const session = await model.createSession({ threads: 1 });
  fs.truncateSync(file, 0);
  await t.rejects(session.run(x), { name: 'ModelChangedError', message: /truncated while in use/ }, 'a run that read past the end says so');
  t.throws(() => session.runSync(x), { name: 'ModelChangedError' });
  model.dispose();
});

t.test('weights packed while the model file is overwritten never reach the cache', async (t) => {
  const dir = t.testdir({});
  const genuine = zooModel('pose_landmark_heavy').file;
  const run = async (source: string, weightCache: string | false) => {
    const model = await loadModel(source, { weightCache });
    try {
      const session = await model.createSession({ threads: 1 });
      const info = session.inputs[0];
      const out = await session.run(new Float32Array(info.shape.reduce((a, b) => a * b, 1)).fill(0.5));
      return { state: session.weightCache?.state, first: Array.from(out[session.outputs[0].name].slice(0, 16)) };
    } finally {
      model.dispose();
    }
  };
  const expected = (await run(genuine, false)).first;
  let refused = 0;
  for (const delay of [0, 30, 50, 70, 90, 120, 160]) {
    const copy = path.join(dir, `copy-${delay}.tflite`);
    fs.copyFileSync(genuine, copy);
    // A cache of its own each time, so that the copy's session is the one that builds it.
    const cache = path.join(dir, `cache-${delay}`);
    const model = await loadModel(copy, { weightCache: cache });
    const creating = model.createSession({ threads: 1 });
    // Zeros over the weights while the file is hashed (first delays), then while XNNPACK packs it (later ones).
    const overwrite = new Promise<void>((resolve) => setTimeout(() => {
      const fd = fs.openSync(copy, 'r+');
      fs.writeSync(fd, Buffer.alloc(16 << 20), 0, 16 << 20, 4 << 20);
      fs.closeSync(fd);
      resolve();
    }, delay));
    try {
      await creating;
    } catch (err) {
      t.type(err, ModelChangedError, `overwritten after ${delay} ms: ModelChangedError`);
      refused++;
    }
    await overwrite;
    model.dispose();
    const check = await run(genuine, cache);
    t.same(check.first, expected, `after ${delay} ms: the real model's cached weights are its own (${check.state})`);
  }
  t.ok(refused > 0, `the overwrite landed during session creation ${refused} times`);
});

t.test('replacing a model by renaming a new file over it is safe for loaded models', async (t) => {
  const dir = t.testdir({});
  const file = path.join(dir, 'model.tflite');
  fs.writeFileSync(file, addConstantModel());
  const model = await loadModel(file);
  t.teardown(() => model.dispose());
  const x = deterministicInput(4096, -1, 1, 2);
  const before = (await (await model.createSession({ threads: 1 })).run(x)).y;
  fs.writeFileSync(`${file}.new`, smallModel());
  fs.renameSync(`${file}.new`, file);
  const session = await model.createSession({ threads: 1 });
  t.same(Array.from((await session.run(x)).y), Array.from(before), 'the loaded model keeps the file it opened');
});

t.test('worker threads terminated in the middle of run() never take the process down', async (t) => {
  const int16 = await quantize(opModel({
    op: 'CONV_2D',
    inputs: [f32([1, 48, 48, 8]), f32([16, 3, 3, 8], deterministicInput(16 * 72, -0.5, 0.5, 3)), f32([16], deterministicInput(16, -0.1, 0.1, 4))],
    outputs: [f32([1, 48, 48, 16])], options: conv2d({ padding: 'SAME' }),
  }), { mode: 'int16x8', calibration: [{ in0: deterministicInput(48 * 48 * 8, -1, 1, 1) }] });
  const code = `
    const { parentPort, workerData } = require('node:worker_threads');
    const { loadModel } = require(${JSON.stringify(dist)});
    (async () => {
      const model = await loadModel(workerData.model);
      const session = await model.createSession({ threads: workerData.threads });
      const inputs = Object.fromEntries(session.inputs.map((i) => [i.name, new Float32Array(i.shape.reduce((a, b) => a * b, 1)).fill(0.25)]));
      parentPort.postMessage('ready');
      for (;;) await session.run(inputs);
    })();
  `;
  const models: [string, string | Uint8Array][] = [['XNNPACK', zooModel('hand_landmark_lite').file], ['reference kernels', int16]];
  let terminations = 0;
  for (const [label, model] of models) {
    for (let i = 0; i < 10; i++) {
      const worker = new Worker(code, { eval: true, workerData: { model, threads: 1 + (i % 2) } });
      await once(worker, 'message');
      await new Promise((resolve) => setTimeout(resolve, 3 * i));
      await worker.terminate();
      terminations++;
    }
    t.pass(`${label}: 10 workers terminated inside run()`);
  }
  t.ok(terminations >= 10);
  const model = await loadModel(smallModel());
  const session = await model.createSession();
  t.equal((await session.run(new Float32Array(192))).scores.length, 64, 'and the process goes on running inferences');
  model.dispose();
});
