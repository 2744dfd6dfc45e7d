// The native binding on its own, called the way lib never calls it: a
// getter on another class's object, arguments whose getters dispose the
// object mid-call, buffers detached while a run is under way, shared memory,
// views whose properties lie, sizes that overflow, biases at the edge of
// int64. Each is a clear exception or a correct result, never a crash or
// undefined behaviour (test:sanitize runs this file under ASan and UBSan).
import t from 'tap';
import crypto from 'node:crypto';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { native } from '../lib/native';
import { createXnnRuntime, kernelPlan, xnnPlan } from './helpers/plans';

const binding = native();
const { Subgraph, SessionRuntime, MappedFile, constants: C } = binding;
const NONE = C.invalidValueId;

/** input [n] -> clamp -> output [n], as a runtime. */
async function copyRuntime(n = 16) {
  const g = new Subgraph(2);
  const x = g.defineTensor(C.datatype.fp32, [n], null, 0, C.valueFlags.externalInput);
  const y = g.defineTensor(C.datatype.fp32, [n], null, 1, C.valueFlags.externalOutput);
  g.defineUnary(C.unary.clamp, x, y, { min: -1e30, max: 1e30 });
  return createXnnRuntime(g, [[n]], [[n]]);
}

/** An array whose element `index` is a getter that calls `effect` first. */
function withGetter<T>(values: T[], index: number, effect: () => void): T[] {
  const array = [...values];
  Object.defineProperty(array, index, { get: () => { effect(); return values[index]; } });
  return array;
}

const referenceProgram = (bias: bigint, data?: Uint8Array) => kernelPlan({
  tensors: [
    { bytes: 2 * 4 },
    { bytes: 4 * 2, data: data ?? new Uint8Array(Int8Array.of(1, 2, 3, 4, -1, -2, -3, -4).buffer) },
    { bytes: 8 * 2, data: new Uint8Array(BigInt64Array.of(bias, -bias).buffer) },
    { bytes: 2 * 2 },
  ],
  inputs: [{ tensor: 0, datatype: 0, shape: [1, 4] }],
  outputs: [{ tensor: 3, datatype: 0, shape: [1, 2] }],
  ops: [{ kernel: 'fully_connected_s16', label: 'FULLY_CONNECTED #0', inputs: [0, 1, 2], outputs: [3], ints: [1, 4, 2, 0, 0, -32768, 32767, 8], reals: [1e-3, 1e-3] }],
});

t.test('getters check their receiver: another class\'s object is a TypeError, not a reinterpretation', async (t) => {
  const runtime = await copyRuntime();
  const mapped = MappedFile.copyOf(new Uint8Array(8));
  const g = new Subgraph(1);
  const getter = (cls: { prototype: object }, name: string) => Object.getOwnPropertyDescriptor(cls.prototype, name)!.get!;
  for (const [cls, name, wrong] of [[SessionRuntime, 'busy', g], [SessionRuntime, 'busy', mapped], [MappedFile, 'buffer', runtime], [MappedFile, 'buffer', {}]] as const) {
    t.throws(() => getter(cls as never, name).call(wrong), { name: 'TypeError', message: 'Illegal invocation' }, `${(cls as { name: string }).name}.${name} on a ${wrong.constructor.name}`);
  }
  t.equal(runtime.busy, false, 'on its own object it works');
  t.equal(mapped.buffer.byteLength, 8);
  t.throws(() => new (SessionRuntime as never as new (x: unknown) => unknown)(undefined), { name: 'TypeError' }, 'runtimes are not constructed from JS');
  runtime.dispose();
  mapped.close();
  g.dispose();
});

t.test('an argument whose getter disposes the object mid-call gets a disposed error', async (t) => {
  const g = new Subgraph(2);
  t.throws(() => g.defineTensor(C.datatype.fp32, withGetter([4], 0, () => g.dispose()), null, 0, C.valueFlags.externalInput),
    { code: 'ERR_XNNLITE_DISPOSED' }, 'Subgraph.defineTensor');

  const h = new Subgraph(2);
  const x = h.defineTensor(C.datatype.fp32, [4], null, 0, C.valueFlags.externalInput);
  const y = h.defineTensor(C.datatype.fp32, [4], null, 1, C.valueFlags.externalOutput);
  t.throws(() => h.defineUnary(C.unary.clamp, x, y, { get min() { h.dispose(); return 0; }, max: 1 } as never),
    { code: 'ERR_XNNLITE_DISPOSED' }, 'Subgraph.defineUnary params');

  const k = new Subgraph(2);
  const a = k.defineTensor(C.datatype.fp32, [4], null, 0, C.valueFlags.externalInput);
  const b = k.defineTensor(C.datatype.fp32, [4], null, 1, C.valueFlags.externalOutput);
  k.defineUnary(C.unary.clamp, a, b, { min: 0, max: 1 });
  const cache = { get path() { k.dispose(); return '/nonexistent/x.xnnwc'; }, lockPath: '/nonexistent/x.lock', fingerprint: new Uint8Array(32), metadata: '' };
  t.throws(() => SessionRuntime.create(xnnPlan(k, [[4]], [[4]]), 1, 0, cache), { name: 'TypeError', message: /Subgraph has been disposed or used/ },
    'SessionRuntime.create with a cache request');

  for (const method of ['invoke', 'invokeAsync'] as const) {
    const runtime = await copyRuntime(4);
    const out = new Float32Array(4);
    t.throws(() => runtime[method](withGetter([new Float32Array(4)], 0, () => runtime.dispose()), [out]), { code: 'ERR_XNNLITE_DISPOSED' }, `Runtime.${method}`);
    const busy = await copyRuntime(4);
    let started: Promise<void> | undefined;
    t.throws(() => busy[method](withGetter([new Float32Array(4)], 0, () => { started = busy.invokeAsync([new Float32Array(4)], [new Float32Array(4)]); }), [out]),
      { code: 'ERR_XNNLITE_BUSY' }, `Runtime.${method} whose argument starts another run`);
    await started;
    busy.dispose();
  }
});

t.test('arrays that grow while the binding reads them are read as they were', async (t) => {
  const program = referenceProgram(0n);
  const tensors = program.tensors;
  const grown = [...tensors];
  Object.defineProperty(grown, 0, { get: () => { for (let i = 0; i < 1000; i++) grown.push({ bytes: 4 }); return tensors[0]; } });
  const runtime = await SessionRuntime.create({ ...program, tensors: grown }, 1, 0);
  const out = new Int16Array(2);
  runtime.invoke([Int16Array.of(100, 100, 100, 100)], [out]);
  t.same(Array.from(out), [1, -1], 'the program is the one it was when create() began');
  runtime.dispose();
  const reals = [1e-3, 1e-3];
  const growing = [...reals];
  Object.defineProperty(growing, 0, { get: () => { for (let i = 0; i < 1000; i++) growing.push(1); return reals[0]; } });
  const withReals = referenceProgram(0n);
  (withReals.steps[0] as { reals: number[] }).reals = growing;
  (await SessionRuntime.create(withReals, 1, 0)).dispose();
  const g = new Subgraph(1);
  const dims = [2, 3];
  Object.defineProperty(dims, 0, { get: () => { for (let i = 0; i < 100; i++) dims.push(1); return 2; } });
  t.equal(typeof g.defineTensor(C.datatype.fp32, dims, null, NONE, 0), 'number', 'dims grown by a getter');
  g.dispose();
});

t.test('an output buffer detached while an asynchronous run is under way is reported, not written', async (t) => {
  const runtime = await copyRuntime(1 << 16);
  const input = Float32Array.from({ length: 1 << 16 }, (_, i) => i);
  const output = new Float32Array(1 << 16);
  const done = runtime.invokeAsync([input], [output]);
  const moved = structuredClone(output.buffer, { transfer: [output.buffer] });
  t.equal(output.length, 0, 'the view is detached');
  await t.rejects(done, { message: /output 0 was detached or resized while the inference ran/ });
  t.equal(new Float32Array(moved)[5], 0, 'the memory it moved to is untouched');
  const again = new Float32Array(1 << 16);
  await runtime.invokeAsync([input], [again]);
  t.equal(again[5], 5, 'the runtime goes on working');
  runtime.dispose();
});

t.test('views over a SharedArrayBuffer, and views whose properties lie', async (t) => {
  const runtime = await copyRuntime(8);
  const sharedIn = new Float32Array(new SharedArrayBuffer(32));
  sharedIn.set([1, 2, 3, 4, 5, 6, 7, 8]);
  const sharedOut = new Float32Array(new SharedArrayBuffer(32));
  runtime.invoke([sharedIn], [sharedOut]);
  t.same(Array.from(sharedOut), [1, 2, 3, 4, 5, 6, 7, 8], 'invoke');
  const asyncOut = new Float32Array(new SharedArrayBuffer(32));
  await runtime.invokeAsync([sharedIn], [asyncOut]);
  t.same(Array.from(asyncOut), [1, 2, 3, 4, 5, 6, 7, 8], 'invokeAsync');

  const small = new Float32Array(2);
  Object.defineProperty(small, 'byteLength', { value: 32 });
  Object.defineProperty(small, 'length', { value: 8 });
  t.throws(() => runtime.invoke([small], [new Float32Array(8)]), { name: 'TypeError', message: 'invoke: input 0 must be an ArrayBufferView of 32 bytes' }, 'a short input that claims to be long');
  t.throws(() => runtime.invoke([new Float32Array(8)], [small]), { name: 'TypeError', message: 'invoke: output 0 must be an ArrayBufferView of 32 bytes' }, 'a short output that claims to be long');
  runtime.dispose();

  const g = new Subgraph(2);
  const shared = new Float32Array(new SharedArrayBuffer(16));
  shared.set([1, 2, 3, 4]);
  const x = g.defineTensor(C.datatype.fp32, [4], null, 0, C.valueFlags.externalInput);
  const c = g.defineTensor(C.datatype.fp32, [4], shared, NONE, 0);
  const y = g.defineTensor(C.datatype.fp32, [4], null, 1, C.valueFlags.externalOutput);
  g.defineBinary(C.binary.add, x, c, y, -Infinity, Infinity);
  const adder = await createXnnRuntime(g, [[4]], [[4]]);
  shared.fill(100);  // static data is kept as it was at definition
  const sum = new Float32Array(4);
  adder.invoke([Float32Array.of(10, 20, 30, 40)], [sum]);
  t.same(Array.from(sum), [11, 22, 33, 44], 'static data in shared memory');
  adder.dispose();

  const sab = new Uint8Array(new SharedArrayBuffer(3));
  sab.set([1, 2, 3]);
  t.same(Array.from(new Uint8Array(MappedFile.copyOf(sab).buffer)), [1, 2, 3], 'MappedFile.copyOf');
  const weights = new Uint8Array(new SharedArrayBuffer(8));
  weights.set(new Uint8Array(Int8Array.of(1, 2, 3, 4, -1, -2, -3, -4).buffer));
  const ref = await SessionRuntime.create(referenceProgram(0n, weights), 1, 0);
  const out = new Int16Array(2);
  ref.invoke([Int16Array.of(100, 100, 100, 100)], [out]);
  t.same(Array.from(out), [1, -1], 'reference program data in shared memory');
  ref.dispose();
});

t.test('tensor sizes that overflow are refused', async (t) => {
  const g = new Subgraph(1);
  t.throws(() => g.defineTensor(C.datatype.fp32, [2 ** 31, 2 ** 31, 2 ** 31], null, NONE, 0), { name: 'RangeError', message: /too large/ });
  t.throws(() => g.defineQuantizedTensor(C.datatype.qint8, 0, 1, [2 ** 40, 2 ** 40], null, NONE, 0), { name: 'RangeError' });
  t.throws(() => g.defineFp16Tensor([2 ** 40, 2 ** 40], new Uint8Array(4), 0, true), { name: 'RangeError' });
  t.throws(() => g.defineTensor(C.datatype.fp32, [4], new Float32Array(3), NONE, 0), { name: 'TypeError', message: 'static data is smaller than the tensor (12 bytes, the tensor needs 16)' });
  g.dispose();
  const huge = referenceProgram(0n);
  Object.assign(huge.steps[0], { ints: [2 ** 31, 2 ** 31, 2 ** 31, 0, 0, -32768, 32767, 8], reals: [] });
  t.throws(() => SessionRuntime.create(huge, 1, 0), { name: 'TypeError', message: /parameters do not fit its tensors/ }, 'reference kernel sizes whose product overflows');
});

t.test('a thread count no pool should have is refused', async (t) => {
  const g = new Subgraph(1);
  t.throws(() => SessionRuntime.create(xnnPlan(g, [], []), 2 ** 32 - 1, 0), { name: 'TypeError', message: 'SessionRuntime.create: threads must be between 1 and 1024' });
  t.throws(() => SessionRuntime.create(xnnPlan(g, [], []), 0, 0), { name: 'TypeError' });
  t.throws(() => SessionRuntime.create(referenceProgram(0n), 1e9, 0), { name: 'TypeError', message: 'SessionRuntime.create: threads must be between 1 and 1024' });
  g.dispose();
});

t.test('int64 biases at the edge of the range neither overflow nor wrap', async (t) => {
  for (const bias of [2n ** 62n, 2n ** 63n - 1n, 2n ** 47n]) {
    const runtime = await SessionRuntime.create(referenceProgram(bias), 1, 0);
    const out = new Int16Array(2);
    runtime.invoke([Int16Array.of(32767, 32767, 32767, 32767)], [out]);
    t.same(Array.from(out), [32767, -32768], `bias ±${bias}: saturates`);
    runtime.dispose();
  }
});

t.test('SHA-256 of model bytes matches node:crypto, whatever the length', async (t) => {
  t.match(binding.sha256Implementation(), /^(sha-ni|armv8-crypto|portable)$/);
  for (const n of [0, 1, 55, 56, 63, 64, 65, 119, 120, 1000, 65537, 1 << 20]) {
    const bytes = crypto.randomBytes(n);
    const mapped = MappedFile.copyOf(bytes);
    const digest = await mapped.digest();
    mapped.close();
    t.equal(digest.toString('hex'), crypto.createHash('sha256').update(bytes).digest('hex'), `${n} bytes`);
  }
  const closing = MappedFile.copyOf(crypto.randomBytes(1 << 22));
  const pending = closing.digest();
  closing.close();
  t.equal((await pending).length, 32, 'a digest under way outlives close()');
});

t.test('the portable SHA-256 gives the same digests as the CPU\'s SHA instructions', async (t) => {
  const script = `
    const { native } = require(${JSON.stringify(path.join(__dirname, '..', 'dist', 'native.js'))});
    const b = native();
    const out = [b.sha256Implementation()];
    (async () => {
      for (const n of [0, 3, 63, 64, 65, 1000, 100001]) {
        const bytes = Buffer.alloc(n);
        for (let i = 0; i < n; i++) bytes[i] = (i * 131 + (i >> 7)) & 255;
        out.push((await b.MappedFile.copyOf(bytes).digest()).toString('hex'));
      }
      console.log(JSON.stringify(out));
    })();`;
  const run = (env: Record<string, string>) => JSON.parse(execFileSync(process.execPath, ['-e', script], { env: { ...process.env, ...env }, encoding: 'utf8' }));
  const portable = run({ XNNLITE_SHA256: 'portable' });
  t.equal(portable[0], 'portable');
  const expected = [0, 3, 63, 64, 65, 1000, 100001].map((n) => {
    const bytes = Buffer.alloc(n);
    for (let i = 0; i < n; i++) bytes[i] = (i * 131 + (i >> 7)) & 255;
    return crypto.createHash('sha256').update(bytes).digest('hex');
  });
  t.same(portable.slice(1), expected, 'portable');
  t.same(run({}).slice(1), expected, `${binding.sha256Implementation()} (this CPU's choice)`);
});

t.test('cache prefetch: malformed arguments are refused, releasing what was never held does nothing', async (t) => {
  const b = native();
  t.throws(() => (b.prefetchCacheFile as (...a: unknown[]) => unknown)('x'), TypeError, 'no fingerprint');
  t.throws(() => b.prefetchCacheFile('x', new Uint8Array(31)), TypeError, 'a fingerprint of 31 bytes');
  t.throws(() => (b.prefetchCacheFile as (...a: unknown[]) => unknown)('x', new Uint16Array(16)), TypeError, 'a fingerprint that is not bytes');
  t.throws(() => (b.releaseCacheFile as (...a: unknown[]) => unknown)(7), TypeError, 'a path that is not a string');
  t.equal(await b.prefetchCacheFile('/nonexistent/dir/file.xnnwc', new Uint8Array(32)), false, 'no file: nothing held');
  b.releaseCacheFile('/nonexistent/dir/file.xnnwc');
  b.releaseCacheFile('never held');
  t.pass('releases without a hold are no-ops');
});

t.test('a session plan that does not hold together is refused before anything runs', async (t) => {
  const clamp = () => {
    const g = new Subgraph(2);
    const x = g.defineTensor(C.datatype.fp32, [4], null, 0, C.valueFlags.externalInput);
    const y = g.defineTensor(C.datatype.fp32, [4], null, 1, C.valueFlags.externalOutput);
    g.defineUnary(C.unary.clamp, x, y, { min: 0, max: 1 });
    return g;
  };
  const refused = (plan: object, message: RegExp, what: string) =>
    t.throws(() => SessionRuntime.create(plan as never, 1, 0), { name: 'TypeError', message }, what);
  const g = clamp();
  const plan = xnnPlan(g, [[4]], [[4]]);
  refused({ ...plan, tensors: [{ bytes: 16, offset: plan.arenaBytes }, plan.tensors[1]] }, /tensor 0 lies outside the arena/, 'a tensor past the arena');
  refused({ ...plan, tensors: [plan.tensors[0], { bytes: 16, data: new Uint8Array(16) }] }, /external tensor must be an arena tensor, not a constant/, 'a constant the session would write');
  refused({ ...plan, tensors: [...plan.tensors, { bytes: 16, data: new Uint8Array(16) }], steps: [{ subgraph: g, externals: [0, 2] }] },
    /partition external must be an arena tensor/, 'XNNPACK writing a constant');
  refused({ ...plan, steps: [{ subgraph: g, externals: [0, 7] }] }, /partition external out of range/, 'an external beyond the tensors');
  refused({ ...plan, steps: [{ subgraph: {}, externals: [0, 1] }] }, /needs a Subgraph/, 'a partition without a subgraph');
  refused({ ...plan, outputs: [{ tensor: 1, datatype: 0, shape: [-1] }] }, /negative dimension/, 'a negative dimension');
  const runtime = await SessionRuntime.create(plan, 1, 0);
  refused(plan, /Subgraph has been disposed or used/, 'a subgraph used twice');
  runtime.dispose();
  const kernel = kernelPlan({
    tensors: [{ bytes: 8 }, { bytes: 8, data: new Uint8Array(8) }],
    inputs: [{ tensor: 0, datatype: 0, shape: [2] }], outputs: [],
    ops: [{ kernel: 'cast', label: 'CAST #0', inputs: [0], outputs: [1], ints: [2, 0, 4], reals: [] }],
  });
  refused(kernel, /CAST #0: output must be an arena tensor/, 'a kernel writing a constant');

  // A partition whose shapes differ from the plan's tensors is refused when it is set up, naming the tensor.
  const h = clamp();
  const wrong = xnnPlan(h, [[4]], [[8]]);
  wrong.tensors[1].name = 'Model.subgraphs[0].tensors[1] (y)';
  await t.rejects(SessionRuntime.create(wrong, 1, 0), { code: 'ERR_XNNLITE_SHAPE_MISMATCH', tensor: 'Model.subgraphs[0].tensors[1] (y)', message: /declares 32 bytes, but its operators produce shape \[4\] \(16 bytes\)/ });
});
