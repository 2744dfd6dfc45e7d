import t from 'tap';
import { split } from '../helpers/options';
import { expectOpParity, f32, i32 } from '../helpers/op-model';

t.test('SPLIT', async (t) => {
  for (const parts of [2, 3, 4]) {
    await t.test(`${parts} parts along channels`, (t) => expectOpParity(t, {
      op: 'SPLIT', inputs: [i32([3], []), f32([1, 2, 2, 12])], outputs: Array.from({ length: parts }, () => f32([1, 2, 2, 12 / parts])), options: split(parts),
    }));
  }
  await t.test('2 parts along axis -3', (t) => expectOpParity(t, {
    op: 'SPLIT', inputs: [i32([-3], []), f32([1, 4, 2, 3])], outputs: [f32([1, 2, 2, 3]), f32([1, 2, 2, 3])], options: split(2),
  }));
});
