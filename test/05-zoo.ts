// All ten MediaPipe models load, run, and match LiteRT.js (TFLite's own
// runtime) on the same deterministic input.
//
// Tolerance, relative to each output's largest magnitude (its scale): at
// least 99.9% of elements within 1e-4 of the scale, and every element within
// 1e-3. Both runtimes compute in float32 with XNNPACK kernels, but through
// different microkernels (WebAssembly SIMD vs AVX2/FMA), so sums accumulate
// in different orders and FMA rounds once where two instructions round
// twice. Over 50-200 layers that drift reaches 1e-6..1e-5 of the scale for
// almost every element; in the pose models' 256x256 segmentation logits a
// few dozen elements (0.03%) land near 5e-4, where a ReLU input close to zero
// flips sign and the difference is amplified by later layers. A real error (a
// wrong padding, layout, resize convention or activation) moves most
// elements by 1e-2 of the scale or more, far outside these bounds.
import t from 'tap';
import fs from 'node:fs';
import { loadModel } from '../lib/index';
import { deterministicInput, difference } from './helpers/compare';
import { runReference } from './helpers/litert';
import { ZOO } from './helpers/zoo';

const TYPICAL = 1e-4;
const WORST = 1e-3;
const OUTLIER_FRACTION = 1e-3;

for (const zoo of ZOO) {
  t.test(zoo.name, async (t) => {
    const model = await loadModel(zoo.file);
    t.teardown(() => model.dispose());
    t.equal(model.inputs.length, 1, 'one input');
    const session = await model.createSession({ threads: 2 });
    const input = model.inputs[0];
    const x = deterministicInput(input.shape.reduce((a, b) => a * b, 1), zoo.inputRange[0], zoo.inputRange[1], 3);
    const ours = await session.run({ [input.name]: x });
    const reference = await runReference(fs.readFileSync(zoo.file), [x]);
    model.outputs.forEach((info, k) => {
      const d = difference(ours[info.name], reference[k]);
      t.equal(ours[info.name].length, reference[k].length, `${info.name}: length`);
      t.ok(d.maxAbs <= 1e-6 + WORST * d.scale, `${info.name}: max |diff| ${d.maxAbs.toExponential(2)}, relative ${d.relative.toExponential(2)}`);
      t.ok(d.outliers <= OUTLIER_FRACTION, `${info.name}: ${(d.outliers * 100).toFixed(3)}% of elements beyond ${TYPICAL} relative`);
      t.ok(ours[info.name].every(Number.isFinite), `${info.name}: finite`);
    });
    const again = session.runSync({ [input.name]: x });
    t.same(Object.keys(again), model.outputs.map((o) => o.name));
    t.ok(model.outputs.every((o) => again[o.name].every((v, i) => v === ours[o.name][i])), 'runSync gives the same bits as run');
  });
}
