#!/usr/bin/env node
'use strict';

// One model, one process: xnnlite (1 and 2 threads) and LiteRT.js (its
// fastest single-threaded build) side by side on the same input, in
// alternating rounds so that machine drift hits both alike. Prints JSON.
//
//   node --experimental-wasm-relaxed-simd bench/compare-model.js MODEL [--rounds N] [--per-round N]
//   node bench/compare-model.js MODEL --litert-only     LiteRT.js alone (in its default "compat" build)
//
// MODEL is a .tflite file, or arch:NAME for one of the architectures of
// bench/lib/architectures.js (built from dist/ in memory, fed its own inputs).

const fs = require('node:fs');
const { loadModel, inspectModel } = require('../dist/index.js');
const { compile } = require('./lib/litert');
const { architecture } = require('./lib/architectures');

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

/** A file's bytes and sine inputs, or an architecture's bytes and its own inputs. */
function source(name) {
  if (!name.startsWith('arch:')) return { bytes: new Uint8Array(fs.readFileSync(name)), inputs: undefined };
  const a = architecture(name.slice(5));
  return { bytes: a.build(), inputs: a.inputs() };
}

const sineInputs = (shapes) => shapes.map((shape, k) => Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => 0.5 + 0.5 * Math.sin(i * 0.37 + k)));

async function liteRtOnly(file, rounds, perRound) {
  const { bytes, inputs: own } = source(file);
  const reference = await compile(bytes);
  const inputs = own ?? sineInputs(reference.model.getInputDetails().map((d) => Array.from(d.shape)));
  for (let i = 0; i < 3; i++) await reference.runTyped(inputs);
  const samples = [];
  await timeRuns(() => reference.runTyped(inputs), rounds * perRound, samples);
  reference.dispose();
  process.stdout.write(`${JSON.stringify({ model: file, medianMs: { litert: median(samples) }, runs: samples.length })}\n`);
}

async function main() {
  const file = process.argv[2];
  const rounds = arg('rounds', 6);
  const perRound = arg('per-round', 5);
  if (process.argv.includes('--litert-only')) return liteRtOnly(file, rounds, perRound);
  const { bytes, inputs: own } = source(file);
  const modelSource = file.startsWith('arch:') ? bytes : file;
  const report = await inspectModel(modelSource);

  let t = performance.now();
  const model = await loadModel(modelSource);
  const loadMs = performance.now() - t;
  t = performance.now();
  const one = await model.createSession({ threads: 1 });
  const initMs = performance.now() - t;
  const two = await model.createSession({ threads: 2 });
  const inputs = own ?? sineInputs(model.inputs.map((info) => info.shape));
  const named = Object.fromEntries(model.inputs.map((info, k) => [info.name, inputs[k]]));

  t = performance.now();
  const reference = await compile(bytes);
  const liteRtInitMs = performance.now() - t;

  // Warm every runner before timing.
  for (let i = 0; i < 3; i++) {
    await one.run(named);
    await two.run(named);
    await reference.runTyped(inputs);
  }
  const samples = { xnnlite1: [], xnnlite2: [], litert: [] };
  for (let r = 0; r < rounds; r++) {
    const order = r % 2 === 0 ? ['xnnlite1', 'litert', 'xnnlite2'] : ['litert', 'xnnlite2', 'xnnlite1'];
    for (const who of order) {
      // runTyped: LiteRT.js's outputs as it gives them (run() would also convert them to Float32Array).
      const fn = who === 'litert' ? () => reference.runTyped(inputs) : who === 'xnnlite1' ? () => one.run(named) : () => two.run(named);
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
