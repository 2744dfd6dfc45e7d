#!/usr/bin/env node
'use strict';

// Makes V8's code cache for the package's bundles (see
// scripts/code-cache-loader.js), so that `require('xnnlite')` and the CLI
// start without compiling them. Run by `npm run build:ts` and by the install
// script, with the Node that will run them. Best effort: a read-only package
// directory or a failure only means the bundles are compiled from source at
// every start, as without a cache.

const path = require('node:path');

const dist = path.join(__dirname, '..', 'dist');

async function main() {
  const { produce } = require(path.join(dist, 'code-cache.js'));
  // The library's cache covers what a first inference compiles: the self-test builds and runs a small graph.
  const library = await produce(path.join(dist, 'xnnlite-bundle.js'), async (xnnlite) => {
    await xnnlite.selfTest().catch(() => {});
  });
  const cli = await produce(path.join(dist, 'xnnlite-cli-bundle.js'), async () => {});
  process.stderr.write(`xnnlite: code cache written (${library.bytes + cli.bytes} bytes)\n`);
}

main().catch((err) => {
  process.stderr.write(`xnnlite: no code cache (${err && err.message ? err.message : err}); the bundles are compiled at each start\n`);
});
