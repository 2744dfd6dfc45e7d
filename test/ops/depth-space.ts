import t from 'tap';
import { blockSize } from '../helpers/options';
import { expectOpParity, f32 } from '../helpers/op-model';

t.test('DEPTH_TO_SPACE and SPACE_TO_DEPTH', async (t) => {
  await t.test('DEPTH_TO_SPACE block 2', (t) => expectOpParity(t, { op: 'DEPTH_TO_SPACE', inputs: [f32([1, 3, 4, 8])], outputs: [f32([1, 6, 8, 2])], options: blockSize('DEPTH_TO_SPACE', 2) }));
  await t.test('SPACE_TO_DEPTH block 2', (t) => expectOpParity(t, { op: 'SPACE_TO_DEPTH', inputs: [f32([1, 6, 4, 3])], outputs: [f32([1, 3, 2, 12])], options: blockSize('SPACE_TO_DEPTH', 2) }));
});
