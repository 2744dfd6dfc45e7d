#!/usr/bin/env node
'use strict';

// npm run test:sanitize: rebuilds the addon (not XNNPACK) with AddressSanitizer
// and UndefinedBehaviorSanitizer into build-sanitize/, then runs the test
// suite against it, plus a longer byte-mutation fuzz of quantized models.
// Node itself is not instrumented, so the sanitizer runtimes are preloaded;
// child processes the tests start inherit the environment. Reports go to
// files: any report fails the run, whatever the tests made of the crash.
// Ends with the line "N passed, N failed".
//
// Left out, because the addon code they reach is reached by the files that
// run (and CI time is better spent on those): test/09-package.ts (packaging,
// cross builds, emulated Arm); the files whose subject is TypeScript: the
// CLI, the quantizer's rewriting and calibration, the graph rewrites, pruning
// and clustering, shape rules, signatures, image decoding, value
// conversion, the operator table and the deps script; and the parity tests
// of operators lowered to XNNPACK (XNNPACK itself is not instrumented, and
// the addon calls they make are the ones the zoo, binding and cache tests
// make). Every test of the reference kernels runs.

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawn, spawnSync } = require('node:child_process');
const { buildAddon } = require('./install');

const root = path.join(__dirname, '..');
const out = path.join(root, 'build-sanitize');
const skipped = new Set([
  'test/02-deps.ts', 'test/09-package.ts', 'test/10-cli.ts', 'test/12-quantize.ts', 'test/13-quantize-int8.ts', 'test/14-quantize-zoo.ts',
  'test/15-images.ts', 'test/16-quantize-int16x8.ts', 'test/17-tensor-values.ts', 'test/25-operator-table.ts',
  'test/27-rewrite.ts', 'test/28-optimize.ts', 'test/29-shape-rules.ts', 'test/30-signatures.ts',
  ...['batch-matmul', 'binary', 'concatenation', 'convolution', 'depth-space', 'fully-connected',
    'math-xnnpack', 'mean', 'pad', 'pooling', 'quantized', 'reshape', 'resize-bilinear', 'slice', 'softmax', 'split', 'transpose-conv',
    'transpose', 'unary'].map((name) => `test/ops/${name}.ts`),
]);

function runtimeLibrary(name) {
  const r = spawnSync('g++', [`-print-file-name=${name}`], { encoding: 'utf8' });
  const file = (r.stdout || '').trim();
  if (r.status !== 0 || !path.isAbsolute(file) || !fs.existsSync(file)) {
    process.stderr.write(`test:sanitize: ${name} was not found (Debian: apt-get install g++, which brings libasan and libubsan)\n0 passed, 1 failed\n`);
    process.exit(1);
  }
  return fs.realpathSync(file);
}

function testFiles() {
  const list = (dir) => fs.readdirSync(path.join(root, dir)).filter((f) => f.endsWith('.ts')).map((f) => `${dir}/${f}`);
  return [...list('test'), ...list('test/ops')].filter((f) => !skipped.has(f)).sort();
}

// g++ builds it, so that the runtimes preloaded below are the ones it was built against.
const started = Date.now();
buildAddon({ out, defines: { XNNLITE_SANITIZE: 'ON', CMAKE_CXX_COMPILER: 'g++' } });
const addon = path.join(out, 'Release', 'xnnlite.node');
const reports = fs.mkdtempSync(path.join(os.tmpdir(), 'xnnlite-sanitize-'));
const env = {
  ...process.env,
  XNNLITE_ADDON: addon,
  LD_PRELOAD: [runtimeLibrary('libasan.so'), runtimeLibrary('libubsan.so'), process.env.LD_PRELOAD].filter(Boolean).join(' '),
  // V8 keeps memory for the life of the process (no leak checks); Node's own
  // SIGSEGV handler would swallow reports; SIGBUS is left to the addon, which
  // handles it for truncated model files (native/fault_guard.h).
  // Eight frames of allocation and free stacks, and a 32 MiB quarantine of freed memory, instead of 30 and
  // 256 MiB: a quarter less time (Node itself allocates through ASan too), and reports still show where.
  ASAN_OPTIONS: `detect_leaks=0:allow_user_segv_handler=0:handle_sigbus=0:abort_on_error=0:malloc_context_size=8:quarantine_size_mb=32:log_path=${reports}/asan`,
  UBSAN_OPTIONS: `print_stacktrace=1:halt_on_error=1:log_path=${reports}/ubsan`,
  XNNLITE_FUZZ_SCALE: process.env.XNNLITE_FUZZ_SCALE || '2',
};

function finish(stdout, status) {
  const summary = [...stdout.matchAll(/^# \{ total: \d+.*$/gm)].pop()?.[0];
  const count = (key) => Number(new RegExp(`${key}: (\\d+)`).exec(summary ?? '')?.[1] ?? 0);
  let passed = count('pass');
  let failed = summary ? count('fail') : 1;
  if (summary && status !== 0 && failed === 0) failed = 1;
  const found = fs.readdirSync(reports);
  for (const name of found) {
    process.stdout.write(`\n--- sanitizer report ${name} ---\n${fs.readFileSync(path.join(reports, name), 'utf8')}`);
  }
  failed += found.length;
  if (found.length === 0) fs.rmSync(reports, { recursive: true, force: true });
  process.stdout.write(`${passed} passed, ${failed} failed\n`);
  process.exit(failed > 0 ? 1 : 0);
}

const files = testFiles();
process.stderr.write(`test:sanitize: the instrumented addon took ${Math.round((Date.now() - started) / 1000)} s to build\n`);
process.stderr.write(`test:sanitize: ${files.length} test files against ${path.relative(root, addon)} (left out: ${[...skipped].join(', ')})\n`);
const tap = spawn(path.join(root, 'node_modules', '.bin', 'tap'), files, { cwd: root, env, stdio: ['ignore', 'pipe', 'inherit'] });
let stdout = '';
tap.stdout.on('data', (chunk) => {
  process.stdout.write(chunk);
  stdout += chunk;
});
tap.on('close', (status) => finish(stdout, status ?? 1));
