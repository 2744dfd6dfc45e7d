// Inference runs on xnnlite's own threads, never on libuv's pool: Node's file
// reads, DNS lookups and gzip are not queued behind it. Checked in child
// processes, whose environment sets the pool up.
import t from 'tap';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { zooModel } from './helpers/zoo';

const dist = path.join(__dirname, '..', 'dist', 'index.js');

interface ChildResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

function runChild(code: string, env: Record<string, string> = {}, timeoutMs = 120_000): Promise<ChildResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['-e', code], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('exit', (exitCode, signal) => {
      clearTimeout(timer);
      resolve({ code: exitCode, signal, stdout, stderr, timedOut });
    });
  });
}

const lastJson = (r: ChildResult): any => JSON.parse(r.stdout.trim().split('\n').pop() as string);

t.test('the pool size: the CPUs, at least 2, or XNNLITE_CONCURRENCY', async (t) => {
  const code = `console.log(JSON.stringify(require(${JSON.stringify(dist)}).version().concurrency))`;
  const byDefault = await runChild(code);
  t.equal(byDefault.code, 0, byDefault.stderr);
  t.equal(lastJson(byDefault), Math.max(2, os.availableParallelism()), 'one per CPU the process may use, at least 2');
  const three = await runChild(code, { XNNLITE_CONCURRENCY: '3' });
  t.equal(lastJson(three), 3, 'XNNLITE_CONCURRENCY=3');
  for (const [name, bad] of [['XNNLITE_CONCURRENCY', '0'], ['XNNLITE_CONCURRENCY', '2x'], ['XNNLITE_CONCURRENCY', '5000'], ['XNNLITE_NICE', '20'], ['XNNLITE_NICE', '-1']]) {
    const r = await runChild(`try { require(${JSON.stringify(dist)}).version() } catch (e) { console.log(JSON.stringify(e.constructor.name + ': ' + e.message)) }`, { [name]: bad });
    const message = lastJson(r) as string;
    t.match(message, new RegExp(`^RangeError: ${name} must be a whole number`), `${name}=${bad} is refused: ${message}`);
  }
});

t.test('inference completes while every libuv thread is blocked', async (t) => {
  // Each open() of a FIFO without a writer holds one libuv thread until a writer comes.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xnnlite-pool-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const code = `
    const fs = require('node:fs');
    const path = require('node:path');
    const { execFileSync } = require('node:child_process');
    const { loadModel } = require(${JSON.stringify(dist)});
    const dir = ${JSON.stringify(dir)};
    const fifos = [0, 1].map((i) => path.join(dir, 'fifo' + i));
    for (const f of fifos) execFileSync('mkfifo', [f]);
    const modelBytes = fs.readFileSync(${JSON.stringify(zooModel('face_detection_short_range').file)});
    (async () => {
      const blocked = fifos.map((f) => fs.promises.open(f, 'r'));
      let readDone = false;
      fs.promises.readFile(__filename === '[eval]' ? ${JSON.stringify(dist)} : __filename).then(() => (readDone = true));
      const model = await loadModel(modelBytes);
      const session = await model.createSession({ threads: 1 });
      const x = new Float32Array(128 * 128 * 3).fill(0.5);
      const outputs = await session.run(x);
      const stillBlocked = !readDone;
      // Unblock libuv's threads: open each FIFO for writing without waiting.
      for (const f of fifos) fs.closeSync(fs.openSync(f, fs.constants.O_WRONLY | fs.constants.O_NONBLOCK));
      for (const handle of await Promise.all(blocked)) await handle.close();
      console.log(JSON.stringify({ stillBlocked, outputs: Object.keys(outputs).length }));
      model.dispose();
    })().catch((e) => { console.error(e); process.exit(1); });
  `;
  const r = await runChild(code, { UV_THREADPOOL_SIZE: '2' }, 60_000);
  t.notOk(r.timedOut, 'no hang: with inference on libuv threads this would wait forever');
  t.equal(r.code, 0, r.stderr);
  const result = lastJson(r);
  t.ok(result.stillBlocked, 'libuv\'s pool really was blocked (a file read was still waiting) while the session ran');
  t.equal(result.outputs, 2, 'loading, session creation and inference all completed');
});

t.test('a file read is not held back by 8 sessions running back to back', async (t) => {
  // npm run bench:pool reports the exact ratio; this bound is loose on purpose
  // (shared machines), and an inference on libuv's pool misses it by two orders of magnitude.
  const code = `
    const fs = require('node:fs');
    const { loadModel } = require(${JSON.stringify(dist)});
    const percentile90 = (a) => a.sort((x, y) => x - y)[Math.floor(a.length * 0.9)];
    async function readLatencies(n) {
      const ms = [];
      for (let i = 0; i < n; i++) {
        const start = performance.now();
        await fs.promises.readFile(${JSON.stringify(dist)});
        ms.push(performance.now() - start);
        await new Promise((r) => setTimeout(r, 2));
      }
      return ms;
    }
    (async () => {
      const idle = percentile90(await readLatencies(60));
      const model = await loadModel(${JSON.stringify(zooModel('pose_landmark_lite').file)});
      const sessions = await Promise.all(Array.from({ length: 8 }, () => model.createSession({ threads: 1 })));
      let running = true;
      let inferences = 0;
      const loops = sessions.map(async (s) => {
        const x = new Float32Array(256 * 256 * 3).fill(0.5);
        while (running) { await s.run(x); inferences++; }
      });
      await new Promise((r) => setTimeout(r, 100));
      const loaded = percentile90(await readLatencies(60));
      running = false;
      await Promise.all(loops);
      model.dispose();
      console.log(JSON.stringify({ idle, loaded, inferences }));
    })().catch((e) => { console.error(e); process.exit(1); });
  `;
  const r = await runChild(code);
  t.equal(r.code, 0, r.stderr);
  const { idle, loaded, inferences } = lastJson(r);
  t.ok(inferences >= 8, `${inferences} inferences ran during the measurement`);
  const bound = Math.max(10 * idle, 25);
  t.ok(loaded <= bound, `readFile p90 ${loaded.toFixed(2)} ms under load vs ${idle.toFixed(2)} ms idle (${(loaded / idle).toFixed(1)}x; bound ${bound.toFixed(1)} ms)`);
});

t.test('xnnlite\'s threads run at a lower priority than the process (XNNLITE_NICE)', async (t) => {
  const code = (nice: string) => `
    const fs = require('node:fs');
    const niceOf = (tid) => Number(fs.readFileSync('/proc/self/task/' + tid + '/stat', 'utf8').split(') ')[1].split(' ')[16]);
    const before = niceOf(process.pid);
    const { loadModel } = require(${JSON.stringify(dist)});
    (async () => {
      const model = await loadModel(${JSON.stringify(zooModel('face_detection_short_range').file)});
      const session = await model.createSession({ threads: 2 });
      await session.run(new Float32Array(128 * 128 * 3));
      const nices = fs.readdirSync('/proc/self/task').map(niceOf);
      console.log(JSON.stringify({ before, process: niceOf(process.pid), nices, nice: ${JSON.stringify(nice)} }));
      model.dispose();
    })().catch((e) => { console.error(e); process.exit(1); });
  `;
  // Relative to the process's own nice value, whatever the test runner's is.
  const byDefault = lastJson(await runChild(code('default')));
  const lowered = Math.min(19, byDefault.process + 10);
  t.equal(byDefault.process, byDefault.before, 'the JavaScript thread keeps its priority');
  t.ok(byDefault.nices.filter((n: number) => n === lowered).length >= 2,
    `the pool thread and the session's XNNPACK thread run 10 nice levels lower, at ${lowered} (threads: ${byDefault.nices.join(' ')})`);
  const off = lastJson(await runChild(code('0'), { XNNLITE_NICE: '0' }));
  t.same(off.nices.filter((n: number) => n !== off.process), [], 'XNNLITE_NICE=0: every thread at the process\'s priority');
});

t.test('exiting with inferences queued and running neither crashes nor hangs', async (t) => {
  for (const [label, exit] of [['process.exit()', 'process.exit(0)'], ['an uncaught exception', 'setImmediate(() => { throw new Error("boom") })']]) {
    const code = `
      const { loadModel } = require(${JSON.stringify(dist)});
      (async () => {
        const model = await loadModel(${JSON.stringify(zooModel('pose_landmark_heavy').file)});
        const sessions = await Promise.all([0, 1, 2].map(() => model.createSession({ threads: 1 })));
        const x = new Float32Array(256 * 256 * 3).fill(0.5);
        for (const s of sessions) for (let i = 0; i < 3; i++) s.run(x);
        setTimeout(() => { ${exit} }, 30);
      })();
    `;
    const r = await runChild(code, { XNNLITE_CONCURRENCY: '2' }, 60_000);
    t.notOk(r.timedOut, `${label}: the process ended`);
    t.equal(r.signal, null, `${label}: no signal (${r.stderr.split('\n').slice(-3).join(' | ')})`);
    t.equal(r.code, label === 'process.exit()' ? 0 : 1, `${label}: its own exit code`);
  }
});

t.test('with XNNLITE_CONCURRENCY=1 runs of many sessions still all complete, in order per session', async (t) => {
  const code = `
    const { loadModel } = require(${JSON.stringify(dist)});
    (async () => {
      const model = await loadModel(${JSON.stringify(zooModel('face_detection_short_range').file)});
      const sessions = await Promise.all([0, 1, 2, 3].map(() => model.createSession({ threads: 1 })));
      const order = [];
      await Promise.all(sessions.flatMap((s, k) => [0, 1, 2].map((i) => s.run(new Float32Array(128 * 128 * 3).fill(i / 3)).then(() => order.push(k * 10 + i)))));
      console.log(JSON.stringify(order));
      model.dispose();
    })().catch((e) => { console.error(e); process.exit(1); });
  `;
  const r = await runChild(code, { XNNLITE_CONCURRENCY: '1' });
  t.equal(r.code, 0, r.stderr);
  const order = lastJson(r) as number[];
  t.equal(order.length, 12, 'all 12 runs completed');
  for (let k = 0; k < 4; k++) {
    const mine = order.filter((v) => Math.floor(v / 10) === k);
    t.same(mine, [k * 10, k * 10 + 1, k * 10 + 2], `session ${k}'s runs completed in the order they were made`);
  }
});
