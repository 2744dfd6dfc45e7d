import t from 'tap';
import { conv2d, depthwise } from '../helpers/options';
import { expectOpParity, f32, weights } from '../helpers/op-model';

t.test('CONV_2D', async (t) => {
  const cases = [
    { name: '3x3 SAME stride 1 with bias', input: [1, 9, 9, 4], filter: [6, 3, 3, 4], options: conv2d({ padding: 'SAME' }), output: [1, 9, 9, 6] },
    { name: '3x3 SAME stride 2 (TF pads more at the end)', input: [1, 10, 10, 3], filter: [5, 3, 3, 3], options: conv2d({ padding: 'SAME', stride: [2, 2] }), output: [1, 5, 5, 5] },
    { name: '5x3 VALID stride 1x2, RELU6', input: [2, 11, 9, 3], filter: [4, 5, 3, 3], options: conv2d({ padding: 'VALID', stride: [1, 2], activation: 'RELU6' }), output: [2, 7, 4, 4] },
    { name: '1x1, RELU', input: [1, 6, 6, 8], filter: [16, 1, 1, 8], options: conv2d({ activation: 'RELU' }), output: [1, 6, 6, 16] },
    { name: 'dilated 3x3 SAME', input: [1, 12, 12, 2], filter: [3, 3, 3, 2], options: conv2d({ dilation: [2, 2] }), output: [1, 12, 12, 3] },
    { name: 'grouped (2 groups), RELU_N1_TO_1', input: [1, 7, 7, 8], filter: [6, 3, 3, 4], options: conv2d({ activation: 'RELU_N1_TO_1' }), output: [1, 7, 7, 6] },
  ];
  for (const c of cases) {
    await t.test(c.name, (t) => expectOpParity(t, {
      op: 'CONV_2D',
      inputs: [f32(c.input), f32(c.filter, weights(c.filter)), f32([c.filter[0]], weights([c.filter[0]], 5))],
      outputs: [f32(c.output)],
      options: c.options,
    }));
  }
});

t.test('DEPTHWISE_CONV_2D', async (t) => {
  const cases = [
    { name: '3x3 SAME', input: [1, 9, 9, 8], filter: [1, 3, 3, 8], options: depthwise(), output: [1, 9, 9, 8] },
    { name: '3x3 SAME stride 2, RELU', input: [1, 10, 10, 4], filter: [1, 3, 3, 4], options: depthwise({ stride: [2, 2], activation: 'RELU' }), output: [1, 5, 5, 4] },
    { name: '5x5 VALID', input: [1, 12, 12, 3], filter: [1, 5, 5, 3], options: depthwise({ padding: 'VALID' }), output: [1, 8, 8, 3] },
    { name: 'depth multiplier 2', input: [1, 6, 6, 3], filter: [1, 3, 3, 6], options: depthwise({ multiplier: 2 }), output: [1, 6, 6, 6] },
    { name: 'dilated', input: [1, 10, 10, 4], filter: [1, 3, 3, 4], options: depthwise({ dilation: [2, 2] }), output: [1, 10, 10, 4] },
  ];
  for (const c of cases) {
    await t.test(c.name, (t) => expectOpParity(t, {
      op: 'DEPTHWISE_CONV_2D',
      inputs: [f32(c.input), f32(c.filter, weights(c.filter)), f32([c.filter[3]], weights([c.filter[3]], 7))],
      outputs: [f32(c.output)],
      options: c.options,
    }));
  }
});
