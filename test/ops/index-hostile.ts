// The index, selection and generator kernels called through the binding
// with programs lib never writes: every parameter that would make a kernel
// read or write outside a buffer is refused when the runtime is created,
// and indices out of range at run time are an InvalidValue error, never a
// read outside the table.
import t from 'tap';
import { native } from '../../lib/native';
import { kernelPlan, type KernelProgram } from '../helpers/plans';

const { SessionRuntime } = native();

/** Reads `p`'s plan now, throwing what it refuses; a runtime made all the same is disposed once made. */
function readPlan(p: KernelProgram): void {
  SessionRuntime.create(kernelPlan(p), 1, 0).then((runtime) => runtime.dispose(), () => undefined);
}

interface Call { kernel: string; inputs: number[]; outputs: number[]; ints: number[]; reals?: number[] }

/** A program of one kernel call over tensors of the given byte sizes; tensors named in `fed` are its inputs, the call's outputs its outputs. */
function program(bytes: number[], call: Call, fed: number[], data: Record<number, Uint8Array> = {}): KernelProgram {
  return {
    tensors: bytes.map((b, k) => (data[k] ? { bytes: b, data: data[k] } : { bytes: b })),
    inputs: fed.map((tensor) => ({ tensor, datatype: 0, shape: [bytes[tensor]] })),
    outputs: call.outputs.map((tensor) => ({ tensor, datatype: 0, shape: [bytes[tensor]] })),
    ops: [{ label: 'OP #0', reals: [], ...call }],
  };
}

const valid: Record<string, { bytes: number[]; call: Call; fed: number[] }> = {
  gather: { bytes: [48, 8, 24], call: { kernel: 'gather', inputs: [0, 1], outputs: [2], ints: [4, 4, 1, 1, 4, 2, 3, 1] }, fed: [0, 1] },
  embedding: { bytes: [8, 12, 32], call: { kernel: 'embedding_lookup_dequantize', inputs: [0, 1], outputs: [2], ints: [3, 4, 2], reals: [0.5] }, fed: [0, 1] },
  gather_nd: { bytes: [48, 16, 8], call: { kernel: 'gather_nd', inputs: [0, 1], outputs: [2], ints: [4, 4, 2, 2, 1, 12, 3, 4, 4, 1] }, fed: [0, 1] },
  scatter_nd: { bytes: [8, 24, 48], call: { kernel: 'scatter_nd', inputs: [0, 1], outputs: [2], ints: [0, 2, 1, 3, 12, 4, 3] }, fed: [0, 1] },
  one_hot: { bytes: [12, 4, 4, 48], call: { kernel: 'one_hot', inputs: [0, 1, 2], outputs: [3], ints: [4, 4, 1, 4, 3] }, fed: [0, 1, 2] },
  arg_min_max: { bytes: [48, 12], call: { kernel: 'arg_min_max', inputs: [0], outputs: [1], ints: [0, 4, 1, 3, 4, 1] }, fed: [0] },
  top_k: { bytes: [48, 24, 24], call: { kernel: 'top_k', inputs: [0], outputs: [1, 2], ints: [0, 3, 4, 2] }, fed: [0] },
  select: { bytes: [6, 24, 24, 24], call: { kernel: 'select', inputs: [0, 1, 2], outputs: [3], ints: [4, 1, 6, 1, 1, 1] }, fed: [0, 1, 2] },
  cumsum: { bytes: [48, 48], call: { kernel: 'cumsum', inputs: [0], outputs: [1], ints: [0, 3, 4, 1, 0, 0] }, fed: [0] },
  shape: { bytes: [12], call: { kernel: 'shape', inputs: [], outputs: [0], ints: [4, 2, 3, 5] }, fed: [] },
  fill: { bytes: [4, 24], call: { kernel: 'fill', inputs: [0], outputs: [1], ints: [4, 6] }, fed: [0] },
  range: { bytes: [4, 4, 20], call: { kernel: 'range', inputs: [0, 1], outputs: [2], ints: [0, 5] }, fed: [0, 1] },
  where: { bytes: [4, 16], call: { kernel: 'where', inputs: [0], outputs: [1], ints: [6, 1, 2, 4] }, fed: [0] },
};

/** Calls that the kernels' checks must refuse: each changes one thing in a valid call. */
const broken: [string, string, Partial<Call> & { bytes?: number[] }][] = [
  ['gather', 'an axis longer than the table', { ints: [4, 4, 1, 1, 5, 2, 3, 1] }],
  ['gather', 'more indices than the index tensor holds', { ints: [4, 4, 1, 1, 4, 3, 3, 1] }],
  ['gather', 'an element size of 3', { ints: [3, 4, 1, 1, 4, 2, 3, 1] }],
  ['gather', 'an index size of 1', { ints: [4, 1, 1, 1, 4, 2, 3, 1] }],
  ['gather', 'sizes whose product overflows', { ints: [4, 4, 2 ** 31, 2 ** 31, 2 ** 31, 2, 3, 1] }],
  ['gather', 'a missing parameter', { ints: [4, 4, 1, 1, 4, 2, 3] }],
  ['gather', 'a tensor that does not exist', { inputs: [0, 7] }],
  ['embedding', 'two scales for three rows', { reals: [0.5, 0.25] }],
  ['embedding', 'a table larger than its tensor', { ints: [4, 4, 2] }],
  ['gather_nd', 'slices past the end of the params', { ints: [4, 4, 2, 2, 1, 12, 4, 4, 4, 1] }],
  ['gather_nd', 'a stride of 0', { ints: [4, 4, 2, 2, 1, 12, 3, 4, 0, 1] }],
  ['gather_nd', 'an index depth its dims do not match', { ints: [4, 4, 2, 3, 1, 12, 3, 4, 4, 1] }],
  ['scatter_nd', 'slices past the end of the output', { ints: [0, 2, 1, 3, 12, 5, 3] }],
  ['scatter_nd', 'an element type that does not exist', { ints: [9, 2, 1, 3, 12, 4, 3] }],
  ['one_hot', 'a depth the output cannot hold', { ints: [4, 4, 1, 5, 3] }],
  ['one_hot', 'an index size of 2', { ints: [4, 2, 1, 4, 3] }],
  ['arg_min_max', 'an int16 input', { ints: [3, 4, 1, 3, 4, 1] }],
  ['arg_min_max', 'a float output', { ints: [0, 0, 1, 3, 4, 1] }],
  ['top_k', 'k larger than a row', { ints: [0, 3, 4, 5] }],
  ['top_k', 'bool values', { ints: [6, 3, 4, 2] }],
  ['select', 'x strides reading past x', { ints: [4, 1, 6, 1, 2, 1] }],
  ['select', 'a rank of 9', { ints: [4, 9, ...new Array(36).fill(1)] }],
  ['select', 'negative strides', { ints: [4, 1, 6, 1, -1, 1] }],
  ['cumsum', 'int8 values', { ints: [1, 3, 4, 1, 0, 0] }],
  ['shape', 'more dimensions than the output holds', { ints: [4, 2, 3, 5, 7] }],
  ['fill', 'more elements than the output holds', { ints: [4, 7] }],
  ['fill', 'an empty value tensor', { bytes: [0, 24] }],
  ['range', 'more elements than the output holds', { ints: [0, 6] }],
  ['where', 'more coordinates than the output holds', { ints: [6, 1, 3, 4] }],
  ['where', 'a condition larger than its tensor', { ints: [6, 1, 2, 5] }],
];

t.test('valid calls of every kernel are taken, on one thread and on two', async (t) => {
  for (const [name, c] of Object.entries(valid)) {
    for (const threads of [1, 2]) {
      const runtime = await SessionRuntime.create(kernelPlan(program(c.bytes, c.call, c.fed)), threads, 0);
      const outputs = c.call.outputs.map((k) => new Uint8Array(c.bytes[k]));
      runtime.invoke(c.fed.map((k) => new Uint8Array(c.bytes[k])), outputs);
      runtime.dispose();
      t.pass(`${name} on ${threads} thread(s)`);
    }
  }
});

t.test('parameters that would reach outside a buffer are refused at creation', async (t) => {
  for (const [name, what, change] of broken) {
    const { bytes: changedBytes, ...call } = change;
    const base = valid[name];
    t.throws(() => readPlan(program(changedBytes ?? base.bytes, { ...base.call, ...call }, base.fed)), { name: 'TypeError' }, `${name}: ${what}`);
  }
});

t.test('indices out of range at run time are refused, whatever kernel reads them', async (t) => {
  const cases: [string, number, Uint8Array, RegExp][] = [
    ['gather', 1, new Uint8Array(Int32Array.of(0, 4).buffer), /OP #0: index 4 at position 1 of input 1 is outside \[0, 4\)/],
    ['embedding', 0, new Uint8Array(Int32Array.of(-1, 0).buffer), /index -1 at position 0 of input 0 is outside \[0, 3\)/],
    ['gather_nd', 1, new Uint8Array(Int32Array.of(0, 0, 2, 4).buffer), /index 4 at position 3 of input 1 is outside \[0, 4\)/],
    ['scatter_nd', 0, new Uint8Array(Int32Array.of(4, 0).buffer), /index 4 at position 0 of input 0 is outside \[0, 4\)/],
  ];
  for (const [name, slot, indices, message] of cases) {
    const c = valid[name];
    const runtime = await SessionRuntime.create(kernelPlan(program(c.bytes, c.call, c.fed)), 2, 0);
    const inputs = c.fed.map((k) => (k === c.fed[slot] ? indices : new Uint8Array(c.bytes[k])));
    const outputs = c.call.outputs.map((k) => new Uint8Array(c.bytes[k]).fill(7));
    t.throws(() => runtime.invoke(inputs, outputs), { code: 'ERR_XNNLITE_INVALID_VALUE', message }, name);
    t.ok(outputs.every((o) => o.every((v) => v === 7)), `${name}: no output written`);
    runtime.dispose();
  }
});
