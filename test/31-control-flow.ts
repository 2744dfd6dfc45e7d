// Control flow (WHILE, IF, CALL_ONCE) and resource variables, against
// LiteRT.js (TFLite's own kernels for them), and what a damaged model of
// that kind gives: a clear error, never a crash or a hang.
import t from 'tap';
import { loadModel } from '../lib/index';
import { deterministicInput, expectCloseTo } from './helpers/compare';
import { accumulatorModel, growingLoopModel, ifModel, whileModel } from './helpers/control-models';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { compile } = require('../bench/lib/litert.js') as { compile(bytes: Uint8Array): Promise<{ runTyped(inputs: ArrayBufferView[]): Promise<ArrayLike<number>[]>; dispose(): void }> };

t.test('a WHILE loop with a counter and a loop-carried activation', async (t) => {
  const bytes = whileModel();
  const model = await loadModel(bytes);
  t.teardown(() => model.dispose());
  const session = await model.createSession({ threads: 1 });
  const reference = await compile(bytes);
  t.teardown(() => reference.dispose());
  const x = deterministicInput(4, -1, 1, 5);
  for (const limit of [0, 1, 4, 9]) {
    const ours = await session.run({ x, limit: Int32Array.of(limit) });
    const ref = await reference.runTyped([x, Int32Array.of(limit)]);
    expectCloseTo(t, ours.x_final, ref[0], `${limit} iterations: x`);
    t.same(Array.from(ours.i_final), [limit], `${limit} iterations: the counter`);
    t.same(Array.from(ours.i_final), Array.from(ref[1]), `${limit} iterations: the counter as LiteRT.js counts`);
  }
  const sync = session.runSync({ x, limit: Int32Array.of(3) });
  expectCloseTo(t, sync.x_final, (await reference.runTyped([x, Int32Array.of(3)]))[0], 'runSync runs the loop too');
});

t.test('a loop variable whose shape changes at every iteration', async (t) => {
  // LiteRT.js cannot be the oracle here: its compiled-model API gives a loop's
  // dynamically shaped output back as garbage (it binds the output buffers before
  // the loop runs). The result is known exactly: x, then one 0.25 per iteration.
  const model = await loadModel(growingLoopModel(3));
  t.teardown(() => model.dispose());
  const session = await model.createSession({ threads: 1 });
  const x = deterministicInput(4, -1, 1, 9);
  const ours = await session.run({ x });
  t.same(session.outputs[0].shape, [1, 7]);
  t.same(Array.from(ours.x_final), [...x, 0.25, 0.25, 0.25], 'x grown by three columns, one per iteration');
  t.same(Array.from(session.runSync({ x }).x_final), Array.from(ours.x_final), 'runSync reuses the runtimes made for the shapes the loop met');
  const fresh = await model.createSession({ threads: 1 });
  t.throws(() => fresh.runSync({ x }), { message: /runSync\(\): shapes changed at run time .* use run\(\)/ }, 'a fresh session cannot make them on the calling thread');
});

t.test('an IF runs the branch its condition picks', async (t) => {
  const bytes = ifModel();
  const model = await loadModel(bytes);
  t.teardown(() => model.dispose());
  const session = await model.createSession({ threads: 1 });
  const reference = await compile(bytes);
  t.teardown(() => reference.dispose());
  const x = deterministicInput(4, -2, 2, 6);
  for (const selector of [1, 0, -3]) {
    const ours = await session.run({ x, selector: Int32Array.of(selector) });
    expectCloseTo(t, ours.y, (await reference.runTyped([x, Int32Array.of(selector)]))[0], `selector ${selector}`);
  }
  t.not((await session.run({ x, selector: Int32Array.of(1) })).y[0], (await session.run({ x, selector: Int32Array.of(0) })).y[0], 'the branches differ');
});

t.test('resource variables persist across runs, per session, until resetVariables()', async (t) => {
  const bytes = accumulatorModel();
  const model = await loadModel(bytes);
  t.teardown(() => model.dispose());
  const reference = await compile(bytes);
  t.teardown(() => reference.dispose());
  const a = await model.createSession({ threads: 1 });
  const b = await model.createSession({ threads: 1 });
  const inputs = [1, 2, 3].map((seed) => deterministicInput(4, -1, 1, seed));
  for (const [k, x] of inputs.entries()) {
    const ours = await a.run({ x });
    expectCloseTo(t, ours.sum, (await reference.runTyped([x]))[0], `run ${k + 1} accumulates as LiteRT.js does`);
  }
  const first = await b.run({ x: inputs[0] });
  const fresh = await (await model.createSession({ threads: 1 })).run({ x: inputs[0] });
  t.same(Array.from(first.sum), Array.from(fresh.sum), 'another session of the model starts from the initial value');
  await a.resetVariables();
  t.same(Array.from((await a.run({ x: inputs[0] })).sum), Array.from(first.sum), 'resetVariables() restores the initial value');
});

t.test('damaged control flow gives clear errors', async (t) => {
  await t.rejects(loadModel(whileModel({ bodyBody: 7 })), { message: /body subgraph index 7 is out of range \(the model has 3 subgraphs\)/ });
  await t.rejects(loadModel(whileModel({ bodyBody: 0 })), { message: /calls itself|body subgraph 0 inputs/ });
  await t.rejects(loadModel(whileModel({ bodyCond: 2 })), { message: /cond subgraph 2 outputs \(got 3, expected 1\)/ });
  const unset = await loadModel(accumulatorModel({ initialise: false }));
  t.teardown(() => unset.dispose());
  const session = await unset.createSession({ threads: 1 });
  await t.rejects(session.run({ x: new Float32Array(4) }), { name: 'InvalidValueError', message: /READ_VARIABLE #1: variable "total" is read before any ASSIGN_VARIABLE/ });
  // A body that changes a loop variable's rank: the run fails with a named error, and the session stays usable.
  const flattening = await loadModel(whileModel({ flatten: true }));
  t.teardown(() => flattening.dispose());
  const loop = await flattening.createSession({ threads: 1 });
  await t.rejects(loop.run({ x: new Float32Array(4), limit: Int32Array.of(2) }), { message: /x_final|shape|RESHAPE|MUL/ });
  t.equal((await loop.run({ x: new Float32Array(4), limit: Int32Array.of(0) })).x_final.length, 4, 'a run that does not loop still works');
});

t.test('dispose() during a loop that never ends returns, and the run ends with DisposedError', async (t) => {
  // limit = 2^31 - 1 iterations: far longer than the test; dispose() must stop it.
  const model = await loadModel(whileModel());
  const session = await model.createSession({ threads: 1 });
  const run = session.run({ x: new Float32Array(4), limit: Int32Array.of(0x7fffffff) });
  await new Promise((resolve) => setTimeout(resolve, 100));
  const released = session[Symbol.asyncDispose]();
  await t.rejects(run, { name: 'DisposedError' }, 'the loop stops at its next iteration');
  await released;
  model.dispose();
});

t.test('control flow at other input shapes: shapes propagate through the subgraphs it calls', async (t) => {
  const x3 = deterministicInput(12, -1, 1, 11);
  const x2 = deterministicInput(8, -1, 1, 12);

  const loop = await loadModel(whileModel());
  t.teardown(() => loop.dispose());
  const session = await loop.createSession({ threads: 1, inputShapes: { x: [3, 4] } });
  t.same(session.outputs.map((o) => o.shape), [[3, 4], []], 'a WHILE gives its loop variables back at their new shapes');
  for (const [x, rows] of [[x3, 3], [x2, 2]] as const) {
    if (rows === 2) await session.resize({ x: [2, 4] });
    const twin = await compile(whileModel({ rows }));
    for (const limit of [0, 4]) {
      const ours = await session.run({ x, limit: Int32Array.of(limit) });
      expectCloseTo(t, ours.x_final, (await twin.runTyped([x, Int32Array.of(limit)]))[0], `WHILE, ${rows} rows, ${limit} iterations, as LiteRT.js runs the twin declared at ${rows} rows`);
    }
    twin.dispose();
  }

  const branch = await loadModel(ifModel());
  t.teardown(() => branch.dispose());
  const chosen = await branch.createSession({ threads: 1, inputShapes: { x: [3, 4] } });
  const twin = await compile(ifModel({ rows: 3 }));
  t.teardown(() => twin.dispose());
  for (const selector of [1, 0]) {
    const ours = await chosen.run({ x: x3, selector: Int32Array.of(selector) });
    expectCloseTo(t, ours.y, (await twin.runTyped([x3, Int32Array.of(selector)]))[0], `IF, 3 rows, selector ${selector}`);
  }
});

t.test('control flow whose output shapes are known only when it runs is refused at other shapes, naming the operator', async (t) => {
  const grows = await loadModel(growingLoopModel(2));
  t.teardown(() => grows.dispose());
  await t.rejects(grows.createSession({ threads: 1, inputShapes: { x: [1, 6] } }),
    { code: 'ERR_XNNLITE_SHAPE', message: /^WHILE #0 cannot take inputs of shapes \[\], \[1,6\]: its body changes the loop variables' shapes \(\[\], \[1,6\] to \[\], \[1,7\]\).*known only once it runs/ });
  await t.rejects(grows.createSession({ threads: 1, inputShapes: { x: [2, 4] } }),
    { code: 'ERR_XNNLITE_SHAPE', message: /^WHILE #0 calls its body \(subgraph 2\) with operands of shapes \[\], \[2,4\], where CONCATENATION #1 cannot take/ },
    'a refusal inside a called subgraph names the call');
  const differ = await loadModel(ifModel({ reshapeElse: true }));
  t.teardown(() => differ.dispose());
  const session = await differ.createSession({ threads: 1 });
  await t.rejects(session.resize({ x: [2, 4] }), { code: 'ERR_XNNLITE_SHAPE', message: /IF.*branches give outputs of different shapes \(\[2,4\] and \[1,8\]\)/ });
  t.same(session.inputs[0].shape, [1, 4], 'the session keeps its shapes');
  const x = deterministicInput(4, -1, 1, 3);
  t.equal((await session.run({ x, selector: Int32Array.of(0) })).y.length, 4, 'and still runs');
});
