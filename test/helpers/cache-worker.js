'use strict';

// A worker process for the weight-cache tests: loads MODEL with the cache in
// DIR, runs it once on a fixed input, and prints one JSON line with the cache
// state, whether the session was planned or made from a recorded plan, warnings
// and a checksum of the outputs. OPTIMIZE (true or false)
// sets the session's optimize option; without it the session has the default.
//   node cache-worker.js MODEL DIR [OPTIMIZE]

const { loadModel } = require('../../dist/index.js');

const [model, dir, optimize] = process.argv.slice(2);
const warnings = [];
process.on('warning', (w) => warnings.push(`${w.code}: ${w.message}`));

(async () => {
  const m = await loadModel(model, { weightCache: dir || false });
  process.stdout.write('creating\n');
  const session = await m.createSession({ threads: 1, ...(optimize ? { optimize: optimize === 'true' } : {}) });
  const info = session.inputs[0];
  const x = Float32Array.from({ length: info.shape.reduce((a, b) => a * b, 1) }, (_, i) => Math.sin(i * 0.1));
  const out = await session.run({ [info.name]: x });
  const digest = require('node:crypto').createHash('sha256');
  for (const o of session.outputs) digest.update(Buffer.from(out[o.name].buffer));
  await new Promise((resolve) => setImmediate(resolve));
  process.stdout.write(`${JSON.stringify({ state: session.weightCache && session.weightCache.state, plan: session.weightCache && session.weightCache.plan, warnings, outputs: digest.digest('hex') })}\n`);
  m.dispose();
})().catch((err) => {
  process.stderr.write(`${err.stack}\n`);
  process.exit(1);
});
