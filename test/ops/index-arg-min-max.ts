// ARG_MAX and ARG_MIN on the reference kernels, against LiteRT.js: every
// dtype they take, int32 and int64 outputs, every axis (negative too), ties
// (first index wins), refusals.
import t, { type Test } from 'tap';
import { loadModel } from '../../lib/index';
import { tiedValuesOf, valuesOf } from '../helpers/index-data';
import * as o from '../helpers/index-options';
import { castWrappedModel, expectTypedParity, i32, opModel, type OpCase } from '../helpers/op-model';

const refuse = (t: Test, c: OpCase, message: RegExp) => t.rejects(loadModel(opModel(c)), { code: 'ERR_XNNLITE_UNSUPPORTED_OP', message });
const TYPES = ['float32', 'int8', 'uint8', 'int32', 'bool'] as const;
const OPS = ['ARG_MAX', 'ARG_MIN'] as const;

t.test('every dtype, int32 and int64 outputs, along every axis, with ties', async (t) => {
  const shape = [3, 5, 4];
  for (const op of OPS) {
    for (const dtype of TYPES) {
      for (const [axis, out] of [[0, [5, 4]], [1, [3, 4]], [-1, [3, 5]]] as const) {
        for (const outputType of ['int32', 'int64'] as const) {
          await t.test(`${op} ${dtype} axis ${axis} -> ${outputType}`, (t) => expectTypedParity(t, castWrappedModel({
            op,
            inputs: [{ shape, dtype }, i32([axis])],
            outputs: [{ shape: [...out], dtype: outputType }],
            options: o.argMinMax(op, outputType === 'int32' ? 'INT32' : 'INT64'),
          }), [tiedValuesOf(dtype, 60, axis + 3)]));
        }
      }
    }
  }
});

t.test('distinct values, a rank-1 input, an int64 axis and a long last axis', async (t) => {
  for (const op of OPS) {
    await expectTypedParity(t, castWrappedModel({
      op, inputs: [{ shape: [2, 3, 4, 5] }, i32([-3])], outputs: [{ shape: [2, 4, 5], dtype: 'int32' }], options: o.argMinMax(op),
    }), [valuesOf('float32', 120)]);
    await expectTypedParity(t, castWrappedModel({
      op, inputs: [{ shape: [7], dtype: 'int32' }, { shape: [1], dtype: 'int64', data: new Uint8Array(BigInt64Array.of(0n).buffer) }], outputs: [{ shape: [], dtype: 'int64' }],
      options: o.argMinMax(op, 'INT64'),
    }), [Int32Array.from([3, -9, 12, 12, -9, 0, 5])]);
    // The last axis is contiguous: TFLite runs its vector code there; ties still go to the first.
    await expectTypedParity(t, castWrappedModel({
      op, inputs: [{ shape: [4, 67], dtype: 'uint8' }, i32([1])], outputs: [{ shape: [4], dtype: 'int32' }], options: o.argMinMax(op),
    }), [Uint8Array.from({ length: 268 }, (_, k) => (k * 31) % 7 === 3 ? 250 : (k * 31) % 7 === 5 ? 1 : 100)]);
    await expectTypedParity(t, castWrappedModel({
      op, inputs: [{ shape: [4, 67] }, i32([1])], outputs: [{ shape: [4], dtype: 'int32' }], options: o.argMinMax(op),
    }), [tiedValuesOf('float32', 268, 2)]);
  }
});

// TFLite's current rule, which LiteRT.js 2.5.3 predates (there a NaN met first stays).
t.test('a NaN never wins; a row of NaNs gives 0', async (t) => {
  const x = Float32Array.from([NaN, 1, 3, NaN, 3, 2, NaN, NaN, NaN, 5, NaN, -1, 0, 0, 0, 7, NaN, NaN, NaN, NaN]);
  for (const [op, expected] of [['ARG_MAX', [2, 0, 1, 3, 0]], ['ARG_MIN', [1, 1, 3, 0, 0]]] as const) {
    const model = await loadModel(opModel({ op, inputs: [{ shape: [5, 4] }, i32([1])], outputs: [{ shape: [5], dtype: 'int32' }], options: o.argMinMax(op) }));
    const session = await model.createSession();
    const out = await session.run<Int32Array>({ [model.inputs[0].name]: x });
    t.same(Array.from(out[model.outputs[0].name]), expected, op);
    model.dispose();
  }
});

t.test('ARG_MAX and ARG_MIN refusals', async (t) => {
  const base = (over: Partial<OpCase>): OpCase => ({
    op: 'ARG_MAX', inputs: [{ shape: [3, 4] }, i32([1])], outputs: [{ shape: [3], dtype: 'int32' }], options: o.argMinMax('ARG_MAX'), ...over,
  });
  await refuse(t, base({ options: undefined }), /ARG_MAX #0.*ArgMaxOptions are missing \(they give the output type\)/);
  await refuse(t, base({ op: 'ARG_MIN' }), /ARG_MIN #0.*ArgMinOptions are missing/);
  await refuse(t, base({ options: o.argMinMax('ARG_MAX', 'FLOAT32') }), /output_type \(got float32, expected int32 or int64\)/);
  await refuse(t, base({ outputs: [{ shape: [3], dtype: 'int64' }] }), /output type \(got int64, expected int32 as output_type says\)/);
  await refuse(t, base({ inputs: [{ shape: [3, 4], dtype: 'int16' }, i32([1])] }), /input 0 type \(got int16, expected float32, int8, uint8, int32 or bool\)/);
  await refuse(t, base({ inputs: [{ shape: [3, 4] }, { shape: [1], dtype: 'int32' }] }), /axis \(got a tensor computed at run time, expected a constant/);
  await refuse(t, base({ inputs: [{ shape: [3, 4] }, i32([2])] }), /axis \(got 2, expected -2 to 1\)/);
  await refuse(t, base({ outputs: [{ shape: [4], dtype: 'int32' }] }), /output shape \(got \[4\], expected \[3\]\)/);
});
