// Comparisons and logical operators on the reference kernels, every dtype
// TFLite takes, with broadcasting and ties, against LiteRT.js.
import t from 'tap';
import type { DType } from '../../lib/model/schema';
import { quantizeMultiplier } from '../../lib/reference/ops/comparison';
import { boolValues, count, expectRefused, expectRunsOn, floatValues, intValues, withQuantization } from '../helpers/math-models';
import { castWrappedModel, expectTypedParity, type OpCase, type TypedInput } from '../helpers/op-model';

const COMPARISONS = ['LESS', 'LESS_EQUAL', 'GREATER', 'GREATER_EQUAL', 'EQUAL', 'NOT_EQUAL'] as const;

const SHAPES: [number[], number[]][] = [[[3, 4], [3, 4]], [[2, 1, 5], [3, 1]], [[6], []], [[2, 1, 1, 5, 3], [4, 1, 3]]];

const outShape = (a: number[], b: number[]) => {
  const n = Math.max(a.length, b.length);
  return Array.from({ length: n }, (_, i) => Math.max(a[a.length - n + i] ?? 1, b[b.length - n + i] ?? 1));
};

/** Values with many ties between the operands. */
function values(dtype: DType, n: number, seed: number): TypedInput {
  if (dtype === 'float32') return floatValues(n, -3, 3, seed).map((v) => Math.round(v * 2) / 2);
  if (dtype === 'uint8') return Uint8Array.from(intValues(n, 0, 6, seed));
  if (dtype === 'bool') return Int32Array.from(boolValues(n, seed));
  return intValues(n, -3, 3, seed);
}

const comparison = (op: string, dtype: DType, a: number[], b: number[]): OpCase => ({
  op, inputs: [{ shape: a, dtype }, { shape: b, dtype }], outputs: [{ shape: outShape(a, b), dtype: 'bool' }],
});

t.test('comparisons of float32, int32, int64 and int16, with broadcasting and ties', async (t) => {
  for (const op of COMPARISONS) {
    for (const dtype of ['float32', 'int32', 'int64', 'int16'] as const) {
      if (op === 'NOT_EQUAL' && dtype === 'int16') continue; // refused: TFLite writes no output
      for (const [a, b] of SHAPES) {
        await t.test(`${op} ${dtype} [${a}] with [${b}]`, async (t) => {
          const bytes = castWrappedModel(comparison(op, dtype, a, b));
          await expectRunsOn(t, bytes, op, 'reference');
          await expectTypedParity(t, bytes, [values(dtype, count(a), 1), values(dtype, count(b), 2)]);
        });
      }
    }
  }
});

t.test('EQUAL and NOT_EQUAL of bools', async (t) => {
  for (const op of ['EQUAL', 'NOT_EQUAL']) {
    for (const [a, b] of SHAPES) {
      await t.test(`${op} [${a}] with [${b}]`, (t) => expectTypedParity(t, castWrappedModel(comparison(op, 'bool', a, b)), [values('bool', count(a), 1), values('bool', count(b), 2)]));
    }
  }
});

t.test('quantized comparisons scale each operand in fixed point, as TFLite does', async (t) => {
  const cases: { name: string; dtype: DType; a: { scale: number; zeroPoint: number }; b: { scale: number; zeroPoint: number }; range: [number, number] }[] = [
    { name: 'int8, different scales and zero points', dtype: 'int8', a: { scale: 0.05, zeroPoint: 3 }, b: { scale: 0.1, zeroPoint: -5 }, range: [-128, 127] },
    { name: 'int8, scales so fine that neighbouring values compare equal', dtype: 'int8', a: { scale: 1e-4, zeroPoint: 0 }, b: { scale: 3e-4, zeroPoint: 1 }, range: [-128, 127] },
    { name: 'uint8, one scale', dtype: 'uint8', a: { scale: 0.02, zeroPoint: 128 }, b: { scale: 0.02, zeroPoint: 128 }, range: [0, 255] },
    { name: 'uint8, different scales', dtype: 'uint8', a: { scale: 0.5, zeroPoint: 10 }, b: { scale: 0.25, zeroPoint: 200 }, range: [0, 255] },
    // EQUAL/NOT_EQUAL scale int16 operands; LESS, LESS_EQUAL, GREATER, GREATER_EQUAL order their raw values.
    { name: 'int16, quantized', dtype: 'int16', a: { scale: 0.001, zeroPoint: 0 }, b: { scale: 0.002, zeroPoint: 0 }, range: [-3000, 3000] },
    { name: 'int16, fine scales', dtype: 'int16', a: { scale: 1e-6, zeroPoint: 0 }, b: { scale: 3e-6, zeroPoint: 0 }, range: [-3000, 3000] },
  ];
  for (const c of cases) {
    for (const op of COMPARISONS) {
      await t.test(`${op} ${c.name}`, async (t) => {
        const [a, b] = [[4, 40], [40]];
        const wrapped = c.dtype !== 'uint8';
        const bytes = withQuantization(castWrappedModel(comparison(op, c.dtype, a, b)), wrapped ? { in0: c.a, in2: c.b } : { in0: c.a, in1: c.b });
        await expectRunsOn(t, bytes, op, 'reference');
        const make = (n: number, seed: number) => {
          const v = intValues(n, c.range[0], c.range[1], seed);
          return c.dtype === 'uint8' ? Uint8Array.from(v) : v;
        };
        await expectTypedParity(t, bytes, [make(count(a), 3), make(count(b), 4)]);
      });
    }
  }
});

t.test('quantizeMultiplier is TFLite\'s QuantizeMultiplier', (t) => {
  t.same(quantizeMultiplier(0.5), { multiplier: 2 ** 30, shift: 0 });
  t.same(quantizeMultiplier(0.25), { multiplier: 2 ** 30, shift: 1 });
  t.same(quantizeMultiplier(0.75), { multiplier: 0.75 * 2 ** 31, shift: 0 });
  t.same(quantizeMultiplier(1 - 2 ** -40), { multiplier: 2 ** 30, shift: -1 }, 'a mantissa rounding up to 1 moves to the next exponent');
  t.same(quantizeMultiplier(2 ** -40), { multiplier: 0, shift: 0 }, 'flushed below 2^-31');
  t.end();
});

t.test('LOGICAL_AND, LOGICAL_OR and LOGICAL_NOT', async (t) => {
  for (const op of ['LOGICAL_AND', 'LOGICAL_OR']) {
    for (const [a, b] of SHAPES) {
      await t.test(`${op} [${a}] with [${b}]`, (t) => expectTypedParity(t, castWrappedModel(comparison(op, 'bool', a, b)), [values('bool', count(a), 1), values('bool', count(b), 2)]));
    }
  }
  for (const shape of [[7], [2, 3, 4], []]) {
    await t.test(`LOGICAL_NOT [${shape}]`, (t) => expectTypedParity(t,
      castWrappedModel({ op: 'LOGICAL_NOT', inputs: [{ shape, dtype: 'bool' }], outputs: [{ shape, dtype: 'bool' }] }), [values('bool', count(shape), 5)]));
  }
});

t.test('refusals', async (t) => {
  await expectRefused(t, castWrappedModel(comparison('LESS', 'bool', [3], [3])), 'LESS', /^type \(got bool, expected float32, int32, int64, int8, uint8, int16 for LESS\)/);
  await expectRefused(t, castWrappedModel({ op: 'GREATER', inputs: [{ shape: [3], dtype: 'int32' }, { shape: [3], dtype: 'int32' }], outputs: [{ shape: [3], dtype: 'int32' }] }),
    'GREATER', /^output type \(got int32, expected bool\)/);
  await expectRefused(t, castWrappedModel(comparison('EQUAL', 'int8', [3], [3])), 'EQUAL', /^int8 tensor in0 \(got no quantization, expected one positive scale\)/);
  await expectRefused(t, withQuantization(castWrappedModel(comparison('EQUAL', 'int8', [3], [3])), { in0: { scale: 2, zeroPoint: 0 }, in2: { scale: 0.5, zeroPoint: 0 } }),
    'EQUAL', /^scale of input 0 \(got 2, expected below 1/);
  await expectRefused(t, castWrappedModel({ op: 'LOGICAL_OR', inputs: [{ shape: [3], dtype: 'int32' }, { shape: [3], dtype: 'int32' }], outputs: [{ shape: [3], dtype: 'bool' }] }),
    'LOGICAL_OR', /^type \(got int32, expected bool for LOGICAL_OR\)/);
  await expectRefused(t, castWrappedModel(comparison('NOT_EQUAL', 'float32', [3], [4])), 'NOT_EQUAL', /^input shapes \(got \[3\] and \[4\]/);
  await expectRefused(t, castWrappedModel(comparison('NOT_EQUAL', 'int16', [3], [3])), 'NOT_EQUAL', /^int16 operands without quantization/);
});
