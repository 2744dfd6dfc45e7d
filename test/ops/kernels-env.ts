// XNNLITE_KERNELS, read when a model is loaded: 'reference' moves every
// operator the reference kernels take onto them, even one XNNPACK could
// run, with the same results; a value it does not know is refused at load.
import t from 'tap';
import { inspectModel, loadModel } from '../../lib/index';
import { f32, i32, opModel } from '../helpers/op-model';

const initial = process.env.XNNLITE_KERNELS;

/** Runs `load` with XNNLITE_KERNELS set to `value` (unset when undefined), restoring the variable afterwards. */
async function withKernels<T>(value: string | undefined, load: () => Promise<T>): Promise<T> {
  const saved = process.env.XNNLITE_KERNELS;
  if (value === undefined) delete process.env.XNNLITE_KERNELS;
  else process.env.XNNLITE_KERNELS = value;
  try {
    return await load();
  } finally {
    if (saved === undefined) delete process.env.XNNLITE_KERNELS;
    else process.env.XNNLITE_KERNELS = saved;
  }
}

// A float32 [3, 4, 5] -> [5, 3, 4] transpose: XNNPACK runs it by default.
const bytes = opModel({ op: 'TRANSPOSE', inputs: [f32([3, 4, 5]), i32([2, 0, 1])], outputs: [f32([5, 3, 4])] });
const x = Float32Array.from({ length: 60 }, (_, i) => i * 0.5 - 7.25);
const expected = new Float32Array(60);
for (let a = 0; a < 3; a++) for (let b = 0; b < 4; b++) for (let c = 0; c < 5; c++) expected[(c * 3 + a) * 4 + b] = x[(a * 4 + b) * 5 + c];

/** Where TRANSPOSE runs and what it gives on `x`, with XNNLITE_KERNELS set to `value`. */
async function transposeWith(value: string | undefined) {
  const runsOn = (await withKernels(value, () => inspectModel(bytes))).placement.find((p) => p.op === 'TRANSPOSE')?.runsOn;
  const model = await withKernels(value, () => loadModel(bytes));
  try {
    const session = await model.createSession({ threads: 1 });
    const { out0 } = await session.run<Float32Array>({ in0: x });
    return { runsOn, out: Array.from(out0) };
  } finally {
    model.dispose();
  }
}

t.test('XNNLITE_KERNELS=reference moves a float32 TRANSPOSE from XNNPACK to the reference kernels, with the same results', async (t) => {
  const byDefault = await transposeWith(undefined);
  t.equal(byDefault.runsOn, 'xnnpack', 'unset: TRANSPOSE runs on XNNPACK');
  t.same(byDefault.out, Array.from(expected), 'unset: the transposition');
  const named = await transposeWith('xnnpack');
  t.equal(named.runsOn, 'xnnpack', "'xnnpack' (the default): TRANSPOSE runs on XNNPACK");
  const reference = await transposeWith('reference');
  t.equal(reference.runsOn, 'reference', "'reference': TRANSPOSE runs on the reference kernels");
  t.same(reference.out, byDefault.out, "'reference': the same results as XNNPACK");
  t.equal(process.env.XNNLITE_KERNELS, initial, 'the variable is restored');
});

t.test('a value XNNLITE_KERNELS does not know is refused at load, naming the variable', async (t) => {
  await withKernels('gpu', () => t.rejects(loadModel(bytes), { name: 'RangeError', message: /XNNLITE_KERNELS.*"gpu"/ }, "'gpu'"));
  await withKernels('Reference', () => t.rejects(loadModel(bytes), { name: 'RangeError', message: /XNNLITE_KERNELS/ }, "'Reference' (the value is case-sensitive)"));
  const model = await loadModel(bytes);
  t.pass('with the variable restored, the model loads');
  model.dispose();
});
