#!/usr/bin/env node
'use strict';

// Cost of the binding itself: a trivial model (one RELU over 4 floats) run
// through Session.runSync (calling thread) and Session.run (task pool), so
// that what is measured is the round
// trip, not the work. Prints JSON with --json.
// (Session.run's figure includes the task-pool hop: queueing the work,
// waking a pool thread, and signalling the event loop back.)

const { loadModel } = require('../dist/index.js');
const { writeModel } = require('../dist/model/writer.js');

function tinyReluModel() {
  return writeModel({
    subgraphs: [{
      tensors: [{ name: 'x', shape: [1, 4] }, { name: 'y', shape: [1, 4] }],
      inputs: [0],
      outputs: [1],
      operators: [{ op: 'RELU', inputs: [0], outputs: [1] }],
    }],
  });
}

async function perCall(fn, iterations) {
  const start = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) await fn();
  return Number(process.hrtime.bigint() - start) / 1e3 / iterations;
}

function perCallSync(fn, iterations) {
  const start = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) fn();
  return Number(process.hrtime.bigint() - start) / 1e3 / iterations;
}

async function main() {
  const model = await loadModel(tinyReluModel());
  const session = await model.createSession({ threads: 1 });
  const x = new Float32Array([1, -2, 3, -4]);
  const inputs = { [session.inputs[0].name]: x };
  perCallSync(() => session.runSync(inputs), 20_000);
  const runSyncUs = Math.min(...[0, 1, 2].map(() => perCallSync(() => session.runSync(inputs), 100_000)));
  await perCall(() => session.run(inputs), 2_000);
  const runUs = Math.min(await perCall(() => session.run(inputs), 20_000), await perCall(() => session.run(inputs), 20_000));
  model.dispose();
  const result = { runSyncMicroseconds: runSyncUs, runMicroseconds: runUs };
  if (process.argv.includes('--json')) process.stdout.write(`${JSON.stringify(result)}\n`);
  else {
    console.log(`session.runSync round trip: ${runSyncUs.toFixed(2)} us`);
    console.log(`session.run round trip:     ${runUs.toFixed(2)} us`);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
