// What service code expects of the API: run(inputs, { signal, outputs }),
// runSync(inputs, { outputs }), and Symbol.asyncDispose on sessions and
// models (`await using`). Runs that must queue behind another use
// pose_landmark_heavy, whose inferences take tens of milliseconds.
import t, { type Test } from 'tap';
import { EventEmitter, getEventListeners, once } from 'node:events';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { loadModel, quantize, DisposedError, type Session, type SessionOutputs, type TensorArray } from '../lib/index';
import { deterministicInput } from './helpers/compare';
import { smallModel } from './helpers/small-model';
import { zooModel } from './helpers/zoo';

const SMALL_INPUT = 8 * 8 * 3;
const HEAVY_INPUT = 256 * 256 * 3;
const small = (seed: number) => deterministicInput(SMALL_INPUT, 0, 1, seed);
const heavy = (seed: number) => deterministicInput(HEAVY_INPUT, 0, 1, seed);
const heavyModel = () => loadModel(zooModel('pose_landmark_heavy').file);

const elements = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

/** Arrays for every output of `session`, filled with NaN: a run that wrote them would leave numbers. */
function sentinels(session: Session): Record<string, Float32Array> {
  return Object.fromEntries(session.outputs.map((o) => [o.name, new Float32Array(elements(o.shape)).fill(NaN)]));
}

const untouched = (arrays: Record<string, Float32Array>) => Object.values(arrays).every((a) => a.every(Number.isNaN));

function bytesEqual(a: TensorArray, b: TensorArray): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}

function sameOutputs(t: Test, actual: SessionOutputs<TensorArray>, expected: SessionOutputs<TensorArray>, what: string): void {
  t.same(Object.keys(actual), Object.keys(expected), `${what}: every output`);
  for (const name of Object.keys(expected)) t.ok(bytesEqual(actual[name], expected[name]), `${what}: ${name} equals runSync's`);
}

const listeners = (signal: AbortSignal) => getEventListeners(signal, 'abort').length;

/** Records the order in which promises settle. */
function settleOrder(): { log: string[]; watch<V>(name: string, p: Promise<V>): Promise<V> } {
  const log: string[] = [];
  return {
    log,
    watch: (name, p) => {
      p.then(() => log.push(name), () => log.push(name));
      return p;
    },
  };
}

t.test('signal: a queued run aborted before it starts rejects at once with an AbortError and never runs; the others run in order', async (t) => {
  const model = await heavyModel();
  t.teardown(() => model.dispose());
  const session = await model.createSession({ threads: 1 });
  const inputs = [1, 2, 3, 4].map(heavy);
  const expected = inputs.map((x) => session.runSync(x));
  const controller = new AbortController();
  const notWritten = sentinels(session);
  const { log, watch } = settleOrder();

  const first = watch('first', session.run(inputs[0]));
  const aborted = watch('aborted', session.run(inputs[1], { signal: controller.signal, outputs: notWritten }));
  const second = watch('second', session.run(inputs[2]));
  t.equal(listeners(controller.signal), 1, 'the queued run listens to its signal');
  const reason = new Error('the client went away');
  controller.abort(reason);
  const err = await aborted.then(() => undefined, (e: unknown) => e as Error & { code?: string });
  t.same(log, ['aborted'], 'rejected before the run ahead of it completed');
  t.ok(err instanceof Error, 'an Error');
  t.equal(err?.name, 'AbortError');
  t.equal(err?.code, 'ABORT_ERR');
  t.equal(err?.cause, reason, 'cause is signal.reason');
  t.match(err?.stack, /called from[\s\S]*22-service-api/, 'with the caller\'s stack');
  const nodes = await once(new EventEmitter(), 'never', { signal: AbortSignal.abort(reason) }).then(() => undefined, (e: Error & { code?: string }) => e);
  t.same({ name: err?.name, code: err?.code, message: err?.message }, { name: nodes?.name, code: nodes?.code, message: nodes?.message }, 'like Node\'s own AbortError');
  t.equal(listeners(controller.signal), 0, 'the listener is gone once the run is abandoned');

  // Queued after the abort, behind the abandoned run.
  const third = watch('third', session.run(inputs[3]));
  const results = await Promise.all([first, second, third]);
  t.same(log, ['aborted', 'first', 'second', 'third'], 'the other runs complete in the order they were made');
  sameOutputs(t, results[0], expected[0], 'first');
  sameOutputs(t, results[1], expected[2], 'second');
  sameOutputs(t, results[2], expected[3], 'third');
  t.ok(untouched(notWritten), 'the aborted run never wrote its output arrays');
  t.equal(session.runSync(inputs[0]).Identity.length, expected[0].Identity.length, 'the session is idle afterwards');
});

t.test('signal: a run that has started completes when its signal aborts', async (t) => {
  const model = await heavyModel();
  t.teardown(() => model.dispose());
  const session = await model.createSession({ threads: 1 });
  const inputs = [5, 6].map(heavy);
  const expected = inputs.map((x) => session.runSync(x));

  const idle = new AbortController();
  const startedAtOnce = session.run(inputs[0], { signal: idle.signal });
  t.equal(listeners(idle.signal), 0, 'a run that starts at once does not listen');
  idle.abort();
  sameOutputs(t, await startedAtOnce, expected[0], 'a run started on an idle session');

  const controller = new AbortController();
  const ahead = session.run(inputs[0]);
  let settled = false;
  const queued = session.run(inputs[1], { signal: controller.signal }).finally(() => {
    settled = true;
  });
  t.equal(listeners(controller.signal), 1, 'listening while queued');
  await ahead;
  await nextTurn();
  t.equal(listeners(controller.signal), 0, 'the listener is removed when the run starts');
  t.notOk(settled, 'still running when the signal aborts');
  controller.abort(new Error('too late'));
  sameOutputs(t, await queued, expected[1], 'a queued run that had started');
});

t.test('signal: an aborted signal rejects at once, asynchronously, and runs nothing', async (t) => {
  const model = await loadModel(smallModel());
  t.teardown(() => model.dispose());
  const session = await model.createSession({ threads: 1 });
  const reason = { why: 'shutting down' };
  const notWritten = sentinels(session);
  let pending: Promise<unknown> | undefined;
  t.doesNotThrow(() => {
    pending = session.run(small(1), { signal: AbortSignal.abort(reason), outputs: notWritten });
  }, 'no synchronous throw');
  await t.rejects(pending!, { name: 'AbortError', code: 'ABORT_ERR', cause: reason });
  t.ok(untouched(notWritten), 'nothing was written');
  t.equal(session.runSync(small(1)).scores.length, 64, 'nothing is queued: runSync is not refused as busy');

  const signal = AbortSignal.abort();
  const err = await session.run(small(1), { signal }).catch((e: Error) => e);
  t.equal(err.cause, signal.reason, 'the default reason (a DOMException) is the cause');
  t.equal(listeners(signal), 0);

  // On a busy session too: it does not wait for the run ahead.
  const heavyModelLoaded = await heavyModel();
  t.teardown(() => heavyModelLoaded.dispose());
  const busy = await heavyModelLoaded.createSession({ threads: 1 });
  const { log, watch } = settleOrder();
  const running = watch('running', busy.run(heavy(1)));
  const refused = watch('refused', busy.run(heavy(2), { signal: AbortSignal.abort() }));
  await t.rejects(refused, { name: 'AbortError' });
  await running;
  t.same(log, ['refused', 'running']);
});

t.test('signal: one signal shared by thousands of runs leaves no listener behind, and adds at most one per session', async (t) => {
  const model = await loadModel(smallModel());
  t.teardown(() => model.dispose());
  const session = await model.createSession({ threads: 1 });
  const warnings: Error[] = [];
  const onWarning = (w: Error) => warnings.push(w);
  process.on('warning', onWarning);
  t.teardown(() => {
    process.off('warning', onWarning);
  });
  const expected = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9].map((v) => session.runSync(small(v)).scores);
  const shared = new AbortController();
  let most = 0;
  let left = 0;
  let wrong = 0;
  for (let round = 0; round < 200; round++) {
    const runs = expected.map((_, v) => session.run(small(v), { signal: shared.signal }));
    most = Math.max(most, listeners(shared.signal));
    const results = await Promise.all(runs);
    wrong += results.filter((r, v) => !bytesEqual(r.scores, expected[v])).length;
    left = Math.max(left, listeners(shared.signal));
  }
  t.equal(wrong, 0, '2000 runs, all correct');
  t.equal(most, 1, 'nine queued runs share one listener');
  t.equal(left, 0, 'no listener left after any round');
  await nextTurn();
  t.same(warnings.filter((w) => w.name === 'MaxListenersExceededWarning').map((w) => w.message), [], 'no MaxListenersExceededWarning');

  // A signal per run: each queued run listens until it starts.
  const own = expected.map(() => new AbortController());
  const runs = own.map((c, v) => session.run(small(v), { signal: c.signal }));
  t.same(own.map((c) => listeners(c.signal)), [0, 1, 1, 1, 1, 1, 1, 1, 1, 1], 'the first started at once; the others wait');
  await Promise.all(runs);
  t.same(own.map((c) => listeners(c.signal)), own.map(() => 0), 'none left');

  // Aborting the shared signal abandons every queued run that waits on it.
  const last = expected.map((_, v) => session.run(small(v), { signal: shared.signal }));
  shared.abort();
  const outcomes = await Promise.allSettled(last);
  t.same(outcomes.map((o) => o.status), ['fulfilled', ...Array(9).fill('rejected')], 'the started run completes, the queued ones are abandoned');
  t.equal(listeners(shared.signal), 0);

  // Disposal rejects queued runs and removes their listeners too.
  const signal = new AbortController().signal;
  const disposed = expected.map((_, v) => session.run(small(v), { signal }));
  session.dispose();
  const afterDispose = await Promise.allSettled(disposed);
  t.ok(afterDispose.slice(1).every((o) => o.status === 'rejected' && o.reason instanceof DisposedError), 'queued runs reject with DisposedError');
  t.equal(listeners(signal), 0, 'and stop listening');
});

t.test('signal: options are checked', async (t) => {
  const model = await loadModel(smallModel());
  t.teardown(() => model.dispose());
  const session = await model.createSession({ threads: 1 });
  const x = small(1);
  t.throws(() => session.run(x, null as never), { name: 'TypeError', message: 'Expected an options object for options but received null' });
  t.throws(() => session.run(x, 3 as never), TypeError);
  t.throws(() => session.run(x, new AbortController().signal as never), { message: /options object for options but received AbortSignal object/ });
  t.throws(() => session.run(x, { sigal: AbortSignal.abort() } as never), { name: 'TypeError', message: 'Unknown option "sigal" in options; known options are: signal, outputs' });
  t.throws(() => session.run(x, { signal: {} as never }), { name: 'TypeError', message: 'Expected an AbortSignal for options.signal but received object' });
  t.throws(() => session.run(x, { signal: new AbortController() as never }), { message: 'Expected an AbortSignal for options.signal but received AbortController object' });
  t.throws(() => session.runSync(x, { signal: new AbortController().signal } as never), { name: 'TypeError', message: /runSync\(\) cannot be aborted.*options\.signal is for run\(\)/ });
  t.throws(() => session.runSync(x, { outputs: {}, extra: 1 } as never), { message: /Unknown option "extra"/ });
  t.same(Object.keys(await session.run(x, {})), ['scores', 'probabilities'], 'an empty options object is fine');
  t.same(Object.keys(await session.run(x, { signal: undefined, outputs: undefined })), ['scores', 'probabilities'], 'and undefined values');
});

t.test('outputs: the result holds the caller\'s very arrays, with the values run() allocates', async (t) => {
  const model = await loadModel(smallModel());
  t.teardown(() => model.dispose());
  const session = await model.createSession({ threads: 1 });
  const expected = [0, 1, 2, 3, 4].map((v) => session.runSync(small(v)));

  const mine = sentinels(session);
  const out = await session.run(small(0), { outputs: mine });
  t.equal(out.scores, mine.scores, 'the same Float32Array for scores');
  t.equal(out.probabilities, mine.probabilities, 'and for probabilities');
  sameOutputs(t, out, expected[0], 'all outputs given');

  const partial = await session.run(small(1), { outputs: { probabilities: mine.probabilities } });
  t.equal(partial.probabilities, mine.probabilities, 'a given output is the caller\'s array');
  t.not(partial.scores, mine.scores, 'an output not given is allocated');
  sameOutputs(t, partial, expected[1], 'some outputs given');

  // Queued runs write the arrays given at the call, not ones allocated when they start.
  const buffers = expected.map(() => sentinels(session));
  const results = await Promise.all(buffers.map((o, v) => session.run(small(v), { outputs: o })));
  t.ok(results.every((r, v) => r.scores === buffers[v].scores && r.probabilities === buffers[v].probabilities), 'queued runs keep the caller\'s arrays');
  results.forEach((r, v) => sameOutputs(t, r, expected[v], `queued run ${v}`));

  // Views into one arena, at non-zero offsets.
  const arena = new Float32Array(16 + 64 + 64).fill(NaN);
  const views = { scores: arena.subarray(16, 80), probabilities: arena.subarray(80) };
  sameOutputs(t, await session.run(small(2), { outputs: views }), expected[2], 'views into a larger buffer');
  t.ok(arena.subarray(0, 16).every(Number.isNaN), 'nothing written outside the views');

  // A hot loop reuses one set of arrays.
  const reused = sentinels(session);
  let moved = 0;
  let wrong = 0;
  for (let i = 0; i < 200; i++) {
    const r = await session.run(small(i % 5), { outputs: reused });
    if (r.scores !== reused.scores || r.probabilities !== reused.probabilities) moved++;
    if (!bytesEqual(r.scores, expected[i % 5].scores) || !bytesEqual(r.probabilities, expected[i % 5].probabilities)) wrong++;
  }
  t.equal(moved, 0, '200 runs into the same arrays');
  t.equal(wrong, 0, 'each with the right values');
});

t.test('outputs: wrong arrays are TypeErrors naming the output and what was expected, thrown before anything runs', async (t) => {
  const model = await loadModel(smallModel());
  t.teardown(() => model.dispose());
  const session = await model.createSession({ threads: 1 });
  const x = small(1);
  const ok = () => new Float32Array(64);
  const cases: [string, Record<string, unknown>, string | RegExp][] = [
    ['wrong class', { scores: new Int8Array(64) }, 'Expected a Float32Array of 64 values for output "scores" but received Int8Array(64)'],
    ['wrong length', { probabilities: new Float32Array(63) }, 'Expected 64 values (shape [1,4,4,4]) for output "probabilities" but received Float32Array(63)'],
    ['not a typed array', { scores: Array(64).fill(0) }, 'Expected a Float32Array of 64 values for output "scores" but received array(64)'],
    ['unknown name', { scores: ok(), score: ok() }, 'Unknown output "score"; the model\'s outputs are "scores", "probabilities"'],
  ];
  const shared = ok();
  cases.push(['one array for two outputs', { scores: shared, probabilities: shared },
    'The same Float32Array was given for output "scores" and output "probabilities"; each output needs its own array']);
  for (const [what, outputs, message] of cases) {
    t.throws(() => session.run(x, { outputs: outputs as never }), { name: 'TypeError', message }, `run(): ${what}`);
    t.throws(() => session.runSync(x, { outputs: outputs as never }), { name: 'TypeError', message }, `runSync(): ${what}`);
  }
  t.throws(() => session.run(x, { outputs: ok() as never }), { name: 'TypeError', message: 'Expected an object of output arrays by name for options.outputs but received Float32Array(64)' });
  t.throws(() => session.run(x, { outputs: null as never }), { message: /for options\.outputs but received null/ });
  t.ok(shared.every((v) => v === 0), 'nothing was written');
  t.equal(session.runSync(x).scores.length, 64, 'nothing was queued');

  // The array class follows the output's dtype.
  const int8 = await loadModel(await quantize(smallModel(), { mode: 'int8', ioType: 'int8', calibration: [0, 1, 2, 3].map((v) => ({ image: small(v) })) }));
  t.teardown(() => int8.dispose());
  const q = await int8.createSession({ threads: 1 });
  t.same(q.outputs.map((o) => o.dtype), ['int8', 'int8']);
  const qx = new Int8Array(SMALL_INPUT).map((_, i) => (i % 255) - 127);
  const expected = q.runSync<Int8Array>(qx);
  t.throws(() => q.run(qx, { outputs: { scores: new Float32Array(64) } }), { name: 'TypeError', message: 'Expected an Int8Array of 64 values for output "scores" but received Float32Array(64)' });
  const scores = new Int8Array(64);
  const r = await q.run<Int8Array>(qx, { outputs: { scores } });
  t.equal(r.scores, scores, 'an Int8Array for an int8 output');
  sameOutputs(t, r, expected, 'int8 outputs');
});

t.test('outputs: runSync() writes into the caller\'s arrays', async (t) => {
  const model = await loadModel(smallModel());
  t.teardown(() => model.dispose());
  const session = await model.createSession({ threads: 1 });
  const expected = session.runSync(small(3));
  const mine = sentinels(session);
  const r = session.runSync(small(3), { outputs: mine });
  t.equal(r.scores, mine.scores);
  t.equal(r.probabilities, mine.probabilities);
  sameOutputs(t, r, expected, 'runSync into the caller\'s arrays');
  const some = session.runSync(small(3), { outputs: { scores: new Float32Array(64) } });
  t.not(some.probabilities, mine.probabilities);
  sameOutputs(t, some, expected, 'runSync with some outputs given');
  sameOutputs(t, await session.run(small(3), { outputs: sentinels(session) }), expected, 'run() agrees');
});

t.test('Symbol.asyncDispose on a session: disposes now, resolves once the runtime is released after the running run', async (t) => {
  const model = await heavyModel();
  t.teardown(() => model.dispose());
  const session = await model.createSession({ threads: 1 });
  const x = heavy(7);
  const expected = session.runSync(x);
  const { log, watch } = settleOrder();
  const running = watch('running', session.run(x));
  const queued = watch('queued', session.run(x));
  const disposing = watch('released', session[Symbol.asyncDispose]());
  t.equal(session.disposed, true, 'disposed at the call');
  t.throws(() => session.run(x), DisposedError, 'new runs are refused at once');
  await disposing;
  t.equal(log.at(-1), 'released', 'released last');
  t.same(log.slice(0, -1).sort(), ['queued', 'running'], 'after the running run completed and the queued one was rejected');
  sameOutputs(t, await running, expected, 'the running run completed');
  await t.rejects(queued, DisposedError);
  t.equal(session.disposed, true);
  t.throws(() => session.run(x), { code: 'ERR_XNNLITE_DISPOSED' });
  t.throws(() => session.runSync(x), DisposedError);
  t.equal(await session[Symbol.asyncDispose](), undefined, 'a second call resolves too');

  // `await using`: the block ends only once the session is released.
  let scoped: Session | undefined;
  let pending: Promise<unknown> | undefined;
  let done = false;
  {
    await using s = await model.createSession({ threads: 1 });
    scoped = s;
    pending = s.run(x).then(() => {
      done = true;
    });
  }
  t.ok(scoped?.disposed, 'disposed at the end of an await using block');
  t.ok(done, 'after its running run completed');
  await pending;
});

t.test('Symbol.asyncDispose on a model: disposes every session, resolves once all their runtimes are released', async (t) => {
  const model = await heavyModel();
  const a = await model.createSession({ threads: 1 });
  const b = await model.createSession({ threads: 1 });
  const x = heavy(8);
  const expected = a.runSync(x);
  const { log, watch } = settleOrder();
  const runA = watch('a', a.run(x));
  const runB = watch('b', b.run(x));
  const queuedA = watch('queued', a.run(x));
  const creating = watch('creating', model.createSession({ threads: 1 }));
  const disposing = watch('released', model[Symbol.asyncDispose]());
  t.ok(model.disposed && a.disposed && b.disposed, 'the model and its sessions are disposed at the call');
  await disposing;
  t.equal(log.at(-1), 'released', 'released last');
  t.same(log.slice(0, -1).sort(), ['a', 'b', 'creating', 'queued'], 'after both running runs and the session being created');
  sameOutputs(t, await runA, expected, 'session a\'s running run');
  sameOutputs(t, await runB, expected, 'session b\'s running run');
  await t.rejects(queuedA, DisposedError);
  await t.rejects(creating, { code: 'ERR_XNNLITE_DISPOSED', message: 'Model has been disposed' });
  await t.rejects(model.createSession(), DisposedError);
  t.throws(() => b.run(x), DisposedError);
  await model[Symbol.asyncDispose]();

  let outer: { model?: { disposed: boolean }; session?: { disposed: boolean } } = {};
  {
    await using scoped = await loadModel(smallModel());
    await using session = await scoped.createSession({ threads: 1 });
    t.equal((await session.run(small(1))).scores.length, 64);
    outer = { model: scoped, session };
  }
  t.ok(outer.model?.disposed && outer.session?.disposed, 'both disposed at the end of an await using block');
});
