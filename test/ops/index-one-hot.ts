// ONE_HOT on the reference kernels, against LiteRT.js: every dtype it
// takes, axis -1, 0 and in between, indices outside [0, depth) (all off),
// int64 indices, refusals.
import t, { type Test } from 'tap';
import { loadModel } from '../../lib/index';
import { BuiltinOptions } from '../../lib/model/schema';
import * as o from '../helpers/index-options';
import { castWrappedModel, expectTypedParity, i32, opModel, type OpCase } from '../helpers/op-model';

const refuse = (t: Test, c: OpCase, message: RegExp) => t.rejects(loadModel(opModel(c)), { code: 'ERR_XNNLITE_UNSUPPORTED_OP', message });

// Out-of-range (5, -1, 4) indices give a column of off values.
const indices = Int32Array.from([0, 3, 5, -1, 2, 2, 1, 4]);
const ON = { float32: 1.5, int8: -7, uint8: 200, int32: 123456, int64: -5, bool: 1 };
const OFF = { float32: -0.25, int8: 9, uint8: 3, int32: -42, int64: 77, bool: 0 };

t.test('ONE_HOT of every dtype it takes, on and off values computed at run time', async (t) => {
  for (const dtype of ['float32', 'int8', 'uint8', 'int32', 'int64', 'bool'] as const) {
    const scalar = (v: number) => (dtype === 'float32' ? Float32Array.of(v) : dtype === 'uint8' ? Uint8Array.of(v) : Int32Array.of(v));
    await t.test(dtype, (t) => expectTypedParity(t, castWrappedModel({
      op: 'ONE_HOT',
      inputs: [{ shape: [2, 4], dtype: 'int32' }, i32([4], []), { shape: [], dtype }, { shape: [], dtype }],
      outputs: [{ shape: [2, 4, 4], dtype }],
      options: o.oneHot(-1),
    }), [indices, scalar(ON[dtype]), scalar(OFF[dtype])]));
  }
});

t.test('ONE_HOT along axis 0, axis 1 and with no options (axis 0)', async (t) => {
  const on = Float32Array.of(2);
  const off = Float32Array.of(-1);
  await expectTypedParity(t, castWrappedModel({
    op: 'ONE_HOT', inputs: [{ shape: [2, 4], dtype: 'int32' }, i32([3], []), { shape: [] }, { shape: [] }], outputs: [{ shape: [3, 2, 4] }], options: o.oneHot(0),
  }), [indices, on, off]);
  await expectTypedParity(t, castWrappedModel({
    op: 'ONE_HOT', inputs: [{ shape: [2, 4], dtype: 'int64' }, i32([6], []), { shape: [] }, { shape: [] }], outputs: [{ shape: [2, 6, 4] }], options: o.oneHot(1),
  }), [indices, on, off]);
  await expectTypedParity(t, castWrappedModel({
    op: 'ONE_HOT', inputs: [{ shape: [8], dtype: 'int32' }, i32([5], []), { shape: [1], dtype: 'int32' }, { shape: [1], dtype: 'int32' }], outputs: [{ shape: [5, 8], dtype: 'int32' }],
  }), [indices, Int32Array.of(1), Int32Array.of(0)]);
});

t.test('ONE_HOT of constant int64 indices beyond int32 (TFLite compares them as int32)', (t) => {
  const wide = BigInt64Array.from([0n, 2n ** 32n + 1n, 3n, -(2n ** 32n) + 2n, 2n]);
  return expectTypedParity(t, castWrappedModel({
    op: 'ONE_HOT',
    inputs: [{ shape: [5], dtype: 'int64', data: new Uint8Array(wide.buffer) }, i32([4], []), { shape: [] }, { shape: [] }],
    outputs: [{ shape: [5, 4] }],
    options: o.oneHot(-1),
  }), [Float32Array.of(1), Float32Array.of(0)]);
});

t.test('ONE_HOT refusals', async (t) => {
  const base = (over: Partial<OpCase>): OpCase => ({
    op: 'ONE_HOT', inputs: [{ shape: [3], dtype: 'int32' }, i32([4], []), { shape: [] }, { shape: [] }], outputs: [{ shape: [3, 4] }], options: o.oneHot(-1), ...over,
  });
  await refuse(t, base({ inputs: [{ shape: [3], dtype: 'int32' }, i32([4], []), { shape: [], dtype: 'int16' }, { shape: [], dtype: 'int16' }], outputs: [{ shape: [3, 4], dtype: 'int16' }] }),
    /ONE_HOT #0.*on value type \(got int16/);
  await refuse(t, base({ inputs: [{ shape: [3], dtype: 'int32' }, { shape: [], dtype: 'int32' }, { shape: [] }, { shape: [] }] }),
    /output shape depends on run-time values \(input 1, the depth, is computed at run time\)/);
  await refuse(t, base({ options: o.oneHot(-2) }), /axis \(got -2, expected -1 to 1\)/);
  await refuse(t, base({ inputs: [{ shape: [3], dtype: 'int32' }, i32([4], []), { shape: [] }, { shape: [], dtype: 'int32' }] }), /off value type \(got int32, expected float32 like the on value\)/);
  await refuse(t, base({ outputs: [{ shape: [4, 3] }] }), /output shape \(got \[4,3\], expected \[3,4\]\)/);
  await refuse(t, base({ inputs: [{ shape: [3], dtype: 'uint8' }, i32([4], []), { shape: [] }, { shape: [] }] }), /indices type \(got uint8, expected int32 or int64\)/);
  await refuse(t, base({ options: o.empty(BuiltinOptions.GatherOptions) }), /options type \(got 23, expected 61 for OneHotOptions\)/);
});
