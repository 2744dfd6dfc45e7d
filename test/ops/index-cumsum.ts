// CUMSUM on the reference kernels, against LiteRT.js: float32, int32 and
// int64, every axis (negative too), exclusive and reverse, wrapping int32
// sums, refusals.
import t, { type Test } from 'tap';
import { loadModel } from '../../lib/index';
import { BuiltinOptions } from '../../lib/model/schema';
import { valuesOf } from '../helpers/index-data';
import * as o from '../helpers/index-options';
import { castWrappedModel, expectTypedParity, i32, opModel, type OpCase } from '../helpers/op-model';

const refuse = (t: Test, c: OpCase, message: RegExp) => t.rejects(loadModel(opModel(c)), { code: 'ERR_XNNLITE_UNSUPPORTED_OP', message });

t.test('float32, int32 and int64 along every axis, exclusive and reverse', async (t) => {
  const shape = [3, 4, 5];
  for (const dtype of ['float32', 'int32', 'int64'] as const) {
    for (const axis of [0, 1, 2, -1, -3]) {
      for (const [exclusive, reverse] of [[false, false], [true, false], [false, true], [true, true]]) {
        // Sums of float32 values are rounded at each step in both runtimes, in the same order: they agree exactly.
        await t.test(`${dtype} axis ${axis}${exclusive ? ' exclusive' : ''}${reverse ? ' reverse' : ''}`, (t) => expectTypedParity(t, castWrappedModel({
          op: 'CUMSUM', inputs: [{ shape, dtype }, i32([axis])], outputs: [{ shape, dtype }], options: o.cumsum({ exclusive, reverse }),
        }), [valuesOf(dtype, 60, axis + 4)], 0));
      }
    }
  }
});

t.test('a rank-1 input without options, and int32 sums that wrap', async (t) => {
  await expectTypedParity(t, castWrappedModel({ op: 'CUMSUM', inputs: [{ shape: [9] }, i32([0], [])], outputs: [{ shape: [9] }] }), [valuesOf('float32', 9)], 0);
  await expectTypedParity(t, castWrappedModel({
    op: 'CUMSUM', inputs: [{ shape: [6], dtype: 'int32' }, i32([0])], outputs: [{ shape: [6], dtype: 'int32' }], options: o.cumsum({ reverse: true }),
  }), [Int32Array.from([2147483647, 1, 2147483647, -5, -2147483648, 3])]);
});

t.test('CUMSUM refusals', async (t) => {
  const base = (over: Partial<OpCase>): OpCase => ({ op: 'CUMSUM', inputs: [{ shape: [3, 4] }, i32([1])], outputs: [{ shape: [3, 4] }], options: o.cumsum(), ...over });
  await refuse(t, base({ inputs: [{ shape: [3, 4], dtype: 'int16' }, i32([1])], outputs: [{ shape: [3, 4], dtype: 'int16' }] }), /CUMSUM #0.*input 0 type \(got int16, expected float32, int32 or int64\)/);
  await refuse(t, base({ inputs: [{ shape: [3, 4] }, { shape: [1], dtype: 'int32' }] }), /axis \(got a tensor computed at run time, expected a constant\)/);
  await refuse(t, base({ inputs: [{ shape: [3, 4] }, i32([-3])] }), /axis \(got -3, expected -2 to 1\)/);
  await refuse(t, base({ inputs: [{ shape: [3, 4] }, { shape: [1], dtype: 'int64', data: new Uint8Array(8) }] }), /axis type \(got int64, expected int32\)/);
  await refuse(t, base({ options: o.empty(BuiltinOptions.ReducerOptions) }), /options type \(got 27, expected 102 for CumsumOptions\)/);
});
