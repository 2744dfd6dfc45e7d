// SLICE and STRIDED_SLICE on the reference kernels, for every element type,
// against LiteRT.js: windows at ranks 1 to 5, size -1, negative strides,
// every mask, out-of-range begins and ends (TFLite clamps them) and offset.
import t from 'tap';
import { ALL_DTYPES, expectLayoutParity, ints, longs, operand } from '../helpers/layout-model';
import { stridedSlice } from '../helpers/layout-options';

t.test('SLICE', async (t) => {
  for (const d of ALL_DTYPES) {
    await t.test(`${d}, a window of [3, 4, 5]`, (t) => expectLayoutParity(t, { op: 'SLICE', inputs: [operand([3, 4, 5], d), ints([1, 0, 2]), ints([2, 3, -1])], outputs: [operand([2, 3, 3], d)] }));
  }
  const cases: [number[], number[], number[], number[]][] = [
    [[9], [3], [4], [4]],
    [[4, 6], [1, 2], [-1, 3], [3, 3]],
    [[2, 5, 6, 3], [1, 1, 0, 1], [1, 3, -1, 2], [1, 3, 6, 2]],
    [[3, 2, 4, 3, 5], [0, 1, 1, 0, 2], [-1, 1, 2, -1, 3], [3, 1, 2, 3, 3]],
    [[3, 4], [0, 0], [3, 4], [3, 4]],
  ];
  for (const [shape, begin, size, out] of cases) {
    await t.test(`float32 [${shape}] from [${begin}] size [${size}]`, (t) => expectLayoutParity(t, {
      op: 'SLICE', inputs: [operand(shape, 'float32'), ints(begin), ints(size)], outputs: [operand(out, 'float32')],
    }));
  }
  await t.test('int64 begin and size', (t) => expectLayoutParity(t, { op: 'SLICE', inputs: [operand([4, 5], 'int64'), longs([1, 1]), longs([2, -1])], outputs: [operand([2, 4], 'int64')] }));
});

interface Strided {
  shape: number[];
  begin: number[];
  end: number[];
  strides: number[];
  out: number[];
  masks?: Parameters<typeof stridedSlice>[0];
}

const strided = (c: Strided, d: (typeof ALL_DTYPES)[number] = 'float32') => ({
  op: 'STRIDED_SLICE', inputs: [operand(c.shape, d), ints(c.begin), ints(c.end), ints(c.strides)], outputs: [operand(c.out, d)], options: stridedSlice(c.masks),
});

t.test('STRIDED_SLICE', async (t) => {
  for (const d of ALL_DTYPES) {
    await t.test(`${d}, strides 2 and -1`, (t) => expectLayoutParity(t, strided({ shape: [5, 6], begin: [0, -1], end: [5, 0], strides: [2, -1], out: [3, 5] }, d)));
    await t.test(`${d}, masks`, (t) => expectLayoutParity(t, strided({ shape: [4, 3, 5], begin: [1, 2, 0], end: [0, 0, 3], strides: [1, -1, 2], out: [3, 3, 2], masks: { beginMask: 2, endMask: 3 } }, d)));
  }
  const cases: [string, Strided][] = [
    ['rank 1, stride 3', { shape: [10], begin: [1], end: [10], strides: [3], out: [3] }],
    ['rank 1, whole axis backwards', { shape: [7], begin: [0], end: [0], strides: [-1], out: [7], masks: { beginMask: 1, endMask: 1 } }],
    ['rank 1, stride -3 from -2', { shape: [10], begin: [-2], end: [-10], strides: [-3], out: [3] }],
    ['rank 2, begins and ends out of range are clamped', { shape: [4, 5], begin: [-9, 1], end: [9, 99], strides: [1, 2], out: [4, 2] }],
    ['rank 2, negative stride clamps at -1', { shape: [4, 5], begin: [9, 3], end: [-9, -99], strides: [-1, -2], out: [4, 2] }],
    ['rank 3, shrink the first and last axes', { shape: [3, 4, 5], begin: [1, 0, -1], end: [2, 4, 0], strides: [1, 1, 1], out: [4], masks: { shrinkAxisMask: 5 } }],
    ['rank 3, shrink with a negative begin', { shape: [3, 4, 5], begin: [-2, 1, 0], end: [0, 3, 5], strides: [1, 1, 2], out: [2, 3], masks: { shrinkAxisMask: 1 } }],
    ['rank 4, ellipsis first', { shape: [2, 3, 4, 5], begin: [0, 1], end: [0, 5], strides: [1, 2], out: [2, 3, 4, 2], masks: { ellipsisMask: 1 } }],
    ['rank 4, ellipsis in the middle', { shape: [2, 3, 4, 5], begin: [1, 0, 4], end: [2, 0, 0], strides: [1, 1, -2], out: [1, 3, 4, 2], masks: { ellipsisMask: 2 } }],
    ['rank 3, a new axis', { shape: [3, 4, 5], begin: [0, 1, 0, 0], end: [0, 3, 4, 5], strides: [1, 1, 1, 2], out: [1, 2, 4, 3], masks: { newAxisMask: 1 } }],
    ['rank 2, new axes between and after', { shape: [4, 6], begin: [1, 0, 0, 0], end: [3, 0, 6, 0], strides: [1, 1, 3, 1], out: [2, 1, 2, 1], masks: { newAxisMask: 10 } }],
    ['rank 3, ellipsis and a new axis', { shape: [2, 3, 4], begin: [0, 0, 1], end: [0, 0, 3], strides: [1, 1, 1], out: [2, 3, 1, 2], masks: { ellipsisMask: 1, newAxisMask: 2 } }],
    ['rank 4, fewer indices than axes', { shape: [3, 4, 2, 3], begin: [1, 1], end: [3, 4], strides: [1, 2], out: [2, 2, 2, 3] }],
    ['rank 5, mixed strides', { shape: [3, 4, 3, 5, 2], begin: [2, 0, 1, 4, 0], end: [-4, 4, 3, 0, 2], strides: [-1, 3, 1, -2, 1], out: [3, 2, 2, 2, 2] }],
    ['rank 5, shrink in the middle', { shape: [2, 3, 4, 3, 2], begin: [0, 2, 1, 0, 1], end: [2, 3, 4, 3, 2], strides: [1, 1, 2, 1, 1], out: [2, 2, 3], masks: { shrinkAxisMask: 18 } }],
    ['offset: end is a size', { shape: [5, 6], begin: [1, 2], end: [3, 4], strides: [1, 2], out: [3, 2], masks: { offset: true } }],
    ['offset with a begin mask', { shape: [5, 6], begin: [3, 2], end: [2, 4], strides: [2, 1], out: [1, 4], masks: { offset: true, beginMask: 1 } }],
  ];
  for (const [name, c] of cases) {
    await t.test(`float32 ${name}`, (t) => expectLayoutParity(t, strided(c)));
  }
});
