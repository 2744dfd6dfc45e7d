import t from 'tap';
import { reshape, squeeze } from '../helpers/options';
import { expectOpParity, f32, i32 } from '../helpers/op-model';

t.test('RESHAPE, SQUEEZE, EXPAND_DIMS', async (t) => {
  await t.test('RESHAPE with a shape tensor', (t) => expectOpParity(t, {
    op: 'RESHAPE', inputs: [f32([1, 4, 6]), i32([2, 12])], outputs: [f32([2, 12])], options: reshape([2, 12]),
  }));
  await t.test('RESHAPE from options only', (t) => expectOpParity(t, {
    op: 'RESHAPE', inputs: [f32([1, 8, 8, 2])], outputs: [f32([1, 128])], options: reshape([1, 128]),
  }));
  await t.test('SQUEEZE', (t) => expectOpParity(t, {
    op: 'SQUEEZE', inputs: [f32([1, 1, 5, 1, 3])], outputs: [f32([5, 3])], options: squeeze([0, 1, 3]),
  }));
  await t.test('EXPAND_DIMS', (t) => expectOpParity(t, {
    op: 'EXPAND_DIMS', inputs: [f32([4, 3]), i32([1], [])], outputs: [f32([4, 1, 3])],
  }));
});
