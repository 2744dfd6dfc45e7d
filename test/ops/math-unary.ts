// Unary math on the reference kernels (ABS, NEG, SIGN of integers, GELU's
// tanh approximation, and the float32 forms a graph on the reference
// kernels needs), against LiteRT.js; GELU's tanh approximation on XNNPACK too.
import t from 'tap';
import { gelu } from '../helpers/math-options';
import { count, expectRefused, expectRunsOn, floatValues, intValues, onReferenceKernels, SIDE_INPUT } from '../helpers/math-models';
import { castWrappedModel, expectTypedParity, opModel, preferringReferenceKernels } from '../helpers/op-model';

const EDGES = [0, 1, -1, 7, -7, 2147483647, -2147483647, -2147483648, 65536, -65536];

t.test('ABS, NEG and SIGN of int32 (NEG of int64 too)', async (t) => {
  for (const op of ['ABS', 'NEG', 'SIGN']) {
    for (const shape of [[10], [3, 4, 5], []]) {
      await t.test(`${op} int32 [${shape}]`, async (t) => {
        const bytes = opModel({ op, inputs: [{ shape, dtype: 'int32' }], outputs: [{ shape, dtype: 'int32' }] });
        await expectRunsOn(t, bytes, op, 'reference');
        const n = count(shape);
        await expectTypedParity(t, bytes, [n === 10 ? Int32Array.from(EDGES) : intValues(n, -1000, 1000, 2)]);
      });
    }
  }
  await t.test('NEG int64', (t) => expectTypedParity(t,
    castWrappedModel({ op: 'NEG', inputs: [{ shape: [2, 5], dtype: 'int64' }], outputs: [{ shape: [2, 5], dtype: 'int64' }] }), [Int32Array.from(EDGES)]));
});

t.test('GELU, tanh approximation (XNNPACK lacks it: built from its multiply, add and tanh)', async (t) => {
  for (const shape of [[4, 64], [1000]]) {
    await t.test(`[${shape}]`, async (t) => {
      const bytes = opModel({ op: 'GELU', inputs: [{ shape }], outputs: [{ shape }], options: gelu(true) });
      await expectRunsOn(t, bytes, 'GELU', 'xnnpack');
      await expectTypedParity(t, bytes, [floatValues(count(shape), -8, 8, 3)], 1e-5);
    });
  }
});

t.test('float32 forms on the reference kernels (XNNLITE_KERNELS=reference)', async (t) => {
  const cases: [string, boolean?][] = [['ABS'], ['NEG'], ['SIGN'], ['SQUARE'], ['GELU', false], ['GELU', true]];
  for (const [op, approximate] of cases) {
    await t.test(`${op}${approximate === undefined ? '' : ` approximate=${approximate}`}`, async (t) => {
      const options = approximate === undefined ? undefined : gelu(approximate);
      const bytes = onReferenceKernels({ op, inputs: [{ shape: [6, 50] }], outputs: [{ shape: [6, 50] }], options });
      const x = floatValues(300, -6, 6, 4);
      x.set([0, -0, 1e-30, -1e-30, 3, -3]);
      await preferringReferenceKernels(async () => {
        await expectRunsOn(t, bytes, op, 'reference');
        await expectTypedParity(t, bytes, [x, SIDE_INPUT], 1e-5);
      });
    });
  }
});

t.test('refusals', async (t) => {
  await expectRefused(t, opModel({ op: 'SQUARE', inputs: [{ shape: [4], dtype: 'int32' }], outputs: [{ shape: [4], dtype: 'int32' }] }),
    'SQUARE', /^type \(got int32, expected float32 for SQUARE\)/);
  await expectRefused(t, castWrappedModel({ op: 'ABS', inputs: [{ shape: [4], dtype: 'int64' }], outputs: [{ shape: [4], dtype: 'int64' }] }),
    'ABS', /^type \(got int64, expected float32, int32 for ABS\)/);
  await expectRefused(t, opModel({ op: 'NEG', inputs: [{ shape: [4], dtype: 'int32' }], outputs: [{ shape: [4], dtype: 'int64' }] }),
    'NEG', /^output type \(got int64, expected int32\)/);
  await expectRefused(t, opModel({ op: 'SIGN', inputs: [{ shape: [4], dtype: 'int32' }], outputs: [{ shape: [2, 2], dtype: 'int32' }] }),
    'SIGN', /^output shape \(got \[2,2\], expected the input shape \[4\]\)/);
  await expectRefused(t, castWrappedModel({ op: 'LOGICAL_NOT', inputs: [{ shape: [4], dtype: 'int32' }], outputs: [{ shape: [4], dtype: 'int32' }] }),
    'LOGICAL_NOT', /^type \(got int32, expected bool for LOGICAL_NOT\)/);
});
