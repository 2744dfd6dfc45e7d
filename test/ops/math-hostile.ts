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

// The pooling kernels (max_pool, average_pool): a 5x5 window, stride 2x1,
// SAME padding, over an NHWC [1,3,4,2] input (output [1,2,4,2]), in each
// element type; reals are the output's clamp.
const POOL_SHAPE = [1, 3, 4, 2, 2, 4, 5, 5, 2, 1, 2, 2];
const POOL_CASES: Case[] = [
  { kernel: 'max_pool', bytes: [96, 64], inputs: 1, ints: [0, ...POOL_SHAPE], reals: [-Infinity, Infinity] },
  { kernel: 'average_pool', bytes: [96, 64], inputs: 1, ints: [0, ...POOL_SHAPE], reals: [0, 6] },
  { kernel: 'max_pool', bytes: [24, 16], inputs: 1, ints: [1, ...POOL_SHAPE], reals: [-128, 127] },
  { kernel: 'average_pool', bytes: [24, 16], inputs: 1, ints: [2, ...POOL_SHAPE], reals: [3, 250] },
  { kernel: 'average_pool', bytes: [48, 32], inputs: 1, ints: [3, ...POOL_SHAPE], reals: [-32768, 32767] },
];

t.test('pooling: consistent programs run', async (t) => {
  for (const c of POOL_CASES) t.ok(await tryRun(program(c, c.bytes, c.ints), 1), `${c.kernel} [${c.ints}]`);
});

t.test('pooling: each integer parameter changed: refused, or run in bounds', async (t) => {
  for (const c of POOL_CASES) {
    let refused = 0;
    let ran = 0;
    for (let i = 0; i < c.ints.length; i++) {
      for (const v of VALUES) {
        const ints = c.ints.map((x, k) => (k === i ? v : x));
        for (const fill of [0, 1, 255]) ((await tryRun(program(c, c.bytes, ints), fill)) ? ran++ : refused++);
      }
    }
    for (const cut of [c.ints.length - 1, 1]) t.notOk(await tryRun(program(c, c.bytes, c.ints.slice(0, cut)), 1), `${c.kernel}: ${cut} ints refused`);
    t.notOk(await tryRun(program(c, c.bytes, [...c.ints, 0]), 1), `${c.kernel}: one int too many refused`);
    t.ok(refused > 0 && ran > 0, `${c.kernel}: ${refused} refused, ${ran} ran`);
  }
});

t.test('pooling: each tensor a byte short: refused', async (t) => {
  for (const c of POOL_CASES) {
    for (let k = 0; k < c.bytes.length; k++) {
      const bytes = c.bytes.map((b, j) => (j === k ? b - 1 : b));
      t.notOk(await tryRun(program(c, bytes, c.ints), 1), `${c.kernel}: tensor ${k} of ${bytes[k]} bytes`);
    }
  }
});

t.test('pooling: element types it does not take are refused', async (t) => {
  for (const c of POOL_CASES.slice(0, 2)) {
    // int32, int64, bool, and codes that name no type; tensors large enough for any of them.
    for (const type of [4, 5, 6, 7, -1, 2 ** 31]) {
      t.notOk(await tryRun(program(c, [192, 128], [type, ...POOL_SHAPE], [0, 1]), 1), `${c.kernel}: element type ${type}`);
    }
  }
});

t.test('pooling: output ranges that are not ranges of the type are refused', async (t) => {
  const [f32, , s8, u8, s16] = POOL_CASES;
  const bad: [Case, number[]][] = [
    [f32, [NaN, 1]], [f32, [0, NaN]], [f32, [1, 0]], [f32, []], [f32, [0]], [f32, [0, 1, 2]],
    [s8, [-129, 0]], [s8, [0, 128]], [s8, [0.5, 1]], [s8, [-Infinity, 0]], [s8, [5, 4]],
    [u8, [-1, 255]], [u8, [0, 256]], [s16, [-32769, 0]], [s16, [0, 32768]], [s16, [NaN, NaN]],
  ];
  for (const [c, reals] of bad) t.notOk(await tryRun(program(c, c.bytes, c.ints, reals), 1), `${c.kernel} type ${c.ints[0]}: reals [${reals}]`);
});

t.test('pooling: sizes whose products overflow are refused', async (t) => {
  const big = 2 ** 31;
  for (const c of POOL_CASES.slice(0, 2)) {
    for (const ints of [
      [0, big, big, big, big, 2, 4, 5, 5, 2, 1, 2, 2],
      [0, 1, 3, 4, 2, big, big, 5, 5, 2, 1, 2, 2],
      [0, 1, 3, 4, big, 2, 4, 5, 5, 2, 1, 2, 2],
      [0, 1, 3, 4, 2, 2, 4, 5, 5, 2, 1, -1, 2],
      [0, 1, 3, 4, 2, 2, 4, 5, 5, 2, 1, 2, 5],
    ]) {
      t.notOk(await tryRun(program(c, c.bytes, ints), 1), `${c.kernel} [${ints}]`);
    }
  }
  // Windows and strides of 2^31: the windows are clipped to the input (the second row's starts past it).
  const huge = [0, 1, 3, 4, 2, 2, 4, big, big, big, big, 2, 2];
  t.ok(await tryRun(program(POOL_CASES[0], POOL_CASES[0].bytes, huge), 1), `max_pool [${huge}] runs`);
  t.notOk(await tryRun(program(POOL_CASES[1], POOL_CASES[1].bytes, huge), 1), `average_pool [${huge}] refused: a window without input elements`);
});

t.test('pooling: windows past the input: the max writes the clamp\'s low end (as TFLite\'s MaxPool), the average is refused (TFLite\'s AveragePool fails)', async (t) => {
  // int8 [1,3,4,2]; 8 output rows with stride 2 and a 5x5 window: rows 3 to 7 start past the input.
  const ints = [1, 1, 3, 4, 2, 8, 4, 5, 5, 2, 1, 2, 2];
  const average = { ...POOL_CASES[3], ints, bytes: [24, 64] };
  t.notOk(await tryRun(program(average, average.bytes, ints, [0, 255]), 1), 'average_pool refused');
  const max = { ...POOL_CASES[2], ints, bytes: [24, 64] };
  const runtime = await SessionRuntime.create(kernelPlan(program(max, max.bytes, ints, [-7, 100])), 1, 0);
  try {
    const input = new Int8Array(24).fill(-20);
    input[5] = 33;
    const output = new Int8Array(64);
    runtime.invoke([input], [output]);
    t.same(Array.from(output.subarray(24)), new Array(40).fill(-7), 'windows without input elements give the low end');
    t.ok(output.subarray(0, 24).every((v) => v === -7 || v === 33), 'windows with input elements give their clamped max');
    t.equal(output[1], 33, 'the max of the first window');
  } finally {
    runtime.dispose();
  }
});
