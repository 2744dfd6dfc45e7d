'use strict';

// Copied to dist/code-cache.js by scripts/bundle.js, and loaded by the
// package's entry points (dist/xnnlite.js, dist/xnnlite-cli.js): compiles a
// bundle of xnnlite with V8's code cache for it, where the install made one
// (scripts/code-cache.js). Compiling the ~700 KB bundle from source is about
// half of what `require('xnnlite')` costs a fresh process.
//
// The cache file sits beside the bundle, as trusted as the code itself. It
// begins with a line naming the SHA-256 of the bundle's source, the Node and
// V8 versions that made it, and the SHA-256 of the data that follows. V8
// checks little of the data itself (a damaged byte can crash the process), so
// the data's hash is checked before V8 sees it. Any mismatch, or V8 refusing
// the data (other V8 flags, say), means the bundle is compiled from source,
// as without a cache.

const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const vm = require('node:vm');
const Module = require('node:module');

const FORMAT = 'xnnlite-code-cache 1';

/** How each bundle loaded in this process was compiled: 'cache', 'rejected' (V8 refused it), or 'source' (no usable cache). */
const compiled = new Map();

const sha256 = (bytes) => crypto.createHash('sha256').update(bytes).digest('hex');

/** The header's first part: what the data was made from and by. */
function origin(source) {
  return `${FORMAT} ${sha256(source)} node=${process.version} ${process.arch} v8=${process.versions.v8}`;
}

function cacheFile(bundle) {
  return `${bundle}.v8cache`;
}

/** The cached data for `source`, if the cache file was made from it by this Node and is whole. */
function cachedDataFor(bundle, source) {
  try {
    const file = fs.readFileSync(cacheFile(bundle));
    const end = file.indexOf(0x0a);
    if (end < 0) return undefined;
    const data = file.subarray(end + 1);
    return file.subarray(0, end).toString('latin1') === `${origin(source)} data=${sha256(data)}` ? data : undefined;
  } catch {
    return undefined;
  }
}

function compile(bundle, useCache) {
  const source = fs.readFileSync(bundle, 'utf8');
  const cachedData = useCache ? cachedDataFor(bundle, source) : undefined;
  const script = new vm.Script(Module.wrap(source), { filename: bundle, cachedData });
  const module = { exports: {}, filename: bundle, id: bundle, loaded: false };
  script.runInThisContext()(module.exports, Module.createRequire(bundle), module, bundle, path.dirname(bundle));
  module.loaded = true;
  compiled.set(bundle, !cachedData ? 'source' : script.cachedDataRejected ? 'rejected' : 'cache');
  return { script, source, exports: module.exports };
}

/** The exports of `bundle`, compiled with its code cache where one fits. */
function load(bundle) {
  return compile(bundle, true).exports;
}

/**
 * Compiles `bundle` from source, runs `workload` with its exports (so that
 * the functions it calls are compiled too), and writes the code cache of
 * what V8 compiled beside the bundle, replacing any other atomically.
 */
async function produce(bundle, workload) {
  const { script, source, exports } = compile(bundle, false);
  await workload(exports);
  const data = script.createCachedData();
  const target = cacheFile(bundle);
  const temporary = `${target}.tmp-${process.pid}`;
  try {
    fs.writeFileSync(temporary, Buffer.concat([Buffer.from(`${origin(source)} data=${sha256(data)}\n`, 'latin1'), data]), { mode: 0o644 });
    fs.renameSync(temporary, target);
  } finally {
    fs.rmSync(temporary, { force: true });
  }
  return { file: target, bytes: data.length };
}

module.exports = { load, produce, compiled };
