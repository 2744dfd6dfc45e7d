'use strict';

// Cross-compilation targets: Raspberry Pi OS 64-bit (arm64) and 32-bit
// (armv7 with NEON, "arm" in Node's naming), built on an x86-64 machine with
// clang for XNNPACK and Debian's cross g++ for the addon (which also provides
// the target's C/C++ libraries as a sysroot).

const { DependencyError } = require('./errors');
const { aptInstall, mayAptInstall, onPath } = require('./toolchain');

const TARGETS = {
  arm64: {
    triple: 'aarch64-linux-gnu',
    processor: 'aarch64',
    flags: '',
    packages: ['g++-aarch64-linux-gnu', 'libc6-arm64-cross', 'libstdc++6-arm64-cross'],
  },
  arm: {
    triple: 'arm-linux-gnueabihf',
    processor: 'armv7',
    flags: '-march=armv7-a -mfpu=neon -mfloat-abi=hard',
    packages: ['g++-arm-linux-gnueabihf', 'libc6-armhf-cross', 'libstdc++6-armhf-cross', 'libatomic1-armhf-cross'],
  },
};

function crossTarget(arch) {
  const target = TARGETS[arch];
  if (!target) {
    throw new DependencyError('xnnpack', `cross-building for ${arch} is not supported (supported: ${Object.keys(TARGETS).join(', ')}).`,
      'build on a machine of that architecture instead.');
  }
  return target;
}

/** Installs the cross toolchain by package name when it is missing (root only). */
function ensureCrossToolchain(arch, log) {
  const target = crossTarget(arch);
  if (onPath(`${target.triple}-g++`)) return target;
  if (mayAptInstall()) {
    log(`installing the ${arch} cross toolchain (${target.packages.join(', ')})`);
    aptInstall(target.packages);
  }
  if (!onPath(`${target.triple}-g++`)) {
    throw new DependencyError('xnnpack', `the ${arch} cross compiler ${target.triple}-g++ is not installed.`,
      `install Debian's ${target.packages.join(' ')} (apt-get install ...), then run the prebuild again.`);
  }
  return target;
}

/** CMake definitions that point a clang build of XNNPACK at `arch`. */
function crossDefinitions(arch) {
  const t = crossTarget(arch);
  return {
    CMAKE_SYSTEM_NAME: 'Linux',
    CMAKE_SYSTEM_PROCESSOR: t.processor,
    CMAKE_C_COMPILER_TARGET: t.triple,
    CMAKE_CXX_COMPILER_TARGET: t.triple,
    CMAKE_ASM_COMPILER_TARGET: t.triple,
    ...(t.flags ? { CMAKE_C_FLAGS: t.flags, CMAKE_CXX_FLAGS: t.flags, CMAKE_ASM_FLAGS: t.flags } : {}),
  };
}

module.exports = { TARGETS, crossTarget, ensureCrossToolchain, crossDefinitions };
