#!/usr/bin/env node
'use strict';

// npm run bench:precision: the accuracy cost and speed of `precision: 'fp16'`
// on the zoo. For each model: the largest difference from fp32, relative to
// each output's largest magnitude (worst output reported), and median
// latency of both, 1 thread, on a fixed input in the model's input range.

const { loadModel, version } = require('../dist/index.js');
const { ZOO } = require('./lib/zoo');

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

async function main() {
  const lines = [
    `CPU ISA: ${version().isa.join(', ')}.`,
    '',
    '| model | fp16 vs fp32: worst output\'s max difference / its scale | fp32 | fp16 |',
    '|---|---:|---:|---:|',
  ];
  for (const z of ZOO) {
    const model = await loadModel(z.file);
    const fp32 = await model.createSession({ threads: 1 });
    const fp16 = await model.createSession({ threads: 1, precision: 'fp16' });
    const n = fp32.inputs[0].shape.reduce((a, b) => a * b, 1);
    const [lo, hi] = z.inputRange;
    const x = Float32Array.from({ length: n }, (_, i) => lo + (hi - lo) * (0.5 + 0.5 * Math.sin(i * 0.37)));
    const a = await fp32.run(x);
    const b = await fp16.run(x);
    const worst = Math.max(...fp32.outputs.map((o) => {
      let diff = 0;
      let scale = 0;
      for (let i = 0; i < a[o.name].length; i++) {
        const d = Math.abs(a[o.name][i] - b[o.name][i]);
        diff = Number.isNaN(d) ? Infinity : Math.max(diff, d);
        scale = Math.max(scale, Math.abs(a[o.name][i]));
      }
      return diff / Math.max(scale, 1e-9);
    }));
    lines.push(`| ${z.name} | ${Number.isFinite(worst) ? `${(worst * 100).toFixed(2)}%` : 'non-finite (overflow)'} | ${(await median(fp32, x)).toFixed(2)} ms | ${(await median(fp16, x)).toFixed(2)} ms |`);
    model.dispose();
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}

main().catch((err) => {
  process.stderr.write(`${err.stack}\n`);
  process.exit(1);
});
