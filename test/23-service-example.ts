// examples/inference-service.js, the deployment example: a cluster of 2
// workers on face_detection_short_range with a weight cache, over loopback.
// Its answers equal an in-process run bit for bit, bad requests get 4xx JSON
// errors, and SIGTERM ends the whole process tree with exit code 0.
import t from 'tap';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { loadModel, version } from '../lib/index';
import { deterministicInput } from './helpers/compare';
import { zooModel } from './helpers/zoo';

const SERVICE = path.join(__dirname, '..', 'examples', 'inference-service.js');

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  json: any;
}

function request(url: string, method = 'GET', body?: Buffer): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString();
        try {
          resolve({ status: res.statusCode as number, headers: res.headers, json: JSON.parse(text) });
        } catch {
          reject(new Error(`not JSON (status ${res.statusCode}): ${text.slice(0, 200)}`));
        }
      });
    });
    req.on('error', reject);
    req.setTimeout(10_000, () => req.destroy(new Error(`${method} ${url}: no answer after 10 s`)));
    req.end(body);
  });
}

/** The processes under `pid` (cluster workers are its children). */
function children(pid: number): number[] {
  return fs.readdirSync(`/proc/${pid}/task`).flatMap((tid) =>
    fs.readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8').split(/\s+/).filter(Boolean).map(Number));
}

const bytesOf = (a: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

t.test('the inference service example: 2 workers, a weight cache, SIGTERM', async (t) => {
  const model = zooModel('face_detection_short_range');
  const cache = fs.mkdtempSync(path.join(os.tmpdir(), 'xnnlite-service-'));
  t.teardown(() => fs.rmSync(cache, { recursive: true, force: true }));

  const env = { ...process.env };
  delete env.XNNLITE_WEIGHT_CACHE;
  // Its own process group, so that a failing test still kills every worker.
  const proc = spawn(process.execPath, [SERVICE, '--workers', '2', '--port', '0', '--model', model.file, '--cache', cache], { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  proc.stdout.on('data', (d) => (stdout += d));
  proc.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => proc.on('exit', (code, signal) => resolve({ code, signal })));
  let ended = false;
  void exited.then(() => (ended = true));
  t.teardown(() => {
    try {
      if (!ended) process.kill(-(proc.pid as number), 'SIGKILL');
    } catch {}
  });

  const base = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`not ready after 60 s; stdout: ${stdout}; stderr: ${stderr}`)), 60_000);
    proc.stdout.on('data', () => {
      const m = /^listening on (http:\/\/127\.0\.0\.1:\d+)$/m.exec(stdout);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`exited (${signal ?? code}) before it was ready: ${stderr}`));
    });
  });
  t.pass(`ready: ${base}`);
  const workers = children(proc.pid as number);
  t.equal(workers.length, 2, `2 worker processes (${workers.join(', ')})`);

  const health = await request(`${base}/healthz`);
  t.equal(health.status, 200, 'GET /healthz: 200');
  t.equal(health.json.ok, true);

  const direct = await loadModel(model.file);
  t.teardown(() => direct.dispose());
  const session = await direct.createSession({ threads: 1 });

  const info = await request(`${base}/info`);
  t.equal(info.status, 200, 'GET /info: 200');
  t.equal(info.headers['content-type'], 'application/json');
  t.ok(workers.includes(info.json.pid), 'answered by one of the workers');
  t.equal(info.json.xnnlite, version().xnnlite, 'xnnlite version');
  t.same(info.json.inputs, session.inputs, 'the model\'s inputs');
  t.same(info.json.outputs, session.outputs, 'the model\'s outputs');
  t.equal(info.json.threads, 1, 'threads: 1 per worker');
  t.ok(['built', 'mapped'].includes(info.json.weightCache?.state), `weight cache state: ${info.json.weightCache?.state}`);
  t.equal(path.dirname(info.json.weightCache.path), fs.realpathSync(cache), 'the cache file is in --cache DIR');

  const x = deterministicInput(128 * 128 * 3, ...model.inputRange);
  const expected = await session.run(x);
  const answer = await request(`${base}/infer?full=1`, 'POST', bytesOf(x));
  t.equal(answer.status, 200, `POST /infer?full=1: 200 ${answer.status === 200 ? '' : JSON.stringify(answer.json)}`);
  t.same(Object.keys(answer.json.outputs), session.outputs.map((o) => o.name), 'every output, in order');
  for (const o of session.outputs) {
    const got = answer.json.outputs[o.name];
    t.same(got.shape, o.shape, `${o.name}: shape`);
    t.equal(got.dtype, 'float32', `${o.name}: dtype`);
    t.ok(Buffer.from(got.data, 'base64').equals(bytesOf(expected[o.name])), `${o.name}: bit-identical to an in-process session.run`);
    t.same(got.first, Array.from(expected[o.name].subarray(0, 4)), `${o.name}: first values`);
    t.equal(got.max, Math.max(...expected[o.name]), `${o.name}: max`);
  }
  // Several at once, each with its own input: the service reuses request buffers, never shares them.
  const xs = [2, 3, 4, 5].map((seed) => deterministicInput(128 * 128 * 3, ...model.inputRange, seed));
  const answers = await Promise.all(xs.map((xi) => request(`${base}/infer?full=1`, 'POST', bytesOf(xi))));
  for (const [i, a] of answers.entries()) {
    const want = session.runSync(xs[i]);
    t.ok(a.status === 200 && session.outputs.every((o) => Buffer.from(a.json.outputs[o.name].data, 'base64').equals(bytesOf(want[o.name]))), `concurrent request ${i}: its own outputs, bit-identical`);
  }
  const summary = await request(`${base}/infer`, 'POST', bytesOf(x));
  t.equal(summary.status, 200, 'POST /infer without full=1: 200');
  t.notOk('data' in summary.json.outputs.regressors, 'a summary only');

  const wrongSize = await request(`${base}/infer`, 'POST', Buffer.alloc(100));
  t.equal(wrongSize.status, 400, 'a body of the wrong size: 400');
  t.match(wrongSize.json.error, /expected 196608 bytes .* but received 100/, `with a JSON error: ${wrongSize.json.error}`);
  const unknown = await request(`${base}/nope`);
  t.equal(unknown.status, 404, 'an unknown path: 404');
  t.type(unknown.json.error, 'string', 'with a JSON error');
  const wrongMethod = await request(`${base}/infer`);
  t.equal(wrongMethod.status, 405, 'GET /infer: 405');
  t.equal(wrongMethod.headers.allow, 'POST', 'Allow: POST');
  t.equal((await request(`${base}/healthz`)).status, 200, 'still serving after the bad requests');

  const stopAt = performance.now();
  proc.kill('SIGTERM');
  const timeout = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), 10_000).unref());
  const result = await Promise.race([exited, timeout]);
  t.not(result, 'timeout', `SIGTERM ended the service within 10 s (${(performance.now() - stopAt).toFixed(0)} ms)`);
  t.same(result, { code: 0, signal: null }, `exit code 0 (stderr: ${stderr})`);
  t.same(workers.filter((pid) => fs.existsSync(`/proc/${pid}`)), [], 'no worker is left');
});
