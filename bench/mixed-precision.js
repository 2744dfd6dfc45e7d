#!/usr/bin/env node
'use strict';

// node bench/mixed-precision.js [model]: mixed precision under an error
// budget against full float and full int8 (default model:
// selfie_segmentation, whose full-int8 error is the zoo's largest). 16
// synthetic pictures calibrate, 4 others are held out; for each budget,
// quantize({ maxError }) keeps the most sensitive operators float. Speed: 1
// thread, rounds of benchmarkModel runs with every model in each round (the
// order rotating), medians, as ratios to float in this one run. Error: the
// budget's measure (max |diff| / largest |float value|, worst output) on the
// held-out pictures. Synthetic inputs: indicative only; measure on real data.

const fs = require('node:fs');
const { benchmarkModel, quantize, version } = require('../dist/index.js');
const { readModel } = require('../dist/model/reader.js');
const { zooModel } = require('./lib/zoo');
const { syntheticImage } = require('./lib/architectures');

const NAME = process.argv[2] ?? 'selfie_segmentation';
const BUDGETS = [0.5, 0.3, 0.1];
const ROUNDS = 7;
const RUNS = 30;

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

async function main() {
  const zoo = zooModel(NAME);
  const file = fs.readFileSync(zoo.file);
  const sg = readModel(file).subgraphs[0];
  const info = sg.tensors[sg.inputs[0]];
  const picture = (seed) => ({ [info.name]: syntheticImage(info.shape, zoo.inputRange[0], zoo.inputRange[1], seed) });
  const calibration = Array.from({ length: 16 }, (_, k) => picture(k + 1));
  const heldOut = [101, 102, 103, 104].map(picture);
  const computing = sg.operators.filter((op) => op.op !== 'DEQUANTIZE' && op.op !== 'DENSIFY').length;

  const rows = [];
  const models = [{ label: 'float (the zoo file)', bytes: file, floatOps: computing, error: 0 }];
  for (const maxError of BUDGETS) {
    const started = Date.now();
    const r = await quantize(file, { mode: 'int8', calibration, heldOut, maxError });
    const seconds = (Date.now() - started) / 1000;
    if (maxError === BUDGETS[0]) models.push({ label: 'full int8', bytes: null, floatOps: r.leftFloat.length, error: r.budget.quantizedError });
    models.push({
      label: `mixed, budget ${maxError}`, bytes: r.budget.met ? r.bytes : null, floatOps: r.kept.length + r.leftFloat.length,
      error: r.budget.error, note: `${r.budget.met ? 'met' : 'not met'}, ${r.budget.rounds} rounds, ${seconds.toFixed(0)} s`,
    });
  }
  models[1].bytes = await quantize(file, { mode: 'int8', calibration });
  const timed = models.filter((m) => m.bytes);
  const times = timed.map(() => []);
  for (const m of timed) await benchmarkModel(m.bytes, { threads: 1, runs: 1, warmup: 1 });
  for (let r = 0; r < ROUNDS; r++) {
    for (let j = 0; j < timed.length; j++) {
      const k = (j + r) % timed.length;
      times[k].push((await benchmarkModel(timed[k].bytes, { threads: 1, runs: RUNS, warmup: 3 })).inferenceMs.median);
    }
  }
  const floatMs = median(times[0]);
  console.log(`${NAME}: ${computing} computing operators. CPU ISA: ${version().isa.join(', ')}. 1 thread; median of ${ROUNDS} rotating rounds of ${RUNS} runs.\n`);
  console.log('| model | operators in float | size | held-out error (max / largest) | latency | speed vs float |');
  console.log('|---|---:|---:|---:|---:|---:|');
  for (const m of models) {
    const k = timed.indexOf(m);
    const ms = k >= 0 ? median(times[k]) : undefined;
    rows.push(`| ${m.label}${m.note ? ` (${m.note})` : ''} | ${m.floatOps} | ${m.bytes ? `${(m.bytes.length / 1024).toFixed(0)} KiB` : '-'} | ${(100 * m.error).toFixed(1)}% `
      + `| ${ms !== undefined ? `${ms.toFixed(2)} ms` : '-'} | ${ms !== undefined ? `${(floatMs / ms).toFixed(2)}x` : '-'} |`);
  }
  console.log(rows.join('\n'));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
