#!/usr/bin/env node
'use strict';

// npm run bench:cache: what the shared weight cache buys.
//  1. Per zoo model, in fresh processes: session creation and first inference
//     without a cache, cold (building the cache file) and warm (mapping it).
//  2. pose_landmark_heavy in 1, 2, 4 and 8 concurrent worker processes, with
//     and without the cache: each process's RSS and PSS (from
//     /proc/PID/smaps_rollup) once its session has run.
// Writes bench/results/cache.{json,md}; --readme replaces the README's cache table.

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawn } = require('node:child_process');
const { ZOO, zooModel } = require('./lib/zoo');

const child = path.join(__dirname, 'lib', 'cache-child.js');
const root = path.join(__dirname, '..');

function start(model, dir) {
  const proc = spawn(process.execPath, [child, model, dir], { stdio: ['pipe', 'pipe', 'inherit'] });
  const ready = new Promise((resolve, reject) => {
    let out = '';
    proc.stdout.on('data', (d) => {
      out += d;
      if (out.includes('\n')) resolve(JSON.parse(out.split('\n')[0]));
    });
    proc.on('exit', (code) => code !== 0 && reject(new Error(`child exited with ${code}`)));
  });
  const stop = () => new Promise((resolve) => {
    proc.on('exit', resolve);
    proc.stdin.write('\n');
  });
  return { ready, stop };
}

async function once(model, dir) {
  const p = start(model, dir);
  const r = await p.ready;
  await p.stop();
  return r;
}

function memoryOf(pid) {
  const text = fs.readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
  const kb = (key) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? NaN);
  return { rssMiB: kb('Rss') / 1024, pssMiB: kb('Pss') / 1024 };
}

async function workers(model, count, dir) {
  const procs = Array.from({ length: count }, () => start(model, dir));
  const results = await Promise.all(procs.map((p) => p.ready));
  const memory = results.map((r) => memoryOf(r.pid));
  await Promise.all(procs.map((p) => p.stop()));
  return { count, totalPssMiB: memory.reduce((s, m) => s + m.pssMiB, 0), meanRssMiB: memory.reduce((s, m) => s + m.rssMiB, 0) / count, states: results.map((r) => r.state) };
}

async function main() {
  const results = { machine: `${os.cpus()[0]?.model.trim()}, ${os.availableParallelism()} CPUs`, startup: [], workers: [] };
  for (const m of ZOO) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xnnlite-cache-bench-'));
    try {
      const none = await once(m.file, '-');
      const cold = await once(m.file, dir);
      const warm = await once(m.file, dir);
      results.startup.push({ name: m.name, none, cold, warm });
      process.stderr.write(`${m.name}: init ${none.initMs.toFixed(1)} / cold ${cold.initMs.toFixed(1)} / warm ${warm.initMs.toFixed(1)} ms\n`);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }
  const heavy = zooModel('pose_landmark_heavy').file;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xnnlite-cache-bench-'));
  try {
    await once(heavy, dir);
    for (const count of [1, 2, 4, 8]) {
      const without = await workers(heavy, count, '-');
      const withCache = await workers(heavy, count, dir);
      results.workers.push({ count, without, withCache, packedMiB: (await once(heavy, dir)).packedBytes / 2 ** 20 });
      process.stderr.write(`${count} workers: PSS ${without.totalPssMiB.toFixed(0)} MiB without, ${withCache.totalPssMiB.toFixed(0)} MiB with the cache\n`);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }

  const lines = [
    `Machine: ${results.machine}. One fresh process per figure; 1 thread.`,
    '',
    '| model | session creation: no cache | cold (builds the file) | warm (maps it) | warm vs cold | warm vs no cache | first inference: no cache / warm |',
    '|---|---:|---:|---:|---:|---:|---:|',
    ...results.startup.map((s) => `| ${s.name} | ${s.none.initMs.toFixed(1)} ms | ${s.cold.initMs.toFixed(1)} ms | ${s.warm.initMs.toFixed(1)} ms | ${(s.cold.initMs / s.warm.initMs).toFixed(1)}x | ${(s.none.initMs / s.warm.initMs).toFixed(1)}x | ${s.none.firstMs.toFixed(1)} / ${s.warm.firstMs.toFixed(1)} ms |`),
    '',
    `pose_landmark_heavy in N worker processes (packed weights: ${results.workers[0]?.packedMiB.toFixed(1)} MiB):`,
    '',
    '| workers | total PSS, no cache | total PSS, cache | PSS per added worker, no cache | PSS per added worker, cache | mean RSS, no cache / cache |',
    '|---:|---:|---:|---:|---:|---:|',
    ...results.workers.map((w, i) => {
      const prev = results.workers[i - 1];
      const perWorker = (now, before, n0, n1) => (before ? `${((now - before) / (n1 - n0)).toFixed(1)} MiB` : '-');
      return `| ${w.count} | ${w.without.totalPssMiB.toFixed(1)} MiB | ${w.withCache.totalPssMiB.toFixed(1)} MiB | ${perWorker(w.without.totalPssMiB, prev?.without.totalPssMiB, prev?.count, w.count)} | ${perWorker(w.withCache.totalPssMiB, prev?.withCache.totalPssMiB, prev?.count, w.count)} | ${w.without.meanRssMiB.toFixed(0)} / ${w.withCache.meanRssMiB.toFixed(0)} MiB |`;
    }),
  ];
  const table = lines.join('\n');
  const out = path.join(__dirname, 'results');
  fs.mkdirSync(out, { recursive: true });
  fs.writeFileSync(path.join(out, 'cache.json'), `${JSON.stringify(results, null, 2)}\n`);
  fs.writeFileSync(path.join(out, 'cache.md'), `${table}\n`);
  process.stdout.write(`${table}\n`);
  if (process.argv.includes('--readme')) {
    const file = path.join(root, 'README.md');
    const text = fs.readFileSync(file, 'utf8');
    const a = text.indexOf('<!-- cache:start -->');
    const b = text.indexOf('<!-- cache:end -->');
    if (a < 0 || b < a) throw new Error('README.md has no <!-- cache:start --> ... <!-- cache:end --> section');
    fs.writeFileSync(file, `${text.slice(0, a + '<!-- cache:start -->'.length)}\n${table}\n${text.slice(b)}`);
  }
}

main().catch((err) => {
  process.stderr.write(`bench:cache: ${err.stack}\n`);
  process.exit(1);
});
