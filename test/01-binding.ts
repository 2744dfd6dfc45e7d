// The native binding itself: XNNPACK loads, reports itself, and runs small
// graphs whose results are checked against plain JavaScript arithmetic.
import t from 'tap';
import { native } from '../lib/native';
import { version, selfTest, XnnpackError } from '../lib/index';
import { createXnnRuntime } from './helpers/plans';

const { Subgraph, SessionRuntime, constants: C } = native();
const NONE = C.invalidValueId;
const FLOAT_MAX = Infinity;

function close(actual: Float32Array, expected: ArrayLike<number>, tolerance = 1e-5): boolean {
  if (actual.length !== expected.length) return false;
  for (let i = 0; i < actual.length; i++) {
    if (!(Math.abs(actual[i] - expected[i]) <= tolerance * Math.max(1, Math.abs(expected[i])))) return false;
  }
  return true;
}

/** A graph with one fp32 input and one output of the same shape, built by `body`. */
async function unaryGraph(shape: number[], body: (g: InstanceType<typeof Subgraph>, input: number, output: number) => void) {
  const g = new Subgraph(2);
  const input = g.defineTensor(C.datatype.fp32, shape, null, 0, C.valueFlags.externalInput);
  const output = g.defineTensor(C.datatype.fp32, shape, null, 1, C.valueFlags.externalOutput);
  body(g, input, output);
  return createXnnRuntime(g, [shape], [shape]);
}

t.test('version() reports XNNPACK and the ISA it detected', async (t) => {
  const v = version();
  t.equal(v.xnnpack, '0.0~git20241108.4ea82e5');
  t.match(v.buildIdentifier, /^[0-9a-f]{64}$/);
  t.ok(v.supported, 'XNNPACK initialized on this CPU');
  t.ok(['x86_64', 'arm64', 'arm'].includes(v.arch), `arch is ${v.arch}`);
  if (v.arch === 'x86_64') t.ok(v.isa.includes('sse4.1'), `x86-64 ISA list names SSE4.1: ${v.isa.join(', ')}`);
  if (v.arch === 'arm64') t.ok(v.isa.includes('neon'), 'arm64 ISA list names NEON');
  t.match(v.xnnlite, /^\d+\.\d+\.\d+/);
});

t.test('constants mirror the XNNPACK header', async (t) => {
  t.equal(C.datatype.fp32, 1);
  t.equal(C.invalidValueId, 0xffffffff);
  t.equal(C.maxTensorDims, 6);
  t.ok(C.extraBytes >= 16);
  t.not(C.unary.clamp, C.unary.sigmoid);
});

t.test('selfTest() runs a graph and checks it', async (t) => {
  const result = await selfTest();
  t.equal(result.ok, true);
  t.equal(result.output.length, 4);
});

t.test('unary operators match JavaScript', async (t) => {
  const x = Float32Array.from({ length: 37 }, (_, i) => (i - 18) / 3);
  const cases: Array<[string, number, object | undefined, (v: number) => number, number]> = [
    ['clamp', C.unary.clamp, { min: -1, max: 2.5 }, (v) => Math.min(Math.max(v, -1), 2.5), 0],
    ['sigmoid', C.unary.sigmoid, undefined, (v) => 1 / (1 + Math.exp(-v)), 1e-5],
    ['tanh', C.unary.tanh, undefined, Math.tanh, 1e-5],
    ['elu', C.unary.elu, { alpha: 0.7 }, (v) => (v > 0 ? v : 0.7 * (Math.exp(v) - 1)), 1e-5],
    ['leaky relu', C.unary.leakyRelu, { negativeSlope: 0.2 }, (v) => (v > 0 ? v : 0.2 * v), 1e-6],
    ['hardswish', C.unary.hardswish, undefined, (v) => (v * Math.min(Math.max(v + 3, 0), 6)) / 6, 1e-5],
  ];
  for (const [name, op, params, reference, tolerance] of cases) {
    const runtime = await unaryGraph([1, x.length], (g, i, o) => g.defineUnary(op, i, o, params));
    const out = new Float32Array(x.length);
    runtime.invoke([x], [out]);
    t.ok(close(out, Array.from(x, reference), tolerance), `${name} matches`);
    runtime.dispose();
  }
});

t.test('binary operators broadcast like numpy', async (t) => {
  const g = new Subgraph(3);
  const a = g.defineTensor(C.datatype.fp32, [2, 3], null, 0, C.valueFlags.externalInput);
  const b = g.defineTensor(C.datatype.fp32, [1, 3], null, 1, C.valueFlags.externalInput);
  const out = g.defineTensor(C.datatype.fp32, [2, 3], null, 2, C.valueFlags.externalOutput);
  g.defineBinary(C.binary.subtract, a, b, out, -FLOAT_MAX, 4);
  const runtime = await createXnnRuntime(g, [[2, 3], [1, 3]], [[2, 3]]);
  const result = new Float32Array(6);
  runtime.invoke([new Float32Array([1, 2, 3, 10, 20, 30]), new Float32Array([1, 1, 2])], [result]);
  t.same(Array.from(result), [0, 1, 1, 4, 4, 4], 'subtract, broadcast over rows, clamped to 4');
  runtime.dispose();
});

t.test('fully connected with static weights and bias', async (t) => {
  const inputs = 5;
  const outputs = 3;
  const w = Float32Array.from({ length: inputs * outputs }, (_, i) => Math.sin(i));
  const bias = new Float32Array([0.5, -1, 2]);
  const g = new Subgraph(2);
  const x = g.defineTensor(C.datatype.fp32, [2, inputs], null, 0, C.valueFlags.externalInput);
  const y = g.defineTensor(C.datatype.fp32, [2, outputs], null, 1, C.valueFlags.externalOutput);
  const wid = g.defineTensor(C.datatype.fp32, [outputs, inputs], w, NONE, 0);
  const bid = g.defineTensor(C.datatype.fp32, [outputs], bias, NONE, 0);
  g.defineFullyConnected(-FLOAT_MAX, FLOAT_MAX, x, wid, bid, y, 0);
  const runtime = await createXnnRuntime(g, [[2, inputs]], [[2, outputs]], 2);
  const input = Float32Array.from({ length: 2 * inputs }, (_, i) => i / 4 - 1);
  const expected: number[] = [];
  for (let n = 0; n < 2; n++) {
    for (let o = 0; o < outputs; o++) {
      let acc = bias[o];
      for (let i = 0; i < inputs; i++) acc += w[o * inputs + i] * input[n * inputs + i];
      expected.push(acc);
    }
  }
  const sync = new Float32Array(2 * outputs);
  runtime.invoke([input], [sync]);
  t.ok(close(sync, expected), 'invoke matches');
  const async = new Float32Array(2 * outputs);
  await runtime.invokeAsync([input], [async]);
  t.same(Array.from(async), Array.from(sync), 'invokeAsync gives the same numbers');
  t.same(runtime.externals().map((e) => [e.id, e.input, e.shape]), [[0, true, [2, inputs]], [1, false, [2, outputs]]]);
  runtime.dispose();
});

t.test('XNNPACK rejections become XnnpackError naming the call', async (t) => {
  const g = new Subgraph(2);
  const x = g.defineTensor(C.datatype.fp32, [1, 4], null, 0, C.valueFlags.externalInput);
  const err = (() => {
    try {
      g.defineUnary(C.unary.sigmoid, x, 12345);
    } catch (e) {
      return e;
    }
    return undefined;
  })();
  t.type(err, XnnpackError);
  t.match(err, {
    call: 'xnn_define_unary', statusName: 'invalid parameter', code: 'ERR_XNNPACK',
    message: /xnn_define_unary failed: invalid parameter/,
  });
  g.dispose();
  t.throws(() => g.defineTensor(C.datatype.fp32, [1], null, NONE, 0), { code: 'ERR_XNNLITE_DISPOSED' });
});

t.test('the binding guards against misuse instead of crashing', async (t) => {
  const g = new Subgraph(1);
  t.throws(() => g.defineTensor(99, [1], null, NONE, 0), TypeError, 'unknown datatype');
  t.throws(() => g.defineTensor(C.datatype.fp32, [1, 2, 3, 4, 5, 6, 7], null, NONE, 0), TypeError, 'too many dims');
  t.throws(() => g.defineTensor(C.datatype.fp32, [-1], null, NONE, 0), TypeError, 'negative dim');
  t.throws(() => g.defineTensor(C.datatype.fp32, [100], new Float32Array(10), NONE, 0), TypeError, 'data too small');
  g.dispose();

  const runtime = await unaryGraph([4], (sg, i, o) => sg.defineUnary(C.unary.abs, i, o));
  t.throws(() => runtime.invoke([new Float32Array(3)], [new Float32Array(4)]), TypeError, 'short input');
  t.throws(() => runtime.invoke([new Float32Array(4)], []), TypeError, 'missing output');
  t.throws(() => runtime.invoke([new Float32Array(4), new Float32Array(4)], [new Float32Array(4)]), TypeError, 'extra input');
  t.throws(() => runtime.invoke([{} as Float32Array], [new Float32Array(4)]), TypeError, 'not a view');
  const out = new Float32Array(4);
  const pending = runtime.invokeAsync([new Float32Array([-1, 2, -3, 4])], [out]);
  t.equal(runtime.busy, true);
  t.throws(() => runtime.invoke([new Float32Array(4)], [new Float32Array(4)]), { code: 'ERR_XNNLITE_BUSY' });
  runtime.dispose();
  t.throws(() => runtime.externals(), { code: 'ERR_XNNLITE_DISPOSED' }, 'dispose while running is deferred but visible');
  await pending;
  t.same(Array.from(out), [1, 2, 3, 4], 'the running inference completed');
  runtime.dispose();

  const consumed = new Subgraph(1);
  consumed.defineTensor(C.datatype.fp32, [1], null, 0, C.valueFlags.externalInput);
  const created = createXnnRuntime(consumed, [[1]], []);
  t.throws(() => consumed.defineTensor(C.datatype.fp32, [1], null, NONE, 0), { code: 'ERR_XNNLITE_DISPOSED' },
    'a subgraph is consumed by SessionRuntime.create');
  (await created).dispose();
  t.throws(() => new (SessionRuntime as unknown as new () => unknown)(), TypeError);
});

t.test('inputs are copied when the call is made', async (t) => {
  const runtime = await unaryGraph([3], (g, i, o) => g.defineUnary(C.unary.negate, i, o));
  const input = new Float32Array([1, 2, 3]);
  const out = new Float32Array(3);
  const pending = runtime.invokeAsync([input], [out]);
  input.fill(100);
  await pending;
  t.same(Array.from(out), [-1, -2, -3]);
  runtime.dispose();
});

t.test('many runtimes run in parallel on the libuv pool', async (t) => {
  const runtimes = await Promise.all(Array.from({ length: 6 }, () =>
    unaryGraph([1024], (g, i, o) => g.defineUnary(C.unary.square, i, o))));
  const results = await Promise.all(runtimes.map(async (r, k) => {
    const input = new Float32Array(1024).fill(k);
    const out = new Float32Array(1024);
    await r.invokeAsync([input], [out]);
    return out.every((v) => v === k * k);
  }));
  t.same(results, [true, true, true, true, true, true]);
  for (const r of runtimes) r.dispose();
});
