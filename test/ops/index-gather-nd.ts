// GATHER_ND and SCATTER_ND on the reference kernels, against LiteRT.js:
// every dtype each takes, index depths from 1 to the full rank, duplicate
// scatter indices (which accumulate), run-time coordinate errors, refusals.
import t, { type Test } from 'tap';
import { loadModel } from '../../lib/index';
import { ALL_DTYPES, expectInvalidThenValid, valuesOf } from '../helpers/index-data';
import { castWrappedModel, expectTypedParity, i32, opModel, type OpCase } from '../helpers/op-model';

const refuse = (t: Test, c: OpCase, message: RegExp) => t.rejects(loadModel(opModel(c)), { code: 'ERR_XNNLITE_UNSUPPORTED_OP', message });

t.test('GATHER_ND of every dtype (2 of 3 coordinates)', async (t) => {
  for (const dtype of ALL_DTYPES) {
    await t.test(dtype, (t) => expectTypedParity(t, castWrappedModel({
      op: 'GATHER_ND', inputs: [{ shape: [3, 4, 2], dtype }, { shape: [5, 2], dtype: 'int32' }], outputs: [{ shape: [5, 2], dtype }],
    }), [valuesOf(dtype, 24), Int32Array.from([2, 3, 0, 0, 1, 2, 2, 0, 1, 2])]));
  }
});

t.test('GATHER_ND with whole coordinates, one coordinate, int64 and int16 indices', async (t) => {
  await expectTypedParity(t, castWrappedModel({
    op: 'GATHER_ND', inputs: [{ shape: [3, 4], dtype: 'int16' }, { shape: [2, 3, 2], dtype: 'int64' }], outputs: [{ shape: [2, 3], dtype: 'int16' }],
  }), [valuesOf('int16', 12), Int32Array.from([0, 0, 2, 3, 1, 2, 2, 0, 0, 3, 1, 1])]);
  await expectTypedParity(t, castWrappedModel({
    op: 'GATHER_ND', inputs: [{ shape: [4, 3, 2] }, { shape: [3, 1], dtype: 'int16' }], outputs: [{ shape: [3, 3, 2] }],
  }), [valuesOf('float32', 24), Int32Array.from([3, 0, 3])]);
  await expectTypedParity(t, castWrappedModel({
    op: 'GATHER_ND', inputs: [{ shape: [2, 3, 4], dtype: 'uint8' }, i32([1, 2, 0, 1], [2, 2])], outputs: [{ shape: [2, 4], dtype: 'uint8' }],
  }), [valuesOf('uint8', 24)]);
});

t.test('GATHER_ND refuses a coordinate outside its dimension at run time', async (t) => {
  const bytes = castWrappedModel({ op: 'GATHER_ND', inputs: [{ shape: [3, 4] }, { shape: [2, 2], dtype: 'int32' }], outputs: [{ shape: [2] }] });
  const params = valuesOf('float32', 12);
  // [0, 4] would still be inside the buffer (element 4), but 4 is outside dimension 1.
  await expectInvalidThenValid(t, bytes, [params, Int32Array.from([1, 1, 0, 4])], [params, Int32Array.from([1, 1, 0, 3])],
    /GATHER_ND #0: index 4 at position 3 of input 1 is outside \[0, 4\)/);
  await expectInvalidThenValid(t, bytes, [params, Int32Array.from([-1, 0, 0, 0])], [params, Int32Array.from([2, 0, 0, 0])], /index -1 at position 0 of input 1/);
});

t.test('GATHER_ND refusals', async (t) => {
  await refuse(t, { op: 'GATHER_ND', inputs: [{ shape: [3, 4] }, { shape: [2, 3], dtype: 'int32' }], outputs: [{ shape: [2] }] }, /GATHER_ND #0.*index depth \(got 3 coordinates per index, expected at most the params rank 2\)/);
  await refuse(t, { op: 'GATHER_ND', inputs: [{ shape: [3, 4] }, { shape: [2, 1] }], outputs: [{ shape: [2, 4] }] }, /indices type \(got float32/);
  await refuse(t, { op: 'GATHER_ND', inputs: [{ shape: [3, 4] }, { shape: [2, 1], dtype: 'int32' }], outputs: [{ shape: [2, 3] }] }, /output shape \(got \[2,3\], expected \[2,4\]\)/);
  await refuse(t, { op: 'GATHER_ND', inputs: [{ shape: [3, 4] }, i32([2, 4], [1, 2])], outputs: [{ shape: [1] }] }, /indices \(got 4 at position 1, expected 0 to 3\)/);
});

const SCATTER_TYPES = ['float32', 'int8', 'uint8', 'int32', 'int64', 'bool'] as const;

t.test('SCATTER_ND of every dtype it takes, duplicate indices accumulating', async (t) => {
  for (const dtype of SCATTER_TYPES) {
    // Rows 4 and 1 are each written twice; the int8 and uint8 sums wrap.
    await t.test(dtype, (t) => expectTypedParity(t, castWrappedModel({
      op: 'SCATTER_ND', inputs: [{ shape: [5, 1], dtype: 'int32' }, { shape: [5, 3], dtype }, i32([6, 3])], outputs: [{ shape: [6, 3], dtype }],
    }), [Int32Array.from([4, 1, 4, 0, 1]), valuesOf(dtype, 15, 3)]));
  }
});

t.test('SCATTER_ND of single elements and of slices', async (t) => {
  await expectTypedParity(t, castWrappedModel({
    op: 'SCATTER_ND', inputs: [{ shape: [4, 2], dtype: 'int32' }, { shape: [4] }, i32([4, 5])], outputs: [{ shape: [4, 5] }],
  }), [Int32Array.from([0, 4, 3, 0, 0, 4, 2, 2]), valuesOf('float32', 4)]);
  await expectTypedParity(t, castWrappedModel({
    op: 'SCATTER_ND', inputs: [{ shape: [2, 2, 1], dtype: 'int32' }, { shape: [2, 2, 3, 2], dtype: 'int64' }, i32([3, 3, 2])], outputs: [{ shape: [3, 3, 2], dtype: 'int64' }],
  }), [Int32Array.from([2, 0, 0, 1]), valuesOf('int64', 24)]);
  // Constant indices.
  await expectTypedParity(t, castWrappedModel({
    op: 'SCATTER_ND', inputs: [i32([1, 0, 2], [3, 1]), { shape: [3, 2], dtype: 'int32' }, i32([4, 2])], outputs: [{ shape: [4, 2], dtype: 'int32' }],
  }), [valuesOf('int32', 6)]);
});

t.test('SCATTER_ND refuses an index outside the output at run time', async (t) => {
  const bytes = castWrappedModel({ op: 'SCATTER_ND', inputs: [{ shape: [2, 1], dtype: 'int32' }, { shape: [2, 3] }, i32([4, 3])], outputs: [{ shape: [4, 3] }] });
  const updates = valuesOf('float32', 6);
  await expectInvalidThenValid(t, bytes, [Int32Array.from([1, 4]), updates], [Int32Array.from([1, 3]), updates], /SCATTER_ND #0: index 4 at position 1 of input 0 is outside \[0, 4\)/);
  await expectInvalidThenValid(t, bytes, [Int32Array.from([-3, 0]), updates], [Int32Array.from([0, 0]), updates], /index -3 at position 0 of input 0/);
});

t.test('SCATTER_ND refusals', async (t) => {
  const updates = { shape: [2, 3] };
  await refuse(t, { op: 'SCATTER_ND', inputs: [{ shape: [2, 1], dtype: 'int32' }, updates, { shape: [2], dtype: 'int32' }], outputs: [{ shape: [4, 3] }] },
    /SCATTER_ND #0.*output shape depends on run-time values \(input 2, the shape, is computed at run time\)/);
  await refuse(t, { op: 'SCATTER_ND', inputs: [{ shape: [2, 1], dtype: 'int64' }, updates, i32([4, 3])], outputs: [{ shape: [4, 3] }] }, /indices type \(got int64, expected int32\)/);
  await refuse(t, { op: 'SCATTER_ND', inputs: [{ shape: [2, 1], dtype: 'int32' }, { shape: [2, 3], dtype: 'int16' }, i32([4, 3])], outputs: [{ shape: [4, 3], dtype: 'int16' }] },
    /updates type \(got int16/);
  await refuse(t, { op: 'SCATTER_ND', inputs: [{ shape: [2, 1], dtype: 'int32' }, { shape: [2, 2] }, i32([4, 3])], outputs: [{ shape: [4, 3] }] }, /updates shape \(got \[2,2\], expected \[2,3\]\)/);
  await refuse(t, { op: 'SCATTER_ND', inputs: [{ shape: [2, 1], dtype: 'int32' }, updates, i32([4, 3])], outputs: [{ shape: [4, 4] }] }, /output \(from input 2\) shape \(got \[4,4\], expected \[4,3\]\)/);
});
