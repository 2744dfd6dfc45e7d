import t from 'tap';
import { reducer } from '../helpers/options';
import { expectOpParity, f32, i32 } from '../helpers/op-model';

t.test('MEAN', async (t) => {
  await t.test('spatial mean, keep_dims (global average pooling)', (t) => expectOpParity(t, {
    op: 'MEAN', inputs: [f32([1, 7, 7, 8]), i32([1, 2])], outputs: [f32([1, 1, 1, 8])], options: reducer(true),
  }));
  await t.test('spatial mean without keep_dims', (t) => expectOpParity(t, {
    op: 'MEAN', inputs: [f32([2, 5, 5, 3]), i32([1, 2])], outputs: [f32([2, 3])], options: reducer(false),
  }));
  await t.test('last axis, given as -1', (t) => expectOpParity(t, {
    op: 'MEAN', inputs: [f32([3, 4, 6]), i32([-1])], outputs: [f32([3, 4])], options: reducer(false),
  }));
});
