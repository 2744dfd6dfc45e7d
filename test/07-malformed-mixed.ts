// Damaged models that mix XNNPACK partitions and reference kernels
// (test/helpers/mixed-model): the models themselves, and damage that once
// hung or failed late.
import t from 'tap';
import { inspectModel, loadModel } from '../lib/index';
import { expectTypedParity, type TypedInput } from './helpers/op-model';
import { mixedInputs, mixedModels } from './helpers/mixed-model';

const models = mixedModels();

t.test('the mixed models load, run on XNNPACK and the reference kernels, and match LiteRT.js', async (t) => {
  for (const m of models) {
    const model = await loadModel(m.bytes);
    const session = await model.createSession({ threads: 1 });
    const inputs = mixedInputs(m, session.inputs)!;
    // Reference steps on both sides of an XNNPACK partition.
    const { steps } = await inspectModel(m.bytes);
    const partition = steps.findIndex((s) => s.runsOn === 'xnnpack');
    t.ok(partition > 0 && steps.slice(partition).some((s) => s.runsOn === 'reference'), `${m.name}: steps ${steps.map((s) => s.runsOn).join(', ')}`);
    await expectTypedParity(t, m.bytes, session.inputs.map((i) => inputs[i.name] as TypedInput));
    t.ok(m.bytes.length < 8192, `${m.name}: ${m.bytes.length} bytes`);
    model.dispose();
  }
});
