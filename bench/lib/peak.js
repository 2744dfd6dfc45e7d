'use strict';

// Measures this machine's single-core FP32 FMA peak by compiling and running
// fma-peak.c (x86-64 only). Returns GFLOP/s, or undefined where it cannot.

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

function measurePeak() {
  if (process.arch !== 'x64') return undefined;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xnnlite-peak-'));
  try {
    const binary = path.join(dir, 'fma-peak');
    const cc = spawnSync(process.env.CC || 'cc', ['-O3', '-o', binary, path.join(__dirname, 'fma-peak.c')], { encoding: 'utf8' });
    if (cc.status !== 0) return undefined;
    const run = spawnSync(binary, [], { encoding: 'utf8' });
    if (run.status !== 0) return undefined;
    const { avx2, avx512 } = JSON.parse(run.stdout);
    return { gflops: Math.max(avx2, avx512), avx2, avx512 };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

module.exports = { measurePeak };
