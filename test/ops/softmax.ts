import t from 'tap';
import { softmax } from '../helpers/options';
import { expectOpParity, f32 } from '../helpers/op-model';

t.test('SOFTMAX', async (t) => {
  await t.test('beta 1 over the last axis', (t) => expectOpParity(t, { op: 'SOFTMAX', inputs: [f32([4, 10])], outputs: [f32([4, 10])], options: softmax(1) }, 1e-5, [-5, 5]));
  await t.test('beta 0.5 on a 4D tensor', (t) => expectOpParity(t, { op: 'SOFTMAX', inputs: [f32([1, 3, 3, 7])], outputs: [f32([1, 3, 3, 7])], options: softmax(0.5) }, 1e-5, [-5, 5]));
});
