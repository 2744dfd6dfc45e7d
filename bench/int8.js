#!/usr/bin/env node
'use strict';

// npm run bench:int8: full-integer int8 against float32 on the zoo. Each
// float model (FP16/sparse weights read as float32) is quantized to int8
// with 16 synthetic calibration inputs in its input range, then both models
// run 1 thread on one held-out input, their runs interleaved so that both see
// the same machine load. Reports the int8 file's size, median latencies, the
// speed-up, and the int8 error against float32 on the first output relative
// to its largest magnitude (synthetic calibration, so indicative only).
// Where every operator has an int16 kernel, the int16x8 model (xnnlite's
// reference kernels) is timed too, with fewer runs: it is much slower.

const fs = require('node:fs');
const { loadModel, quantize, version } = require('../dist/index.js');
const { floatSpec } = require('../dist/quantize/index.js');
const { writeModel } = require('../dist/model/writer.js');
const { ZOO } = require('./lib/zoo');
const { relativeError, percent } = require('./lib/relative-error');

const RUNS = 21;
const INT16_RUNS = 5;

function input(n, [lo, hi], seed) {
  return Float32Array.from({ length: n }, (_, i) => lo + (hi - lo) * (0.5 + 0.5 * Math.sin(i * 0.37 * seed + seed)));
}

/** Mean and max difference on the first output (the model's main one), relative to its largest magnitude. */
function firstOutputError(session, reference, other) {
  const { name } = session.outputs[0];
  const { mean, max } = relativeError(reference[name], other[name]);
  return `${percent(mean)} / ${percent(max, 1)}`;
}

/** Latency and error of the int16x8 model, or why there is none. */
async function int16x8Columns(float32, calibration, x, floatSession, floatOutputs) {
  let bytes;
  try {
    bytes = await quantize(float32, { mode: 'int16x8', calibration });
  } catch (err) {
    if (err.name !== 'UnsupportedOpError') throw err;
    return `- (no int16 ${err.op}) | -`;
  }
  const model = await loadModel(bytes);
  const session = await model.createSession({ threads: 1 });
  const out = await session.run(x);
  const times = [];
  for (let i = 0; i < INT16_RUNS; i++) {
    const t = performance.now();
    await session.run(x);
    times.push(performance.now() - t);
  }
  model.dispose();
  times.sort((p, q) => p - q);
  return `${times[Math.floor(times.length / 2)].toFixed(1)} ms | ${firstOutputError(floatSession, floatOutputs, out)}`;
}

async function main() {
  const lines = [
    `CPU ISA: ${version().isa.join(', ')}. 1 thread, median of ${RUNS} interleaved runs.`,
    '',
    '| model | int8 size | fp32 | int8 | int8 speed-up | int8 vs fp32, first output: mean / max difference | int16x8 (reference kernels) | int16x8 vs fp32: mean / max |',
    '|---|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const z of ZOO) {
    const float32 = writeModel(floatSpec(fs.readFileSync(z.file)));
    const floatModel = await loadModel(float32);
    const { name, shape } = floatModel.inputs[0];
    const n = shape.reduce((a, b) => a * b, 1);
    const calibration = Array.from({ length: 16 }, (_, k) => ({ [name]: input(n, z.inputRange, k + 2) }));
    const int8 = await quantize(float32, { mode: 'int8', calibration });
    const int8Model = await loadModel(int8);
    const a = await floatModel.createSession({ threads: 1 });
    const b = await int8Model.createSession({ threads: 1 });
    const x = input(n, z.inputRange, 1);
    const outA = await a.run(x);
    const outB = await b.run(x);
    const ta = [];
    const tb = [];
    for (let i = 0; i < RUNS; i++) {
      let t = performance.now();
      await a.run(x);
      ta.push(performance.now() - t);
      t = performance.now();
      await b.run(x);
      tb.push(performance.now() - t);
    }
    const median = (v) => v.sort((p, q) => p - q)[Math.floor(v.length / 2)];
    const [ma, mb] = [median(ta), median(tb)];
    const int16 = await int16x8Columns(float32, calibration, x, a, outA);
    lines.push(`| ${z.name} | ${((100 * int8.length) / float32.length).toFixed(0)}% | ${ma.toFixed(2)} ms | ${mb.toFixed(2)} ms | ${(ma / mb).toFixed(2)}x | ${firstOutputError(a, outA, outB)} | ${int16} |`);
    floatModel.dispose();
    int8Model.dispose();
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}

main().catch((err) => {
  process.stderr.write(`${err.stack}\n`);
  process.exit(1);
});
