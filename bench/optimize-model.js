#!/usr/bin/env node
'use strict';

// One model, one process: its one-thread time with xnnlite's graph rewrites
// and without (sessions with optimize true and false, alternating rounds so
// that machine drift hits both alike), the rewrites made, and the five
// slowest kinds of XNNPACK operator after them (medians of profiled runs).
// Prints JSON.
//
//   node bench/optimize-model.js MODEL [--rounds N] [--per-round N]

const { loadModel, inspectModel } = require('../dist/index.js');

function median(values) {
  const s = [...values].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

function arg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}

async function main() {
  const file = process.argv[2];
  const rounds = arg('rounds', 40);
  const perRound = arg('per-round', 1);
  const model = await loadModel(file, { weightCache: false });
  const inputs = Object.fromEntries(model.inputs.map((info, k) => [info.name,
    Float32Array.from({ length: info.shape.reduce((a, b) => a * b, 1) }, (_, i) => 0.5 + 0.5 * Math.sin(i * 0.37 + k))]));
  const sessions = { optimized: await model.createSession({ threads: 1 }), plain: await model.createSession({ threads: 1, optimize: false }) };
  const samples = { optimized: [], plain: [] };
  for (const s of Object.values(sessions)) for (let i = 0; i < 3; i++) await s.run(inputs);
  for (let r = 0; r < rounds; r++) {
    for (const kind of r % 2 ? ['plain', 'optimized'] : ['optimized', 'plain']) {
      for (let i = 0; i < perRound; i++) {
        const t = performance.now();
        await sessions[kind].run(inputs);
        samples[kind].push(performance.now() - t);
      }
    }
  }
  const profiled = await model.createSession({ threads: 1, profile: true });
  const byName = new Map();
  for (let i = 0; i < 12; i++) {
    await profiled.run(inputs);
    if (i < 2) continue;
    for (const p of profiled.profile()) {
      if (p.name.endsWith('(reference kernel)')) continue;
      const entry = byName.get(p.name) ?? { name: p.name, count: p.count, samples: [] };
      entry.samples.push(p.microseconds / 1000);
      byName.set(p.name, entry);
    }
  }
  const slowest = [...byName.values()].map((e) => ({ name: e.name, count: e.count, ms: median(e.samples) }))
    .sort((a, b) => b.ms - a.ms).slice(0, 5);
  const rewrites = (await inspectModel(file)).rewrites;
  model.dispose();
  process.stdout.write(`${JSON.stringify({
    optimizedMs: median(samples.optimized), plainMs: median(samples.plain), runs: samples.optimized.length, rewrites, slowest,
  })}\n`);
}

main().catch((err) => {
  process.stderr.write(`${err.stack}\n`);
  process.exit(1);
});
