#!/usr/bin/env node
'use strict';

// npm run bench: xnnlite against LiteRT.js on the ten MediaPipe models and
// the five architectures of bench/lib/architectures.js (YOLO, SSD, BERT,
// MoveNet, DeepLab; built in memory from dist/), one process per model
// (bench/compare-model.js), the binding's own round trip
// (bench/binding-overhead.js), and this machine's single-core FP32 FMA peak.
// Writes bench/results/latest.json and latest.md and prints the table.
//
//   npm run bench [-- --models a,b] [--rounds N] [--readme]
//   npm run bench -- --optimize-report [--models a,b] [--rounds N]
//
// --models takes model names, and "zoo" or "architectures" for either set.
// --readme replaces the README's results section with the table printed.
// --optimize-report measures instead, per zoo model (bench/optimize-model.js),
// the one-thread time with and without xnnlite's graph rewrites and the five
// slowest kinds of XNNPACK operator after them, and writes
// bench/results/optimize.json and optimize.md.

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const { version } = require('../dist/index.js');
const { ZOO } = require('./lib/zoo');
const { ARCHITECTURES } = require('./lib/architectures');
const { measurePeak } = require('./lib/peak');

const root = path.join(__dirname, '..');

function option(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
}

function runNode(args) {
  const r = spawnSync(process.execPath, args, { cwd: root, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`node ${args.join(' ')} failed:\n${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop());
}

function machine() {
  const cpu = os.cpus()[0];
  return `${cpu ? cpu.model.trim() : os.arch()}, ${os.availableParallelism()} CPUs, Node ${process.version}, ${os.platform()} ${os.release()}`;
}

function markdown(results) {
  const { peak, models, binding } = results;
  const lines = [
    `Machine: ${results.machine}. XNNPACK ${results.xnnpack} (${results.isa}). LiteRT.js ${results.litertVersion}, single-threaded: its relaxed-SIMD build (the fastest that runs in Node, with --experimental-wasm-relaxed-simd), measured alternately with xnnlite in one process, and its default "compat" build (what Node runs without flags) in a second process. Medians of ${models[0]?.runs ?? 0} runs per runner; one process per model.`,
    '',
    `Measured single-core FP32 FMA peak: ${peak ? `${peak.gflops.toFixed(0)} GFLOP/s (AVX2 ${peak.avx2.toFixed(0)}, AVX-512 ${peak.avx512.toFixed(0)})` : 'not measured on this architecture'}.`,
    '',
    '| model | MMAC | LiteRT.js relaxed-SIMD | LiteRT.js compat | xnnlite 1T | vs relaxed | vs compat | xnnlite 2T | 2T vs 1T | GFLOP/s 1T | % of peak | init xnnlite / LiteRT.js |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const m of models) {
    const gflops = (2 * m.macs) / (m.medianMs.xnnlite1 / 1000) / 1e9;
    lines.push(`| ${m.name} | ${(m.macs / 1e6).toFixed(0)} | ${m.medianMs.litert.toFixed(2)} ms | ${m.liteRtCompatMs.toFixed(2)} ms | ${m.medianMs.xnnlite1.toFixed(2)} ms | ${(m.medianMs.litert / m.medianMs.xnnlite1).toFixed(2)}x | ${(m.liteRtCompatMs / m.medianMs.xnnlite1).toFixed(2)}x | ${m.medianMs.xnnlite2.toFixed(2)} ms | ${(m.medianMs.xnnlite1 / m.medianMs.xnnlite2).toFixed(2)}x | ${gflops.toFixed(1)} | ${peak ? `${((100 * gflops) / peak.gflops).toFixed(0)}%` : 'n/a'} | ${m.initMs.toFixed(1)} / ${m.liteRtInitMs.toFixed(1)} ms |`);
  }
  lines.push('', `Binding round trip on a trivial model: \`runSync\` ${binding.runSyncMicroseconds.toFixed(2)} us, \`run\` ${binding.runMicroseconds.toFixed(2)} us.`);
  return lines.join('\n');
}

function updateReadme(table) {
  const file = path.join(root, 'README.md');
  const text = fs.readFileSync(file, 'utf8');
  const start = '<!-- bench:start -->';
  const end = '<!-- bench:end -->';
  const a = text.indexOf(start);
  const b = text.indexOf(end);
  if (a < 0 || b < a) throw new Error('README.md has no <!-- bench:start --> ... <!-- bench:end --> section');
  fs.writeFileSync(file, `${text.slice(0, a + start.length)}\n${table}\n${text.slice(b)}`);
}

function optimizeMarkdown(results) {
  const lines = [
    `Machine: ${results.machine}. XNNPACK ${results.xnnpack}. One thread; medians of ${results.models[0]?.runs ?? 0} runs per kind of session, alternating in one process per model.`,
    '',
    '| model | rewritten | without rewrites | with rewrites | ratio | rewrites | five slowest XNNPACK operators after them |',
    '|---|---:|---:|---:|---:|---|---|',
  ];
  for (const m of results.models) {
    const rules = {};
    for (const r of m.rewrites) rules[r.rule] = (rules[r.rule] ?? 0) + 1;
    const slowest = m.slowest.map((p) => `${p.name} x${p.count} ${p.ms.toFixed(2)} ms`).join('; ');
    lines.push(`| ${m.name} | ${m.rewrites.length} | ${m.plainMs.toFixed(2)} ms | ${m.optimizedMs.toFixed(2)} ms | ${(m.optimizedMs / m.plainMs).toFixed(3)} | ${Object.entries(rules).map(([r, n]) => `${r} x${n}`).join(', ') || '-'} | ${slowest} |`);
  }
  const plain = results.models.reduce((sum, m) => sum + m.plainMs, 0);
  const optimized = results.models.reduce((sum, m) => sum + m.optimizedMs, 0);
  lines.push('', `Sum of one-thread times: ${plain.toFixed(2)} ms without rewrites, ${optimized.toFixed(2)} ms with them (ratio ${(optimized / plain).toFixed(3)}). A model with no rewrite runs the same graph both ways: its ratio is the measurement's noise.`);
  return lines.join('\n');
}

function optimizeReport(rounds) {
  const only = option('models', undefined)?.split(',');
  const models = only ? ZOO.filter((z) => only.includes(z.name) || only.includes('zoo')) : ZOO;
  if (models.length === 0) throw new Error(`--models ${only} names no zoo model; known: zoo, ${ZOO.map((z) => z.name).join(', ')}`);
  const results = { machine: machine(), date: new Date().toISOString(), xnnpack: version().xnnpack, models: [] };
  for (const m of models) {
    process.stderr.write(`${m.name}...\n`);
    results.models.push({ name: m.name, ...runNode([path.join(__dirname, 'optimize-model.js'), m.file, '--rounds', rounds]) });
  }
  const table = optimizeMarkdown(results);
  const dir = path.join(__dirname, 'results');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'optimize.json'), `${JSON.stringify(results, null, 2)}\n`);
  fs.writeFileSync(path.join(dir, 'optimize.md'), `${table}\n`);
  process.stdout.write(`${table}\n`);
}

function main() {
  if (!fs.existsSync(path.join(root, 'dist', 'index.js'))) throw new Error('dist/ is missing: run npm install (or npm run build:ts) first');
  const rounds = option('rounds', '6');
  if (process.argv.includes('--optimize-report')) {
    optimizeReport(option('rounds', '40'));
    return;
  }
  const only = option('models', undefined);
  const all = [
    ...ZOO.map((z) => ({ name: z.name, file: z.file, set: 'zoo' })),
    ...ARCHITECTURES.map((a) => ({ name: a.name, file: `arch:${a.name}`, set: 'architectures' })),
  ];
  const wanted = only?.split(',');
  const models = wanted ? all.filter((m) => wanted.includes(m.name) || wanted.includes(m.set)) : all;
  if (models.length === 0) throw new Error(`--models ${only} names no model; known: zoo, architectures, ${all.map((m) => m.name).join(', ')}`);
  process.stderr.write('measuring the FMA peak...\n');
  const peak = measurePeak();
  const results = {
    machine: machine(),
    date: new Date().toISOString(),
    xnnpack: version().xnnpack,
    isa: version().isa.join(', '),
    litertVersion: require('@litertjs/core/package.json').version,
    peak,
    models: [],
    binding: undefined,
  };
  for (const m of models) {
    process.stderr.write(`${m.name}...\n`);
    const r = runNode(['--experimental-wasm-relaxed-simd', path.join(__dirname, 'compare-model.js'), m.file, '--rounds', rounds]);
    const compat = runNode([path.join(__dirname, 'compare-model.js'), m.file, '--rounds', rounds, '--litert-only']);
    results.models.push({ name: m.name, ...r, model: undefined, liteRtCompatMs: compat.medianMs.litert });
  }
  process.stderr.write('binding round trip...\n');
  results.binding = runNode([path.join(__dirname, 'binding-overhead.js'), '--json']);
  const table = markdown(results);
  const dir = path.join(__dirname, 'results');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'latest.json'), `${JSON.stringify(results, null, 2)}\n`);
  fs.writeFileSync(path.join(dir, 'latest.md'), `${table}\n`);
  process.stdout.write(`${table}\n`);
  if (process.argv.includes('--readme')) updateReadme(table);
}

try {
  main();
} catch (err) {
  process.stderr.write(`bench: ${err.message}\n`);
  process.exit(1);
}
