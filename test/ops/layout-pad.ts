// PAD, PADV2 and MIRROR_PAD on the reference kernels, for every element
// type, against LiteRT.js: the padding value (0, the quantized zero, or
// PADV2's constant_values, constant or computed at run time), ranks 1 to 5,
// and REFLECT against SYMMETRIC.
import t from 'tap';
import { ALL_DTYPES, expectLayoutParity, ints, longs, operand, quant, type LayoutTensor } from '../helpers/layout-model';
import { mirrorPad } from '../helpers/layout-options';

const padded = (shape: number[], p: number[]) => shape.map((d, i) => d + p[2 * i] + p[2 * i + 1]);

t.test('PAD', async (t) => {
  for (const d of ALL_DTYPES) {
    await t.test(`${d}, [3, 4] padded on every side`, (t) => expectLayoutParity(t, { op: 'PAD', inputs: [operand([3, 4], d), ints([1, 2, 2, 1], [2, 2])], outputs: [operand([6, 7], d)] }));
  }
  const cases: [number[], number[]][] = [[[5], [2, 3]], [[1, 4, 4, 3], [0, 0, 1, 1, 2, 0, 0, 0]], [[2, 3, 2, 2, 3], [0, 1, 1, 0, 0, 0, 2, 1, 0, 2]], [[2, 3], [0, 0, 0, 0]]];
  for (const [shape, p] of cases) {
    await t.test(`float32 [${shape}] by [${p}]`, (t) => expectLayoutParity(t, { op: 'PAD', inputs: [operand(shape, 'float32'), ints(p, [shape.length, 2])], outputs: [operand(padded(shape, p), 'float32')] }));
  }
  await t.test('int64 paddings', (t) => expectLayoutParity(t, { op: 'PAD', inputs: [operand([2, 3], 'int32'), longs([1, 0, 0, 2], [2, 2])], outputs: [operand([3, 5], 'int32')] }));
  // Quantized types pad with the quantized zero: the zero point.
  for (const [d, zeroPoint] of [['int8', -128], ['int8', 5], ['uint8', 128], ['int16', 0]] as const) {
    await t.test(`${d} with zero point ${zeroPoint}`, (t) => expectLayoutParity(t, {
      op: 'PAD', inputs: [operand([2, 3], d, quant(0.1, zeroPoint)), ints([1, 1, 1, 1], [2, 2])], outputs: [operand([4, 5], d, quant(0.1, zeroPoint))],
    }));
  }
  for (const d of ['int8', 'int16', 'uint8'] as const) {
    await t.test(`${d} without quantization pads with 0`, (t) => expectLayoutParity(t, {
      op: 'PAD', inputs: [operand([2, 3], d, null), ints([1, 1, 1, 1], [2, 2])], outputs: [operand([4, 5], d, null)],
    }));
  }
});

const values: Record<(typeof ALL_DTYPES)[number], LayoutTensor['data']> = {
  float32: Float32Array.of(-2.5), int8: Int8Array.of(-7), uint8: Uint8Array.of(201), int16: Int16Array.of(-1234),
  int32: Int32Array.of(123456789), int64: BigInt64Array.of(-9876543210n), bool: Uint8Array.of(1),
};

t.test('PADV2', async (t) => {
  for (const d of ALL_DTYPES) {
    await t.test(`${d}, a constant value`, (t) => expectLayoutParity(t, {
      op: 'PADV2', inputs: [operand([2, 3, 2], d), ints([1, 0, 0, 2, 1, 1], [3, 2]), { ...operand([], d), data: values[d] }], outputs: [operand([3, 5, 4], d)],
    }));
    await t.test(`${d}, a value computed at run time`, (t) => expectLayoutParity(t, {
      op: 'PADV2', inputs: [operand([3, 2], d), ints([2, 1, 1, 2], [2, 2]), operand([], d)], outputs: [operand([6, 5], d)],
    }));
  }
  await t.test('without the value, like PAD', (t) => expectLayoutParity(t, { op: 'PADV2', inputs: [operand([2, 2], 'float32'), ints([1, 1, 1, 1], [2, 2])], outputs: [operand([4, 4], 'float32')] }));
  await t.test('int8 with a quantized value', (t) => expectLayoutParity(t, {
    op: 'PADV2', inputs: [operand([2, 2], 'int8', quant(0.25, -3)), ints([1, 1, 0, 2], [2, 2]), { shape: [1], dtype: 'int8', data: Int8Array.of(100), quantization: quant(0.25, -3) }],
    outputs: [operand([4, 4], 'int8', quant(0.25, -3))],
  }));
});

t.test('MIRROR_PAD', async (t) => {
  for (const d of ALL_DTYPES) {
    for (const mode of ['REFLECT', 'SYMMETRIC'] as const) {
      await t.test(`${d} ${mode}`, (t) => expectLayoutParity(t, {
        op: 'MIRROR_PAD', inputs: [operand([3, 4], d), ints([2, 1, 1, 3], [2, 2])], outputs: [operand([6, 8], d)], options: mirrorPad(mode),
      }));
    }
  }
  const cases: [number[], number[], 'REFLECT' | 'SYMMETRIC'][] = [
    [[5], [4, 4], 'REFLECT'], [[5], [5, 5], 'SYMMETRIC'], [[4], [0, 3], 'REFLECT'],
    [[1, 4, 5, 2], [0, 0, 3, 2, 1, 4, 0, 0], 'REFLECT'], [[1, 4, 5, 2], [0, 0, 3, 2, 1, 4, 0, 1], 'SYMMETRIC'],
    [[2, 3, 2, 3, 2], [1, 0, 2, 2, 1, 1, 0, 2, 2, 1], 'SYMMETRIC'], [[2, 3, 3, 3, 2], [1, 1, 2, 2, 0, 1, 1, 0, 1, 0], 'REFLECT'],
  ];
  for (const [shape, p, mode] of cases) {
    await t.test(`float32 [${shape}] by [${p}] ${mode}`, (t) => expectLayoutParity(t, {
      op: 'MIRROR_PAD', inputs: [operand(shape, 'float32'), ints(p, [shape.length, 2])], outputs: [operand(padded(shape, p), 'float32')], options: mirrorPad(mode),
    }));
  }
  await t.test('int64 paddings', (t) => expectLayoutParity(t, {
    op: 'MIRROR_PAD', inputs: [operand([3, 3], 'uint8'), longs([2, 2, 1, 0], [2, 2])], outputs: [operand([7, 4], 'uint8')], options: mirrorPad('REFLECT'),
  }));
});
