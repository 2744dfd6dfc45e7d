// LOG_SOFTMAX, L2_NORMALIZATION and LOCAL_RESPONSE_NORMALIZATION (float32)
// on the reference kernels, against LiteRT.js.
import t from 'tap';
import { loadModel } from '../../lib/index';
import { emptyOptionsOf, l2Norm, localResponseNormalization } from '../helpers/math-options';
import { count, expectRefused, expectRunsOn, floatValues } from '../helpers/math-models';
import { runReferenceTyped } from '../helpers/litert';
import { expectTypedParity, opModel } from '../helpers/op-model';

t.test('LOG_SOFTMAX over the last dimension', async (t) => {
  for (const [shape, range] of [[[2, 10], 10], [[3, 4, 50], 30], [[1000], 5], [[2, 1], 3]] as [number[], number][]) {
    await t.test(`[${shape}] on ±${range}`, async (t) => {
      const bytes = opModel({ op: 'LOG_SOFTMAX', inputs: [{ shape }], outputs: [{ shape }], options: emptyOptionsOf('LOG_SOFTMAX') });
      await expectRunsOn(t, bytes, 'LOG_SOFTMAX', 'reference');
      await expectTypedParity(t, bytes, [floatValues(count(shape), -range, range, 2)], 1e-5);
    });
  }
});

t.test('L2_NORMALIZATION over the last dimension, a zero row kept at zero by the epsilon', async (t) => {
  for (const shape of [[4, 16], [2, 3, 8], [5]]) {
    await t.test(`[${shape}]`, async (t) => {
      const bytes = opModel({ op: 'L2_NORMALIZATION', inputs: [{ shape }], outputs: [{ shape }], options: l2Norm() });
      await expectRunsOn(t, bytes, 'L2_NORMALIZATION', 'reference');
      const x = floatValues(count(shape), -3, 3, 4);
      if (shape.length > 1) x.fill(0, 0, shape[shape.length - 1]);
      if (shape.length > 1) x.fill(1e-9, shape[shape.length - 1], 2 * shape[shape.length - 1]);
      await expectTypedParity(t, bytes, [x], 1e-5);
    });
  }
});

t.test('LOCAL_RESPONSE_NORMALIZATION: windows within and beyond the depth', async (t) => {
  const cases = [
    { radius: 2, bias: 1, alpha: 1e-4, beta: 0.75 },
    { radius: 5, bias: 2, alpha: 0.5, beta: 0.75 },
    { radius: 0, bias: 1, alpha: 1, beta: 0.5 },
    { radius: 1, bias: 0.5, alpha: 0.25, beta: 1 },
    { radius: 20, bias: 1, alpha: 0.1, beta: 2 },
  ];
  for (const o of cases) {
    await t.test(JSON.stringify(o), async (t) => {
      const shape = [1, 3, 4, 12];
      const bytes = opModel({ op: 'LOCAL_RESPONSE_NORMALIZATION', inputs: [{ shape }], outputs: [{ shape }], options: localResponseNormalization(o) });
      await expectRunsOn(t, bytes, 'LOCAL_RESPONSE_NORMALIZATION', 'reference');
      await expectTypedParity(t, bytes, [floatValues(count(shape), -4, 4, 5)], 1e-5);
    });
  }
});

t.test('rows split over threads give what one thread gives', async (t) => {
  const shape = [256, 512];
  for (const [op, options] of [['LOG_SOFTMAX', emptyOptionsOf('LOG_SOFTMAX')], ['L2_NORMALIZATION', l2Norm()]] as const) {
    const bytes = opModel({ op, inputs: [{ shape }], outputs: [{ shape }], options });
    const x = floatValues(count(shape), -6, 6, 7);
    const m = await loadModel(bytes);
    t.teardown(() => m.dispose());
    const one = (await (await m.createSession({ threads: 1 })).run({ in0: x })).out0;
    const two = (await (await m.createSession({ threads: 2 })).run({ in0: x })).out0;
    t.same(Array.from(two), Array.from(one), `${op}: 2 threads = 1 thread`);
    const reference = (await runReferenceTyped(bytes, [x]))[0];
    let worst = 0;
    for (let i = 0; i < reference.length; i++) worst = Math.max(worst, Math.abs(one[i] - reference[i]));
    t.ok(worst < 1e-4, `${op}: LiteRT.js agrees (max |diff| ${worst.toExponential(2)})`);
  }
});

t.test('refusals', async (t) => {
  const lrn = localResponseNormalization({ radius: 2, bias: 1, alpha: 1, beta: 0.5 });
  await expectRefused(t, opModel({ op: 'LOCAL_RESPONSE_NORMALIZATION', inputs: [{ shape: [3, 12] }], outputs: [{ shape: [3, 12] }], options: lrn }),
    'LOCAL_RESPONSE_NORMALIZATION', /^input rank \(got 2, expected 4\)/);
  await expectRefused(t, opModel({ op: 'LOCAL_RESPONSE_NORMALIZATION', inputs: [{ shape: [1, 1, 1, 12] }], outputs: [{ shape: [1, 1, 1, 12] }] }),
    'LOCAL_RESPONSE_NORMALIZATION', /^LocalResponseNormalizationOptions are missing/);
  await expectRefused(t, opModel({ op: 'LOCAL_RESPONSE_NORMALIZATION', inputs: [{ shape: [1, 1, 1, 12] }], outputs: [{ shape: [1, 1, 1, 12] }],
    options: localResponseNormalization({ radius: -1, bias: 1, alpha: 1, beta: 0.5 }) }), 'LOCAL_RESPONSE_NORMALIZATION', /^radius \(got -1, expected 0 or more\)/);
  await expectRefused(t, opModel({ op: 'L2_NORMALIZATION', inputs: [{ shape: [2, 4] }], outputs: [{ shape: [2, 4] }], options: l2Norm(1) }),
    'L2_NORMALIZATION', /^fused activation \(got RELU, expected NONE\)/);
  await expectRefused(t, opModel({ op: 'LOG_SOFTMAX', inputs: [{ shape: [2, 4], dtype: 'int32' }], outputs: [{ shape: [2, 4], dtype: 'int32' }] }),
    'LOG_SOFTMAX', /^type \(got int32, expected float32 for LOG_SOFTMAX\)/);
  await expectRefused(t, opModel({ op: 'LOG_SOFTMAX', inputs: [{ shape: [2, 4], dtype: 'uint8' }], outputs: [{ shape: [2, 4], dtype: 'uint8' }] }),
    'LOG_SOFTMAX', /^type \(got uint8, expected float32/);
});
