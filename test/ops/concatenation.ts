import t from 'tap';
import { concatenation } from '../helpers/options';
import { expectOpParity, f32 } from '../helpers/op-model';

t.test('CONCATENATION', async (t) => {
  await t.test('2 inputs along channels', (t) => expectOpParity(t, {
    op: 'CONCATENATION', inputs: [f32([1, 3, 3, 2]), f32([1, 3, 3, 5])], outputs: [f32([1, 3, 3, 7])], options: concatenation(3),
  }));
  await t.test('3 inputs along axis 1, negative axis', (t) => expectOpParity(t, {
    op: 'CONCATENATION', inputs: [f32([2, 1, 4]), f32([2, 3, 4]), f32([2, 2, 4])], outputs: [f32([2, 6, 4])], options: concatenation(-2),
  }));
  await t.test('7 inputs (more than XNNPACK takes at once)', (t) => expectOpParity(t, {
    op: 'CONCATENATION',
    inputs: [1, 2, 3, 1, 2, 1, 4].map((c) => f32([1, 2, c])),
    outputs: [f32([1, 2, 14])],
    options: concatenation(2),
  }));
});
