#!/usr/bin/env node
'use strict';

// prebuildify drives node-gyp; this stands in for node-gyp (prebuildify's
// --node-gyp option) so that cmake-js stays the one build of record. It
// accepts node-gyp's `rebuild --target=… --arch=… --release` arguments,
// builds in its own directory per architecture (so that a cross build never
// reconfigures the local one in build/), and copies the addon to
// build/Release, where prebuildify picks it up.

const fs = require('node:fs');
const path = require('node:path');
const { buildAddon } = require('./install');

const args = process.argv.slice(2);
if (args[0] !== 'rebuild') {
  process.stderr.write(`prebuild-builder: unsupported command ${args.join(' ')}\n`);
  process.exit(1);
}
const archArg = args.find((a) => a.startsWith('--arch='));
const arch = archArg ? archArg.slice('--arch='.length) : process.arch;
const root = path.join(__dirname, '..');
const out = path.join(root, 'build', `prebuild-${arch}`);
buildAddon({ arch, rebuild: true, out });
fs.mkdirSync(path.join(root, 'build', 'Release'), { recursive: true });
fs.copyFileSync(path.join(out, 'Release', 'xnnlite.node'), path.join(root, 'build', 'Release', 'xnnlite.node'));
