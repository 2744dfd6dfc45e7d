import t from 'tap';
import { expectOpParity, f32, i32 } from '../helpers/op-model';

t.test('PAD', async (t) => {
  await t.test('spatial padding of NHWC', (t) => expectOpParity(t, {
    op: 'PAD', inputs: [f32([1, 5, 5, 3]), i32([0, 0, 1, 2, 2, 1, 0, 0], [4, 2])], outputs: [f32([1, 8, 8, 3])],
  }));
  await t.test('channel padding (as MediaPipe models use it)', (t) => expectOpParity(t, {
    op: 'PAD', inputs: [f32([1, 4, 4, 3]), i32([0, 0, 0, 0, 0, 0, 0, 5], [4, 2])], outputs: [f32([1, 4, 4, 8])],
  }));
});
