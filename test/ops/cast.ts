import t from 'tap';
import { loadModel } from '../../lib/index';
import { castWrappedModel, expectTypedParity, opModel } from '../helpers/op-model';

const floats = Float32Array.from([0, 0.4, -0.4, 0.5, -0.5, 1.99, -1.99, 2.5, -2.5, 100.75, -100.75, 7, 1e-9, -3.25, 255.5, 0.01]);
const ints = Int32Array.from([0, 1, -1, 2, -2, 127, -128, 128, 255, 256, -129, 65535, -32768, 32767, 2147483647, -2147483648]);

t.test('CAST float32 to int32 truncates toward zero', (t) => expectTypedParity(t,
  opModel({ op: 'CAST', inputs: [{ shape: [16] }], outputs: [{ shape: [16], dtype: 'int32' }] }), [floats]));

t.test('CAST int32 to float32', (t) => expectTypedParity(t,
  opModel({ op: 'CAST', inputs: [{ shape: [4, 4], dtype: 'int32' }], outputs: [{ shape: [4, 4] }] }), [ints]));

t.test('CAST uint8 to float32 and int32', async (t) => {
  const bytes = Uint8Array.from({ length: 16 }, (_, i) => (i * 37) % 256);
  await expectTypedParity(t, opModel({ op: 'CAST', inputs: [{ shape: [16], dtype: 'uint8' }], outputs: [{ shape: [16] }] }), [bytes]);
  await expectTypedParity(t, opModel({ op: 'CAST', inputs: [{ shape: [16], dtype: 'uint8' }], outputs: [{ shape: [16], dtype: 'int32' }] }), [bytes]);
});

t.test('CAST through int64, int16, int8 and bool (wrapped in CASTs from and to int32)', async (t) => {
  for (const dtype of ['int64', 'int16', 'int8', 'bool'] as const) {
    await t.test(`int32 -> ${dtype} -> int32`, (t) => expectTypedParity(t,
      castWrappedModel({ op: 'CAST', inputs: [{ shape: [16], dtype: 'int32' }], outputs: [{ shape: [16], dtype }] }), [ints]));
    await t.test(`float32 -> ${dtype} -> int32`, (t) => expectTypedParity(t,
      castWrappedModel({ op: 'CAST', inputs: [{ shape: [16] }], outputs: [{ shape: [16], dtype }] }), [floats.map((v) => Math.max(-100, Math.min(100, v)))]));
  }
});

t.test('CAST refuses types it has no kernel for', async (t) => {
  await t.rejects(loadModel(opModel({ op: 'CAST', inputs: [{ shape: [4], dtype: 'int32' }], outputs: [{ shape: [4], dtype: 'float16' }] })),
    { code: 'ERR_XNNLITE_UNSUPPORTED_OP', message: /CAST #0.*int32 to float16/ });
});
