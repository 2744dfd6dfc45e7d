#!/usr/bin/env node
'use strict';

// npm run prebuild: writes prebuilds/<platform>-<arch>/xnnlite.node (Node-API,
// stripped) for this machine and, on x86-64 Linux, for the Raspberry Pi:
// linux-arm64 (64-bit Raspberry Pi OS) and linux-arm (32-bit, armv7 + NEON),
// all built from the pinned sources with clang.
//
//   npm run prebuild                 every target this machine can build
//   npm run prebuild -- x64 arm64    only those

const path = require('node:path');
const { spawnSync } = require('node:child_process');

const root = path.join(__dirname, '..');
const CROSS = process.platform === 'linux' && process.arch === 'x64' ? ['arm64', 'arm'] : [];
const STRIP = { arm64: 'aarch64-linux-gnu-strip', arm: 'arm-linux-gnueabihf-strip' };

const requested = process.argv.slice(2);
const archs = requested.length ? requested : [process.arch, ...CROSS];
for (const arch of archs) {
  process.stderr.write(`xnnlite: prebuild for linux-${arch}\n`);
  const args = [require.resolve('prebuildify/bin.js'), '--napi', '--strip', '--arch', arch,
    '--node-gyp', path.join(__dirname, 'prebuild-builder.js')];
  const env = { ...process.env };
  if (STRIP[arch] && arch !== process.arch) env.PREBUILD_STRIP_BIN = STRIP[arch];
  if (arch === 'arm') {
    env.PREBUILD_ARMV = '7';
    args.push('--tag-armv');
  }
  const r = spawnSync(process.execPath, args, { stdio: 'inherit', cwd: root, env });
  if (r.status !== 0) process.exit(r.status === null ? 1 : r.status);
}

// prebuildify moves each binary out of build/Release; relink the local build
// (its own directory, untouched by the cross builds) so a checkout keeps working.
if (require('node:fs').existsSync(path.join(root, 'build', 'CMakeCache.txt'))) {
  require('./install').buildAddon();
}
