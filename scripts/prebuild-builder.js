#!/usr/bin/env node
'use strict';

// prebuildify drives node-gyp; this stands in for node-gyp (prebuildify's
// --node-gyp option) so that cmake-js stays the one build of record. It
// accepts node-gyp's `rebuild --target=… --arch=… --release` arguments and
// leaves the addon in build/Release, where prebuildify picks it up.

const { buildAddon } = require('./install');

const args = process.argv.slice(2);
if (args[0] !== 'rebuild') {
  process.stderr.write(`prebuild-builder: unsupported command ${args.join(' ')}\n`);
  process.exit(1);
}
const archArg = args.find((a) => a.startsWith('--arch='));
buildAddon({ arch: archArg ? archArg.slice('--arch='.length) : undefined, rebuild: true });
