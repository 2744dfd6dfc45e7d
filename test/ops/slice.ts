import t from 'tap';
import { stridedSlice } from '../helpers/options';
import { expectOpParity, f32, i32 } from '../helpers/op-model';

t.test('SLICE', async (t) => {
  await t.test('window inside a 4D tensor', (t) => expectOpParity(t, {
    op: 'SLICE', inputs: [f32([1, 6, 6, 4]), i32([0, 1, 2, 1]), i32([1, 3, 4, 2])], outputs: [f32([1, 3, 4, 2])],
  }));
  await t.test('size -1 runs to the end', (t) => expectOpParity(t, {
    op: 'SLICE', inputs: [f32([4, 5]), i32([1, 2]), i32([-1, 2])], outputs: [f32([3, 2])],
  }));
});

t.test('STRIDED_SLICE with unit strides', async (t) => {
  await t.test('begin and end', (t) => expectOpParity(t, {
    op: 'STRIDED_SLICE', inputs: [f32([1, 8, 8, 3]), i32([0, 2, 1, 0]), i32([1, 6, 7, 2]), i32([1, 1, 1, 1])], outputs: [f32([1, 4, 6, 2])], options: stridedSlice(),
  }));
  await t.test('masks and negative indices', (t) => expectOpParity(t, {
    op: 'STRIDED_SLICE', inputs: [f32([2, 6, 5]), i32([1, -4, 0]), i32([0, -1, 3]), i32([1, 1, 1])], outputs: [f32([2, 3, 3])],
    options: stridedSlice({ beginMask: 1, endMask: 1 }),
  }));
  await t.test('shrink_axis_mask drops an axis', (t) => expectOpParity(t, {
    op: 'STRIDED_SLICE', inputs: [f32([3, 4, 5]), i32([1, 0, 0]), i32([2, 4, 5]), i32([1, 1, 1])], outputs: [f32([4, 5])],
    options: stridedSlice({ shrinkAxisMask: 1 }),
  }));
});
