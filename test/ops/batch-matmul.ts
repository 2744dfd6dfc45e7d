import t from 'tap';
import { batchMatmul } from '../helpers/options';
import { expectOpParity, f32, weights } from '../helpers/op-model';

t.test('BATCH_MATMUL', async (t) => {
  await t.test('two run-time operands', (t) => expectOpParity(t, {
    op: 'BATCH_MATMUL', inputs: [f32([2, 3, 5]), f32([2, 5, 4])], outputs: [f32([2, 3, 4])], options: batchMatmul(),
  }));
  await t.test('constant second operand, broadcast batch', (t) => expectOpParity(t, {
    op: 'BATCH_MATMUL', inputs: [f32([3, 4, 6]), f32([6, 5], weights([6, 5]))], outputs: [f32([3, 4, 5])], options: batchMatmul(),
  }));
  await t.test('adj_y transposes the second operand', (t) => expectOpParity(t, {
    op: 'BATCH_MATMUL', inputs: [f32([2, 3, 5]), f32([2, 4, 5])], outputs: [f32([2, 3, 4])], options: batchMatmul({ adjY: true }),
  }));
});
