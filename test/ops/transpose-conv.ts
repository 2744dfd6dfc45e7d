import t from 'tap';
import { transposeConv } from '../helpers/options';
import { expectOpParity, f32, i32, weights } from '../helpers/op-model';

t.test('TRANSPOSE_CONV', async (t) => {
  const cases = [
    { name: '3x3 SAME stride 2', input: [1, 5, 5, 4], filter: [3, 3, 3, 4], output: [1, 10, 10, 3], options: transposeConv({ padding: 'SAME', stride: [2, 2] }) },
    { name: '2x2 VALID stride 2', input: [1, 4, 6, 2], filter: [5, 2, 2, 2], output: [1, 8, 12, 5], options: transposeConv({ padding: 'VALID', stride: [2, 2] }) },
    { name: '4x4 SAME stride 2, odd output', input: [1, 4, 4, 3], filter: [2, 4, 4, 3], output: [1, 7, 7, 2], options: transposeConv({ padding: 'SAME', stride: [2, 2] }) },
    { name: '3x3 SAME stride 1', input: [1, 6, 6, 3], filter: [4, 3, 3, 3], output: [1, 6, 6, 4], options: transposeConv({ padding: 'SAME' }) },
  ];
  for (const c of cases) {
    await t.test(`${c.name}, with bias`, (t) => expectOpParity(t, {
      op: 'TRANSPOSE_CONV',
      inputs: [i32(c.output), f32(c.filter, weights(c.filter)), f32(c.input), f32([c.filter[0]], weights([c.filter[0]], 9))],
      outputs: [f32(c.output)],
      options: c.options,
    }));
    await t.test(`${c.name}, without bias`, (t) => expectOpParity(t, {
      op: 'TRANSPOSE_CONV',
      inputs: [i32(c.output), f32(c.filter, weights(c.filter)), f32(c.input)],
      outputs: [f32(c.output)],
      options: c.options,
    }));
  }
});

function mediapipeParams(padding: 'SAME' | 'VALID', strideW: number, strideH: number): Uint8Array {
  return new Uint8Array(Int32Array.from([padding === 'SAME' ? 1 : 2, strideW, strideH]).buffer);
}

t.test('Convolution2DTransposeBias (MediaPipe custom op)', async (t) => {
  const cases = [
    { name: '2x2 SAME stride 2', input: [1, 8, 8, 16], filter: [1, 2, 2, 16], output: [1, 16, 16, 1], padding: 'SAME' as const, stride: 2 },
    { name: '3x3 SAME stride 2', input: [1, 5, 5, 4], filter: [3, 3, 3, 4], output: [1, 10, 10, 3], padding: 'SAME' as const, stride: 2 },
    { name: '2x2 VALID stride 2', input: [1, 3, 3, 2], filter: [2, 2, 2, 2], output: [1, 6, 6, 2], padding: 'VALID' as const, stride: 2 },
  ];
  for (const c of cases) {
    await t.test(c.name, (t) => expectOpParity(t, {
      op: 'Convolution2DTransposeBias',
      custom: true,
      inputs: [f32(c.input), f32(c.filter, weights(c.filter)), f32([c.filter[0]], weights([c.filter[0]], 4))],
      outputs: [f32(c.output)],
      customOptions: mediapipeParams(c.padding, c.stride, c.stride),
    }));
  }
});
