import t from 'tap';
import { expectOpParity, f32, i32 } from '../helpers/op-model';

t.test('TRANSPOSE', async (t) => {
  await t.test('NHWC to NCHW', (t) => expectOpParity(t, { op: 'TRANSPOSE', inputs: [f32([1, 4, 5, 3]), i32([0, 3, 1, 2])], outputs: [f32([1, 3, 4, 5])] }));
  await t.test('2D', (t) => expectOpParity(t, { op: 'TRANSPOSE', inputs: [f32([6, 7]), i32([1, 0])], outputs: [f32([7, 6])] }));
});
