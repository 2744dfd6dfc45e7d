#!/usr/bin/env node
'use strict';

// A small HTTP inference service: node:http and node:cluster, nothing else.
//
//   node examples/inference-service.js [--workers N] [--model FILE] [--cache DIR]
//                                      [--port 8080] [--host 127.0.0.1] [--timeout 2000]
//
// Prints "listening on http://HOST:PORT" once every worker is ready (--port 0: any free port).
// The primary process forks N workers (default: one per CPU) and restarts any
// that dies; each worker loads the model and serves the same port (the primary
// hands connections out round-robin). Under PM2's cluster mode (pm2 start FILE
// -i N) every instance is a cluster worker already: it runs the worker part
// only, and PM2 is the primary. Endpoints:
//
//   POST /infer[?full=1]  body: the model's inputs as raw little-endian bytes, one
//                         after another in model order (float32 for a float model:
//                         4 bytes per value, exactly the input's size). Answers JSON:
//                         per output its shape, dtype, first values, min, max and
//                         argmax; with ?full=1 also the whole output as base64 bytes.
//   GET  /info            the model's inputs and outputs, versions, the worker's pid
//                         and what the weight cache did (session.weightCache).
//   GET  /healthz         200 while serving, 503 while shutting down.
//
//   curl -s --data-binary @input.f32 http://127.0.0.1:8080/infer
//
// SIGTERM or SIGINT: every worker stops accepting, finishes its requests in
// flight, releases the model and exits; then the primary exits (code 0).
// Connections the primary accepted but had not yet handed to a worker are reset,
// as with any server that closes its socket: take an instance out of its load
// balancer before stopping it.

const cluster = require('node:cluster');
const fs = require('node:fs');
const http = require('node:http');
const os = require('node:os');
const path = require('node:path');
const { parseArgs } = require('node:util');

const USAGE = 'usage: node examples/inference-service.js [--workers N] [--model FILE] [--cache DIR] [--port 8080] [--host 127.0.0.1] [--timeout MS]';

const OPTIONS = {
  workers: { type: 'string', default: String(os.availableParallelism()) },
  model: { type: 'string' },
  cache: { type: 'string' }, // a shared packed-weight cache directory: workers after the first map its file
  port: { type: 'string', default: '8080' }, // 0: any free port (printed once ready)
  host: { type: 'string', default: '127.0.0.1' }, // 0.0.0.0 in a container
  timeout: { type: 'string', default: '2000' }, // longest a request may wait for its turn, in ms
  help: { type: 'boolean' },
};

function options() {
  let values;
  try {
    values = parseArgs({ options: OPTIONS }).values;
  } catch (err) {
    exit(2, `${err.message}\n${USAGE}`);
  }
  if (values.help) exit(0, USAGE);
  const whole = (name, min, max) => {
    const n = Number(values[name]);
    if (!Number.isInteger(n) || n < min || n > max) exit(2, `--${name} must be a whole number from ${min} to ${max}\n${USAGE}`);
    return n;
  };
  return {
    workers: whole('workers', 1, 256), port: whole('port', 0, 65535), timeout: whole('timeout', 1, 3_600_000),
    host: values.host, cache: values.cache, model: values.model ?? defaultModel(),
  };
}

/** pose_landmark_full from the @mediapipe/pose package (a devDependency of xnnlite). */
function defaultModel() {
  try {
    return path.join(path.dirname(require.resolve('@mediapipe/pose/package.json')), 'pose_landmark_full.tflite');
  } catch {
    return exit(2, 'The default model comes from the @mediapipe/pose package, which is not installed:\n' +
      'run `npm install` in the xnnlite clone, or pass --model FILE.tflite');
  }
}

function exit(code, message) {
  (code ? process.stderr : process.stdout).write(`${message}\n`);
  process.exit(code);
}

// ---------------------------------------------------------------- primary

function primary(opts) {
  const live = new Set();
  let ready = 0;
  let announced = false;
  let stopping = false;
  let exitCode = 0;

  const fork = () => live.add(cluster.fork());
  const stop = (code) => {
    exitCode ||= code;
    if (stopping) return;
    stopping = true;
    for (const w of live) w.process.kill('SIGTERM');
    if (live.size === 0) process.exit(exitCode);
    // A worker that does not finish in time is killed: requests get at most their deadline and a bit.
    setTimeout(() => {
      for (const w of live) w.process.kill('SIGKILL');
      process.exit(1);
    }, opts.timeout + 10_000).unref();
  };

  cluster.on('listening', (worker, address) => {
    if (!announced && ++ready === opts.workers) {
      announced = true;
      process.stdout.write(`listening on http://${opts.host}:${address.port}\n`);
    }
  });
  cluster.on('exit', (worker, code, signal) => {
    live.delete(worker);
    if (stopping) {
      if (code !== 0) exitCode = 1;
      if (live.size === 0) process.exit(exitCode);
    } else if (!announced) {
      process.stderr.write(`worker ${worker.process.pid} failed to start (${signal ?? `exit code ${code}`}); stopping\n`);
      stop(1);
    } else {
      process.stderr.write(`worker ${worker.process.pid} died (${signal ?? `exit code ${code}`}); starting another\n`);
      fork();
    }
  });
  process.on('SIGTERM', () => stop(0));
  process.on('SIGINT', () => stop(0));
  for (let i = 0; i < opts.workers; i++) fork();
}

// ---------------------------------------------------------------- worker

let draining = false; // set once SIGTERM or SIGINT arrives
const ARRAYS = { float32: Float32Array, int8: Int8Array, uint8: Uint8Array, int16: Int16Array };

async function worker(opts) {
  const { loadModel, version } = require('..'); // in your project: require('xnnlite')
  let model;
  let server;
  const shutdown = () => {
    if (draining) return;
    draining = true;
    const done = async () => {
      await model?.[Symbol.asyncDispose](); // waits for a run still in progress
      process.exit(0);
    };
    if (!server?.listening) return void done();
    server.close(() => void done()); // stops accepting; called back once every connection has ended
    setTimeout(() => server.closeAllConnections(), opts.timeout + 5_000).unref(); // a client that never leaves
  };
  process.on('SIGTERM', shutdown); // the primary forwards its signal
  process.on('SIGINT', shutdown); // Ctrl-C reaches every process of the terminal's group

  // A cache directory of this user's, private (xnnlite refuses one that others may write).
  if (opts.cache) fs.mkdirSync(opts.cache, { recursive: true, mode: 0o700 });
  model = await loadModel(opts.model, opts.cache ? { weightCache: opts.cache } : {});
  // threads: 1. N workers already keep N CPUs busy with one inference each; more
  // threads per inference would only make the workers compete for the same cores.
  // One session per worker: its runs queue and run one at a time, which is what one
  // core can do anyway. More sessions would each hold their own activation buffers
  // and share the same CPU; the queue is also where the deadline below applies.
  const session = await model.createSession({ threads: 1 });
  const arrays = (tensors) => Object.fromEntries(tensors.map((t) => {
    if (!ARRAYS[t.dtype]) throw new Error(`${t.name} is ${t.dtype}; this example takes ${Object.keys(ARRAYS)}`);
    return [t.name, new ARRAYS[t.dtype](t.shape.reduce((a, b) => a * b, 1))];
  }));
  // Buffers for one request, reused by later ones: run() copies its inputs at the
  // call and writes its outputs into the arrays given, so a slot is free again once
  // the answer is serialized. Allocated per request instead, they are garbage that
  // V8 collects late: a pose_landmark_full worker then held about 35 MiB more.
  const spare = [];
  function slot() {
    if (spare.length) return spare.pop();
    const inputs = arrays(session.inputs);
    const bytes = session.inputs.map((t) => new Uint8Array(inputs[t.name].buffer)); // in model order
    return { inputs, bytes, outputs: arrays(session.outputs) };
  }
  const first = slot();
  const inputBytes = first.bytes.reduce((sum, b) => sum + b.length, 0);
  const maxBody = 4 * inputBytes;
  await session.run(first.inputs); // warm up before serving
  spare.push(first);

  async function infer(req, res, url) {
    const s = slot();
    try {
      // The body fills the inputs in order: bytes beyond the first input go to the second...
      const size = await readBody(req, maxBody, (chunk, at) => {
        for (const view of s.bytes) {
          if (at < view.length) {
            const n = Math.min(view.length - at, chunk.length);
            view.set(chunk.subarray(0, n), at);
            chunk = chunk.subarray(n);
          }
          at = Math.max(0, at - view.length);
        }
      });
      if (size !== inputBytes) {
        const expected = session.inputs.map((t) => `${t.name}: ${t.dtype} [${t.shape}]`).join(', ');
        return send(res, 400, { error: `expected ${inputBytes} bytes (${expected}, little-endian) but received ${size}` });
      }
      // The deadline covers the wait behind this worker's earlier requests: a run
      // still queued then is dropped (503; another worker or a retry may do better).
      // A run that has started completes. A client that hangs up also drops its run.
      const gone = new AbortController();
      res.on('close', () => gone.abort());
      const signal = AbortSignal.any([AbortSignal.timeout(opts.timeout), gone.signal]);
      const start = performance.now();
      let outputs;
      try {
        outputs = await session.run(s.inputs, { signal, outputs: s.outputs });
      } catch (err) {
        if (err.name !== 'AbortError') throw err;
        res.setHeader('Retry-After', '1');
        return send(res, 503, { error: `still queued after ${opts.timeout} ms` });
      }
      const runMs = performance.now() - start; // queued + running
      const full = url.searchParams.get('full') === '1';
      const described = {};
      for (const t of session.outputs) {
        const a = outputs[t.name];
        let argmax = 0;
        let min = Infinity;
        for (let k = 0; k < a.length; k++) {
          if (a[k] > a[argmax]) argmax = k;
          if (a[k] < min) min = a[k];
        }
        described[t.name] = { shape: t.shape, dtype: t.dtype, first: Array.from(a.subarray(0, 4)), min, max: a[argmax], argmax };
        if (full) described[t.name].data = Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');
      }
      send(res, 200, { pid: process.pid, runMs: Number(runMs.toFixed(3)), outputs: described });
    } finally {
      if (spare.length < 8) spare.push(s); // no run holds it any more: it completed or never started
    }
  }

  const info = (req, res) => {
    const v = version();
    send(res, 200, {
      pid: process.pid, xnnlite: v.xnnlite, xnnpack: v.xnnpack, model: path.basename(opts.model),
      inputs: session.inputs, outputs: session.outputs, threads: session.threads,
      weightCache: session.weightCache ?? null, timeoutMs: opts.timeout, maxBodyBytes: maxBody,
    });
  };
  const healthz = (req, res) => send(res, draining ? 503 : 200, { ok: !draining, pid: process.pid });
  const routes = { '/infer': ['POST', infer], '/info': ['GET', info], '/healthz': ['GET', healthz] };

  server = http.createServer(async (req, res) => {
    req.on('error', () => {}); // a client that resets mid-body: nobody to answer
    try {
      const url = new URL(`http://localhost${req.url}`); // a path (a malformed one is a 400)
      const route = routes[url.pathname];
      if (!route) return send(res, 404, { error: `no such path: ${url.pathname} (POST /infer, GET /info, GET /healthz)` });
      if (req.method !== route[0]) {
        res.setHeader('Allow', route[0]);
        return send(res, 405, { error: `${url.pathname} takes ${route[0]}, not ${req.method}` });
      }
      await route[1](req, res, url);
    } catch (err) {
      send(res, err.status ?? (err.code === 'ERR_INVALID_URL' ? 400 : 500), { error: err.message });
    }
  });
  server.on('error', (err) => exit(1, `worker ${process.pid}: ${err.message}`));
  if (!draining) server.listen(opts.port, opts.host);
}

/** Reads the request body through `write(chunk, offset)`; resolves to its size. Refused (413) past `limit` bytes. */
function readBody(req, limit, write) {
  return new Promise((resolve, reject) => {
    const tooLarge = () => Object.assign(new Error(`body larger than ${limit} bytes`), { status: 413 });
    if (Number(req.headers['content-length']) > limit) return reject(tooLarge());
    let size = 0;
    const onData = (chunk) => {
      if (size + chunk.length > limit) {
        req.off('data', onData).pause(); // the 413 goes out with Connection: close; the rest is never read
        return reject(tooLarge());
      }
      write(chunk, size);
      size += chunk.length;
    };
    req.on('data', onData);
    req.on('end', () => resolve(size));
    req.on('close', () => reject(new Error('the client went away'))); // after 'end', a no-op
    req.on('error', reject);
  });
}

function send(res, status, body) {
  if (res.headersSent || res.destroyed) return;
  const text = JSON.stringify(body);
  // While draining, every answer closes its connection, so that server.close() can finish.
  if (draining || status === 413) res.setHeader('Connection', 'close');
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

const opts = options();
if (cluster.isPrimary) primary(opts);
else worker(opts).catch((err) => exit(1, `worker ${process.pid}: ${err.stack}`));
