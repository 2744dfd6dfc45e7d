// float32 math that XNNPACK runs (EXP, LOG, SQRT, RSQRT, SQUARE, ABS, NEG,
// SIN, COS, FLOOR, CEIL, ROUND, SIGN, GELU, POW), each against LiteRT.js.
import t, { type Test } from 'tap';
import { inspectModel, loadModel } from '../../lib/index';
import { arithmetic } from '../helpers/options';
import { emptyOptionsOf, gelu } from '../helpers/math-options';
import { expectParity, expectTypedParity, f32, opModel, type OpCase } from '../helpers/op-model';

async function expectOnXnnpack(t: Test, bytes: Uint8Array): Promise<void> {
  const report = await inspectModel(bytes);
  t.same(report.placement.map((p) => p.runsOn), ['xnnpack'], 'runs on XNNPACK');
}

async function unaryParity(t: Test, c: OpCase, range: [number, number]): Promise<void> {
  const bytes = opModel(c);
  await expectOnXnnpack(t, bytes);
  await expectParity(t, bytes, 1e-5, range);
}

const UNARY: [string, [number, number]][] = [
  ['EXP', [-8, 8]], ['LOG', [0.001, 50]], ['SQRT', [0, 50]], ['RSQRT', [0.01, 50]], ['SQUARE', [-8, 8]], ['ABS', [-8, 8]],
  ['NEG', [-8, 8]], ['SIN', [-10, 10]], ['COS', [-10, 10]], ['FLOOR', [-8, 8]], ['CEIL', [-8, 8]], ['ROUND', [-8, 8]], ['SIGN', [-3, 3]],
];

t.test('float32 unary operators on XNNPACK match LiteRT.js', async (t) => {
  for (const [op, range] of UNARY) {
    for (const shape of [[1, 7, 9, 3], [100], [2, 3, 1, 2, 5]]) {
      await t.test(`${op} [${shape}] on [${range}]`, (t) => unaryParity(t, { op, inputs: [f32(shape)], outputs: [f32(shape)], options: emptyOptionsOf(op) }, range));
    }
  }
});

t.test('ROUND rounds half to even, FLOOR/CEIL/SIGN at integers, zeros and signs', async (t) => {
  const values = Float32Array.from([-3.5, -2.5, -1.5, -0.5, 0.5, 1.5, 2.5, 3.5, 4.5, -4.5, 0, -0, 2, -2, 0.49999997, 1e-30, -1e-30, 8388607.5, -8388607.5, 123456.5]);
  for (const op of ['ROUND', 'FLOOR', 'CEIL', 'SIGN', 'ABS', 'NEG']) {
    await t.test(op, async (t) => {
      const bytes = opModel({ op, inputs: [f32([values.length])], outputs: [f32([values.length])] });
      await expectOnXnnpack(t, bytes);
      await expectTypedParity(t, bytes, [values], 0);
    });
  }
  await t.test('ROUND ties by value', async (t) => {
    const model = await loadModel(opModel({ op: 'ROUND', inputs: [f32([6])], outputs: [f32([6])] }));
    t.teardown(() => model.dispose());
    const out = await (await model.createSession()).run({ in0: Float32Array.from([-2.5, -1.5, -0.5, 0.5, 1.5, 2.5]) });
    t.same(Array.from(out.out0 as Float32Array), [-2, -2, -0, 0, 2, 2]);
  });
});

t.test('GELU: the exact form on XNNPACK', async (t) => {
  for (const options of [undefined, gelu(false)]) {
    await t.test(`options ${options ? 'approximate=false' : 'absent'}`, (t) => unaryParity(t, { op: 'GELU', inputs: [f32([4, 50])], outputs: [f32([4, 50])], options }, [-6, 6]));
  }
  await t.test('approximate=true is lowered to XNNPACK on float32 (as multiply, add and tanh)', async (t) => {
    const report = await inspectModel(opModel({ op: 'GELU', inputs: [f32([8])], outputs: [f32([8])], options: gelu(true) }));
    t.equal(report.placement[0].runsOn, 'xnnpack');
  });
});

t.test('POW on XNNPACK', async (t) => {
  const cases: [string, number[], number[], Float32Array | undefined, [number, number]][] = [
    ['same shapes, positive bases', [3, 40], [3, 40], undefined, [0.1, 3]],
    ['broadcast exponent row', [4, 5, 6], [6], undefined, [0.1, 3]],
  ];
  for (const [name, a, b, data, range] of cases) {
    await t.test(name, async (t) => {
      const bytes = opModel({ op: 'POW', inputs: [f32(a), f32(b, data)], outputs: [f32(a.length >= b.length ? a : b)], options: emptyOptionsOf('POW') });
      await expectOnXnnpack(t, bytes);
      await expectParity(t, bytes, 1e-5, range);
    });
  }
  await t.test('integral exponents of negative bases (a constant exponent)', async (t) => {
    const bytes = opModel({ op: 'POW', inputs: [f32([50]), f32([1], Float32Array.from([3]))], outputs: [f32([50])], options: emptyOptionsOf('POW') });
    await expectOnXnnpack(t, bytes);
    await expectParity(t, bytes, 1e-5, [-3, 3]);
  });
  await t.test('elementwise integral exponents', async (t) => {
    const bytes = opModel({ op: 'POW', inputs: [f32([8]), f32([8])], outputs: [f32([8])], options: emptyOptionsOf('POW') });
    await expectTypedParity(t, bytes, [Float32Array.from([-2, -1.5, 3, 0, 0, 2, -3, 10]), Float32Array.from([2, 3, -1, 0, 2, 0.5, 4, -2])], 1e-5);
  });
});

t.test('float32 binary operators with a fused activation still lower (the POW entry changed nothing else)', (t) =>
  expectParity(t, opModel({ op: 'SUB', inputs: [f32([2, 3]), f32([2, 3])], outputs: [f32([2, 3])], options: arithmetic('SUB', 'RELU') })));

t.test('quantized and integer tensors of the float-only operators are not lowered to XNNPACK', async (t) => {
  const report = await inspectModel(opModel({ op: 'EXP', inputs: [{ shape: [4], dtype: 'int32' }], outputs: [{ shape: [4], dtype: 'int32' }] }));
  t.not(report.placement[0].runsOn, 'xnnpack');
});
