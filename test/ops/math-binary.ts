// Elementwise arithmetic on the reference kernels (ADD, SUB, MUL, DIV,
// MAXIMUM, MINIMUM, POW, SQUARED_DIFFERENCE, FLOOR_DIV, FLOOR_MOD), every
// dtype TFLite takes, with broadcasting, against LiteRT.js.
import t, { type Test } from 'tap';
import { loadModel } from '../../lib/index';
import type { DType } from '../../lib/model/schema';
import { arithmetic } from '../helpers/options';
import { emptyOptionsOf } from '../helpers/math-options';
import { count, expectRefused, expectRunsOn, floatValues, int64Bytes, intValues, onReferenceKernels, SIDE_INPUT } from '../helpers/math-models';
import { runReferenceTyped } from '../helpers/litert';
import { castWrappedModel, expectTypedParity, opModel, preferringReferenceKernels, type OpCase, type TypedInput } from '../helpers/op-model';

type Op = 'ADD' | 'SUB' | 'MUL' | 'DIV' | 'MAXIMUM' | 'MINIMUM' | 'POW' | 'SQUARED_DIFFERENCE' | 'FLOOR_DIV' | 'FLOOR_MOD';

const TYPES: Record<Op, DType[]> = {
  ADD: ['int32', 'int64'], SUB: ['int32', 'int64'], MUL: ['int32', 'int64'], DIV: ['int32'],
  MAXIMUM: ['int32', 'int64', 'int8', 'uint8', 'int16'], MINIMUM: ['int32', 'int64', 'int8', 'uint8', 'int16'], POW: ['int32'], SQUARED_DIFFERENCE: ['int32'],
  FLOOR_DIV: ['float32', 'int32', 'int8', 'int16'], FLOOR_MOD: ['float32', 'int32', 'int64', 'int8', 'int16'],
};

const SHAPES: [number[], number[]][] = [
  [[2, 3, 4], [2, 3, 4]],
  [[2, 1, 4], [3, 1]],
  [[5], []],
  [[], [2, 3]],
  [[3, 1, 2, 1], [1, 4, 1, 5]],
];

const options = (op: Op) => (op === 'ADD' || op === 'SUB' || op === 'MUL' || op === 'DIV' ? arithmetic(op) : emptyOptionsOf(op));
const divides = (op: Op) => op === 'DIV' || op === 'FLOOR_DIV' || op === 'FLOOR_MOD';

/** Operand values the op is defined on in `dtype`: nonzero divisors, small non-negative integer exponents. */
function operands(op: Op, dtype: DType, a: number[], b: number[], seed = 1): TypedInput[] {
  if (dtype === 'float32') {
    const x = floatValues(count(a), -9, 9, seed);
    const y = floatValues(count(b), -4, 4, seed + 1).map((v) => (Math.abs(v) < 0.25 ? v + 1 : v));
    return op === 'POW' ? [floatValues(count(a), 0.2, 3, seed), floatValues(count(b), -2, 2, seed + 1)] : [x, y];
  }
  if (dtype === 'uint8') return [Uint8Array.from(intValues(count(a), 0, 255, seed)), Uint8Array.from(intValues(count(b), 0, 255, seed + 1))];
  if (dtype === 'int8') return [intValues(count(a), -128, 127, seed), intValues(count(b), -40, 40, seed + 1).map((v) => (divides(op) && v === 0 ? -3 : v))];
  if (op === 'POW') return [intValues(count(a), -6, 6, seed), intValues(count(b), 0, 5, seed + 1)];
  if (op === 'MUL' || op === 'SQUARED_DIFFERENCE') return [intValues(count(a), -30000, 30000, seed), intValues(count(b), -30000, 30000, seed + 1)];
  const x = intValues(count(a), -1000, 1000, seed);
  const y = intValues(count(b), -40, 40, seed + 1).map((v) => (divides(op) && v === 0 ? 7 : v));
  return [x, y];
}

function model(c: OpCase): Uint8Array {
  return c.inputs.some((i) => i?.dtype === 'int64' || i?.dtype === 'int8' || i?.dtype === 'int16') ? castWrappedModel(c) : opModel(c);
}

const outShape = (a: number[], b: number[]) => {
  const n = Math.max(a.length, b.length);
  return Array.from({ length: n }, (_, i) => Math.max(a[a.length - n + i] ?? 1, b[b.length - n + i] ?? 1));
};

t.test('every op and dtype, with broadcasting, matches LiteRT.js', async (t) => {
  for (const op of Object.keys(TYPES) as Op[]) {
    for (const dtype of TYPES[op]) {
      for (const [a, b] of SHAPES) {
        await t.test(`${op} ${dtype} [${a}] with [${b}]`, async (t) => {
          const bytes = model({ op, inputs: [{ shape: a, dtype }, { shape: b, dtype }], outputs: [{ shape: outShape(a, b), dtype }], options: options(op) });
          await expectRunsOn(t, bytes, op, 'reference');
          await expectTypedParity(t, bytes, operands(op, dtype, a, b), 1e-6);
        });
      }
    }
  }
});

t.test('broadcasting to rank 5 and 6', async (t) => {
  for (const op of ['ADD', 'MUL', 'MAXIMUM'] as const) {
    await t.test(`${op} rank 5`, (t) => expectTypedParity(t, opModel({
      op, inputs: [{ shape: [2, 1, 3, 1, 2], dtype: 'int32' }, { shape: [2, 1, 4, 1], dtype: 'int32' }], outputs: [{ shape: [2, 2, 3, 4, 2], dtype: 'int32' }], options: options(op),
    }), operands(op, 'int32', [2, 1, 3, 1, 2], [2, 1, 4, 1])));
    await t.test(`${op} rank 6`, (t) => expectTypedParity(t, opModel({
      op, inputs: [{ shape: [2, 1, 2, 1, 3, 1], dtype: 'int32' }, { shape: [1, 3, 1, 2, 1, 2], dtype: 'int32' }], outputs: [{ shape: [2, 3, 2, 2, 3, 2], dtype: 'int32' }], options: options(op),
    }), operands(op, 'int32', [2, 1, 2, 1, 3, 1], [1, 3, 1, 2, 1, 2])));
  }
});

t.test('fused activations on int32', async (t) => {
  for (const op of ['ADD', 'SUB', 'MUL', 'DIV'] as const) {
    for (const activation of ['RELU', 'RELU6', 'RELU_N1_TO_1'] as const) {
      await t.test(`${op} ${activation}`, (t) => expectTypedParity(t, opModel({
        op, inputs: [{ shape: [4, 6], dtype: 'int32' }, { shape: [6], dtype: 'int32' }], outputs: [{ shape: [4, 6], dtype: 'int32' }], options: arithmetic(op, activation),
      }), [intValues(24, -12, 12, 3), intValues(6, -3, 3, 4).map((v) => v || 2)]));
    }
  }
  await t.test('int64 ADD RELU6', (t) => expectTypedParity(t, castWrappedModel({
    op: 'ADD', inputs: [{ shape: [10], dtype: 'int64' }, { shape: [10], dtype: 'int64' }], outputs: [{ shape: [10], dtype: 'int64' }], options: arithmetic('ADD', 'RELU6'),
  }), [intValues(10, -9, 9, 1), intValues(10, -3, 3, 2)]));
});

t.test('integer semantics at the edges', async (t) => {
  const a = Int32Array.from([7, -7, 7, -7, 0, 1, -1, 2147483647, -2147483648, 13, -13, 5]);
  const b = Int32Array.from([2, 2, -2, -2, 3, -1, 1, 1, 3, 13, 4, -5]);
  for (const op of ['DIV', 'FLOOR_DIV', 'FLOOR_MOD'] as const) {
    await t.test(`${op}: signs, exact quotients, extremes`, (t) => expectTypedParity(t, opModel({
      op, inputs: [{ shape: [12], dtype: 'int32' }, { shape: [12], dtype: 'int32' }], outputs: [{ shape: [12], dtype: 'int32' }], options: options(op),
    }), [a, b]));
  }
  await t.test('ADD and MUL wrap around', (t) => expectTypedParity(t, opModel({
    op: 'ADD', inputs: [{ shape: [4], dtype: 'int32' }, { shape: [4], dtype: 'int32' }], outputs: [{ shape: [4], dtype: 'int32' }], options: arithmetic('ADD'),
  }), [Int32Array.from([2147483647, -2147483648, 5, -1]), Int32Array.from([1, -1, 6, 1])]));
  await t.test('FLOOR_MOD and FLOOR_DIV of floats with negative operands and exact multiples', async (t) => {
    const x = Float32Array.from([7.5, -7.5, 7.5, -7.5, 6, -6, 0, -0.25, 1e-3, 5.25, 1e7, -1e7]);
    const y = Float32Array.from([2, 2, -2, -2, 3, 3, -1.5, 1, -4, 0.75, 3, 3]);
    for (const op of ['FLOOR_MOD', 'FLOOR_DIV'] as const) {
      await t.test(op, (t) => expectTypedParity(t, opModel({
        op, inputs: [{ shape: [12] }, { shape: [12] }], outputs: [{ shape: [12] }], options: options(op),
      }), [x, y], 0));
    }
  });
  await t.test('int64 beyond 32 bits: constants', (t) => expectTypedParity(t, castWrappedModel({
    op: 'FLOOR_MOD',
    inputs: [{ shape: [4], dtype: 'int64', data: int64Bytes([10_000_000_000n, -10_000_000_001n, 1n << 40n, 3n]) }, { shape: [4], dtype: 'int64' }],
    outputs: [{ shape: [4], dtype: 'int64' }],
  }), [Int32Array.from([7, 7, -1000, -2])]));
});

async function expectRejectedThenRecovers(t: Test, bytes: Uint8Array, bad: TypedInput[], good: TypedInput[]): Promise<void> {
  const m = await loadModel(bytes);
  t.teardown(() => m.dispose());
  const session = await m.createSession();
  const named = (values: TypedInput[]) => Object.fromEntries(m.inputs.map((info, k) => [info.name, values[k]]));
  await t.rejects(session.run(named(bad)), { name: 'InvalidValueError', code: 'ERR_XNNLITE_INVALID_VALUE', message: /division by zero|negative exponent/ });
  const out = await session.run(named(good));
  t.ok(Object.keys(out).length > 0, 'a later run with good values works');
}

t.test('a zero divisor (and a negative integer exponent) fails the inference, as in TFLite', async (t) => {
  for (const [op, dtype] of [['DIV', 'int32'], ['FLOOR_DIV', 'int32'], ['FLOOR_DIV', 'float32'], ['FLOOR_MOD', 'int32']] as const) {
    await t.test(`${op} ${dtype}`, async (t) => {
      const bytes = opModel({ op, inputs: [{ shape: [2, 3], dtype }, { shape: [3], dtype }], outputs: [{ shape: [2, 3], dtype }], options: options(op) });
      const make = (values: number[]) => (dtype === 'int32' ? Int32Array.from(values) : Float32Array.from(values));
      await expectRejectedThenRecovers(t, bytes, [make([1, 2, 3, 4, 5, 6]), make([1, 0, 2])], [make([1, 2, 3, 4, 5, 6]), make([1, -3, 2])]);
    });
  }
  await t.test('POW int32, exponent -1', async (t) => {
    const bytes = opModel({ op: 'POW', inputs: [{ shape: [3], dtype: 'int32' }, { shape: [3], dtype: 'int32' }], outputs: [{ shape: [3], dtype: 'int32' }] });
    await expectRejectedThenRecovers(t, bytes, [Int32Array.from([2, 3, 4]), Int32Array.from([1, -1, 2])], [Int32Array.from([2, 3, 4]), Int32Array.from([1, 0, 2])]);
  });
  await t.test('float DIV by zero gives an infinity (as TFLite with its XNNPACK delegate, and LiteRT.js)', async (t) => {
    const bytes = onReferenceKernels({ op: 'DIV', inputs: [{ shape: [3] }, { shape: [3] }], outputs: [{ shape: [3] }], options: arithmetic('DIV') });
    await preferringReferenceKernels(() => expectRunsOn(t, bytes, 'DIV', 'reference'));
    const inputs = [Float32Array.from([1, -1, 2]), Float32Array.from([0, 0, 4]), SIDE_INPUT];
    const m = await preferringReferenceKernels(() => loadModel(bytes));
    t.teardown(() => m.dispose());
    const ours = await (await m.createSession()).run(Object.fromEntries(m.inputs.map((info, k) => [info.name, inputs[k]])));
    t.same(Array.from(ours.out0 as Float32Array), [Infinity, -Infinity, 0.5]);
    t.same(Array.from((await runReferenceTyped(bytes, inputs))[0]), [Infinity, -Infinity, 0.5], 'LiteRT.js agrees');
  });
});

t.test('float32 forms on the reference kernels (XNNLITE_KERNELS=reference)', async (t) => {
  for (const op of ['ADD', 'SUB', 'MUL', 'DIV', 'MAXIMUM', 'MINIMUM', 'POW', 'SQUARED_DIFFERENCE'] as const) {
    await t.test(op, async (t) => {
      const [a, b] = [[2, 1, 4], [3, 1]];
      const bytes = onReferenceKernels({ op, inputs: [{ shape: a }, { shape: b }], outputs: [{ shape: [2, 3, 4] }], options: op === 'ADD' ? arithmetic('ADD', 'RELU6') : options(op) });
      await preferringReferenceKernels(async () => {
        await expectRunsOn(t, bytes, op, 'reference');
        await expectTypedParity(t, bytes, [...operands(op, 'float32', a, b), SIDE_INPUT], 1e-5);
      });
    });
  }
});

t.test('refusals', async (t) => {
  const refuse = (c: OpCase, reason: RegExp) => expectRefused(t, model(c), c.op, reason);
  await refuse({ op: 'DIV', inputs: [{ shape: [4], dtype: 'int64' }, { shape: [4], dtype: 'int64' }], outputs: [{ shape: [4], dtype: 'int64' }], options: arithmetic('DIV') },
    /^type \(got int64, expected float32, int32 for DIV\)/);
  await refuse({ op: 'ADD', inputs: [{ shape: [4], dtype: 'int32' }, { shape: [4], dtype: 'int64' }], outputs: [{ shape: [4], dtype: 'int32' }], options: arithmetic('ADD') },
    /^input types \(got int32 and int64/);
  await refuse({ op: 'SUB', inputs: [{ shape: [4], dtype: 'int32' }, { shape: [4], dtype: 'int32' }], outputs: [{ shape: [4], dtype: 'int32' }], options: arithmetic('SUB', 'TANH') },
    /^fused activation \(got TANH/);
  await refuse({ op: 'MUL', inputs: [{ shape: [3], dtype: 'int32' }, { shape: [4], dtype: 'int32' }], outputs: [{ shape: [4], dtype: 'int32' }], options: arithmetic('MUL') },
    /^input shapes \(got \[3\] and \[4\]/);
  await refuse({ op: 'FLOOR_MOD', inputs: [{ shape: [4], dtype: 'int32' }, { shape: [4], dtype: 'int32' }], outputs: [{ shape: [4], dtype: 'float32' }] },
    /^output type \(got float32, expected int32\)/);
  await refuse({ op: 'FLOOR_DIV', inputs: [{ shape: [4], dtype: 'int64' }, { shape: [4], dtype: 'int64' }], outputs: [{ shape: [4], dtype: 'int64' }] },
    /^type \(got int64, expected float32, int32, int8, int16 for FLOOR_DIV\)/);
  await refuse({ op: 'POW', inputs: [{ shape: [1, 1, 1, 1, 1, 1, 2], dtype: 'int32' }, { shape: [2], dtype: 'int32' }], outputs: [{ shape: [1, 1, 1, 1, 1, 1, 2], dtype: 'int32' }] },
    /^input 0 rank \(got 7, expected at most 6\)/);
  await refuse({ op: 'MAXIMUM', inputs: [{ shape: [2], dtype: 'int32' }, { shape: [2], dtype: 'int32' }], outputs: [{ shape: [3], dtype: 'int32' }] },
    /^output shape \(got \[3\], expected \[2\]\)/);
});
