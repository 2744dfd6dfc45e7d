#!/usr/bin/env node
'use strict';

// npm run prebuild: writes prebuilds/<platform>-<arch>/xnnlite.node (Node-API,
// stripped) for this machine, built from the pinned sources with clang.

const path = require('node:path');
const { spawnSync } = require('node:child_process');

const root = path.join(__dirname, '..');
const r = spawnSync(process.execPath, [
  require.resolve('prebuildify/bin.js'),
  '--napi', '--strip',
  '--node-gyp', path.join(__dirname, 'prebuild-builder.js'),
], { stdio: 'inherit', cwd: root });
process.exit(r.status === null ? 1 : r.status);
