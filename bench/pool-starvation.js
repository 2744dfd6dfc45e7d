#!/usr/bin/env node
'use strict';

// Does inference hold back Node's own thread pool? Measures the latency of a
// small fs.promises.readFile and of a zlib.gzip (both served by libuv's pool)
// with nothing else running, then while SESSIONS sessions of a model run back
// to back, and prints the ratios.
//
// npm run bench:pool -- [--model NAME] [--sessions N] [--samples N] [--compare DIR] [--json]
// --compare DIR runs the same measurement with another built checkout of
// xnnlite, in its own process, one after the other, so both figures come from
// one run on one machine.

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const zlib = require('node:zlib');
const { promisify } = require('node:util');
const { spawnSync } = require('node:child_process');
const { zooModel } = require('./lib/zoo.js');

const gzip = promisify(zlib.gzip);

function option(name, fallback) {
  const i = process.argv.indexOf(name);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
}

async function latencies(samples, op) {
  const ms = [];
  for (let i = 0; i < samples; i++) {
    const start = process.hrtime.bigint();
    await op();
    ms.push(Number(process.hrtime.bigint() - start) / 1e6);
    // Spaced out, as requests of a service would be.
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  ms.sort((a, b) => a - b);
  return { p50: percentile(ms, 0.5), p90: percentile(ms, 0.9), max: ms[ms.length - 1] };
}

async function measure(root, modelName, sessionCount, samples) {
  const { loadModel, version } = require(path.join(path.resolve(root), 'dist', 'index.js'));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xnnlite-pool-'));
  const file = path.join(dir, 'small.txt');
  fs.writeFileSync(file, 'x'.repeat(100));
  const payload = Buffer.alloc(4096, 7);
  const readFile = () => fs.promises.readFile(file);
  const compress = () => gzip(payload);
  try {
    const idle = { readFile: await latencies(samples, readFile), gzip: await latencies(samples, compress) };

    const model = await loadModel(zooModel(modelName).file);
    const sessions = await Promise.all(Array.from({ length: sessionCount }, () => model.createSession({ threads: 1 })));
    let running = true;
    let inferences = 0;
    const loops = sessions.map(async (session) => {
      const inputs = Object.fromEntries(session.inputs.map((t) => [t.name, new Float32Array(t.shape.reduce((a, b) => a * b, 1)).fill(0.5)]));
      while (running) {
        await session.run(inputs);
        inferences++;
      }
    });
    await new Promise((resolve) => setTimeout(resolve, 200));
    const started = process.hrtime.bigint();
    const loaded = { readFile: await latencies(samples, readFile), gzip: await latencies(samples, compress) };
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    running = false;
    await Promise.all(loops);
    model.dispose();
    const v = version();
    return { idle, loaded, inferencesPerSecond: inferences / seconds, concurrency: v.concurrency };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function report(label, r) {
  const line = (name) => {
    const idle = r.idle[name];
    const loaded = r.loaded[name];
    return `  ${name.padEnd(9)} idle p50 ${idle.p50.toFixed(3)} ms, p90 ${idle.p90.toFixed(3)} ms | under load p50 ${loaded.p50.toFixed(3)} ms, p90 ${loaded.p90.toFixed(3)} ms | p90 ratio ${(loaded.p90 / idle.p90).toFixed(2)}x`;
  };
  const concurrency = r.concurrency === undefined ? 'libuv pool' : `${r.concurrency} at once`;
  console.log(`${label} (${concurrency}, ${r.inferencesPerSecond.toFixed(1)} inferences/s):`);
  console.log(line('readFile'));
  console.log(line('gzip'));
}

async function main() {
  const modelName = option('--model', 'pose_landmark_full');
  const sessions = Number(option('--sessions', '8'));
  const samples = Number(option('--samples', '200'));
  if (process.argv.includes('--child')) {
    const result = await measure(option('--child'), modelName, sessions, samples);
    process.stdout.write(`${JSON.stringify(result)}\n`);
    return;
  }
  const roots = [['this checkout', path.join(__dirname, '..')]];
  const other = option('--compare');
  if (other) roots.push([other, other]);
  const results = {};
  for (const [label, root] of roots) {
    // One process per checkout: each loads its own addon and pool.
    const child = spawnSync(process.execPath, [__filename, '--child', root, '--model', modelName, '--sessions', String(sessions), '--samples', String(samples)], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    if (child.status !== 0) throw new Error(`measurement with ${root} failed`);
    results[label] = JSON.parse(child.stdout.trim().split('\n').pop());
  }
  if (process.argv.includes('--json')) {
    process.stdout.write(`${JSON.stringify({ model: modelName, sessions, cpu: os.cpus()[0]?.model, results })}\n`);
    return;
  }
  console.log(`${modelName}, ${sessions} sessions running back to back, ${samples} samples, ${os.cpus()[0]?.model} x ${os.cpus().length}`);
  for (const [label, r] of Object.entries(results)) report(label, r);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
