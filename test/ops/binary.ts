import t from 'tap';
import { BuiltinOptions } from '../../lib/model/schema';
import { arithmetic, empty } from '../helpers/options';
import { expectOpParity, f32, weights } from '../helpers/op-model';

t.test('ADD, SUB, MUL, DIV with broadcasting and fused activations', async (t) => {
  for (const op of ['ADD', 'SUB', 'MUL', 'DIV'] as const) {
    await t.test(`${op} same shapes`, (t) => expectOpParity(t, {
      op, inputs: [f32([1, 4, 4, 3]), f32([1, 4, 4, 3])], outputs: [f32([1, 4, 4, 3])], options: arithmetic(op),
    }, 1e-5, op === 'DIV' ? [0.5, 2] : [-2, 2]));
    await t.test(`${op} broadcast of a per-channel constant, RELU6`, (t) => expectOpParity(t, {
      op, inputs: [f32([1, 5, 5, 4]), f32([4], weights([4], 3, 1).map((v) => v + 1.5))], outputs: [f32([1, 5, 5, 4])], options: arithmetic(op, 'RELU6'),
    }));
    await t.test(`${op} broadcast in both operands, RELU_N1_TO_1`, (t) => expectOpParity(t, {
      op, inputs: [f32([2, 1, 3]), f32([1, 4, 1])], outputs: [f32([2, 4, 3])], options: arithmetic(op, 'RELU_N1_TO_1'),
    }, 1e-5, op === 'DIV' ? [0.5, 2] : [-2, 2]));
  }
  await t.test('ADD with a scalar constant', (t) => expectOpParity(t, {
    op: 'ADD', inputs: [f32([2, 3]), f32([], new Float32Array([0.75]))], outputs: [f32([2, 3])], options: arithmetic('ADD'),
  }));
});

t.test('MAXIMUM, MINIMUM, SQUARED_DIFFERENCE', async (t) => {
  for (const op of ['MAXIMUM', 'MINIMUM', 'SQUARED_DIFFERENCE'] as const) {
    const options = op === 'SQUARED_DIFFERENCE' ? empty(BuiltinOptions.SquaredDifferenceOptions) : empty(BuiltinOptions.MaximumMinimumOptions);
    await t.test(`${op} same shapes`, (t) => expectOpParity(t, { op, inputs: [f32([3, 7]), f32([3, 7])], outputs: [f32([3, 7])], options }));
    await t.test(`${op} broadcast`, (t) => expectOpParity(t, { op, inputs: [f32([1, 3, 3, 2]), f32([2], new Float32Array([0.25, -0.5]))], outputs: [f32([1, 3, 3, 2])], options }));
  }
});

t.test('PRELU with per-channel slopes', async (t) => {
  await t.test('slopes [C]', (t) => expectOpParity(t, {
    op: 'PRELU', inputs: [f32([1, 4, 4, 3]), f32([3], new Float32Array([0.1, 0.25, -0.5]))], outputs: [f32([1, 4, 4, 3])],
  }));
  await t.test('slopes [1, 1, C]', (t) => expectOpParity(t, {
    op: 'PRELU', inputs: [f32([1, 4, 4, 3]), f32([1, 1, 3], new Float32Array([0.2, 0.3, 0.4]))], outputs: [f32([1, 4, 4, 3])],
  }));
});
