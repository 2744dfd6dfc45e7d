// The shared packed-weight cache: identical results, warm starts that map
// instead of packing, many processes at once, a builder killed midway, and
// every kind of damaged or unusable cache ending in a correct result plus a
// warning.
import t from 'tap';
import fs from 'node:fs';
import path from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import { loadModel } from '../lib/index';
import { zooModel } from './helpers/zoo';
import { cacheFiles, runWorker, tempFiles, worker, workerEnv as env, type WorkerResult } from './helpers/cache-run';
import { cacheChecksums } from './helpers/cache-file';

const small = zooModel('face_detection_short_range').file;
const reference = new Map<string, string>();
function uncached(model: string): string {
  if (!reference.has(model)) reference.set(model, runWorker(model, '').outputs);
  return reference.get(model)!;
}

t.test('cold then warm: identical bits, the second start maps the file', async (t) => {
  for (const name of ['face_detection_short_range', 'selfie_segmentation', 'hand_landmark_lite']) {
    const model = zooModel(name).file;
    const dir = t.testdir({});
    const cold = runWorker(model, dir);
    const warm = runWorker(model, dir);
    t.equal(cold.state, 'built', `${name}: the first process packs and publishes`);
    t.equal(warm.state, 'mapped', `${name}: the next one maps the file`);
    t.equal(cold.plan, 'planned', `${name}: the first process plans the session`);
    t.equal(warm.plan, 'recorded', `${name}: the next one makes it from the plan the first recorded`);
    t.same(cold.warnings, []);
    t.same(warm.warnings, []);
    t.equal(cold.outputs, uncached(model), `${name}: cold results are bit-identical to no cache`);
    t.equal(warm.outputs, uncached(model), `${name}: warm results are bit-identical to no cache`);
    t.equal(cacheFiles(dir).length, 1);
    t.same(tempFiles(dir), []);
  }
});

t.test('the checksums a cache file carries are CRC-32Cs (the native CRC agrees with a plain table-driven one)', async (t) => {
  const dir = t.testdir({});
  runWorker(zooModel('pose_landmark_lite').file, dir);
  const [file] = cacheFiles(dir);
  const sums = cacheChecksums(path.join(dir, file));
  t.ok(sums.dataBytes > 1 << 20, `enough packed data (${sums.dataBytes} bytes) to take the interleaved hardware path`);
  for (const r of sums.regions) t.equal(r.computed, r.stored, `${r.name} CRC-32C`);
});

t.test('loadModel maps and verifies the cache file ahead of the first session; dispose lets it go', async (t) => {
  const dir = t.testdir({});
  runWorker(small, dir);
  const [file] = cacheFiles(dir);
  const mapped = () => fs.readFileSync('/proc/self/maps', 'utf8').includes(path.join(fs.realpathSync(dir), file));
  const model = await loadModel(small, { weightCache: dir });
  for (let i = 0; i < 200 && !mapped(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  t.ok(mapped(), 'the cache file is mapped before any session exists');
  const session = await model.createSession({ threads: 1 });
  t.equal(session.weightCache?.state, 'mapped');
  await model[Symbol.asyncDispose]();
  t.notOk(mapped(), 'disposing the model unmaps it');

  // A model whose cache file is damaged: the prefetch holds nothing, the session rebuilds it with one warning.
  const damaged = path.join(dir, file);
  const bytes = fs.readFileSync(damaged);
  bytes[bytes.length - 1] ^= 0xff;
  fs.writeFileSync(damaged, bytes);
  const warnings: string[] = [];
  const onWarning = (w: Error) => warnings.push(w.message);
  process.on('warning', onWarning);
  try {
    const again = await loadModel(small, { weightCache: dir });
    const rebuilt = await again.createSession({ threads: 1 });
    t.equal(rebuilt.weightCache?.state, 'built', 'a damaged file is rebuilt');
    await new Promise((resolve) => setImmediate(resolve));
    t.equal(warnings.filter((w) => w.includes('unusable')).length, 1, 'with one warning');
    await again[Symbol.asyncDispose]();
  } finally {
    process.off('warning', onWarning);
  }
});

t.test('sessions in one process share one mapping; models never share a file', async (t) => {
  const dir = t.testdir({});
  const model = await loadModel(small, { weightCache: dir });
  const a = await model.createSession({ threads: 1 });
  const b = await model.createSession({ threads: 1 });
  t.equal(a.weightCache?.state, 'built');
  t.equal(b.weightCache?.state, 'mapped');
  t.equal(a.weightCache?.path, b.weightCache?.path);
  t.ok((b.weightCache?.bytes ?? 0) > 100_000, `${b.weightCache?.bytes} packed bytes`);
  const none = await model.createSession({ threads: 1, weightCache: false });
  t.equal(none.weightCache, undefined, 'weightCache: false turns it off for one session');
  model.dispose();
  const other = await loadModel(zooModel('face_detection_full_range').file, { weightCache: dir });
  await other.createSession({ threads: 1 });
  other.dispose();
  t.equal(cacheFiles(dir).length, 2, 'a second model gets its own file');
});

t.test('the XNNLITE_WEIGHT_CACHE environment variable turns the cache on', async (t) => {
  const dir = t.testdir({});
  process.env.XNNLITE_WEIGHT_CACHE = dir;
  t.teardown(() => {
    delete process.env.XNNLITE_WEIGHT_CACHE;
  });
  const model = await loadModel(small);
  const session = await model.createSession({ threads: 1 });
  t.equal(session.weightCache?.state, 'built');
  t.equal(path.dirname(session.weightCache!.path), dir);
  model.dispose();
});

t.test('a damaged cache file is detected, reported, rebuilt, and never used', async (t) => {
  const dir = t.testdir({});
  runWorker(small, dir);
  const file = path.join(dir, cacheFiles(dir)[0]);
  const good = fs.readFileSync(file);
  const damage: Array<[string, (b: Buffer) => Buffer, RegExp]> = [
    ['truncated', (b) => b.subarray(0, b.length - 1000), /truncated|outside the file/],
    ['truncated to a few bytes', (b) => b.subarray(0, 20), /smaller than a cache header/],
    ['empty', () => Buffer.alloc(0), /smaller than a cache header/],
    ['not a cache file', () => Buffer.from('x'.repeat(4096)), /not an xnnlite weight cache/],
    ['flipped header byte (version)', (b) => flip(b, 8), /format version|header checksum/],
    ['flipped header byte (fingerprint)', (b) => flip(b, 20), /header checksum/],
    ['flipped data byte', (b) => flip(b, 128 + 5000), /data checksum/],
    ['flipped last data byte', (b) => flip(b, b.readUInt32LE(72) + 127), /data checksum|index checksum/],
    ['flipped index byte', (b) => flip(b, Number(b.readBigUInt64LE(64)) + 3), /index checksum/],
    ['flipped metadata byte', (b) => flip(b, b.length - 2), /metadata checksum/],
  ];
  for (const [name, change, reason] of damage) {
    fs.writeFileSync(file, change(Buffer.from(good)));
    const r = runWorker(small, dir);
    t.equal(r.outputs, uncached(small), `${name}: correct result`);
    t.equal(r.state, 'built', `${name}: rebuilt`);
    t.equal(r.warnings.length, 1, `${name}: one warning`);
    t.match(r.warnings[0], /^XNNLITE_WEIGHT_CACHE: cache file .* is unusable \(/, `${name}: warning code`);
    t.match(r.warnings[0], reason, `${name}: says why`);
    t.equal(runWorker(small, dir).state, 'mapped', `${name}: the rebuilt file is used next time`);
  }
});

function flip(b: Buffer, at: number): Buffer {
  b[at] ^= 0x5a;
  return b;
}

t.test('a cache for another XNNPACK build or CPU is not used', async (t) => {
  const dir = t.testdir({});
  runWorker(small, dir);
  const file = path.join(dir, cacheFiles(dir)[0]);
  // Another configuration writes the same file name only if fingerprints collide; simulate it by
  // copying a cache of another model over this one's name.
  const otherDir = t.testdir({});
  runWorker(zooModel('face_detection_full_range').file, otherDir);
  fs.copyFileSync(path.join(otherDir, cacheFiles(otherDir)[0]), file);
  const r = runWorker(small, dir);
  t.equal(r.outputs, uncached(small));
  t.match(r.warnings[0], /fingerprint differs/);
});

t.test('an unusable directory or a file size limit falls back to memory with a warning', async (t) => {
  const notADir = runWorker(small, '/dev/null/xnnlite-cache');
  t.equal(notADir.state, undefined, 'no cache for this session');
  t.equal(notADir.outputs, uncached(small));
  t.match(notADir.warnings[0], /^XNNLITE_WEIGHT_CACHE: cannot use weight cache directory \/dev\/null\/xnnlite-cache/);

  const dir = t.testdir({});
  const limited = runWorker(small, dir, 'ulimit -f 64');
  t.equal(limited.state, 'memory', 'a write past RLIMIT_FSIZE fails cleanly');
  t.equal(limited.outputs, uncached(small));
  t.match(limited.warnings[0], /cannot write cache file .*File too large/);
  t.same(tempFiles(dir), [], 'the partial file is removed');
  t.same(cacheFiles(dir), [], 'nothing is published');
});

t.test('8 cold starts at once: one builds and publishes, all get correct results', async (t) => {
  const dir = t.testdir({});
  const model = zooModel('face_detection_full_range').file;
  const results = await Promise.all(Array.from({ length: 8 }, () => new Promise<WorkerResult>((resolve, reject) => {
    const child = spawn(process.execPath, [worker, model, dir], { env });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out.trim().split('\n').pop() as string)) : reject(new Error(`exit ${code}`))));
  })));
  const expected = uncached(model);
  t.ok(results.every((r) => r.outputs === expected), 'all 8 results are correct');
  t.equal(results.filter((r) => r.state === 'built').length, 1, 'exactly one process packed');
  t.equal(results.filter((r) => r.state === 'mapped').length, 7, 'the others waited and mapped');
  t.same(results.flatMap((r) => r.warnings), []);
  t.equal(cacheFiles(dir).length, 1, 'one published file');
  t.same(tempFiles(dir), []);
});

t.test('a builder killed while packing never leaves a file that is used', async (t) => {
  const model = zooModel('pose_landmark_heavy').file;
  const expected = uncached(model);
  for (const delay of [5, 60, 150]) {
    const dir = t.testdir({});
    await new Promise<void>((resolve) => {
      const child = spawn(process.execPath, [worker, model, dir], { env });
      child.stdout.on('data', (d) => {
        if (String(d).includes('creating')) setTimeout(() => child.kill('SIGKILL'), delay);
      });
      child.on('exit', () => resolve());
    });
    const after = runWorker(model, dir);
    t.equal(after.outputs, expected, `killed after ${delay} ms: the next start gives correct results`);
    t.ok(after.state === 'built' || after.state === 'mapped', `state ${after.state}`);
    t.same(tempFiles(dir), [], 'stale temporary files are cleaned up');
    t.equal(runWorker(model, dir).state, 'mapped');
  }
});

t.test('xnnlite cache ls, verify, prune and clear', async (t) => {
  const dir = t.testdir({});
  runWorker(small, dir);
  runWorker(zooModel('selfie_segmentation').file, dir);
  const bin = path.join(__dirname, '..', 'bin', 'xnnlite.js');
  const cli = (...args: string[]) => spawnSync(process.execPath, [bin, 'cache', ...args], { encoding: 'utf8' });
  const ls = cli('ls', dir);
  t.equal(ls.status, 0);
  t.match(ls.stdout, /face_detection_short_range\.tflite .* ok/);
  t.match(ls.stdout, /selfie_segmentation\.tflite .* ok/);
  t.equal(cli('verify', dir).status, 0);
  const files = cacheFiles(dir).map((f) => path.join(dir, f));
  const damaged = fs.readFileSync(files[0]);
  damaged[200] ^= 1;
  fs.writeFileSync(files[0], damaged);
  const verify = cli('verify', dir);
  t.equal(verify.status, 1, 'verify fails on a damaged file');
  t.match(verify.stdout, /DAMAGED .*: data checksum mismatch/);
  const old = new Date(Date.now() - 10 * 24 * 3600 * 1000);
  fs.utimesSync(files[0], old, old);
  const pruned = JSON.parse(cli('prune', dir, '--older-than', '7', '--json').stdout);
  t.ok(pruned.removed.includes(files[0]), 'a file unused for 10 days is pruned');
  t.notOk(pruned.removed.includes(files[1]), 'a recent one is kept');
  const cleared = JSON.parse(cli('clear', dir, '--json').stdout);
  t.ok(cleared.removed.includes(files[1]));
  t.same(cacheFiles(dir), []);
  const usage = cli('prune', dir);
  t.equal(usage.status, 2);
  t.match(usage.stderr, /prune needs --older-than DAYS/);
});

t.test('sessions in worker_threads share the cache and give the same results', async (t) => {
  const { Worker } = await import('node:worker_threads');
  const dir = t.testdir({});
  const code = `
    const { parentPort, workerData } = require('node:worker_threads');
    const { loadModel } = require(${JSON.stringify(path.join(__dirname, '..', 'dist', 'index.js'))});
    (async () => {
      const model = await loadModel(workerData.model, { weightCache: workerData.dir });
      const session = await model.createSession({ threads: 1 });
      const info = session.inputs[0];
      const x = Float32Array.from({ length: info.shape.reduce((a, b) => a * b, 1) }, (_, i) => Math.sin(i * 0.1));
      const out = await session.run({ [info.name]: x });
      parentPort.postMessage({ state: session.weightCache.state, first: Array.from(out[session.outputs[0].name].slice(0, 8)) });
      model.dispose();
    })();
  `;
  const run = () => new Promise<{ state: string; first: number[] }>((resolve, reject) => {
    const w = new Worker(code, { eval: true, workerData: { model: small, dir } });
    w.once('message', resolve);
    w.once('error', reject);
  });
  const first = await run();
  const [a, b] = await Promise.all([run(), run()]);
  t.equal(first.state, 'built');
  t.equal(a.state, 'mapped');
  t.equal(b.state, 'mapped');
  t.same(a.first, first.first);
  t.same(b.first, first.first);
  t.equal(cacheFiles(dir).length, 1);
});
