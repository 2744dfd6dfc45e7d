#!/usr/bin/env node
'use strict';

// npm run bench:cache: what the shared weight cache buys.
//  0. The start-up targets on pose_landmark_heavy: session creation and
//     process start to first result, without a cache and warm, medians of
//     --runs (default 8) fresh processes each, outputs compared.
//  1. Per zoo model, in fresh processes: session creation and first inference
//     without a cache, cold (building the cache file) and warm (mapping it).
//  2. pose_landmark_heavy in 1, 2, 4 and 8 concurrent worker processes, with
//     and without the cache: each process's RSS and PSS (from
//     /proc/PID/smaps_rollup) once its session has run.
// Writes bench/results/cache.{json,md}; --readme replaces the README's cache table;
// --targets measures only 0.
//
// npm run bench:cache -- --compare DIR [--model NAME] [--runs N]: instead,
// warm starts of this checkout and of another one (DIR, built, e.g. a git
// worktree of the commit before a change) side by side: fresh processes,
// alternating, each with its own warm cache directory; prints the medians of
// load, session creation and both, and the ratios. This is how a change to
// the start-up path is shown not to slow warm starts down.

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawn } = require('node:child_process');
const { ZOO, zooModel } = require('./lib/zoo');

const child = path.join(__dirname, 'lib', 'cache-child.js');
const root = path.join(__dirname, '..');

// NODE_EXTRA_CA_CERTS makes every Node process parse a CA bundle before it
// runs any script (about 80 ms on the machine this was written on): start-up
// cost that no library can change, so the children run without it, and the
// tables say so.
const childEnv = { ...process.env };
delete childEnv.NODE_EXTRA_CA_CERTS;
const caNote = process.env.NODE_EXTRA_CA_CERTS ? ' Processes run without the NODE_EXTRA_CA_CERTS set here (it adds a CA bundle\'s parsing to every Node start).' : '';

function start(model, dir, script = child) {
  const proc = spawn(process.execPath, [script, model, dir], { stdio: ['pipe', 'pipe', 'inherit'], env: childEnv });
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

async function once(model, dir, script) {
  const p = start(model, dir, script);
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

function option(name, fallback) {
  const k = process.argv.indexOf(name);
  return k >= 0 && k + 1 < process.argv.length ? process.argv[k + 1] : fallback;
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

async function compare(otherRoot) {
  const model = zooModel(option('--model', 'pose_landmark_heavy'));
  const runs = Number(option('--runs', '12'));
  const trees = [['this checkout', child], [path.resolve(otherRoot), path.join(path.resolve(otherRoot), 'bench', 'lib', 'cache-child.js')]];
  if (!fs.existsSync(trees[1][1])) throw new Error(`${trees[1][1]} does not exist: --compare takes a built checkout of xnnlite`);
  const dirs = trees.map(() => fs.mkdtempSync(path.join(os.tmpdir(), 'xnnlite-cache-compare-')));
  try {
    const samples = trees.map(() => []);
    // Build each cache and let the file settle; then alternate, so that both see the same machine.
    for (let k = 0; k < trees.length; k++) for (let i = 0; i < 2; i++) await once(model.file, dirs[k], trees[k][1]);
    for (let i = 0; i < runs; i++) {
      for (const k of i % 2 ? [1, 0] : [0, 1]) samples[k].push(await once(model.file, dirs[k], trees[k][1]));
    }
    const stats = samples.map((s) => ({ load: median(s.map((r) => r.loadMs)), init: median(s.map((r) => r.initMs)), both: median(s.map((r) => r.loadMs + r.initMs)), state: s[0].state }));
    const lines = [
      `Machine: ${os.cpus()[0]?.model.trim()}, ${os.availableParallelism()} CPUs. ${model.name}, warm starts, ${runs} fresh processes each, alternating; medians.`,
      '',
      '| checkout | cache | load | session creation | load + session creation |',
      '|---|---|---:|---:|---:|',
      ...trees.map(([name], k) => `| ${name} | ${stats[k].state} | ${stats[k].load.toFixed(1)} ms | ${stats[k].init.toFixed(1)} ms | ${stats[k].both.toFixed(1)} ms |`),
      '',
      `this / other: session creation ${(stats[0].init / stats[1].init).toFixed(2)}x, load + session creation ${(stats[0].both / stats[1].both).toFixed(2)}x`,
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  } finally {
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  }
}

/**
 * The start-up targets, on pose_landmark_heavy: fresh processes without a
 * cache and with a warm one, alternating, `runs` each; medians of session
 * creation and of process start to first result, and whether every process
 * computed the same outputs.
 */
async function startupTargets(runs) {
  const model = zooModel('pose_landmark_heavy');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xnnlite-cache-bench-'));
  try {
    await once(model.file, dir);
    const none = [];
    const warm = [];
    for (let i = 0; i < runs; i++) {
      for (const k of i % 2 ? [1, 0] : [0, 1]) (k ? warm : none).push(await once(model.file, k ? dir : '-'));
    }
    const m = (xs, key) => median(xs.map((r) => r[key]));
    const result = {
      model: model.name,
      runs,
      initMs: { none: m(none, 'initMs'), warm: m(warm, 'initMs') },
      startToFirstMs: { none: m(none, 'startToFirstMs'), warm: m(warm, 'startToFirstMs') },
      // loadModel now also starts verifying the cache file: this row shows nothing was just moved there.
      loadAndInitMs: { none: median(none.map((r) => r.loadMs + r.initMs)), warm: median(warm.map((r) => r.loadMs + r.initMs)) },
      phasesMs: Object.fromEntries(['bootMs', 'requireMs', 'loadMs', 'initMs', 'firstMs'].map((k) => [k, { none: m(none, k), warm: m(warm, k) }])),
      warmStates: [...new Set(warm.map((r) => r.state))],
      identicalOutputs: new Set([...none, ...warm].map((r) => r.outputs)).size === 1,
    };
    result.initSpeedup = result.initMs.none / result.initMs.warm;
    result.startToFirstRatio = result.startToFirstMs.warm / result.startToFirstMs.none;
    return result;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const ms2 = (p) => `${p.none.toFixed(0)} / ${p.warm.toFixed(0)} ms`;

function startupTable(s) {
  return [
    `${s.model}, 1 thread, ${s.runs} fresh processes each without a cache and with a warm one (${s.warmStates.join(', ')}), alternating; medians.${caNote}`,
    '',
    '| | no cache | warm cache | warm vs no cache | target |',
    '|---|---:|---:|---:|---|',
    `| session creation | ${s.initMs.none.toFixed(1)} ms | ${s.initMs.warm.toFixed(1)} ms | ${s.initSpeedup.toFixed(2)}x faster | 4x faster: ${s.initSpeedup >= 4 ? 'met' : 'not met'} |`,
    `| loadModel + session creation | ${s.loadAndInitMs.none.toFixed(1)} ms | ${s.loadAndInitMs.warm.toFixed(1)} ms | ${(s.loadAndInitMs.none / s.loadAndInitMs.warm).toFixed(2)}x faster | - |`,
    `| process start to first result | ${s.startToFirstMs.none.toFixed(1)} ms | ${s.startToFirstMs.warm.toFixed(1)} ms | ${s.startToFirstRatio.toFixed(2)} of it | at most 0.5: ${s.startToFirstRatio <= 0.5 ? 'met' : 'not met'} |`,
    '',
    `Where the time goes (medians, no cache / warm): Node's own start-up ${ms2(s.phasesMs.bootMs)}, require('xnnlite') ${ms2(s.phasesMs.requireMs)}, `
      + `loadModel ${ms2(s.phasesMs.loadMs)}, createSession ${ms2(s.phasesMs.initMs)}, first inference ${ms2(s.phasesMs.firstMs)}.`,
    '',
    `Outputs of all ${2 * s.runs} processes: ${s.identicalOutputs ? 'bit-identical' : 'NOT identical'}.`,
  ];
}

async function main() {
  const other = option('--compare');
  if (other) return compare(other);
  const results = { machine: `${os.cpus()[0]?.model.trim()}, ${os.availableParallelism()} CPUs`, startup: [], workers: [] };
  results.targets = await startupTargets(Number(option('--runs', '8')));
  if (process.argv.includes('--targets')) {
    process.stdout.write(`Machine: ${results.machine}.\n\n${startupTable(results.targets).join('\n')}\n`);
    return;
  }
  process.stderr.write(`${startupTable(results.targets).join('\n')}\n`);
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
    `Machine: ${results.machine}.`,
    '',
    ...startupTable(results.targets),
    '',
    'Every zoo model, one fresh process per figure; 1 thread:',
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
