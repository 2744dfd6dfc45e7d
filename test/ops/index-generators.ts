// SHAPE, FILL, ZEROS_LIKE, RANGE and WHERE on the reference kernels,
// against LiteRT.js: every dtype each takes, and refusals (among them
// operators whose output shape would depend on run-time values).
import t, { type Test } from 'tap';
import { loadModel } from '../../lib/index';
import { ALL_DTYPES, castAfterModel, valuesOf } from '../helpers/index-data';
import * as o from '../helpers/index-options';
import { castWrappedModel, expectTypedParity, i32, opModel, type OpCase, type TensorArg } from '../helpers/op-model';

const refuse = (t: Test, c: OpCase, message: RegExp) => t.rejects(loadModel(opModel(c)), { code: 'ERR_XNNLITE_UNSUPPORTED_OP', message });
const int64s = (values: bigint[], shape = [values.length]): TensorArg => ({ shape, dtype: 'int64', data: new Uint8Array(BigInt64Array.from(values).buffer) });
const f32s = (values: number[], shape = [values.length]): TensorArg => ({ shape, data: Float32Array.from(values) });

t.test('SHAPE of inputs of several dtypes, int32 and int64 out_type', async (t) => {
  for (const dtype of ['float32', 'int16', 'bool'] as const) {
    for (const out of ['int32', 'int64'] as const) {
      await t.test(`${dtype} -> ${out}`, (t) => expectTypedParity(t, castAfterModel({
        op: 'SHAPE', inputs: [{ shape: [2, 3, 5], dtype }], outputs: [{ shape: [3], dtype: out }], options: o.shape(out === 'int32' ? 'INT32' : 'INT64'),
      }), [valuesOf(dtype, 30)]));
    }
  }
});

t.test('SHAPE refusals', async (t) => {
  const base = (over: Partial<OpCase>): OpCase => ({ op: 'SHAPE', inputs: [{ shape: [2, 3] }], outputs: [{ shape: [2], dtype: 'int32' }], options: o.shape('INT32'), ...over });
  await refuse(t, base({ options: undefined }), /SHAPE #0.*ShapeOptions are missing/);
  await refuse(t, base({ options: o.shape('FLOAT32') }), /out_type \(got float32, expected int32 or int64\)/);
  await refuse(t, base({ outputs: [{ shape: [2], dtype: 'int64' }] }), /output type \(got int64, expected int32 as out_type says\)/);
  await refuse(t, base({ outputs: [{ shape: [3], dtype: 'int32' }] }), /output shape \(got \[3\], expected \[2\]\)/);
});

t.test('FILL of every dtype with a run-time value, int32 and int64 dims', async (t) => {
  for (const dtype of ALL_DTYPES) {
    await t.test(dtype, async (t) => {
      await expectTypedParity(t, castWrappedModel({ op: 'FILL', inputs: [i32([2, 3]), { shape: [], dtype }], outputs: [{ shape: [2, 3], dtype }] }), [valuesOf(dtype, 1, 2)]);
      await expectTypedParity(t, castWrappedModel({ op: 'FILL', inputs: [int64s([4n, 1n, 2n]), { shape: [], dtype }], outputs: [{ shape: [4, 1, 2], dtype }] }), [valuesOf(dtype, 1, 5)]);
    });
  }
});

t.test('FILL refusals', async (t) => {
  const base = (over: Partial<OpCase>): OpCase => ({ op: 'FILL', inputs: [i32([2, 3]), { shape: [] }], outputs: [{ shape: [2, 3] }], ...over });
  await refuse(t, base({ inputs: [{ shape: [2], dtype: 'int32' }, { shape: [] }] }), /FILL #0.*output shape depends on run-time values \(input 0, the dims, is computed at run time\)/);
  await refuse(t, base({ inputs: [i32([2, 3]), { shape: [1] }] }), /value shape \(got \[1\], expected a scalar\)/);
  await refuse(t, base({ outputs: [{ shape: [3, 2] }] }), /output \(from input 0\) shape \(got \[3,2\], expected \[2,3\]\)/);
  await refuse(t, base({ outputs: [{ shape: [2, 3], dtype: 'int32' }] }), /output type \(got int32, expected float32 like the value\)/);
  await refuse(t, base({ inputs: [{ shape: [2], dtype: 'uint8', data: Uint8Array.from([2, 3]) }, { shape: [] }] }), /dims type \(got uint8, expected int32 or int64\)/);
  await refuse(t, base({
    inputs: [i32([2, 3]), { shape: [], dtype: 'int16', quantization: { scale: [0.5], zeroPoint: [2], quantizedDimension: 0 } }],
    outputs: [{ shape: [2, 3], dtype: 'int16', quantization: { scale: [0.5], zeroPoint: [2], quantizedDimension: 0 } }],
  }), /value zero point \(got 2, expected 0 for int16\)/);
});

t.test('ZEROS_LIKE of float32, int32 and int64', async (t) => {
  for (const dtype of ['float32', 'int32', 'int64'] as const) {
    await t.test(dtype, (t) => expectTypedParity(t, castWrappedModel({ op: 'ZEROS_LIKE', inputs: [{ shape: [3, 4], dtype }], outputs: [{ shape: [3, 4], dtype }] }), [valuesOf(dtype, 12)]));
  }
  await refuse(t, { op: 'ZEROS_LIKE', inputs: [{ shape: [3], dtype: 'int8' }], outputs: [{ shape: [3], dtype: 'int8' }] }, /ZEROS_LIKE #0.*input 0 type \(got int8, expected float32, int32 or int64\)/);
});

t.test('RANGE of int32, int64 and float32 constants, up and down', async (t) => {
  const range = (start: TensorArg, limit: TensorArg, delta: TensorArg, length: number) =>
    expectTypedParity(t, castAfterModel({ op: 'RANGE', inputs: [start, limit, delta], outputs: [{ shape: [length], dtype: start.dtype }] }), []);
  await range(i32([0], []), i32([10], []), i32([3], []), 4);
  await range(i32([10], []), i32([-7], []), i32([-4], []), 5);
  await range(int64s([-3n], []), int64s([4n], []), int64s([1n], []), 7);
  // Accumulated in float32 as TFLite does: 0.1, 0.2, 0.3 + rounding...
  await range(f32s([0.1], []), f32s([2.05], []), f32s([0.1], []), 20);
  await range(f32s([1.5], []), f32s([0], []), f32s([-0.3], []), 5);
  await range(f32s([0], []), f32s([1], []), f32s([0.3], []), 4);
});

t.test('RANGE refusals', async (t) => {
  const base = (over: Partial<OpCase>): OpCase => ({ op: 'RANGE', inputs: [i32([0], []), i32([4], []), i32([1], [])], outputs: [{ shape: [4], dtype: 'int32' }], ...over });
  await refuse(t, base({ inputs: [{ shape: [], dtype: 'int32' }, i32([4], []), i32([1], [])] }), /RANGE #0.*output shape depends on run-time values \(start, limit or delta is computed at run time\)/);
  await refuse(t, base({ inputs: [i32([0], []), i32([4], []), i32([0], [])] }), /delta must be nonzero and lead from start toward limit/);
  await refuse(t, base({ inputs: [i32([0], []), i32([4], []), i32([-1], [])] }), /start, limit and delta \(got 0, 4 and -1/);
  await refuse(t, base({ outputs: [{ shape: [5], dtype: 'int32' }] }), /output shape \(got \[5\], expected \[4\]\)/);
  await refuse(t, base({ inputs: [i32([0], []), f32s([4], []), i32([1], [])] }), /limit type \(got float32, expected int32 like start\)/);
  await refuse(t, base({ inputs: [i32([0]), i32([4], []), i32([1], [])] }), /shapes \(got \[1\], \[\] and \[\], expected scalars\)/);
});

t.test('WHERE of constant conditions of every dtype it takes', async (t) => {
  const where = (condition: TensorArg, count: number) =>
    expectTypedParity(t, castWrappedModel({ op: 'WHERE', inputs: [condition], outputs: [{ shape: [count, condition.shape.length], dtype: 'int64' }] }), []);
  await where({ shape: [3, 4], dtype: 'bool', data: Uint8Array.from([1, 0, 0, 1, 0, 1, 1, 0, 0, 0, 0, 1]) }, 5);
  // -0 counts as zero, NaN as true.
  await where(f32s([0, -0, 2.5, NaN, -1, 0]), 3);
  await where({ shape: [2, 2, 2], dtype: 'int8', data: new Uint8Array(Int8Array.from([0, -1, 0, 0, 5, 0, 0, 127]).buffer) }, 3);
  await where({ shape: [4], dtype: 'uint8', data: Uint8Array.from([9, 0, 255, 1]) }, 3);
  await where(i32([0, 7, -7, 0, 0, 1], [2, 3]), 3);
  await where(int64s([0n, 2n ** 40n, 0n]), 1);
});

t.test('WHERE refusals', async (t) => {
  await refuse(t, { op: 'WHERE', inputs: [{ shape: [3], dtype: 'bool' }], outputs: [{ shape: [3, 1], dtype: 'int64' }] },
    /WHERE #0.*output shape depends on run-time values \(the number of true elements of input 0\): dynamic shapes are not supported yet/);
  await refuse(t, { op: 'WHERE', inputs: [{ shape: [3], dtype: 'bool', data: Uint8Array.from([1, 0, 1]) }], outputs: [{ shape: [3, 1], dtype: 'int64' }] },
    /output shape \(got \[3,1\], expected \[2,1\]\)/);
  await refuse(t, { op: 'WHERE', inputs: [{ shape: [3], dtype: 'int16', data: Uint8Array.from([1, 0, 0, 0, 0, 0]) }], outputs: [{ shape: [1, 1], dtype: 'int64' }] }, /condition type \(got int16/);
});
