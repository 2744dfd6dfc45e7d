// Inputs and outputs of every dtype sessions take: int32 as Int32Array, int64
// as BigInt64Array, bool as Uint8Array of 0 and 1, checked against plain
// JavaScript (LiteRT.js gives no int64 or bool outputs to compare with).
import t from 'tap';
import { loadModel } from '../lib/index';
import { writeModel } from '../lib/model/writer';
import type { DType } from '../lib/model/schema';

function oneOp(op: string, input: DType, output: DType, shape = [2, 3]): Uint8Array {
  return writeModel({ subgraphs: [{
    tensors: [{ name: 'x', shape, dtype: input }, { name: 'y', shape, dtype: output }],
    inputs: [0], outputs: [1], operators: [{ op, inputs: [0], outputs: [1] }],
  }] });
}

t.test('int64 in and out as BigInt64Array', async (t) => {
  const model = await loadModel(oneOp('CAST', 'int64', 'int64'));
  t.teardown(() => model.dispose());
  const session = await model.createSession({ threads: 1 });
  t.same(session.inputs.map((i) => i.dtype), ['int64']);
  const x = BigInt64Array.of(1n, -2n, 2n ** 40n, -(2n ** 62n), 0n, 7n);
  const { y } = await session.run<BigInt64Array>({ x });
  t.ok(y instanceof BigInt64Array);
  t.same(Array.from(y), Array.from(x), 'values beyond 2^53 pass through exactly');
  t.same(Array.from(session.runSync<BigInt64Array>(x).y), Array.from(x), 'runSync, one input given alone');
  t.throws(() => session.run({ x: new Int32Array(6) }), { name: 'TypeError', message: /BigInt64Array of 6 values/ });
});

t.test('bool in and out as Uint8Array of 0 and 1', async (t) => {
  const model = await loadModel(oneOp('LOGICAL_NOT', 'bool', 'bool'));
  t.teardown(() => model.dispose());
  const session = await model.createSession({ threads: 1 });
  const { y } = await session.run<Uint8Array>({ x: Uint8Array.of(1, 0, 0, 1, 1, 0) });
  t.same(Array.from(y), [0, 1, 1, 0, 0, 1]);
});

t.test('int32 in, float32 out', async (t) => {
  const model = await loadModel(oneOp('CAST', 'int32', 'float32'));
  t.teardown(() => model.dispose());
  const session = await model.createSession({ threads: 1 });
  const { y } = await session.run({ x: Int32Array.of(-3, 0, 5, 2 ** 24, -7, 1) });
  t.same(Array.from(y), [-3, 0, 5, 2 ** 24, -7, 1]);
});

t.test('dtypes sessions do not take are refused at load, naming the tensor', async (t) => {
  const passThrough = writeModel({ subgraphs: [{ tensors: [{ name: 'h', shape: [2], dtype: 'float16' }], inputs: [0], outputs: [0], operators: [] }] });
  await t.rejects(loadModel(passThrough), { code: 'ERR_XNNLITE_UNSUPPORTED_OP', message: /^graph #-1: input h: float16 \(expected float32, int8, uint8, int16, int32, int64 or bool\)$/ });
});
