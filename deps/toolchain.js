'use strict';

// Picks the C/C++ compiler for XNNPACK. XNNPACK's x86 microkernels are
// intrinsics tuned with clang: built by GCC 12 its f32 GEMM ran at about half
// the speed on the same machine. So clang is installed by package name when
// it is missing and we may; otherwise the build falls back to the system
// compiler with a warning.

const { spawnSync } = require('node:child_process');

function commandOutput(cmd, args) {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  return r.status === 0 && !r.error ? r.stdout : undefined;
}

function onPath(cmd) {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' }).status === 0;
}

function compilerIdentity(cc) {
  const out = commandOutput(cc, ['--version']);
  return out ? out.split('\n')[0].trim() : cc;
}

/** Whether this process may install Debian packages: root, apt-get present, XNNLITE_NO_APT_INSTALL unset. */
function mayAptInstall() {
  return typeof process.getuid === 'function' && process.getuid() === 0 && !process.env.XNNLITE_NO_APT_INSTALL && onPath('apt-get');
}

/**
 * Installs Debian packages by name when this process may, refreshing the
 * package lists once if the first attempt fails. Returns whether apt-get
 * succeeded.
 */
function aptInstall(packages) {
  if (!mayAptInstall()) return false;
  const install = () => spawnSync('apt-get', ['install', '-y', '--no-install-recommends', ...packages],
    { encoding: 'utf8', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  if (install().status === 0) return true;
  spawnSync('apt-get', ['update'], { encoding: 'utf8' });
  return install().status === 0;
}

function tryInstallClang(log) {
  if (!mayAptInstall()) return false;
  log('clang is not installed; installing Debian package "clang" (XNNPACK\'s kernels run about 2x faster built by clang)');
  return aptInstall(['clang']) && onPath('clang') && onPath('clang++');
}

/**
 * Returns `{ cc, cxx, identity, isClang }`. XNNLITE_CC / XNNLITE_CXX select a
 * compiler explicitly (for example a cross compiler).
 */
function selectCompiler(log, warn) {
  if (process.env.XNNLITE_CC || process.env.XNNLITE_CXX) {
    const cc = process.env.XNNLITE_CC || 'cc';
    const cxx = process.env.XNNLITE_CXX || 'c++';
    const identity = compilerIdentity(cc);
    return { cc, cxx, identity, isClang: /clang/i.test(identity) };
  }
  if ((onPath('clang') && onPath('clang++')) || tryInstallClang(log)) {
    return { cc: 'clang', cxx: 'clang++', identity: compilerIdentity('clang'), isClang: true };
  }
  warn('clang was not found and could not be installed (it needs root and apt). Building XNNPACK with the system '
    + 'compiler instead: inference will be correct but its kernels will be slower (about 2x on x86-64). '
    + 'Install clang (Debian: apt-get install clang) and reinstall xnnlite for full speed.');
  const cc = process.env.CC || 'cc';
  const cxx = process.env.CXX || 'c++';
  return { cc, cxx, identity: compilerIdentity(cc), isClang: false };
}

module.exports = { selectCompiler, onPath, mayAptInstall, aptInstall };
