// TOPK_V2 on the reference kernels, against LiteRT.js: every dtype it
// takes, ties (lower index first), k from 1 to the row size, ranks 1 to 3,
// many rows on several threads, NaN order, refusals.
import t, { type Test } from 'tap';
import { loadModel } from '../../lib/index';
import { deterministicInput } from '../helpers/compare';
import { tiedValuesOf, valuesOf } from '../helpers/index-data';
import { castWrappedModel, expectTypedParity, i32, opModel, type OpCase } from '../helpers/op-model';

const refuse = (t: Test, c: OpCase, message: RegExp) => t.rejects(loadModel(opModel(c)), { code: 'ERR_XNNLITE_UNSUPPORTED_OP', message });
const TYPES = ['float32', 'int8', 'uint8', 'int16', 'int32', 'int64'] as const;
const topK = (shape: number[], k: number, dtype: (typeof TYPES)[number] = 'float32', kType: 'int32' | 'int16' = 'int32'): OpCase => ({
  op: 'TOPK_V2',
  inputs: [{ shape, dtype }, kType === 'int32' ? i32([k], []) : { shape: [], dtype: 'int16', data: new Uint8Array(Int16Array.of(k).buffer) }],
  outputs: [{ shape: [...shape.slice(0, -1), k], dtype }, { shape: [...shape.slice(0, -1), k], dtype: 'int32' }],
});

t.test('every dtype, with ties and with distinct values', async (t) => {
  for (const dtype of TYPES) {
    await t.test(`${dtype} with ties`, (t) => expectTypedParity(t, castWrappedModel(topK([3, 10], 4, dtype)), [tiedValuesOf(dtype, 30, 2)]));
    await t.test(`${dtype} distinct`, (t) => expectTypedParity(t, castWrappedModel(topK([3, 10], 6, dtype)), [valuesOf(dtype, 30, 4)]));
  }
});

t.test('k of 1 and of the whole row, ranks 1 and 3, an int16 k', async (t) => {
  await expectTypedParity(t, castWrappedModel(topK([2, 3, 7], 1)), [tiedValuesOf('float32', 42)]);
  await expectTypedParity(t, castWrappedModel(topK([2, 3, 7], 7, 'int32')), [tiedValuesOf('int32', 42, 3)]);
  await expectTypedParity(t, castWrappedModel(topK([9], 5, 'int16', 'int16')), [tiedValuesOf('int16', 9, 1)]);
});

t.test('many rows on one and on two threads', async (t) => {
  const bytes = opModel(topK([2000, 50], 5));
  const x = deterministicInput(100000, -4, 4, 9).map((v) => Math.round(v * 4) / 4);
  await expectTypedParity(t, bytes, [x]);
  const outputs = [];
  for (const threads of [1, 2]) {
    const model = await loadModel(bytes);
    const session = await model.createSession({ threads });
    const out = await session.run<Float32Array | Int32Array>({ [model.inputs[0].name]: x });
    outputs.push(model.outputs.map((info) => Array.from(out[info.name])));
    model.dispose();
  }
  t.same(outputs[1], outputs[0], 'two threads give the same values and indices');
});

// TFLite's current order, which LiteRT.js 2.5.3 predates: NaNs after every number, among themselves by index.
t.test('NaNs come last', async (t) => {
  const model = await loadModel(opModel(topK([2, 4], 3)));
  t.teardown(() => model.dispose());
  const session = await model.createSession();
  const out = await session.run<Float32Array | Int32Array>({ [model.inputs[0].name]: Float32Array.from([NaN, 1, 3, NaN, NaN, NaN, -2, NaN]) });
  t.same(Array.from(out[model.outputs[0].name]), [3, 1, NaN, -2, NaN, NaN]);
  t.same(Array.from(out[model.outputs[1].name]), [2, 1, 0, 2, 0, 1]);
});

t.test('TOPK_V2 refusals', async (t) => {
  await refuse(t, { ...topK([3, 4], 2), inputs: [{ shape: [3, 4] }, { shape: [], dtype: 'int32' }] }, /TOPK_V2 #0.*output shape depends on run-time values \(input 1, k, is computed at run time\)/);
  await refuse(t, topK([3, 4], 5), /k \(got 5, expected 1 to 4, the size of the last dimension\)/);
  await refuse(t, { ...topK([3, 4], 2), inputs: [{ shape: [3, 4], dtype: 'bool' }, i32([2], [])], outputs: [{ shape: [3, 2], dtype: 'bool' }, { shape: [3, 2], dtype: 'int32' }] },
    /input 0 type \(got bool/);
  await refuse(t, { ...topK([3, 4], 2), outputs: [{ shape: [3, 2] }, { shape: [3, 2], dtype: 'int64' }] }, /output 1 \(indices\) type \(got int64, expected int32\)/);
  await refuse(t, { ...topK([3, 4], 2), outputs: [{ shape: [3, 2] }, { shape: [3, 3], dtype: 'int32' }] }, /output 1 shape \(got \[3,3\], expected \[3,2\]\)/);
});
