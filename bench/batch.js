#!/usr/bin/env node
'use strict';

// npm run bench:batch: what batching buys a service. For each zoo model and
// the convolutional architectures, sessions at batch 1, 4 and 16 (every
// input's first dimension; TFLite's resize_tensor_input), one thread, and the
// throughput per item at each, measured in one process per model, alternating
// rounds. A model whose operators fix the batch (a RESHAPE to a constant
// shape, say) is listed with the operator that refuses it.
// Writes bench/results/batch.{json,md}.
//
//   npm run bench:batch [-- --models a,b] [--runs N] [--batches 1,4,16]

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { benchmarkModel, loadModel } = require('../dist/index.js');
const { ZOO } = require('./lib/zoo');

function option(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
}

async function main() {
  const wanted = option('models');
  const models = ZOO.filter((m) => !wanted || wanted.split(',').includes(m.name));
  const batches = option('batches', '1,4,16').split(',').map(Number);
  const runs = Number(option('runs', '20'));
  const results = [];
  for (const m of models) {
    const row = { name: m.name, batches: [] };
    try {
      for (const batch of batches) {
        const r = await benchmarkModel(m.file, { threads: 1, runs, warmup: 3, batch });
        row.batches.push({ batch, medianMs: r.inferenceMs.median, itemsPerSecond: r.itemsPerSecond });
      }
    } catch (err) {
      row.refused = err.message.split('\n')[0];
    }
    results.push(row);
    process.stderr.write(`${m.name}: ${row.refused ? `fixed batch (${row.refused})` : row.batches.map((b) => `batch ${b.batch} ${b.itemsPerSecond.toFixed(1)} items/s`).join(', ')}\n`);
  }
  // The largest model that takes a batch: where packing costs most, and what a resize saves shows.
  const resizable = models.filter((m) => results.find((r) => r.name === m.name && !r.refused));
  const largest = resizable.sort((a, b) => fs.statSync(b.file).size - fs.statSync(a.file).size)[0];
  const resize = await resizeCost(largest, 4);
  const cpu = os.cpus()[0]?.model.trim() ?? os.arch();
  const lines = [
    `Machine: ${cpu}, ${os.availableParallelism()} CPUs. One thread; medians of ${runs} runs per batch size; throughput per item = batch / median latency.`,
    '',
    `| model | ${batches.map((b) => `batch ${b}`).join(' | ')} | batch ${batches[batches.length - 1]} vs ${batches[0]} |`,
    `|---|${batches.map(() => '---:').join('|')}|---:|`,
    ...results.map((r) => (r.refused
      ? `| ${r.name} | ${batches.map(() => '-').join(' | ')} | fixed batch: ${r.refused} |`
      : `| ${r.name} | ${r.batches.map((b) => `${b.medianMs.toFixed(2)} ms (${b.itemsPerSecond.toFixed(0)}/s)`).join(' | ')} | ${(r.batches[r.batches.length - 1].itemsPerSecond / r.batches[0].itemsPerSecond).toFixed(2)}x |`)),
  ];
  if (resize) {
    lines.push('', `Resizing a session of ${resize.model} from batch 1 to ${resize.batch}: ${resize.resizeMs.toFixed(1)} ms (weight cache: ${resize.state}), `
      + `against ${resize.createMs.toFixed(1)} ms to create the batch-1 session that packed the weights (${resize.createState}) `
      + `and ${resize.uncachedMs.toFixed(1)} ms to create a batch-${resize.batch} session without a cache.`);
  }
  const dir = path.join(__dirname, 'results');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'batch.json'), `${JSON.stringify({ machine: cpu, date: new Date().toISOString(), runs, results, resize }, null, 2)}\n`);
  fs.writeFileSync(path.join(dir, 'batch.md'), `${lines.join('\n')}\n`);
  process.stdout.write(`${lines.join('\n')}\n`);
}

/** What a resize costs against creating a session, and whether it reuses the packed weights (the weight cache says so). */
async function resizeCost(model, batch) {
  if (!model) return undefined;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xnnlite-bench-resize-'));
  try {
    const fresh = await loadModel(model.file, { weightCache: false, threads: 1 });
    const shapes = Object.fromEntries(fresh.inputs.map((i) => [i.name, [batch, ...i.shape.slice(1)]]));
    let t = performance.now();
    await fresh.createSession({ inputShapes: shapes });
    const uncachedMs = performance.now() - t;
    fresh.dispose();
    const m = await loadModel(model.file, { weightCache: dir, threads: 1 });
    t = performance.now();
    const session = await m.createSession();
    const createMs = performance.now() - t;
    const createState = session.weightCache?.state;
    t = performance.now();
    await session.resize(shapes);
    const resizeMs = performance.now() - t;
    const state = session.weightCache?.state;
    m.dispose();
    return { model: model.name, batch, createMs, createState, resizeMs, state, uncachedMs };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  process.stderr.write(`${err.stack}\n`);
  process.exit(1);
});
