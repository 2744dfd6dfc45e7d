// RESHAPE, SQUEEZE, EXPAND_DIMS, CONCATENATION, PACK, UNPACK, SPLIT and
// SPLIT_V on the reference kernels, for every element type TFLite takes,
// against LiteRT.js.
import t from 'tap';
import { ALL_DTYPES, expectLayoutParity, ints, longs, operand, type LayoutDType } from '../helpers/layout-model';
import { pack, splitV, unpack } from '../helpers/layout-options';
import { concatenation, reshape, split, squeeze } from '../helpers/options';

const withAxis = (shape: number[], axis: number, size: number) => shape.map((d, i) => (i === axis ? size : d));

t.test('RESHAPE, SQUEEZE and EXPAND_DIMS', async (t) => {
  for (const d of ALL_DTYPES) {
    await t.test(`${d} RESHAPE`, (t) => expectLayoutParity(t, { op: 'RESHAPE', inputs: [operand([2, 3, 4], d), ints([4, 6])], outputs: [operand([4, 6], d)], options: reshape([4, 6]) }));
    await t.test(`${d} SQUEEZE`, (t) => expectLayoutParity(t, { op: 'SQUEEZE', inputs: [operand([1, 5, 1, 3], d)], outputs: [operand([5, 3], d)], options: squeeze([0, 2]) }));
    await t.test(`${d} EXPAND_DIMS`, (t) => expectLayoutParity(t, { op: 'EXPAND_DIMS', inputs: [operand([5, 3], d), ints([-1], [])], outputs: [operand([5, 3, 1], d)] }));
  }
});

t.test('CONCATENATION', async (t) => {
  for (const d of ALL_DTYPES) {
    await t.test(`${d}, three inputs along axis 1`, (t) => expectLayoutParity(t, {
      op: 'CONCATENATION', inputs: [operand([2, 3, 2], d), operand([2, 1, 2], d), operand([2, 4, 2], d)], outputs: [operand([2, 8, 2], d)], options: concatenation(1),
    }));
  }
  const shapes: [number[][], number][] = [[[[3], [5]], 0], [[[2, 3], [2, 2]], -1], [[[1, 2, 3, 2], [2, 2, 3, 2]], 0], [[[2, 2, 1, 3, 2], [2, 2, 4, 3, 2], [2, 2, 2, 3, 2]], 2], [[[4, 2]], 1]];
  for (const [inputs, axis] of shapes) {
    const a = axis < 0 ? axis + inputs[0].length : axis;
    const out = withAxis(inputs[0], a, inputs.reduce((s, shape) => s + shape[a], 0));
    await t.test(`float32 [${inputs.map((s) => `[${s}]`)}] along ${axis}`, (t) => expectLayoutParity(t, {
      op: 'CONCATENATION', inputs: inputs.map((s) => operand(s, 'float32')), outputs: [operand(out, 'float32')], options: concatenation(axis),
    }));
  }
  await t.test('a constant input', (t) => expectLayoutParity(t, {
    op: 'CONCATENATION', inputs: [operand([2, 2], 'int32'), { ...ints([7, 8, 9, 10, 11, 12], [2, 3]) }], outputs: [operand([2, 5], 'int32')], options: concatenation(1),
  }));
});

const packTypes = ALL_DTYPES.filter((d) => d !== 'bool');
const unpackTypes = ALL_DTYPES.filter((d) => d !== 'int64');
const splitTypes = ALL_DTYPES.filter((d) => d !== 'bool');

t.test('PACK', async (t) => {
  for (const d of packTypes) {
    await t.test(`${d}, three inputs along axis 1`, (t) => expectLayoutParity(t, {
      op: 'PACK', inputs: [operand([2, 3], d), operand([2, 3], d), operand([2, 3], d)], outputs: [operand([2, 3, 3], d)], options: pack(3, 1),
    }));
  }
  const cases: [number[], number, number][] = [[[4], 2, 0], [[4], 2, -1], [[2, 3, 2], 3, 3], [[2, 1, 3, 2], 2, -3], [[2, 2, 1, 2, 3], 4, 2], [[3], 1, 0]];
  for (const [shape, n, axis] of cases) {
    const a = axis < 0 ? axis + shape.length + 1 : axis;
    await t.test(`float32 ${n} x [${shape}] along ${axis}`, (t) => expectLayoutParity(t, {
      op: 'PACK', inputs: Array.from({ length: n }, () => operand(shape, 'float32')), outputs: [operand([...shape.slice(0, a), n, ...shape.slice(a)], 'float32')], options: pack(n, axis),
    }));
  }
});

t.test('UNPACK', async (t) => {
  for (const d of unpackTypes) {
    await t.test(`${d}, along axis 1`, (t) => expectLayoutParity(t, {
      op: 'UNPACK', inputs: [operand([2, 3, 4], d)], outputs: [operand([2, 4], d), operand([2, 4], d), operand([2, 4], d)], options: unpack(3, 1),
    }));
  }
  const cases: [number[], number][] = [[[3], 0], [[4, 2], -1], [[2, 3, 2, 2], 0], [[2, 2, 3, 2, 2], 2], [[1, 2], 0]];
  for (const [shape, axis] of cases) {
    const a = axis < 0 ? axis + shape.length : axis;
    const part = shape.filter((_, i) => i !== a);
    await t.test(`float32 [${shape}] along ${axis}`, (t) => expectLayoutParity(t, {
      op: 'UNPACK', inputs: [operand(shape, 'float32')], outputs: Array.from({ length: shape[a] }, () => operand(part, 'float32')), options: unpack(shape[a], axis),
    }));
  }
});

const splitCase = (d: LayoutDType, shape: number[], axis: number, parts: number) => {
  const a = axis < 0 ? axis + shape.length : axis;
  return {
    op: 'SPLIT', inputs: [ints([axis], []), operand(shape, d)], outputs: Array.from({ length: parts }, () => operand(withAxis(shape, a, shape[a] / parts), d)), options: split(parts),
  };
};

t.test('SPLIT', async (t) => {
  for (const d of splitTypes) {
    await t.test(`${d}, 3 parts along axis 1`, (t) => expectLayoutParity(t, splitCase(d, [2, 6, 3], 1, 3)));
  }
  const cases: [number[], number, number][] = [[[8], 0, 4], [[3, 4], -1, 2], [[2, 6, 2, 3], 1, 6], [[2, 2, 3, 2, 4], 4, 2], [[3, 5], 1, 1]];
  for (const [shape, axis, parts] of cases) {
    await t.test(`float32 [${shape}] in ${parts} along ${axis}`, (t) => expectLayoutParity(t, splitCase('float32', shape, axis, parts)));
  }
  await t.test('axis given as a one-element vector', (t) => expectLayoutParity(t, {
    op: 'SPLIT', inputs: [ints([0]), operand([4, 3], 'int16')], outputs: [operand([2, 3], 'int16'), operand([2, 3], 'int16')], options: split(2),
  }));
});

t.test('SPLIT_V', async (t) => {
  for (const d of splitTypes) {
    await t.test(`${d}, sizes 1, -1 and 2`, (t) => expectLayoutParity(t, {
      op: 'SPLIT_V', inputs: [operand([2, 6, 3], d), ints([1, -1, 2]), ints([1], [])], outputs: [operand([2, 1, 3], d), operand([2, 3, 3], d), operand([2, 2, 3], d)], options: splitV(3),
    }));
  }
  const cases: [number[], number[], number][] = [[[7], [3, 4], 0], [[3, 5], [-1, 2], -1], [[2, 3, 4, 2], [1, 2], 1], [[2, 2, 5, 2, 3], [2, 1, 2], 2], [[4, 2], [4], 0]];
  for (const [shape, sizes, axis] of cases) {
    const a = axis < 0 ? axis + shape.length : axis;
    const total = sizes.filter((s) => s !== -1).reduce((x, y) => x + y, 0);
    await t.test(`float32 [${shape}] in [${sizes}] along ${axis}`, (t) => expectLayoutParity(t, {
      op: 'SPLIT_V', inputs: [operand(shape, 'float32'), ints(sizes), ints([axis], [])],
      outputs: sizes.map((s) => operand(withAxis(shape, a, s === -1 ? shape[a] - total : s), 'float32')), options: splitV(sizes.length),
    }));
  }
  await t.test('int64 sizes', (t) => expectLayoutParity(t, {
    op: 'SPLIT_V', inputs: [operand([5, 2], 'int8'), longs([2, 3]), ints([0], [])], outputs: [operand([2, 2], 'int8'), operand([3, 2], 'int8')], options: splitV(2),
  }));
});
