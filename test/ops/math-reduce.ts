// Reductions on the reference kernels (SUM, MEAN, REDUCE_MAX, REDUCE_MIN,
// REDUCE_PROD, REDUCE_ANY) over sets of axes, every dtype TFLite takes,
// against LiteRT.js.
import t from 'tap';
import { loadModel } from '../../lib/index';
import type { DType } from '../../lib/model/schema';
import { runReferenceTyped } from '../helpers/litert';
import { reducer } from '../helpers/options';
import { boolValues, count, expectRefused, expectRunsOn, floatValues, intValues, onReferenceKernels, SIDE_INPUT, withQuantization } from '../helpers/math-models';
import { castWrappedModel, expectTypedParity, i32, opModel, preferringReferenceKernels, type OpCase, type TypedInput } from '../helpers/op-model';

type Reduction = 'SUM' | 'MEAN' | 'REDUCE_MAX' | 'REDUCE_MIN' | 'REDUCE_PROD';

/** Output shape of reducing `shape` over `axes` (TFLite's: negative axes from the end, duplicates once). */
function reducedShape(shape: number[], axes: number[], keep: boolean): number[] {
  const set = new Set(axes.map((a) => (a < 0 ? a + shape.length : a)));
  return keep ? shape.map((d, i) => (set.has(i) ? 1 : d)) : shape.filter((_, i) => !set.has(i));
}

function reduction(op: string, dtype: DType, shape: number[], axes: number[], keep: boolean): OpCase {
  return { op, inputs: [{ shape, dtype }, i32(axes)], outputs: [{ shape: reducedShape(shape, axes, keep), dtype }], options: reducer(keep) };
}

const model = (c: OpCase) => (c.inputs.some((i) => i?.dtype === 'int64' || i?.dtype === 'int8' || i?.dtype === 'bool' || i?.dtype === 'int16') ? castWrappedModel(c) : opModel(c));

function input(op: Reduction, dtype: DType, n: number, seed = 1): TypedInput {
  if (dtype === 'float32') return op === 'REDUCE_PROD' ? floatValues(n, 0.6, 1.5, seed) : floatValues(n, -5, 5, seed);
  if (op === 'REDUCE_PROD') return intValues(n, -3, 3, seed);
  return intValues(n, -1000, 1000, seed);
}

const AXES: [number[], number[]][] = [
  [[3, 4, 5], [1]], [[3, 4, 5], [0, 2]], [[3, 4, 5], [-1]], [[3, 4, 5], [2, -1, 2]], [[3, 4, 5], [0, 1, 2]], [[3, 4, 5], [-3, 1]],
  [[2, 3, 1, 4], [1, 3]], [[2, 3, 1, 4], [2]], [[7], [0]], [[2, 2, 3, 2, 2], [0, 2, 4]],
];

const TYPES: Record<Reduction, DType[]> = {
  SUM: ['float32', 'int32', 'int64'], MEAN: ['int32', 'int64'], REDUCE_MAX: ['float32', 'int32', 'int64'],
  REDUCE_MIN: ['float32', 'int32', 'int64'], REDUCE_PROD: ['float32', 'int32', 'int64'],
};

t.test('every reduction and dtype over sets of axes, keep_dims or not', async (t) => {
  for (const op of Object.keys(TYPES) as Reduction[]) {
    for (const dtype of TYPES[op]) {
      for (const [shape, axes] of AXES) {
        for (const keep of [false, true]) {
          await t.test(`${op} ${dtype} [${shape}] axes [${axes}]${keep ? ' keep_dims' : ''}`, async (t) => {
            const bytes = model(reduction(op, dtype, shape, axes, keep));
            await expectRunsOn(t, bytes, op, 'reference');
            await expectTypedParity(t, bytes, [input(op, dtype, count(shape))], 1e-5);
          });
        }
      }
    }
  }
});

t.test('integer MEAN truncates toward zero', (t) => expectTypedParity(t,
  opModel(reduction('MEAN', 'int32', [2, 3], [1], false)), [Int32Array.from([1, 1, 0, -1, -1, 0])]));

t.test('float32 MEAN, SUM and REDUCE_MAX on the reference kernels (XNNLITE_KERNELS=reference)', async (t) => {
  for (const op of ['MEAN', 'SUM', 'REDUCE_MAX'] as const) {
    for (const [shape, axes] of [[[3, 4, 5], [0, 2]], [[2, 3, 1, 4], [-1]]] as [number[], number[]][]) {
      await t.test(`${op} [${shape}] axes [${axes}]`, async (t) => {
        const bytes = onReferenceKernels(reduction(op, 'float32', shape, axes, true));
        await preferringReferenceKernels(async () => {
          await expectRunsOn(t, bytes, op, 'reference');
          await expectTypedParity(t, bytes, [input(op, 'float32', count(shape)), SIDE_INPUT], 1e-5);
        });
      });
    }
  }
});

t.test('REDUCE_ANY of bools', async (t) => {
  for (const [shape, axes] of AXES) {
    for (const density of [0.15, 0.5]) {
      await t.test(`[${shape}] axes [${axes}] (${density} true)`, (t) => expectTypedParity(t,
        model(reduction('REDUCE_ANY', 'bool', shape, axes, false)), [Int32Array.from(boolValues(count(shape), 3, density))]));
    }
  }
});

t.test('quantized int8/uint8: SUM requantizes, REDUCE_MAX/MIN pick raw values', async (t) => {
  for (const dtype of ['int8', 'uint8'] as const) {
    const q = { scale: 0.05, zeroPoint: dtype === 'int8' ? -3 : 120 };
    const range: [number, number] = dtype === 'int8' ? [-128, 127] : [0, 255];
    const make = (n: number) => (dtype === 'uint8' ? Uint8Array.from(intValues(n, range[0], range[1], 5)) : intValues(n, range[0], range[1], 5));
    // castWrappedModel names an int8 output out0_int8 (its int32 edge is out0).
    const [inName, outName] = dtype === 'int8' ? ['in0', 'out0_int8'] : ['in0', 'out0'];
    for (const [shape, axes] of [[[3, 4, 5], [1]], [[3, 4, 5], [0, 2]], [[2, 6], [0, 1]]] as [number[], number[]][]) {
      for (const [op, out] of [['SUM', { scale: 0.4, zeroPoint: 5 + q.zeroPoint }], ['SUM', q], ['SUM', { scale: 0.0371, zeroPoint: q.zeroPoint }], ['REDUCE_MAX', q], ['REDUCE_MIN', q]] as const) {
        await t.test(`${op} ${dtype} [${shape}] axes [${axes}] output scale ${out.scale}`, async (t) => {
          const bytes = withQuantization(model(reduction(op, dtype, shape, axes, false)), { [inName]: q, [outName]: out });
          await expectRunsOn(t, bytes, op, 'reference');
          await expectTypedParity(t, bytes, [make(count(shape))]);
        });
      }
    }
  }
});

t.test('a large reduction split over threads gives what one thread gives, and matches LiteRT.js', async (t) => {
  for (const [op, axes] of [['SUM', [1]], ['REDUCE_MAX', [0]], ['MEAN', [1]]] as const) {
    const shape = [96, 2048];
    const bytes = model(reduction(op, 'int32', shape, [...axes], false));
    const x = intValues(count(shape), -100000, 100000, 9);
    const m = await loadModel(bytes);
    t.teardown(() => m.dispose());
    const [one, two] = [await m.createSession({ threads: 1 }), await m.createSession({ threads: 2 })];
    const a = (await one.run({ in0: x })).out0;
    const b = (await two.run({ in0: x })).out0;
    t.same(Array.from(b), Array.from(a), `${op}: 2 threads = 1 thread`);
    t.same(Array.from(a), Array.from((await runReferenceTyped(bytes, [x]))[0]), `${op}: LiteRT.js agrees`);
  }
});

t.test('refusals', async (t) => {
  await expectRefused(t, castWrappedModel(reduction('MEAN', 'int8', [4, 4], [1], false)), 'MEAN', /^type \(got int8, expected float32, int32, int64 for MEAN on the reference kernels \(XNNPACK runs quantized MEAN\)\)/);
  await expectRefused(t, model(reduction('REDUCE_PROD', 'bool', [4], [0], false)), 'REDUCE_PROD', /^type \(got bool/);
  await expectRefused(t, opModel(reduction('REDUCE_ANY', 'int32', [4], [0], false)), 'REDUCE_ANY', /^type \(got int32, expected bool/);
  await expectRefused(t, opModel(reduction('SUM', 'int32', [4, 3], [2], false)), 'SUM', /^axes \(got \[2\], expected integers from -2 to 1\)/);
  await expectRefused(t, opModel({ ...reduction('SUM', 'int32', [4, 3], [1], false), outputs: [{ shape: [3], dtype: 'int32' }] }), 'SUM', /^output shape \(got \[3\], expected \[4\]\)/);
  await expectRefused(t, opModel({ op: 'SUM', inputs: [{ shape: [4, 3], dtype: 'int32' }, { shape: [1], dtype: 'int32' }], outputs: [{ shape: [4], dtype: 'int32' }], options: reducer(false) }),
    'SUM', /^axes \(got a tensor computed at run time, expected a constant\)/);
  await expectRefused(t, withQuantization(castWrappedModel(reduction('REDUCE_MAX', 'int8', [4, 3], [1], false)), { in0: { scale: 0.1, zeroPoint: 0 }, out0_int8: { scale: 0.2, zeroPoint: 0 } }),
    'REDUCE_MAX', /^quantization \(got input scale 0\.1.*expected the same/);
  await expectRefused(t, castWrappedModel(reduction('SUM', 'int8', [4, 3], [1], false)), 'SUM', /^int8 tensor in0 \(got no quantization/);
});
