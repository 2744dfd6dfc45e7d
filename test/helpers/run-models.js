'use strict';

// Runs the small zoo models once on a fixed input with the `xnnlite` that
// this directory resolves (an installed package tarball), and prints their
// outputs as JSON (base64 float32). Used to compare Arm prebuilds, run under
// qemu, with the x86-64 results.
//   node run-models.js MODEL...

const { loadModel, version } = require('xnnlite');

async function main() {
  // states: what the weight cache did for each model's session ('none' without one).
  const results = { arch: version().arch, isa: version().isa, models: {}, states: {} };
  for (const file of process.argv.slice(2)) {
    const model = await loadModel(file);
    const session = await model.createSession({ threads: 1 });
    const info = session.inputs[0];
    const x = Float32Array.from({ length: info.shape.reduce((a, b) => a * b, 1) }, (_, i) => 0.5 + 0.5 * Math.sin(i * 0.01));
    const out = await session.run({ [info.name]: x });
    results.models[file] = Object.fromEntries(session.outputs.map((o) => [o.name, Buffer.from(out[o.name].buffer).toString('base64')]));
    results.states[file] = session.weightCache ? session.weightCache.state : 'none';
    model.dispose();
  }
  process.stdout.write(`${JSON.stringify(results)}\n`);
}

main().catch((err) => {
  process.stderr.write(`${err.stack}\n`);
  process.exit(1);
});
