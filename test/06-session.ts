// Sessions: off-thread runs that leave the event loop free, queueing,
// parallel sessions, disposal and ownership.
import t from 'tap';
import { loadModel, DisposedError } from '../lib/index';
import { DEFAULT_THREADS } from '../lib/session';
import { smallModel } from './helpers/small-model';
import { zooModel } from './helpers/zoo';

const INPUT = 1 * 8 * 8 * 3;
const input = (v: number) => new Float32Array(INPUT).fill(v);

t.test('run() leaves the event loop free during a pose_landmark_heavy inference', async (t) => {
  const model = await loadModel(zooModel('pose_landmark_heavy').file);
  t.teardown(() => model.dispose());
  const session = await model.createSession({ threads: 1 });
  const x = new Float32Array(256 * 256 * 3).fill(0.5);
  await session.run(x);
  let ticks = 0;
  let longestGap = 0;
  let last = performance.now();
  const timer = setInterval(() => {
    const now = performance.now();
    longestGap = Math.max(longestGap, now - last);
    last = now;
    ticks++;
  }, 1);
  const started = performance.now();
  for (let i = 0; i < 3; i++) await session.run(x);
  const elapsed = performance.now() - started;
  clearInterval(timer);
  // A run that blocked the loop would let the timer fire only between runs (a handful of times). The longest
  // gap is reported, not asserted: on a loaded machine the loop itself may wait for a CPU that long.
  t.ok(ticks >= elapsed / 10, `a 1 ms timer fired ${ticks} times during ${elapsed.toFixed(0)} ms of inference (longest gap ${longestGap.toFixed(1)} ms)`);
});

t.test('concurrent run() calls on one session are queued and each gets its own result', async (t) => {
  const model = await loadModel(smallModel());
  t.teardown(() => model.dispose());
  const session = await model.createSession({ threads: 1 });
  const expected = [0, 1, 2, 3, 4, 5, 6, 7].map((v) => session.runSync(input(v)).scores);
  const results = await Promise.all([0, 1, 2, 3, 4, 5, 6, 7].map((v) => session.run(input(v))));
  results.forEach((r, v) => t.same(Array.from(r.scores), Array.from(expected[v]), `run ${v}`));
});

t.test('inputs are copied at the call: the caller may reuse its array at once', async (t) => {
  const model = await loadModel(smallModel());
  t.teardown(() => model.dispose());
  const session = await model.createSession({ threads: 1 });
  const x = input(1);
  const expected = session.runSync(x).scores;
  const pending = session.run(x);
  x.fill(-3);
  t.same(Array.from((await pending).scores), Array.from(expected));
});

t.test('sessions of one model run in parallel and agree', async (t) => {
  const model = await loadModel(zooModel('face_detection_short_range').file);
  t.teardown(() => model.dispose());
  const sessions = await Promise.all([1, 2, 3].map(() => model.createSession({ threads: 1 })));
  const x = new Float32Array(128 * 128 * 3).map((_, i) => Math.sin(i / 7));
  const outputs = await Promise.all(sessions.map((s) => s.run(x)));
  for (const o of outputs.slice(1)) t.same(Array.from(o.regressors), Array.from(outputs[0].regressors));
  const multi = await model.createSession({ threads: 2 });
  t.equal(multi.threads, 2);
  const m = await multi.run(x);
  const d = m.regressors.reduce((worst, v, i) => Math.max(worst, Math.abs(v - outputs[0].regressors[i])), 0);
  t.ok(d < 1e-3, `2 threads agree with 1 thread (max diff ${d})`);
});

t.test('threads default to the CPU count, at most 4, and can be set per model', async (t) => {
  const model = await loadModel(smallModel());
  t.equal((await model.createSession()).threads, DEFAULT_THREADS);
  t.ok(DEFAULT_THREADS >= 1 && DEFAULT_THREADS <= 4);
  model.dispose();
  const single = await loadModel(smallModel(), { threads: 1 });
  t.equal((await single.createSession()).threads, 1);
  t.equal((await single.createSession({ threads: 3 })).threads, 3);
  single.dispose();
});

t.test('dispose(): queued runs reject, a running one completes, twice is harmless', async (t) => {
  const model = await loadModel(zooModel('face_detection_full_range').file);
  t.teardown(() => model.dispose());
  const session = await model.createSession({ threads: 1 });
  const x = new Float32Array(192 * 192 * 3).fill(0.1);
  const first = session.run(x);
  await new Promise((resolve) => setImmediate(resolve));
  const queued = [session.run(x), session.run(x), session.run(x)];
  session.dispose();
  session.dispose();
  t.equal(session.disposed, true);
  const settled = await Promise.allSettled([first, ...queued]);
  t.equal(settled[0].status, 'fulfilled', 'the run already started completes');
  // A session runs one call at a time; on a loaded machine the first may have ended, and the next begun, before
  // dispose(). That one completes too; every call still waiting rejects.
  const waiting = settled.findIndex((s) => s.status === 'rejected');
  t.ok(waiting === 1 || waiting === 2, `the calls that had begun completed (${waiting === -1 ? 'all of them' : waiting})`);
  t.ok(settled.slice(Math.max(waiting, 1)).every((s) => s.status === 'rejected' && s.reason instanceof DisposedError),
    'every call still waiting rejected with DisposedError');
  t.throws(() => session.runSync(x), { code: 'ERR_XNNLITE_DISPOSED', message: 'Session has been disposed' });
  t.throws(() => session.run(x), { code: 'ERR_XNNLITE_DISPOSED' });
});

t.test('disposing a model disposes its sessions; Symbol.dispose works', async (t) => {
  const model = await loadModel(smallModel());
  const a = await model.createSession({ threads: 1 });
  const b = await model.createSession({ threads: 1 });
  model.dispose();
  t.ok(a.disposed && b.disposed && model.disposed);
  await t.rejects(model.createSession(), { code: 'ERR_XNNLITE_DISPOSED', message: 'Model has been disposed' });
  let outer: { model?: { disposed: boolean }; session?: { disposed: boolean } } = {};
  {
    using scoped = await loadModel(smallModel());
    using session = await scoped.createSession({ threads: 1 });
    t.equal(session.runSync(input(0)).scores.length, 64);
    outer = { model: scoped, session };
  }
  t.ok(outer.model?.disposed && outer.session?.disposed, 'disposed at the end of a using block');
});

t.test('a model disposed while a session is being created', async (t) => {
  const model = await loadModel(smallModel());
  const creating = model.createSession({ threads: 1 });
  model.dispose();
  await t.rejects(creating, { code: 'ERR_XNNLITE_DISPOSED' });
});

t.test('runSync() while asynchronous runs are pending is refused', async (t) => {
  const model = await loadModel(smallModel());
  t.teardown(() => model.dispose());
  const session = await model.createSession({ threads: 1 });
  const pending = session.run(input(1));
  t.throws(() => session.runSync(input(1)), { code: 'ERR_XNNLITE_BUSY' });
  await pending;
  t.equal(session.runSync(input(1)).scores.length, 64);
});

t.test('async errors carry the caller\'s stack', async (t) => {
  const model = await loadModel(smallModel());
  const session = await model.createSession({ threads: 1 });
  const pending = session.run(input(1));
  const queued = session.run(input(1));
  session.dispose();
  await pending.catch(() => {});
  const err = await queued.catch((e) => e);
  t.match(err.stack, /called from[\s\S]*06-session/);
  model.dispose();
});

t.test('profile() reports time per kind of XNNPACK operator', async (t) => {
  const model = await loadModel(zooModel('face_detection_short_range').file);
  t.teardown(() => model.dispose());
  const plain = await model.createSession({ threads: 1 });
  t.throws(() => plain.profile(), { code: 'ERR_XNNLITE_PROFILING_OFF' });
  const session = await model.createSession({ threads: 1, profile: true });
  await session.run(new Float32Array(128 * 128 * 3).fill(0.2));
  const profile = session.profile();
  const gemm = profile.find((p) => p.name.startsWith('Convolution (NHWC, F32)'));
  t.ok(gemm && gemm.count > 0 && gemm.microseconds > 0, 'convolutions are timed');
  t.same(profile.map((p) => p.microseconds), [...profile.map((p) => p.microseconds)].sort((a, b) => b - a), 'largest first');
});

t.test('precision fp16 runs half-precision kernels, close to fp32, with its own cache file', async (t) => {
  const dir = t.testdir({});
  const model = await loadModel(zooModel('face_detection_short_range').file, { weightCache: dir });
  t.teardown(() => model.dispose());
  const x = new Float32Array(128 * 128 * 3).map((_, i) => Math.sin(i / 9));
  const full = await (await model.createSession({ threads: 1 })).run(x);
  const half = await (await model.createSession({ threads: 1, precision: 'fp16' })).run(x);
  let worst = 0;
  let scale = 0;
  for (let i = 0; i < full.regressors.length; i++) {
    worst = Math.max(worst, Math.abs(full.regressors[i] - half.regressors[i]));
    scale = Math.max(scale, Math.abs(full.regressors[i]));
  }
  t.ok(worst > 0, 'fp16 arithmetic really ran');
  t.ok(worst <= 2e-2 * scale, `max |diff| ${worst.toFixed(4)} of scale ${scale.toFixed(1)}`);
  t.equal((await import('node:fs')).readdirSync(dir).filter((f) => f.endsWith('.xnnwc')).length, 2, 'fp16 packing gets its own cache file');
});

t.test('precision dynamic-int8 runs the qd8 kernels, close to fp32 on average', async (t) => {
  const model = await loadModel(zooModel('face_detection_full_range').file);
  t.teardown(() => model.dispose());
  const x = new Float32Array(192 * 192 * 3).map((_, i) => Math.sin(i / 7));
  const full = await (await model.createSession({ threads: 1 })).run(x);
  const int8 = await (await model.createSession({ threads: 1, precision: 'dynamic-int8' })).run(x);
  const name = model.outputs[0].name;
  let sum = 0;
  let scale = 0;
  for (let i = 0; i < full[name].length; i++) {
    sum += Math.abs(full[name][i] - int8[name][i]);
    scale = Math.max(scale, Math.abs(full[name][i]));
  }
  const mean = sum / full[name].length / scale;
  t.ok(mean > 0, 'int8 arithmetic really ran');
  t.ok(mean < 0.03, `mean difference ${(mean * 100).toFixed(2)}% of the output scale`);
  t.ok(int8[name].every(Number.isFinite));
});
