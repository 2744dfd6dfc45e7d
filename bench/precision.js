#!/usr/bin/env node
'use strict';

// npm run bench:precision: the accuracy cost and speed of the session
// precisions on the zoo. For each model and precision: the difference from
// fp32 relative to each output's largest magnitude (mean over elements, and
// max; the worst output is reported), and median latency, 1 thread, on a
// fixed input in the model's input range.

const { loadModel, version } = require('../dist/index.js');
const { ZOO } = require('./lib/zoo');
const { relativeError, percent } = require('./lib/relative-error');

async function median(session, input, runs = 15) {
  const times = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await session.run(input);
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(runs / 2)];
}

function error(session, reference, other) {
  let worstMean = 0;
  let worstMax = 0;
  for (const o of session.outputs) {
    const { mean, max } = relativeError(reference[o.name], other[o.name]);
    worstMean = Math.max(worstMean, mean);
    worstMax = Math.max(worstMax, max);
  }
  return `${percent(worstMean)} / ${percent(worstMax)}`;
}

async function main() {
  const lines = [
    `CPU ISA: ${version().isa.join(', ')}.`,
    '',
    '| model | fp16: mean / max difference | dynamic-int8: mean / max difference | fp32 | fp16 | dynamic-int8 |',
    '|---|---:|---:|---:|---:|---:|',
  ];
  for (const z of ZOO) {
    const model = await loadModel(z.file);
    const sessions = {};
    for (const precision of ['fp32', 'fp16', 'dynamic-int8']) sessions[precision] = await model.createSession({ threads: 1, precision });
    const n = sessions.fp32.inputs[0].shape.reduce((a, b) => a * b, 1);
    const [lo, hi] = z.inputRange;
    const x = Float32Array.from({ length: n }, (_, i) => lo + (hi - lo) * (0.5 + 0.5 * Math.sin(i * 0.37)));
    const out = {};
    for (const [p, s] of Object.entries(sessions)) out[p] = await s.run(x);
    const times = {};
    for (const [p, s] of Object.entries(sessions)) times[p] = (await median(s, x)).toFixed(2);
    lines.push(`| ${z.name} | ${error(sessions.fp32, out.fp32, out.fp16)} | ${error(sessions.fp32, out.fp32, out['dynamic-int8'])} | ${times.fp32} ms | ${times.fp16} ms | ${times['dynamic-int8']} ms |`);
    model.dispose();
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}

main().catch((err) => {
  process.stderr.write(`${err.stack}\n`);
  process.exit(1);
});
