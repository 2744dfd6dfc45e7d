#!/usr/bin/env node
'use strict';

// npm run bench:service: examples/inference-service.js under load, over loopback.
// For 1, 2 and 4 workers, each without and with a weight cache (a fresh cache
// directory per configuration, warmed by one throwaway start, so that "warm"
// means the workers map the file), starts the service in a fresh process tree
// with --port 0, waits for its "listening on" line, sends a fixed number of
// POST /infer requests with a fixed concurrency (2 per worker, keep-alive),
// then stops it with SIGTERM. Reports per configuration: time to ready,
// requests/s, p50 and p99 latency, and the total PSS (/proc/PID/smaps_rollup)
// of the primary and its workers after the load (and, for comparison, when
// ready: the load adds the request and response buffers V8 has not yet
// collected, which plateaus after a few hundred requests).
//
//   node bench/service.js [--requests 400] [--model pose_landmark_full] [--workers 1,2,4] [--json]
//
// The load generator runs on the same machine (this process, one thread): on a
// small machine it takes a share of the CPUs the service would otherwise have.
// Writes bench/results/service.{json,md}.

const fs = require('node:fs');
const http = require('node:http');
const os = require('node:os');
const path = require('node:path');
const { spawn } = require('node:child_process');
const { zooModel } = require('./lib/zoo');

const SERVICE = path.join(__dirname, '..', 'examples', 'inference-service.js');
const READY_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 15_000;

function option(name, fallback) {
  const k = process.argv.indexOf(name);
  return k >= 0 && k + 1 < process.argv.length ? process.argv[k + 1] : fallback;
}

// Every service process group this benchmark started and has not seen end: killed on any way out.
const running = new Set();
const killGroup = (pid) => {
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {}
};
const cacheDirs = new Set();
process.on('exit', () => {
  running.forEach(killGroup);
  for (const dir of cacheDirs) fs.rmSync(dir, { recursive: true, force: true });
});
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => process.exit(130));

/** Starts the service; resolves once it prints its address. */
async function start(modelFile, workers, cacheDir) {
  const env = { ...process.env };
  delete env.XNNLITE_WEIGHT_CACHE; // "no cache" must mean none
  const args = [SERVICE, '--port', '0', '--workers', String(workers), '--model', modelFile, ...(cacheDir ? ['--cache', cacheDir] : [])];
  const t0 = performance.now();
  // Its own process group (detached), so that the whole tree can be killed at once if need be.
  const proc = spawn(process.execPath, args, { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(proc.pid);
  const exited = new Promise((resolve) => proc.on('exit', (code, signal) => {
    running.delete(proc.pid);
    resolve({ code, signal });
  }));
  let stderr = '';
  proc.stderr.on('data', (d) => (stderr += d));
  const service = { proc, exited, stderr: () => stderr };
  try {
    service.url = await new Promise((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => reject(new Error(`not ready after ${READY_TIMEOUT_MS} ms`)), READY_TIMEOUT_MS);
      proc.stdout.on('data', (d) => {
        out += d;
        const m = /^listening on (http:\/\/\S+)$/m.exec(out);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]);
        }
      });
      exited.then(({ code, signal }) => {
        clearTimeout(timer);
        reject(new Error(`the service exited (${signal ?? code}) before it was ready:\n${stderr}`));
      });
    });
  } catch (err) {
    await stop(service);
    throw err;
  }
  service.readyMs = performance.now() - t0;
  return service;
}

/** SIGTERM, then SIGKILL to the whole group if it has not ended in time. Resolves to its exit. */
async function stop(service) {
  if (!running.has(service.proc.pid)) return service.exited;
  service.proc.kill('SIGTERM');
  const timer = setTimeout(() => killGroup(service.proc.pid), STOP_TIMEOUT_MS);
  const result = await service.exited;
  clearTimeout(timer);
  killGroup(service.proc.pid); // a worker left behind, if any
  return result;
}

function request(url, { method = 'GET', body, agent } = {}) {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, agent }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Every process of the tree under `pid`, itself included. */
function tree(pid) {
  const pids = [pid];
  for (let i = 0; i < pids.length; i++) {
    let tasks = [];
    try {
      tasks = fs.readdirSync(`/proc/${pids[i]}/task`);
    } catch {}
    for (const tid of tasks) {
      try {
        pids.push(...fs.readFileSync(`/proc/${pids[i]}/task/${tid}/children`, 'utf8').split(/\s+/).filter(Boolean).map(Number));
      } catch {}
    }
  }
  return pids;
}

function pssMiB(pid) {
  const text = fs.readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
  return Number(/^Pss:\s+(\d+) kB/m.exec(text)[1]) / 1024;
}

/** A deterministic input in the model's range, as the raw bytes POST /infer takes. */
function inputBody(info, [lo, hi]) {
  if (info.inputs.length !== 1 || info.inputs[0].dtype !== 'float32') throw new Error('this benchmark feeds models with one float32 input');
  const x = new Float32Array(info.inputs[0].shape.reduce((a, b) => a * b, 1));
  let s = 12345;
  for (let i = 0; i < x.length; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    x[i] = lo + ((s >>> 8) / 2 ** 24) * (hi - lo);
  }
  return Buffer.from(x.buffer);
}

/** `count` POST /infer requests, `concurrency` at a time; latencies in ms and status counts. */
async function load(url, body, count, concurrency, agent) {
  const latencies = [];
  const statuses = {};
  let next = 0;
  const t0 = performance.now();
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < count) {
      next++;
      const t = performance.now();
      const { status } = await request(`${url}/infer`, { method: 'POST', body, agent });
      latencies.push(performance.now() - t);
      statuses[status] = (statuses[status] ?? 0) + 1;
    }
  }));
  return { seconds: (performance.now() - t0) / 1000, latencies, statuses };
}

const percentile = (sorted, p) => sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)];

async function measure(model, workers, cached, requests) {
  const dir = cached ? fs.mkdtempSync(path.join(os.tmpdir(), 'xnnlite-service-bench-')) : undefined;
  if (dir) cacheDirs.add(dir);
  let service;
  try {
    if (cached) await stop(await start(model.file, workers, dir)); // builds the cache file
    service = await start(model.file, workers, dir);
    const info = JSON.parse((await request(`${service.url}/info`)).body);
    const body = inputBody(info, model.inputRange);
    const concurrency = 2 * workers;
    const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
    try {
      // Which weight-cache state the workers report: /info over fresh connections, which the primary spreads round-robin.
      const states = {};
      for (let i = 0; i < 4 * workers && Object.keys(states).length < workers; i++) {
        const r = JSON.parse((await request(`${service.url}/info`, { agent: false })).body);
        states[r.pid] = r.weightCache?.state ?? 'none';
      }
      const packedMiB = info.weightCache ? info.weightCache.bytes / 2 ** 20 : undefined;
      const readyPssMiB = tree(service.proc.pid).map(pssMiB).reduce((a, b) => a + b, 0);
      await load(service.url, body, 2 * concurrency, concurrency, agent); // opens the connections
      const run = await load(service.url, body, requests, concurrency, agent);
      const pids = tree(service.proc.pid);
      const pss = pids.map(pssMiB);
      const sorted = [...run.latencies].sort((a, b) => a - b);
      return {
        workers, cache: cached ? 'warm' : 'none', states: Object.values(states), packedMiB, concurrency, requests,
        readyMs: service.readyMs, perSecond: (run.statuses[200] ?? 0) / run.seconds,
        p50Ms: percentile(sorted, 0.5), p99Ms: percentile(sorted, 0.99), statuses: run.statuses,
        processes: pids.length, readyPssMiB, totalPssMiB: pss.reduce((a, b) => a + b, 0), primaryPssMiB: pss[0],
      };
    } finally {
      agent.destroy();
    }
  } finally {
    if (service) {
      const { code, signal } = await stop(service);
      if (code !== 0) process.stderr.write(`warning: the service ended with ${signal ?? `exit code ${code}`}\n${service.stderr()}`);
    }
    if (dir) {
      fs.rmSync(dir, { recursive: true, force: true });
      cacheDirs.delete(dir);
    }
  }
}

async function main() {
  const model = zooModel(option('--model', 'pose_landmark_full'));
  const requests = Number(option('--requests', '400'));
  const counts = option('--workers', '1,2,4').split(',').map(Number);
  if (!Number.isInteger(requests) || requests < 1 || counts.some((n) => !Number.isInteger(n) || n < 1)) throw new Error('--requests and --workers take whole numbers');
  const machine = `${os.cpus()[0]?.model.trim()}, ${os.availableParallelism()} CPUs`;
  const results = [];
  for (const workers of counts) {
    for (const cached of [false, true]) {
      const r = await measure(model, workers, cached, requests);
      results.push(r);
      process.stderr.write(`${workers} worker(s), cache ${r.cache}: ready ${r.readyMs.toFixed(0)} ms, ${r.perSecond.toFixed(1)} req/s, p50 ${r.p50Ms.toFixed(1)} ms, p99 ${r.p99Ms.toFixed(1)} ms, PSS ${r.totalPssMiB.toFixed(1)} MiB\n`);
    }
  }
  const failed = results.filter((r) => r.statuses[200] !== r.requests);
  const packed = results.find((r) => r.packedMiB !== undefined)?.packedMiB;
  const lines = [
    `Machine: ${machine}. ${model.name}${packed === undefined ? '' : ` (packed weights: ${packed.toFixed(1)} MiB)`}; ${requests} POST /infer requests per configuration, 2 in flight per worker, keep-alive, over loopback from one client process on the same machine; threads: 1 per worker.`,
    '',
    '| workers | weight cache | ready after | requests/s | p50 latency | p99 latency | total PSS when ready | total PSS after the load |',
    '|---:|---|---:|---:|---:|---:|---:|---:|',
    ...results.map((r) => `| ${r.workers} | ${r.cache === 'warm' ? `warm (${[...new Set(r.states)].join(', ')})` : 'none'} | ${r.readyMs.toFixed(0)} ms | ${r.perSecond.toFixed(1)} | ${r.p50Ms.toFixed(1)} ms | ${r.p99Ms.toFixed(1)} ms | ${r.readyPssMiB.toFixed(1)} MiB | ${r.totalPssMiB.toFixed(1)} MiB |`),
    ...failed.map((r) => `\n${r.workers} worker(s), cache ${r.cache}: not every request succeeded: ${JSON.stringify(r.statuses)}`),
  ];
  const out = path.join(__dirname, 'results');
  fs.mkdirSync(out, { recursive: true });
  const json = { machine, model: model.name, requests, results };
  fs.writeFileSync(path.join(out, 'service.json'), `${JSON.stringify(json, null, 2)}\n`);
  fs.writeFileSync(path.join(out, 'service.md'), `${lines.join('\n')}\n`);
  process.stdout.write(process.argv.includes('--json') ? `${JSON.stringify(json, null, 2)}\n` : `${lines.join('\n')}\n`);
}

main().catch((err) => {
  process.stderr.write(`bench:service: ${err.stack}\n`);
  process.exitCode = 1;
}).finally(() => running.forEach(killGroup));
