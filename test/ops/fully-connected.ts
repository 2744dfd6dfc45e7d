import t from 'tap';
import { fullyConnected } from '../helpers/options';
import { expectOpParity, f32, weights } from '../helpers/op-model';

t.test('FULLY_CONNECTED', async (t) => {
  await t.test('2D input with bias', (t) => expectOpParity(t, {
    op: 'FULLY_CONNECTED',
    inputs: [f32([3, 20]), f32([7, 20], weights([7, 20])), f32([7], weights([7], 2))],
    outputs: [f32([3, 7])],
    options: fullyConnected(),
  }));
  await t.test('4D input flattened (keep_num_dims false), RELU, no bias', (t) => expectOpParity(t, {
    op: 'FULLY_CONNECTED',
    inputs: [f32([1, 4, 4, 3]), f32([10, 48], weights([10, 48])), null],
    outputs: [f32([1, 10])],
    options: fullyConnected({ activation: 'RELU' }),
  }));
  await t.test('3D input with keep_num_dims', (t) => expectOpParity(t, {
    op: 'FULLY_CONNECTED',
    inputs: [f32([2, 5, 8]), f32([6, 8], weights([6, 8])), f32([6], weights([6], 3))],
    outputs: [f32([2, 5, 6])],
    options: fullyConnected({ keepNumDims: true }),
  }));
  await t.test('rows flattened into a batch', (t) => expectOpParity(t, {
    op: 'FULLY_CONNECTED',
    inputs: [f32([2, 3, 8]), f32([4, 8], weights([4, 8])), f32([4], weights([4], 3))],
    outputs: [f32([6, 4])],
    options: fullyConnected({ activation: 'RELU6' }),
  }));
});
