// TRANSPOSE, REVERSE_V2, TILE, BROADCAST_TO, SPACE_TO_BATCH_ND,
// BATCH_TO_SPACE_ND and RESIZE_NEAREST_NEIGHBOR on the reference kernels,
// for every element type TFLite takes, against LiteRT.js.
import t from 'tap';
import { ALL_DTYPES, expectLayoutParity, ints, longs, operand, quant } from '../helpers/layout-model';
import { resizeNearest } from '../helpers/layout-options';

t.test('TRANSPOSE', async (t) => {
  for (const d of ALL_DTYPES) {
    await t.test(`${d}, rank 3`, (t) => expectLayoutParity(t, { op: 'TRANSPOSE', inputs: [operand([2, 3, 4], d), ints([2, 0, 1])], outputs: [operand([4, 2, 3], d)] }));
    await t.test(`${d}, rank 4 NHWC to NCHW`, (t) => expectLayoutParity(t, { op: 'TRANSPOSE', inputs: [operand([2, 5, 3, 4], d), ints([0, 3, 1, 2])], outputs: [operand([2, 4, 5, 3], d)] }));
  }
  const cases: [number[], number[]][] = [[[7], [0]], [[3, 5], [1, 0]], [[2, 3, 4, 5, 2], [4, 2, 0, 3, 1]], [[2, 3, 4, 5, 2], [0, 1, 2, 4, 3]], [[1, 6, 1, 5], [3, 2, 1, 0]]];
  for (const [shape, perm] of cases) {
    await t.test(`float32 [${shape}] by [${perm}]`, (t) => expectLayoutParity(t, {
      op: 'TRANSPOSE', inputs: [operand(shape, 'float32'), ints(perm)], outputs: [operand(perm.map((p) => shape[p]), 'float32')],
    }));
  }
});

t.test('REVERSE_V2', async (t) => {
  for (const d of ALL_DTYPES) {
    await t.test(`${d}, the middle axis of 3`, (t) => expectLayoutParity(t, { op: 'REVERSE_V2', inputs: [operand([3, 4, 5], d), ints([1])], outputs: [operand([3, 4, 5], d)] }));
    await t.test(`${d}, the last two axes (negative)`, (t) => expectLayoutParity(t, { op: 'REVERSE_V2', inputs: [operand([3, 4, 5], d), ints([-1, -2])], outputs: [operand([3, 4, 5], d)] }));
  }
  const cases: [number[], number[]][] = [[[9], [0]], [[4, 6], [0]], [[2, 3, 4, 5], [1, 2]], [[2, 3, 2, 4, 3], [0, 1, 2, 3, 4]], [[2, 3, 2, 4, 3], [3]]];
  for (const [shape, axes] of cases) {
    await t.test(`float32 [${shape}] along [${axes}]`, (t) => expectLayoutParity(t, {
      op: 'REVERSE_V2', inputs: [operand(shape, 'float32'), ints(axes)], outputs: [operand(shape, 'float32')],
    }));
  }
});

t.test('TILE', async (t) => {
  for (const d of ALL_DTYPES) {
    await t.test(`${d}, [2, 3] by [2, 3]`, (t) => expectLayoutParity(t, { op: 'TILE', inputs: [operand([2, 3], d), ints([2, 3])], outputs: [operand([4, 9], d)] }));
  }
  const cases: [number[], number[]][] = [[[5], [3]], [[1, 4, 1], [3, 1, 2]], [[2, 3, 2, 2], [1, 2, 1, 3]], [[2, 1, 3, 1, 2], [2, 2, 1, 3, 1]], [[3, 4], [1, 1]]];
  for (const [shape, m] of cases) {
    await t.test(`float32 [${shape}] by [${m}]`, (t) => expectLayoutParity(t, {
      op: 'TILE', inputs: [operand(shape, 'float32'), ints(m)], outputs: [operand(shape.map((s, i) => s * m[i]), 'float32')],
    }));
  }
  await t.test('int64 multiples', (t) => expectLayoutParity(t, { op: 'TILE', inputs: [operand([2, 2], 'int32'), longs([3, 1])], outputs: [operand([6, 2], 'int32')] }));
});

t.test('BROADCAST_TO', async (t) => {
  // LiteRT has BROADCAST_TO from version 2 on.
  for (const d of ALL_DTYPES) {
    await t.test(`${d}, [3, 1] to [2, 3, 4]`, (t) => expectLayoutParity(t, { op: 'BROADCAST_TO', inputs: [operand([3, 1], d), ints([2, 3, 4])], outputs: [operand([2, 3, 4], d)], version: 2 }));
  }
  const cases: [number[], number[]][] = [[[1], [6]], [[4], [3, 4]], [[2, 1, 3], [2, 5, 3]], [[1, 3, 1, 2], [2, 3, 4, 2]], [[2, 1, 1, 3], [2, 2, 3, 2, 3]], [[3, 2], [3, 2]]];
  for (const [shape, to] of cases) {
    await t.test(`float32 [${shape}] to [${to}]`, (t) => expectLayoutParity(t, { op: 'BROADCAST_TO', inputs: [operand(shape, 'float32'), ints(to)], outputs: [operand(to, 'float32')], version: 2 }));
  }
  await t.test('int64 shape', (t) => expectLayoutParity(t, { op: 'BROADCAST_TO', inputs: [operand([1, 2], 'int16'), longs([3, 2])], outputs: [operand([3, 2], 'int16')], version: 2 }));
});

t.test('SPACE_TO_BATCH_ND', async (t) => {
  for (const d of ALL_DTYPES) {
    await t.test(`${d}, 4-D with paddings`, (t) => expectLayoutParity(t, {
      op: 'SPACE_TO_BATCH_ND', inputs: [operand([2, 3, 5, 2], d), ints([2, 3]), ints([1, 0, 0, 1], [2, 2])], outputs: [operand([12, 2, 2, 2], d)],
    }));
    await t.test(`${d}, 3-D`, (t) => expectLayoutParity(t, {
      op: 'SPACE_TO_BATCH_ND', inputs: [operand([1, 5, 3], d), ints([3]), ints([2, 2], [1, 2])], outputs: [operand([3, 3, 3], d)],
    }));
  }
  for (const d of ['int8', 'uint8'] as const) {
    const q = quant(0.5, d === 'int8' ? -100 : 200);
    await t.test(`${d} pads with the zero point`, (t) => expectLayoutParity(t, {
      op: 'SPACE_TO_BATCH_ND', inputs: [operand([1, 2, 2, 1], d, q), ints([2, 2]), ints([1, 1, 1, 1], [2, 2])], outputs: [operand([4, 2, 2, 1], d, q)],
    }));
  }
  await t.test('float32 without padding', (t) => expectLayoutParity(t, {
    op: 'SPACE_TO_BATCH_ND', inputs: [operand([2, 4, 6, 3], 'float32'), ints([2, 2]), ints([0, 0, 0, 0], [2, 2])], outputs: [operand([8, 2, 3, 3], 'float32')],
  }));
});

t.test('BATCH_TO_SPACE_ND', async (t) => {
  for (const d of ALL_DTYPES) {
    await t.test(`${d}, 4-D with crops`, (t) => expectLayoutParity(t, {
      op: 'BATCH_TO_SPACE_ND', inputs: [operand([12, 2, 2, 2], d), ints([2, 3]), ints([1, 0, 0, 1], [2, 2])], outputs: [operand([2, 3, 5, 2], d)],
    }));
    await t.test(`${d}, 3-D`, (t) => expectLayoutParity(t, {
      op: 'BATCH_TO_SPACE_ND', inputs: [operand([6, 3, 2], d), ints([3]), ints([1, 2], [1, 2])], outputs: [operand([2, 6, 2], d)],
    }));
  }
  await t.test('float32 without crops', (t) => expectLayoutParity(t, {
    op: 'BATCH_TO_SPACE_ND', inputs: [operand([8, 2, 3, 3], 'float32'), ints([2, 2]), ints([0, 0, 0, 0], [2, 2])], outputs: [operand([2, 4, 6, 3], 'float32')],
  }));
  await t.test('float32 with crops on every side', (t) => expectLayoutParity(t, {
    op: 'BATCH_TO_SPACE_ND', inputs: [operand([9, 3, 3, 2], 'float32'), ints([3, 3]), ints([2, 1, 1, 3], [2, 2])], outputs: [operand([1, 6, 5, 2], 'float32')],
  }));
});

t.test('RESIZE_NEAREST_NEIGHBOR', async (t) => {
  for (const d of ALL_DTYPES.filter((d) => d !== 'int64')) {
    await t.test(`${d}, 3x5 to 7x4`, (t) => expectLayoutParity(t, {
      op: 'RESIZE_NEAREST_NEIGHBOR', inputs: [operand([2, 3, 5, 2], d), ints([7, 4])], outputs: [operand([2, 7, 4, 2], d)], options: resizeNearest(),
    }));
  }
  const sizes: [number, number, number, number][] = [[4, 4, 8, 8], [5, 7, 3, 2], [3, 3, 10, 7], [6, 9, 6, 9], [1, 5, 4, 1], [7, 3, 13, 11]];
  const modes = [{}, { alignCorners: true }, { halfPixelCenters: true }, { alignCorners: true, halfPixelCenters: true }];
  for (const [h, w, oh, ow] of sizes) {
    for (const mode of modes) {
      await t.test(`float32 ${h}x${w} to ${oh}x${ow} ${JSON.stringify(mode)}`, (t) => expectLayoutParity(t, {
        op: 'RESIZE_NEAREST_NEIGHBOR', inputs: [operand([1, h, w, 3], 'float32'), ints([oh, ow])], outputs: [operand([1, oh, ow, 3], 'float32')], options: resizeNearest(mode),
      }));
    }
  }
  for (const d of ['uint8', 'int8', 'int16'] as const) {
    await t.test(`${d} half_pixel_centers`, (t) => expectLayoutParity(t, {
      op: 'RESIZE_NEAREST_NEIGHBOR', inputs: [operand([1, 5, 3, 2], d), ints([9, 8])], outputs: [operand([1, 9, 8, 2], d)], options: resizeNearest({ halfPixelCenters: true }),
    }));
  }
  await t.test('without options', (t) => expectLayoutParity(t, {
    op: 'RESIZE_NEAREST_NEIGHBOR', inputs: [operand([1, 2, 3, 1], 'float32'), ints([5, 5])], outputs: [operand([1, 5, 5, 1], 'float32')],
  }));
});
