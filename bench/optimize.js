#!/usr/bin/env node
'use strict';

// node bench/optimize.js [model ...]: pruning and clustering on small zoo
// models, each file measured against its original with optimizationReport()
// (sizes raw/gzip/brotli; speed: 1 thread, rounds of runs with the two models
// alternating, medians; error of the first output on synthetic inputs in
// [0, 1], against the original's largest magnitude: on such inputs some
// outputs, e.g. a segmentation mask with nobody in the picture, sit near zero,
// so read the error on real held-out data before choosing). Clustering leaves
// the graph as it was: its speed-up is the measurement's noise. Pruning and
// clustering without retraining cost accuracy that only retraining recovers.

const { cluster, optimizationReport, prune, version } = require('../dist/index.js');
const { zooModel } = require('./lib/zoo');

const MODELS = process.argv.length > 2 ? process.argv.slice(2)
  : ['face_detection_short_range', 'face_detection_full_range', 'selfie_segmentation', 'hand_landmark_lite'];
const POINTS = [
  ['structured 25%', (f) => prune(f, { sparsity: 0.25, structured: true })],
  ['structured 50%', (f) => prune(f, { sparsity: 0.5, structured: true })],
  ['unstructured 50%', (f) => prune(f, { sparsity: 0.5 })],
  ['unstructured 75%', (f) => prune(f, { sparsity: 0.75 })],
  ['16 clusters', (f) => cluster(f, { clusters: 16 })],
];

const pct = (x) => `${(100 * x).toFixed(0)}%`;

async function main() {
  console.log(`CPU ISA: ${version().isa.join(', ')}. 1 thread; speed-up: median of 7 alternating rounds of 30 runs.\n`);
  console.log('| model | transform | file | gzip | brotli | speed-up | first output: max \\|diff\\| (its largest \\|value\\|) |');
  console.log('|---|---|---:|---:|---:|---:|---:|');
  for (const name of MODELS) {
    const file = zooModel(name).file;
    for (const [label, make] of POINTS) {
      const bytes = await make(file);
      const r = await optimizationReport(file, bytes, { syntheticSamples: 4, speed: { rounds: 7, runs: 30, threads: 1 } });
      const first = r.accuracy.outputs[0];
      console.log(`| ${name} | ${label} | ${pct(r.size.after.raw / r.size.before.raw)} | ${pct(r.size.after.gzip / r.size.before.gzip)} `
        + `| ${pct(r.size.after.brotli / r.size.before.brotli)} | ${r.speed.speedup.toFixed(2)}x | ${first.name}: ${first.maxAbs.toPrecision(3)} (${first.scale.toPrecision(3)}) |`);
    }
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
