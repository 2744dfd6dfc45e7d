// GATHER and EMBEDDING_LOOKUP on the reference kernels, against LiteRT.js:
// every dtype, int16/int32/int64 indices, negative axes, batch_dims, large
// tables on several threads, run-time index errors and refusals.
import t from 'tap';
import { inspectModel, loadModel } from '../../lib/index';
import { BuiltinOptions } from '../../lib/model/schema';
import { deterministicInput } from '../helpers/compare';
import { ALL_DTYPES, expectInvalidThenValid, valuesOf } from '../helpers/index-data';
import * as o from '../helpers/index-options';
import { castWrappedModel, expectTypedParity, i32, opModel } from '../helpers/op-model';

t.test('GATHER runs on the reference kernels', async (t) => {
  const report = await inspectModel(opModel({ op: 'GATHER', inputs: [{ shape: [4, 3] }, { shape: [2], dtype: 'int32' }], outputs: [{ shape: [2, 3] }], options: o.gather(0) }));
  t.same([...new Set(report.placement.map((p) => p.runsOn))], ['reference']);
});

t.test('GATHER along axis 1 of every dtype', async (t) => {
  for (const dtype of ALL_DTYPES) {
    await t.test(dtype, (t) => expectTypedParity(t, castWrappedModel({
      op: 'GATHER',
      inputs: [{ shape: [4, 5, 3], dtype }, { shape: [2, 3], dtype: 'int32' }],
      outputs: [{ shape: [4, 2, 3, 3], dtype }],
      options: o.gather(1),
    }), [valuesOf(dtype, 60), Int32Array.from([4, 0, 2, 2, 1, 3])]));
  }
});

t.test('GATHER with int64 and int16 indices', async (t) => {
  for (const indexType of ['int64', 'int16'] as const) {
    await t.test(indexType, (t) => expectTypedParity(t, castWrappedModel({
      op: 'GATHER',
      inputs: [{ shape: [6, 4] }, { shape: [5], dtype: indexType }],
      outputs: [{ shape: [5, 4] }],
      options: o.gather(0),
    }), [valuesOf('float32', 24), Int32Array.from([5, 0, 5, 3, 1])]));
  }
});

t.test('GATHER with a negative axis, a scalar index and no options', async (t) => {
  await expectTypedParity(t, castWrappedModel({
    op: 'GATHER', inputs: [{ shape: [3, 4, 6], dtype: 'int16' }, { shape: [5], dtype: 'int32' }], outputs: [{ shape: [3, 4, 5], dtype: 'int16' }], options: o.gather(-1),
  }), [valuesOf('int16', 72), Int32Array.from([5, 4, 0, 0, 2])]);
  await expectTypedParity(t, castWrappedModel({
    op: 'GATHER', inputs: [{ shape: [4, 3], dtype: 'int64' }, { shape: [], dtype: 'int32' }], outputs: [{ shape: [3], dtype: 'int64' }], options: o.gather(-2),
  }), [valuesOf('int64', 12), Int32Array.from([2])]);
  await expectTypedParity(t, castWrappedModel({
    op: 'GATHER', inputs: [{ shape: [5, 2], dtype: 'uint8' }, { shape: [3], dtype: 'int32' }], outputs: [{ shape: [3, 2], dtype: 'uint8' }],
  }), [valuesOf('uint8', 10), Int32Array.from([4, 1, 4])]);
});

t.test('GATHER with batch_dims', async (t) => {
  // [2, 3, 4] by [2, 5] with one batch dimension, along axis 1 and along axis 2 (batch_dims given as -1).
  await expectTypedParity(t, castWrappedModel({
    op: 'GATHER', inputs: [{ shape: [2, 3, 4] }, { shape: [2, 5], dtype: 'int32' }], outputs: [{ shape: [2, 5, 4] }], options: o.gather(1, 1),
  }), [valuesOf('float32', 24), Int32Array.from([0, 2, 1, 1, 0, 2, 2, 0, 1, 2])]);
  await expectTypedParity(t, castWrappedModel({
    op: 'GATHER', inputs: [{ shape: [2, 3, 4], dtype: 'int8' }, { shape: [2, 5], dtype: 'int64' }], outputs: [{ shape: [2, 3, 5], dtype: 'int8' }], options: o.gather(2, -1),
  }), [valuesOf('int8', 24), Int32Array.from([3, 0, 1, 1, 2, 0, 3, 3, 2, 1])]);
  // Two batch dimensions, axis 3.
  await expectTypedParity(t, castWrappedModel({
    op: 'GATHER', inputs: [{ shape: [2, 2, 3, 4, 2], dtype: 'bool' }, { shape: [2, 2, 3], dtype: 'int32' }], outputs: [{ shape: [2, 2, 3, 3, 2], dtype: 'bool' }],
    options: o.gather(3, 2),
  }), [valuesOf('bool', 96), Int32Array.from([0, 3, 1, 2, 2, 0, 1, 1, 3, 0, 0, 2])]);
});

t.test('GATHER of constant indices', (t) => expectTypedParity(t, castWrappedModel({
  op: 'GATHER', inputs: [{ shape: [3, 7] }, i32([6, 0, 3, 3])], outputs: [{ shape: [3, 4] }], options: o.gather(1),
}), [valuesOf('float32', 21)]));

t.test('GATHER on an embedding table [30522, 128] with 32 token ids, on one and two threads', async (t) => {
  const table = deterministicInput(30522 * 128, -1, 1, 5);
  const ids = Int32Array.from({ length: 32 }, (_, k) => (k * 9973 + 101) % 30522);
  const bytes = opModel({ op: 'GATHER', inputs: [{ shape: [30522, 128], data: table }, { shape: [1, 32], dtype: 'int32' }], outputs: [{ shape: [1, 32, 128] }], options: o.gather(0) });
  await expectTypedParity(t, bytes, [ids]);
  const model = await loadModel(bytes);
  t.teardown(() => model.dispose());
  const session = await model.createSession({ threads: 2 });
  const out = (await session.run<Float32Array>({ [model.inputs[0].name]: ids }))[model.outputs[0].name];
  const expected = Float32Array.from({ length: 32 * 128 }, (_, k) => table[ids[Math.floor(k / 128)] * 128 + (k % 128)]);
  t.same(Array.from(out), Array.from(expected), 'two threads copy the same rows');
});

t.test('GATHER refuses an index outside the axis at run time, and the session stays usable', async (t) => {
  const bytes = castWrappedModel({ op: 'GATHER', inputs: [{ shape: [5, 2] }, { shape: [3], dtype: 'int32' }], outputs: [{ shape: [3, 2] }], options: o.gather(0) });
  const table = valuesOf('float32', 10);
  await expectInvalidThenValid(t, bytes, [table, Int32Array.from([0, 5, 1])], [table, Int32Array.from([0, 4, 1])], /GATHER #0: index 5 at position 1 of input 1 is outside \[0, 5\)/);
  // TFLite takes no negative index.
  await expectInvalidThenValid(t, bytes, [table, Int32Array.from([-1, 0, 0])], [table, Int32Array.from([1, 2, 3])], /index -1 at position 0 of input 1/);
  // int64 indices, on two threads.
  const wide = castWrappedModel({ op: 'GATHER', inputs: [{ shape: [4, 3, 2] }, { shape: [2], dtype: 'int64' }], outputs: [{ shape: [4, 2, 2] }], options: o.gather(1) });
  await expectInvalidThenValid(t, wide, [valuesOf('float32', 24), Int32Array.from([2, 3])], [valuesOf('float32', 24), Int32Array.from([2, 0])], /index 3 at position 1/, 2);
});

t.test('GATHER refusals', async (t) => {
  const refuse = (c: Parameters<typeof opModel>[0], message: RegExp) => t.rejects(loadModel(opModel(c)), { code: 'ERR_XNNLITE_UNSUPPORTED_OP', message });
  const table = { shape: [4, 3] };
  await refuse({ op: 'GATHER', inputs: [table, { shape: [2] }], outputs: [{ shape: [2, 3] }], options: o.gather(0) }, /GATHER #0.*indices type \(got float32/);
  await refuse({ op: 'GATHER', inputs: [{ shape: [4, 3], dtype: 'float16' }, { shape: [2], dtype: 'int32' }], outputs: [{ shape: [2, 3], dtype: 'float16' }], options: o.gather(0) },
    /input 0 type \(got float16/);
  await refuse({ op: 'GATHER', inputs: [table, { shape: [2], dtype: 'int32' }], outputs: [{ shape: [2, 3] }], options: o.gather(2) }, /axis \(got 2, expected -2 to 1\)/);
  await refuse({ op: 'GATHER', inputs: [table, { shape: [2], dtype: 'int32' }], outputs: [{ shape: [3, 3] }], options: o.gather(0) }, /output shape \(got \[3,3\], expected \[2,3\]\)/);
  await refuse({ op: 'GATHER', inputs: [table, { shape: [4, 2], dtype: 'int32' }], outputs: [{ shape: [4, 2] }], options: o.gather(0, 1) }, /batch_dims \(got 1/);
  await refuse({ op: 'GATHER', inputs: [{ shape: [4, 3] }, { shape: [3, 2], dtype: 'int32' }], outputs: [{ shape: [4, 2] }], options: o.gather(1, 1) }, /batch dimension 0 \(got 3/);
  await refuse({ op: 'GATHER', inputs: [table, i32([1, 4])], outputs: [{ shape: [2, 3] }], options: o.gather(0) }, /indices \(got 4 at position 1, expected 0 to 3\)/);
  await refuse({ op: 'GATHER', inputs: [table, { shape: [2], dtype: 'int32' }], outputs: [{ shape: [2, 3] }], options: o.empty(BuiltinOptions.ConcatenationOptions) },
    /options type \(got 10, expected 23 for GatherOptions\)/);
  await refuse({
    op: 'GATHER',
    inputs: [{ shape: [4, 3], dtype: 'int8', quantization: { scale: [0.5], zeroPoint: [1], quantizedDimension: 0 } }, { shape: [2], dtype: 'int32' }],
    outputs: [{ shape: [2, 3], dtype: 'int8', quantization: { scale: [0.25], zeroPoint: [1], quantizedDimension: 0 } }],
    options: o.gather(0),
  }, /output quantization \(got scale 0.25 zero point 1, expected scale 0.5 zero point 1 like input 0: TFLite's GATHER copies values without requantizing\)/);
});

t.test('GATHER of quantized int8 values keeps their quantization', (t) => {
  const q = { scale: [0.5], zeroPoint: [3], quantizedDimension: 0 };
  return expectTypedParity(t, castWrappedModel({
    op: 'GATHER', inputs: [{ shape: [4, 3], dtype: 'int8', quantization: q }, { shape: [2], dtype: 'int32' }], outputs: [{ shape: [2, 3], dtype: 'int8', quantization: q }], options: o.gather(0),
  }), [valuesOf('int8', 12), Int32Array.from([3, 1])]);
});

t.test('EMBEDDING_LOOKUP of every dtype', async (t) => {
  for (const dtype of ALL_DTYPES) {
    await t.test(dtype, (t) => expectTypedParity(t, castWrappedModel({
      op: 'EMBEDDING_LOOKUP',
      inputs: [{ shape: [5], dtype: 'int32' }, { shape: [6, 2, 3], dtype }],
      outputs: [{ shape: [5, 2, 3], dtype }],
    }), [Int32Array.from([5, 0, 2, 2, 1]), valuesOf(dtype, 36)]));
  }
});

t.test('EMBEDDING_LOOKUP of an int8 table into float32 (per-tensor and per-row scales)', async (t) => {
  const values = Int8Array.from({ length: 24 }, (_, k) => ((k * 37) % 255) - 127);
  const data = new Uint8Array(values.buffer);
  for (const scale of [[0.03125], [0.5, 0.25, 0.125, 1, 2, 0.0625]]) {
    await t.test(`${scale.length} scale(s)`, (t) => expectTypedParity(t, opModel({
      op: 'EMBEDDING_LOOKUP',
      inputs: [{ shape: [4], dtype: 'int32' }, { shape: [6, 4], dtype: 'int8', data, quantization: { scale, zeroPoint: scale.map(() => 0), quantizedDimension: 0 } }],
      outputs: [{ shape: [4, 4] }],
    }), [Int32Array.from([5, 0, 3, 5])]));
  }
});

t.test('EMBEDDING_LOOKUP refuses a lookup outside the table at run time', async (t) => {
  const bytes = castWrappedModel({ op: 'EMBEDDING_LOOKUP', inputs: [{ shape: [2], dtype: 'int32' }, { shape: [3, 4] }], outputs: [{ shape: [2, 4] }] });
  const table = valuesOf('float32', 12);
  await expectInvalidThenValid(t, bytes, [Int32Array.from([1, 3]), table], [Int32Array.from([1, 2]), table], /EMBEDDING_LOOKUP #0: index 3 at position 1 of input 0 is outside \[0, 3\)/);
  const data = new Uint8Array(Int8Array.from({ length: 12 }, (_, k) => k - 6).buffer);
  const hybrid = opModel({
    op: 'EMBEDDING_LOOKUP',
    inputs: [{ shape: [2], dtype: 'int32' }, { shape: [3, 4], dtype: 'int8', data, quantization: { scale: [0.5], zeroPoint: [0], quantizedDimension: 0 } }],
    outputs: [{ shape: [2, 4] }],
  });
  await expectInvalidThenValid(t, hybrid, [Int32Array.from([-2, 0])], [Int32Array.from([2, 0])], /index -2 at position 0 of input 0/);
});

t.test('EMBEDDING_LOOKUP refusals', async (t) => {
  const refuse = (c: Parameters<typeof opModel>[0], message: RegExp) => t.rejects(loadModel(opModel(c)), { code: 'ERR_XNNLITE_UNSUPPORTED_OP', message });
  await refuse({ op: 'EMBEDDING_LOOKUP', inputs: [{ shape: [2], dtype: 'int64' }, { shape: [3, 4] }], outputs: [{ shape: [2, 4] }] }, /EMBEDDING_LOOKUP #0.*lookups type \(got int64, expected int32\)/);
  await refuse({ op: 'EMBEDDING_LOOKUP', inputs: [{ shape: [2], dtype: 'int32' }, { shape: [3] }], outputs: [{ shape: [2] }] }, /table rank \(got 1, expected at least 2\)/);
  await refuse({ op: 'EMBEDDING_LOOKUP', inputs: [{ shape: [2], dtype: 'int32' }, { shape: [3, 4], dtype: 'int32' }], outputs: [{ shape: [2, 4] }] },
    /output type \(got float32, expected int32 like the table/);
  await refuse({ op: 'EMBEDDING_LOOKUP', inputs: [{ shape: [2], dtype: 'int32' }, { shape: [3, 4], dtype: 'int8' }], outputs: [{ shape: [2, 4] }] },
    /table quantization \(got none, expected a scale/);
  await refuse({
    op: 'EMBEDDING_LOOKUP',
    inputs: [{ shape: [2], dtype: 'int32' }, { shape: [3, 4], dtype: 'int8', quantization: { scale: [0.5], zeroPoint: [4], quantizedDimension: 0 } }],
    outputs: [{ shape: [2, 4] }],
  }, /table zero points \(got 4, expected 0/);
  await refuse({ op: 'EMBEDDING_LOOKUP', inputs: [i32([0, 3]), { shape: [3, 4] }], outputs: [{ shape: [2, 4] }] }, /lookups \(got 3 at position 1, expected 0 to 2\)/);
});
