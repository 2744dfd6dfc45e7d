// SELECT and SELECT_V2 on the reference kernels, against LiteRT.js: every
// dtype, SELECT's equal shapes, scalar and rank-1 conditions, SELECT_V2's
// broadcasting of all three operands, one-element operands, refusals.
import t, { type Test } from 'tap';
import { loadModel } from '../../lib/index';
import { ALL_DTYPES, valuesOf } from '../helpers/index-data';
import { castWrappedModel, expectTypedParity, opModel, type OpCase } from '../helpers/op-model';

const refuse = (t: Test, c: OpCase, message: RegExp) => t.rejects(loadModel(opModel(c)), { code: 'ERR_XNNLITE_UNSUPPORTED_OP', message });
const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

/** A SELECT(_V2) model and inputs: condition (bool, fed as int32), x and y of `dtype`. */
function selectCase(t: Test, op: 'SELECT' | 'SELECT_V2', c: number[], x: number[], y: number[], out: number[], dtype: (typeof ALL_DTYPES)[number] = 'float32') {
  return expectTypedParity(t, castWrappedModel({
    op, inputs: [{ shape: c, dtype: 'bool' }, { shape: x, dtype }, { shape: y, dtype }], outputs: [{ shape: out, dtype }],
  }), [valuesOf('bool', size(c), 3), valuesOf(dtype, size(x), 1), valuesOf(dtype, size(y), 2)]);
}

t.test('SELECT and SELECT_V2 of every dtype, equal shapes', async (t) => {
  for (const op of ['SELECT', 'SELECT_V2'] as const) {
    for (const dtype of ALL_DTYPES) await t.test(`${op} ${dtype}`, (t) => selectCase(t, op, [2, 3, 4], [2, 3, 4], [2, 3, 4], [2, 3, 4], dtype));
  }
});

t.test('SELECT with a scalar condition and with a rank-1 condition along the first dimension', async (t) => {
  for (const c of [[], [3]]) {
    await t.test(`condition [${c}]`, async (t) => {
      await selectCase(t, 'SELECT', c, [3, 4, 2], [3, 4, 2], [3, 4, 2]);
      await selectCase(t, 'SELECT', c, [3, 5], [3, 5], [3, 5], 'int16');
    });
  }
});

t.test('SELECT_V2 broadcasts all three operands', async (t) => {
  await selectCase(t, 'SELECT_V2', [3, 1], [1, 4], [], [3, 4]);
  await selectCase(t, 'SELECT_V2', [2, 1, 4], [3, 1], [2, 3, 4], [2, 3, 4], 'int64');
  await selectCase(t, 'SELECT_V2', [], [2, 3], [3], [2, 3], 'uint8');
  await selectCase(t, 'SELECT_V2', [5], [2, 1, 3, 1], [1, 1, 1, 5], [2, 1, 3, 5], 'bool');
  for (const dtype of ALL_DTYPES) await t.test(`${dtype}`, (t) => selectCase(t, 'SELECT_V2', [1, 3, 1], [2, 1, 4], [2, 3, 1], [2, 3, 4], dtype));
});

t.test('operands of one element keep the output shape', async (t) => {
  await selectCase(t, 'SELECT_V2', [1, 1], [1], [], [1]);
  await selectCase(t, 'SELECT', [1], [1, 1], [1, 1], [1, 1], 'int32');
});

t.test('SELECT and SELECT_V2 refusals', async (t) => {
  const base = (over: Partial<OpCase>): OpCase => ({ op: 'SELECT', inputs: [{ shape: [3, 2], dtype: 'bool' }, { shape: [3, 2] }, { shape: [3, 2] }], outputs: [{ shape: [3, 2] }], ...over });
  await refuse(t, base({ inputs: [{ shape: [3, 2], dtype: 'int32' }, { shape: [3, 2] }, { shape: [3, 2] }] }), /SELECT #0.*condition type \(got int32, expected bool\)/);
  await refuse(t, base({ inputs: [{ shape: [3, 2], dtype: 'bool' }, { shape: [3, 2] }, { shape: [3, 2], dtype: 'int32' }], outputs: [{ shape: [3, 2] }] }),
    /input 2 type \(got int32, expected float32 like input 1\)/);
  await refuse(t, base({ inputs: [{ shape: [2], dtype: 'bool' }, { shape: [3, 2] }, { shape: [3, 2] }] }), /condition shape \(got \[2\], expected \[3,2\], a scalar or \[3\]\)/);
  await refuse(t, base({ inputs: [{ shape: [3, 2], dtype: 'bool' }, { shape: [3, 2] }, { shape: [1, 2] }] }), /input 2 shape \(got \[1,2\], expected \[3,2\] like input 1\)/);
  await refuse(t, base({ op: 'SELECT_V2', inputs: [{ shape: [3, 2], dtype: 'bool' }, { shape: [3, 2] }, { shape: [4, 1] }] }), /SELECT_V2 #0.*shapes \(got \[3,2\], \[3,2\], \[4,1\], expected shapes that broadcast\)/);
  await refuse(t, base({ op: 'SELECT_V2', inputs: [{ shape: [3, 1], dtype: 'bool' }, { shape: [1, 2] }, { shape: [] }], outputs: [{ shape: [3, 1] }] }),
    /output shape \(got \[3,1\], expected \[3,2\]\)/);
  const q = (scale: number) => ({ scale: [scale], zeroPoint: [0], quantizedDimension: 0 });
  await refuse(t, base({
    inputs: [{ shape: [3, 2], dtype: 'bool' }, { shape: [3, 2], dtype: 'int8', quantization: q(0.5) }, { shape: [3, 2], dtype: 'int8', quantization: q(0.25) }],
    outputs: [{ shape: [3, 2], dtype: 'int8', quantization: q(0.5) }],
  }), /input 2 quantization \(got scale 0.25 zero point 0, expected scale 0.5 zero point 0 like input 1/);
});
