// The math, comparison, reduction and normalization kernels against programs
// a hostile caller of the binding might write: every integer parameter and
// every tensor size of a consistent program, changed to values that do not
// fit, is either refused when the runtime is created (a TypeError naming the
// op) or runs without reading or writing outside a buffer.
import t from 'tap';
import { native } from '../../lib/native';
import type { KernelCall } from '../../lib/reference/program-builder';
import { kernelPlan, type KernelProgram } from '../helpers/plans';

const { SessionRuntime } = native();

interface Case {
  kernel: string;
  /** Byte sizes: inputs first, then the output. */
  bytes: number[];
  inputs: number;
  ints: number[];
  reals?: number[];
}

// Consistent programs: int32 [2,3] with [3] (broadcast), a reduction of [2,3] over axis 1, rows of 3 floats.
const LAYOUT = [2, 2, 3, 3, 1, 0, 1];
const CASES: Case[] = [
  { kernel: 'broadcast_binary', bytes: [24, 12, 24], inputs: 2, ints: [3, 4, 1, ...LAYOUT] },
  { kernel: 'broadcast_binary', bytes: [24, 12, 24], inputs: 2, ints: [9, 4, 0, ...LAYOUT] },
  { kernel: 'compare', bytes: [24, 12, 6], inputs: 2, ints: [0, 4, 0, 0, 0, 0, 0, 0, 0, ...LAYOUT] },
  { kernel: 'compare', bytes: [6, 3, 6], inputs: 2, ints: [4, 1, 1, 3, 1 << 30, 2, -1, 1 << 30, 3, ...LAYOUT] },
  { kernel: 'math_unary', bytes: [24, 24], inputs: 1, ints: [0, 4, 6] },
  { kernel: 'reduce_axes', bytes: [24, 8], inputs: 1, ints: [0, 4, 0, 0, 0, 1, 2, 3, 1, 3, 1] },
  { kernel: 'reduce_axes', bytes: [6, 2], inputs: 1, ints: [0, 1, 1, 3, -2, 1, 2, 3, 1, 3, 1], reals: [0.5] },
  { kernel: 'log_softmax', bytes: [24, 24], inputs: 1, ints: [2, 3] },
  { kernel: 'l2_normalization', bytes: [24, 24], inputs: 1, ints: [2, 3] },
  { kernel: 'local_response_normalization', bytes: [24, 24], inputs: 1, ints: [2, 3, 1], reals: [1, 1, 0.5] },
];

function program(c: Case, bytes: number[], ints: number[], reals = c.reals ?? []): KernelProgram {
  const tensors = bytes.map((b) => ({ bytes: b }));
  const op: KernelCall = {
    kernel: c.kernel, label: 'OP #0', inputs: Array.from({ length: c.inputs }, (_, k) => k), outputs: [c.inputs], ints, reals,
  };
  return {
    tensors,
    inputs: Array.from({ length: c.inputs }, (_, k) => ({ tensor: k, datatype: 0, shape: [bytes[k]] })),
    outputs: [{ tensor: c.inputs, datatype: 0, shape: [bytes[c.inputs]] }],
    ops: [op],
  };
}

/** Creates and runs `p` (inputs filled with `fill`); false if creation refused it. */
async function tryRun(p: KernelProgram, fill: number): Promise<boolean> {
  let runtime;
  try {
    runtime = await SessionRuntime.create(kernelPlan(p), 1, 0);
  } catch (err) {
    if (!(err instanceof TypeError) || !/OP #0: \w+ parameters do not fit its tensors|must hold integers/.test(err.message)) throw err;
    return false;
  }
  try {
    const inputs = p.inputs.map((e) => new Uint8Array(p.tensors[e.tensor].bytes).fill(fill));
    const outputs = p.outputs.map((e) => new Uint8Array(p.tensors[e.tensor].bytes));
    try {
      runtime.invoke(inputs, outputs);
    } catch (err) {
      if ((err as { code?: string }).code !== 'ERR_XNNLITE_INVALID_VALUE') throw err;
    }
    return true;
  } finally {
    runtime.dispose();
  }
}

const VALUES = [-1, 0, 1, 2, 3, 7, 9, 255, 2 ** 31, -(2 ** 31), 2 ** 40, 2 ** 53 - 1];

t.test('consistent programs run', async (t) => {
  for (const c of CASES) t.ok(await tryRun(program(c, c.bytes, c.ints), 1), `${c.kernel} [${c.ints}]`);
});

t.test('each integer parameter changed: refused, or run in bounds', async (t) => {
  for (const c of CASES) {
    let refused = 0;
    let ran = 0;
    for (let i = 0; i < c.ints.length; i++) {
      for (const v of VALUES) {
        const ints = c.ints.map((x, k) => (k === i ? v : x));
        for (const fill of [0, 1, 255]) ((await tryRun(program(c, c.bytes, ints), fill)) ? ran++ : refused++);
      }
    }
    for (const cut of [c.ints.length - 1, 1]) ((await tryRun(program(c, c.bytes, c.ints.slice(0, cut)), 1)) ? ran++ : refused++);
    t.ok(refused > 0, `${c.kernel}: ${refused} refused, ${ran} ran`);
  }
});

t.test('each tensor a byte short: refused', async (t) => {
  for (const c of CASES) {
    for (let k = 0; k < c.bytes.length; k++) {
      const bytes = c.bytes.map((b, j) => (j === k ? b - 1 : b));
      t.notOk(await tryRun(program(c, bytes, c.ints), 1), `${c.kernel}: tensor ${k} of ${bytes[k]} bytes`);
    }
  }
});

t.test('missing reals, and reals that are not numbers, are refused', async (t) => {
  for (const c of CASES.filter((x) => x.reals)) {
    t.notOk(await tryRun(program(c, c.bytes, c.ints, []), 1), `${c.kernel} without reals`);
    t.ok(await tryRun(program(c, c.bytes, c.ints, (c.reals ?? []).map(() => NaN)), 1), `${c.kernel} with NaN reals runs`);
  }
});
