'use strict';

// Configures and builds XNNPACK (with pthreadpool and cpuinfo) as static,
// position-independent libraries, then stages the headers and archives the
// addon needs into one prefix directory:
//   <prefix>/include/{xnnpack.h, experiments-config.h, pthreadpool.h}
//   <prefix>/include/xnnpack-internal/xnnpack/{common.h, hardware-config.h}
//   <prefix>/lib/{libXNNPACK.a, libmicrokernels-prod.a, libpthreadpool.a, libcpuinfo.a}

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const { DependencyError } = require('./errors');
const { onPath } = require('./toolchain');

const LIBRARIES = ['libXNNPACK.a', 'libmicrokernels-prod.a', 'libpthreadpool.a', 'libcpuinfo.a'];

function cmakeDefinitions(dirs, compiler) {
  const defs = {
    CMAKE_BUILD_TYPE: 'Release',
    CMAKE_POSITION_INDEPENDENT_CODE: 'ON',
    CMAKE_C_COMPILER: compiler.cc,
    CMAKE_CXX_COMPILER: compiler.cxx,
    XNNPACK_LIBRARY_TYPE: 'static',
    XNNPACK_BUILD_TESTS: 'OFF',
    XNNPACK_BUILD_BENCHMARKS: 'OFF',
    XNNPACK_BUILD_ALL_MICROKERNELS: 'OFF',
    // KleidiAI would be another source to fetch; XNNPACK has its own Arm kernels.
    XNNPACK_ENABLE_KLEIDIAI: 'OFF',
    CPUINFO_SOURCE_DIR: dirs.cpuinfo,
    PTHREADPOOL_SOURCE_DIR: dirs.pthreadpool,
    FXDIV_SOURCE_DIR: dirs.fxdiv,
    FP16_SOURCE_DIR: dirs.fp16,
  };
  return defs;
}

function run(cmd, args, logFile, what) {
  fs.appendFileSync(logFile, `\n$ ${cmd} ${args.join(' ')}\n`);
  const fd = fs.openSync(logFile, 'a');
  try {
    const r = spawnSync(cmd, args, { stdio: ['ignore', fd, fd] });
    if (r.error || r.status !== 0) {
      const log = fs.readFileSync(logFile, 'utf8').trim().split('\n').slice(-25).map((l) => `    ${l}`).join('\n');
      throw new DependencyError('xnnpack', `${what} failed (${r.error ? r.error.message : `exit code ${r.status}`}). Last lines of ${logFile}:\n${log}`,
        'read the full log above; a missing tool (cmake, a C compiler) or a full disk are the usual causes. '
        + 'Set XNNLITE_XNNPACK_SOURCE_DIR to build another XNNPACK tree.');
    }
  } finally {
    fs.closeSync(fd);
  }
}

function findFile(dir, name) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isFile() && entry.name === name) return p;
    if (entry.isDirectory()) {
      const found = findFile(p, name);
      if (found) return found;
    }
  }
  return undefined;
}

/** Builds into `workDir` and stages the result into `prefix` (which must not exist). */
function buildXnnpack({ dirs, compiler, workDir, prefix, log, definitions }) {
  const buildDir = path.join(workDir, 'build');
  const logFile = path.join(workDir, 'build.log');
  fs.mkdirSync(buildDir, { recursive: true });
  const defs = definitions || cmakeDefinitions(dirs, compiler);
  const generator = onPath('ninja') ? ['-G', 'Ninja'] : [];
  log(`configuring XNNPACK with ${compiler.identity} (log: ${logFile})`);
  run('cmake', [...generator, '-S', dirs.xnnpack, '-B', buildDir,
    ...Object.entries(defs).map(([k, v]) => `-D${k}=${v}`)], logFile, 'configuring XNNPACK with CMake');
  const jobs = String(Math.max(1, os.availableParallelism ? os.availableParallelism() : os.cpus().length));
  log(`building XNNPACK on ${jobs} cores (a few minutes, done once per machine)`);
  run('cmake', ['--build', buildDir, '--target', 'XNNPACK', '--parallel', jobs], logFile, 'building XNNPACK');

  fs.mkdirSync(path.join(prefix, 'lib'), { recursive: true });
  const internal = path.join(prefix, 'include', 'xnnpack-internal', 'xnnpack');
  fs.mkdirSync(internal, { recursive: true });
  for (const lib of LIBRARIES) {
    const found = findFile(buildDir, lib);
    if (!found) {
      throw new DependencyError('xnnpack', `the build finished but produced no ${lib}.`,
        `check ${logFile}; the XNNPACK tree may be a different version than the pinned one.`);
    }
    fs.copyFileSync(found, path.join(prefix, 'lib', lib));
  }
  for (const header of fs.readdirSync(path.join(dirs.xnnpack, 'include'))) {
    if (header.endsWith('.h')) fs.copyFileSync(path.join(dirs.xnnpack, 'include', header), path.join(prefix, 'include', header));
  }
  fs.copyFileSync(path.join(dirs.pthreadpool, 'include', 'pthreadpool.h'), path.join(prefix, 'include', 'pthreadpool.h'));
  // The hardware configuration XNNPACK picked is not in its public header;
  // the addon reports it (version()) and the weight cache keys on it.
  for (const header of ['common.h', 'hardware-config.h']) {
    fs.copyFileSync(path.join(dirs.xnnpack, 'src', 'xnnpack', header), path.join(internal, header));
  }
  return { defs };
}

module.exports = { buildXnnpack, cmakeDefinitions, LIBRARIES };
