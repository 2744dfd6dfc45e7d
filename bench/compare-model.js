#!/usr/bin/env node
'use strict';

// One model, one process: xnnlite (1 and 2 threads) and LiteRT.js (its
// fastest single-threaded build) side by side on the same input, in
// alternating rounds so that machine drift hits both alike. Prints JSON.
//
//   node --experimental-wasm-relaxed-simd bench/compare-model.js MODEL [--rounds N] [--per-round N]
//   node bench/compare-model.js MODEL --litert-only     LiteRT.js alone (in its default "compat" build)

const fs = require('node:fs');
const { loadModel, inspectModel } = require('../dist/index.js');
const { compile } = require('./lib/litert');

function median(values) {
  const s = [...values].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

function arg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}

async function timeRuns(fn, count, into) {
  for (let i = 0; i < count; i++) {
    const t = performance.now();
    await fn();
    into.push(performance.now() - t);
  }
}

async function liteRtOnly(file, bytes, rounds, perRound) {
  const reference = await compile(bytes);
  const details = reference.model.getInputDetails();
  const inputs = details.map((d, k) => Float32Array.from({ length: Array.from(d.shape).reduce((a, b) => a * b, 1) }, (_, i) => 0.5 + 0.5 * Math.sin(i * 0.37 + k)));
  for (let i = 0; i < 3; i++) await reference.run(inputs);
  const samples = [];
  await timeRuns(() => reference.run(inputs), rounds * perRound, samples);
  reference.dispose();
  process.stdout.write(`${JSON.stringify({ model: file, medianMs: { litert: median(samples) }, runs: samples.length })}\n`);
}

async function main() {
  const file = process.argv[2];
  const rounds = arg('rounds', 6);
  const perRound = arg('per-round', 5);
  const bytes = new Uint8Array(fs.readFileSync(file));
  if (process.argv.includes('--litert-only')) return liteRtOnly(file, bytes, rounds, perRound);
  const report = await inspectModel(file);

  let t = performance.now();
  const model = await loadModel(file);
  const loadMs = performance.now() - t;
  t = performance.now();
  const one = await model.createSession({ threads: 1 });
  const initMs = performance.now() - t;
  const two = await model.createSession({ threads: 2 });
  const inputs = model.inputs.map((info, k) => Float32Array.from({ length: info.shape.reduce((a, b) => a * b, 1) }, (_, i) => 0.5 + 0.5 * Math.sin(i * 0.37 + k)));
  const named = Object.fromEntries(model.inputs.map((info, k) => [info.name, inputs[k]]));

  t = performance.now();
  const reference = await compile(bytes);
  const liteRtInitMs = performance.now() - t;

  // Warm every runner before timing.
  for (let i = 0; i < 3; i++) {
    await one.run(named);
    await two.run(named);
    await reference.run(inputs);
  }
  const samples = { xnnlite1: [], xnnlite2: [], litert: [] };
  for (let r = 0; r < rounds; r++) {
    const order = r % 2 === 0 ? ['xnnlite1', 'litert', 'xnnlite2'] : ['litert', 'xnnlite2', 'xnnlite1'];
    for (const who of order) {
      const fn = who === 'litert' ? () => reference.run(inputs) : who === 'xnnlite1' ? () => one.run(named) : () => two.run(named);
      // One untimed run first: each runner's caches and threads are warm when its block is timed.
      await fn();
      await timeRuns(fn, perRound, samples[who]);
    }
  }
  reference.dispose();
  model.dispose();
  const result = {
    model: file,
    macs: report.macs,
    loadMs,
    initMs,
    liteRtInitMs,
    medianMs: { xnnlite1: median(samples.xnnlite1), xnnlite2: median(samples.xnnlite2), litert: median(samples.litert) },
    runs: samples.litert.length,
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

main().catch((err) => {
  process.stderr.write(`${err.stack}\n`);
  process.exit(1);
});
