import t from 'tap';
import { BuiltinOptions } from '../../lib/model/schema';
import { empty, leakyRelu } from '../helpers/options';
import { expectOpParity, f32 } from '../helpers/op-model';

const shape = [1, 6, 6, 5];

t.test('activations', async (t) => {
  for (const op of ['RELU', 'RELU6', 'RELU_N1_TO_1', 'ELU', 'LOGISTIC', 'TANH']) {
    await t.test(op, (t) => expectOpParity(t, { op, inputs: [f32(shape)], outputs: [f32(shape)] }, 1e-5, [-8, 8]));
  }
  await t.test('HARD_SWISH', (t) => expectOpParity(t, {
    op: 'HARD_SWISH', inputs: [f32(shape)], outputs: [f32(shape)], options: empty(BuiltinOptions.HardSwishOptions),
  }, 1e-5, [-8, 8]));
  await t.test('LEAKY_RELU alpha 0.2', (t) => expectOpParity(t, {
    op: 'LEAKY_RELU', inputs: [f32(shape)], outputs: [f32(shape)], options: leakyRelu(0.2),
  }, 1e-5, [-8, 8]));
});
