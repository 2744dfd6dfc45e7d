import t from 'tap';
import { pool } from '../helpers/options';
import { expectOpParity, f32 } from '../helpers/op-model';

t.test('AVERAGE_POOL_2D and MAX_POOL_2D', async (t) => {
  for (const op of ['AVERAGE_POOL_2D', 'MAX_POOL_2D']) {
    await t.test(`${op} 2x2 stride 2 VALID`, (t) => expectOpParity(t, { op, inputs: [f32([1, 8, 8, 3])], outputs: [f32([1, 4, 4, 3])], options: pool({ filter: [2, 2], stride: [2, 2], padding: 'VALID' }) }));
    await t.test(`${op} 3x3 stride 2 SAME (padding excluded from averages)`, (t) => expectOpParity(t, { op, inputs: [f32([1, 9, 9, 4])], outputs: [f32([1, 5, 5, 4])], options: pool({ filter: [3, 3], stride: [2, 2], padding: 'SAME' }) }));
    await t.test(`${op} 3x2 stride 1 SAME, RELU6`, (t) => expectOpParity(t, { op, inputs: [f32([2, 6, 5, 2])], outputs: [f32([2, 6, 5, 2])], options: pool({ filter: [3, 2], padding: 'SAME', activation: 'RELU6' }) }, 1e-5, [-4, 8]));
    await t.test(`${op} 1x1 stride 1 is a clamp`, (t) => expectOpParity(t, { op, inputs: [f32([1, 4, 4, 2])], outputs: [f32([1, 4, 4, 2])], options: pool({ filter: [1, 1], activation: 'RELU' }) }));
  }
});
