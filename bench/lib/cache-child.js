'use strict';

// One process of the cache benchmark: loads MODEL (with the weight cache in
// DIR, or none when DIR is "-"), creates a session, runs it twice, prints one
// JSON line of timings (and a digest of the first outputs), then waits for a line on stdin before exiting so that
// the parent can read its memory.

// Node's own start-up, before this script runs (counted from the start of the process).
const bootMs = performance.now();
const crypto = require('node:crypto');
const requireStart = performance.now();
// The package's entry point, as an application loads it.
const { loadModel } = require('../..');
const requireMs = performance.now() - requireStart;

async function main() {
  const [model, dir] = process.argv.slice(2);
  let t = performance.now();
  const m = await loadModel(model, { weightCache: dir === '-' ? false : dir });
  const loadMs = performance.now() - t;
  t = performance.now();
  const session = await m.createSession({ threads: 1 });
  const initMs = performance.now() - t;
  const info = session.inputs[0];
  const x = new Float32Array(info.shape.reduce((a, b) => a * b, 1)).fill(0.5);
  t = performance.now();
  const out = await session.run({ [info.name]: x });
  const firstMs = performance.now() - t;
  // performance.now() counts from the start of the process.
  const startToFirstMs = performance.now();
  const outputs = crypto.createHash('sha256');
  for (const o of session.outputs) outputs.update(new Uint8Array(out[o.name].buffer, out[o.name].byteOffset, out[o.name].byteLength));
  await session.run({ [info.name]: x });
  process.stdout.write(`${JSON.stringify({ pid: process.pid, bootMs, requireMs, loadMs, initMs, firstMs, startToFirstMs, outputs: outputs.digest('hex'), state: session.weightCache ? session.weightCache.state : 'none', packedBytes: session.weightCache ? session.weightCache.bytes : 0 })}\n`);
  process.stdin.once('data', () => {
    m.dispose();
    process.exit(0);
  });
}

main().catch((err) => {
  process.stderr.write(`${err.stack}\n`);
  process.exit(1);
});
