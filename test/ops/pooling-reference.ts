// MAX_POOL_2D and AVERAGE_POOL_2D on the reference kernels (float32, int8,
// uint8; int16 is in int16x8.ts) against LiteRT.js: windows larger than the
// input (YOLO's SPPF pools on small maps, which XNNPACK refuses), ordinary
// shapes with XNNLITE_KERNELS=reference, and the refusals.
import t, { type Test } from 'tap';
import { loadModel } from '../../lib/index';
import type { DType } from '../../lib/model/schema';
import { deterministicInput, difference } from '../helpers/compare';
import { runReferenceTyped } from '../helpers/litert';
import { count, expectRefused, expectRunsOn, floatValues, intValues, withQuantization } from '../helpers/math-models';
import { castWrappedModel, expectTypedParity, opModel, preferringReferenceKernels, runBoth, type OpCase } from '../helpers/op-model';
import { pool } from '../helpers/options';

type PaddingName = 'SAME' | 'VALID';
type ActivationName = 'NONE' | 'RELU' | 'RELU_N1_TO_1' | 'RELU6';

const OPS = ['MAX_POOL_2D', 'AVERAGE_POOL_2D'] as const;
const ACTIVATIONS: ActivationName[] = ['NONE', 'RELU', 'RELU_N1_TO_1', 'RELU6'];

interface Shape {
  input: number[];
  filter: [number, number];
  stride: [number, number];
  padding: PaddingName;
  /**
   * LiteRT.js's float AVERAGE_POOL_2D (its XNNPACK delegate) gets this one
   * wrong: the windows of the middle output row (rows -1 to 11 of 0 to 9)
   * skip input row 0 yet still divide by all 10 rows. TFLite's builtin
   * kernels include it; the case is checked against TFLite's definition only.
   */
  liteRtAverageDropsRow?: boolean;
}

/** TFLite's output shape (GetWindowedOutputSize). */
function outputShape(s: Shape): number[] {
  const [n, h, w, c] = s.input;
  const size = (x: number, k: number, stride: number) => (s.padding === 'SAME' ? Math.ceil(x / stride) : Math.floor((x - k) / stride) + 1);
  return [n, size(h, s.filter[0], s.stride[0]), size(w, s.filter[1], s.stride[1]), c];
}

const describe = (s: Shape) => `[${s.input}] ${s.filter.join('x')} stride ${s.stride.join('x')} ${s.padding}`;

// Windows larger than the input, in one dimension or both (VALID cannot have
// one: its output would be empty). 70 channels: more than one tranche of the kernel's accumulators.
const LARGE_WINDOWS: Shape[] = [
  { input: [1, 10, 10, 3], filter: [13, 13], stride: [1, 1], padding: 'SAME' },
  { input: [1, 10, 10, 3], filter: [13, 13], stride: [2, 2], padding: 'SAME', liteRtAverageDropsRow: true },
  { input: [2, 5, 7, 4], filter: [9, 3], stride: [1, 2], padding: 'SAME' },
  { input: [1, 3, 4, 70], filter: [5, 5], stride: [2, 1], padding: 'SAME' },
  { input: [1, 1, 1, 5], filter: [3, 3], stride: [1, 1], padding: 'SAME' },
];

// Shapes XNNPACK also takes, for XNNLITE_KERNELS=reference.
const ORDINARY: Shape[] = [
  { input: [1, 8, 8, 3], filter: [2, 2], stride: [2, 2], padding: 'VALID' },
  { input: [1, 9, 9, 4], filter: [3, 3], stride: [2, 2], padding: 'SAME' },
  { input: [2, 6, 5, 2], filter: [3, 2], stride: [1, 1], padding: 'SAME' },
  { input: [1, 5, 6, 3], filter: [5, 6], stride: [1, 1], padding: 'VALID' },
  { input: [1, 7, 7, 66], filter: [3, 3], stride: [2, 3], padding: 'VALID' },
];

function poolCase(op: string, s: Shape, activation: ActivationName, dtype: DType = 'float32'): OpCase {
  return {
    op, inputs: [{ shape: s.input, dtype }], outputs: [{ shape: outputShape(s), dtype }],
    options: pool({ filter: s.filter, stride: s.stride, padding: s.padding, activation }),
  };
}

interface Quant { scale: number; zeroPoint: number }

/** The one-operator model on int8 (int32 at the model's edges, cast) or uint8, with the quantizations given. */
function quantizedModel(op: string, s: Shape, activation: ActivationName, dtype: 'int8' | 'uint8', q: Quant, outQ: Quant = q): Uint8Array {
  const c = poolCase(op, s, activation, dtype);
  // castWrappedModel names the int8 output out0_int8 (its int32 edge is out0).
  return dtype === 'int8' ? withQuantization(castWrappedModel(c), { in0: q, out0_int8: outQ }) : withQuantization(opModel(c), { in0: q, out0: outQ });
}

function quantizedInput(dtype: 'int8' | 'uint8', n: number, seed = 5): Int32Array | Uint8Array {
  return dtype === 'int8' ? intValues(n, -128, 127, seed) : Uint8Array.from(intValues(n, 0, 255, seed));
}

// RELU_N1_TO_1's bounds land on ties with scale 0.4 (1 / 0.4f rounds to 2.5 in float32): TFLite rounds them away from zero.
const QUANTIZATIONS: Record<'int8' | 'uint8', Quant[]> = {
  int8: [{ scale: 0.05, zeroPoint: -3 }, { scale: 0.4, zeroPoint: 2 }],
  uint8: [{ scale: 0.05, zeroPoint: 120 }, { scale: 0.4, zeroPoint: 128 }],
};

const FLOAT_RANGES: Record<ActivationName, [number, number]> = { NONE: [-Infinity, Infinity], RELU: [0, Infinity], RELU_N1_TO_1: [-1, 1], RELU6: [0, 6] };

/** TFLite's padding before the first window along one dimension. */
function padBefore(s: Shape, d: 0 | 1, outSize: number): number {
  return s.padding === 'SAME' ? Math.floor(Math.max((outSize - 1) * s.stride[d] + s.filter[d] - s.input[d + 1], 0) / 2) : 0;
}

/**
 * TFLite's float pooling as its kernels define it, in float32 arithmetic:
 * in-bounds elements only, summed in row-major window order.
 */
function tflitePool(op: string, x: Float32Array, s: Shape, activation: ActivationName): Float32Array {
  const [n, h, w, c] = s.input;
  const [, oh, ow] = outputShape(s);
  const [pt, pl] = [padBefore(s, 0, oh), padBefore(s, 1, ow)];
  const [lo, hi] = FLOAT_RANGES[activation];
  const y = new Float32Array(n * oh * ow * c);
  for (let b = 0; b < n; b++) {
    for (let oy = 0; oy < oh; oy++) {
      for (let ox = 0; ox < ow; ox++) {
        for (let ch = 0; ch < c; ch++) {
          let acc = op === 'MAX_POOL_2D' ? -Infinity : 0;
          let k = 0;
          for (let iy = Math.max(0, oy * s.stride[0] - pt); iy < Math.min(h, oy * s.stride[0] - pt + s.filter[0]); iy++) {
            for (let ix = Math.max(0, ox * s.stride[1] - pl); ix < Math.min(w, ox * s.stride[1] - pl + s.filter[1]); ix++) {
              const v = x[((b * h + iy) * w + ix) * c + ch];
              acc = op === 'MAX_POOL_2D' ? Math.max(acc, v) : Math.fround(acc + v);
              k++;
            }
          }
          const v = op === 'MAX_POOL_2D' ? acc : Math.fround(acc / k);
          y[((b * oh + oy) * ow + ox) * c + ch] = Math.min(Math.max(v, lo), hi);
        }
      }
    }
  }
  return y;
}

function expectClose(t: Test, actual: Float32Array, expected: Float32Array, what: string): void {
  const d = difference(actual, expected);
  t.ok(d.maxAbs <= 1e-6 + 1e-5 * d.scale, `${what}: max |diff| ${d.maxAbs.toExponential(2)} (relative ${d.relative.toExponential(2)}) at ${d.index}`);
}

/** Float32 parity with TFLite's definition of the pool and, unless `liteRt` is false, with LiteRT.js. */
async function expectFloatParity(t: Test, op: string, s: Shape, activation: ActivationName, runner: 'reference' | 'xnnpack', liteRt = true): Promise<void> {
  const bytes = opModel(poolCase(op, s, activation));
  await expectRunsOn(t, bytes, op, runner);
  // Inputs beyond the activations' bounds, so that every clamp bites.
  const { ours, reference } = await runBoth(bytes, [-8, 8]);
  expectClose(t, ours[0], tflitePool(op, deterministicInput(count(s.input), -8, 8, 1), s, activation), "TFLite's definition");
  if (liteRt) expectClose(t, ours[0], reference[0] as Float32Array, 'LiteRT.js');
}

/**
 * The quantized bounds of RELU_N1_TO_1 as TFLite's builtin kernels compute
 * them (round(v / scale) + zero point, ties away from zero) and as XNNPACK
 * does (lrintf(v / scale + zero point) in float32, ties to even).
 */
function reluN1To1Bounds(q: Quant): { ours: [number, number]; xnnpack: [number, number] } {
  const away = (v: number) => Math.sign(v) * Math.round(Math.abs(v));
  const even = (v: number) => (Math.abs(v % 1) === 0.5 ? 2 * Math.round(v / 2) : Math.round(v));
  const [lo, hi] = [-1, 1].map((v) => Math.fround(v / q.scale));
  return {
    ours: [away(lo) + q.zeroPoint, away(hi) + q.zeroPoint],
    xnnpack: [even(Math.fround(lo + q.zeroPoint)), even(Math.fround(hi + q.zeroPoint))],
  };
}

async function expectQuantizedParity(t: Test, op: string, s: Shape, activation: ActivationName, dtype: 'int8' | 'uint8', q: Quant, runner: 'reference' | 'xnnpack'): Promise<void> {
  const bytes = quantizedModel(op, s, activation, dtype, q);
  await expectRunsOn(t, bytes, op, runner);
  const input = quantizedInput(dtype, count(s.input));
  const bounds = reluN1To1Bounds(q);
  if (!(op === 'MAX_POOL_2D' && activation === 'RELU_N1_TO_1' && bounds.ours.join() !== bounds.xnnpack.join())) {
    await expectTypedParity(t, bytes, [input]);
    return;
  }
  // LiteRT.js runs int8 and uint8 MAX_POOL_2D on its XNNPACK delegate, which
  // rounds the activation's bounds after adding the zero point, ties to
  // even; TFLite's builtin kernels (and LiteRT.js's AVERAGE_POOL_2D, which
  // its delegate does not take) round before adding it, ties away from zero:
  // with scale 0.4, 1 / 0.4f is 2.5. The outputs agree once ours are clamped
  // to XNNPACK's bounds, and differ only where ours sit on a bound one step
  // further out.
  const m = await loadModel(bytes);
  t.teardown(() => m.dispose());
  const ours = (await (await m.createSession()).run<Int32Array | Uint8Array>({ [m.inputs[0].name]: input })).out0;
  const reference = (await runReferenceTyped(bytes, [input]))[0];
  const [lo, hi] = bounds.xnnpack;
  const clamped = Array.from(ours, (v) => Math.min(Math.max(v, lo), hi));
  t.same(clamped, Array.from(reference), `out0 clamped to XNNPACK's bounds [${lo}, ${hi}] equals LiteRT.js`);
  const moved = Array.from(ours).filter((v, i) => v !== reference[i]);
  t.ok(moved.length > 0 && moved.every((v) => v === bounds.ours[0] || v === bounds.ours[1]), `${moved.length} values differ, each on TFLite's bounds [${bounds.ours}]`);
}

t.test('float32: windows larger than the input run on the reference kernels', async (t) => {
  for (const op of OPS) {
    for (const s of LARGE_WINDOWS) {
      for (const activation of ACTIVATIONS) {
        await t.test(`${op} ${describe(s)} ${activation}`, (t) => expectFloatParity(t, op, s, activation, 'reference', !(op === 'AVERAGE_POOL_2D' && s.liteRtAverageDropsRow)));
      }
    }
  }
});

t.test('int8 and uint8: windows larger than the input, exactly', async (t) => {
  for (const dtype of ['int8', 'uint8'] as const) {
    for (const op of OPS) {
      for (const s of LARGE_WINDOWS) {
        for (const activation of ACTIVATIONS) {
          for (const q of QUANTIZATIONS[dtype]) {
            await t.test(`${op} ${dtype} scale ${q.scale} zero point ${q.zeroPoint} ${describe(s)} ${activation}`,
              (t) => expectQuantizedParity(t, op, s, activation, dtype, q, 'reference'));
          }
        }
      }
    }
  }
});

t.test('ordinary shapes on the reference kernels (XNNLITE_KERNELS=reference)', async (t) => {
  for (const op of OPS) {
    for (const s of ORDINARY) {
      for (const activation of ['NONE', 'RELU6', 'RELU_N1_TO_1'] as const) {
        await t.test(`${op} float32 ${describe(s)} ${activation}`, (t) => preferringReferenceKernels(() => expectFloatParity(t, op, s, activation, 'reference')));
        for (const dtype of ['int8', 'uint8'] as const) {
          const q = QUANTIZATIONS[dtype][0];
          await t.test(`${op} ${dtype} ${describe(s)} ${activation}`, (t) => preferringReferenceKernels(() => expectQuantizedParity(t, op, s, activation, dtype, q, 'reference')));
        }
      }
    }
  }
});

t.test('XNNPACK stays preferred for the shapes it takes', async (t) => {
  for (const op of OPS) {
    const s = ORDINARY[1];
    await expectRunsOn(t, opModel(poolCase(op, s, 'RELU')), op, 'xnnpack');
    for (const dtype of ['int8', 'uint8'] as const) await expectRunsOn(t, quantizedModel(op, s, 'RELU', dtype, QUANTIZATIONS[dtype][0]), op, 'xnnpack');
  }
});

t.test('integer averages round half away from zero', async (t) => {
  // Windows of two elements: sums -3, 1, -1, 3 (int8) and 1, 3, 5, 2 (uint8).
  const s: Shape = { input: [1, 1, 8, 1], filter: [1, 2], stride: [1, 2], padding: 'VALID' };
  for (const [dtype, values, expected] of [
    ['int8', [-3, 0, 1, 0, -1, 0, 3, 0], [-2, 1, -1, 2]],
    ['uint8', [1, 0, 3, 0, 5, 0, 2, 0], [1, 2, 3, 1]],
  ] as const) {
    const bytes = quantizedModel('AVERAGE_POOL_2D', s, 'NONE', dtype, { scale: 0.5, zeroPoint: 0 });
    const input = dtype === 'int8' ? Int32Array.from(values) : Uint8Array.from(values);
    await t.test(`${dtype} [${values}]`, async (t) => {
      await preferringReferenceKernels(async () => {
        await expectRunsOn(t, bytes, 'AVERAGE_POOL_2D', 'reference');
        const m = await loadModel(bytes);
        t.teardown(() => m.dispose());
        const out = await (await m.createSession()).run({ [m.inputs[0].name]: input });
        t.same(Array.from(out.out0), expected, 'rounded away from zero');
        await expectTypedParity(t, bytes, [input]);
      });
    });
  }
});

t.test('a large pool split over threads gives what one thread gives, and what TFLite defines', async (t) => {
  const s: Shape = { input: [1, 20, 20, 80], filter: [25, 25], stride: [1, 1], padding: 'SAME' };
  for (const op of OPS) {
    const bytes = opModel(poolCase(op, s, 'NONE'));
    const m = await loadModel(bytes);
    t.teardown(() => m.dispose());
    const x = floatValues(count(s.input), -4, 4, 3);
    const [one, two] = [await m.createSession({ threads: 1 }), await m.createSession({ threads: 2 })];
    const a = (await one.run({ in0: x })).out0;
    const b = (await two.run({ in0: x })).out0;
    t.same(Array.from(b), Array.from(a), `${op}: 2 threads = 1 thread`);
    expectClose(t, a as Float32Array, tflitePool(op, x, s, 'NONE'), `${op}: TFLite's definition`);
  }
});

t.test('refusals', async (t) => {
  const large = LARGE_WINDOWS[0];
  await expectRefused(t, quantizedModel('MAX_POOL_2D', large, 'NONE', 'int8', { scale: 0.05, zeroPoint: -3 }, { scale: 0.1, zeroPoint: -3 }), 'MAX_POOL_2D',
    /^quantization \(got input scale 0\.05\d*, zero point -3 and output scale 0\.1\d*, zero point -3, expected the same: TFLite's MAX_POOL_2D does not requantize\)/);
  await expectRefused(t, quantizedModel('AVERAGE_POOL_2D', large, 'NONE', 'uint8', { scale: 0.05, zeroPoint: 120 }, { scale: 0.05, zeroPoint: 100 }), 'AVERAGE_POOL_2D',
    /^quantization \(got input scale 0\.05\d*, zero point 120 and output scale 0\.05\d*, zero point 100, expected the same/);
  await expectRefused(t, castWrappedModel(poolCase('MAX_POOL_2D', large, 'NONE', 'int8')), 'MAX_POOL_2D', /^int8 tensor in0 \(got no quantization, expected one positive scale\)/);
  await expectRefused(t, opModel(poolCase('MAX_POOL_2D', large, 'NONE', 'int32')), 'MAX_POOL_2D',
    /^type \(got int32, expected float32, int8, uint8 or int16 for MAX_POOL_2D on the reference kernels\)/);
  await expectRefused(t, castWrappedModel(poolCase('AVERAGE_POOL_2D', large, 'NONE', 'int64')), 'AVERAGE_POOL_2D', /^type \(got int64, expected float32, int8, uint8 or int16/);
  await expectRefused(t, withQuantization(castWrappedModel(poolCase('MAX_POOL_2D', large, 'NONE', 'int16')), { in0: { scale: 0.01, zeroPoint: 3 }, out0_int16: { scale: 0.01, zeroPoint: 3 } }),
    'MAX_POOL_2D', /^zero point of int16 tensor in0 \(got 3, expected 0\)/);
  await expectRefused(t, opModel(poolCase('AVERAGE_POOL_2D', large, 'NONE', 'float16')), 'AVERAGE_POOL_2D', /^type \(got float16, expected float32, int8, uint8 or int16/);
  const mixed = poolCase('MAX_POOL_2D', large, 'NONE');
  await expectRefused(t, withQuantization(castWrappedModel({ ...mixed, outputs: [{ shape: outputShape(large), dtype: 'int8' }] }), { out0_int8: { scale: 0.1, zeroPoint: 0 } }), 'MAX_POOL_2D',
    /^output type \(got int8, expected float32 like the input\)/);
});
