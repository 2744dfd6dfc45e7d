'use strict';

// Entry point of the dependency step: returns a prefix directory holding
// XNNPACK's headers and static libraries, building them at most once per
// machine (cached by sources, compiler, flags and architecture).
//
//   node deps            builds if needed and prints the prefix
//   require('./deps').ensureDeps({ log }) -> { prefix, info }

const fs = require('node:fs');
const path = require('node:path');
const crypto = require('node:crypto');
const { DependencyError } = require('./errors');
const { cacheRoot, makeStagingDir, publishDir, removeStaleStaging } = require('./cache-dir');
const { SourceResolver } = require('./sources');
const { selectCompiler } = require('./toolchain');
const { crossDefinitions, ensureCrossToolchain } = require('./cross');
const { buildXnnpack, cmakeDefinitions, LIBRARIES } = require('./build-xnnpack');

// Bump when the build recipe changes in a way that changes the output.
const RECIPE_VERSION = 1;

function loadManifest() {
  return JSON.parse(fs.readFileSync(path.join(__dirname, 'manifest.json'), 'utf8'));
}

function defaultLog(msg) {
  process.stderr.write(`xnnlite: ${msg}\n`);
}

function defaultWarn(msg) {
  process.stderr.write(`xnnlite: WARNING: ${msg}\n`);
}

function isComplete(prefix) {
  return fs.existsSync(path.join(prefix, 'build-info.json'))
    && LIBRARIES.every((lib) => fs.existsSync(path.join(prefix, 'lib', lib)));
}

/**
 * @param {{log?: (msg: string) => void, warn?: (msg: string) => void, arch?: string}} [options]
 * @returns {{prefix: string, info: object}}
 */
function ensureDeps(options = {}) {
  const log = options.log || defaultLog;
  const warn = options.warn || defaultWarn;
  const arch = options.arch || process.arch;
  const cross = arch !== process.arch;
  if (cross) ensureCrossToolchain(arch, log);
  const manifest = loadManifest();
  const root = cacheRoot();
  const { dirs, identity } = new SourceResolver(root, manifest, log).resolveAll();
  const compiler = selectCompiler(log, warn);
  if (cross && !compiler.isClang) {
    throw new DependencyError('xnnpack', `cross-building for ${arch} needs clang (found ${compiler.identity}).`, 'install clang (apt-get install clang).');
  }
  const definitions = { ...cmakeDefinitions(dirs, compiler), ...(cross ? crossDefinitions(arch) : {}) };
  const key = crypto.createHash('sha256').update(JSON.stringify({
    recipe: RECIPE_VERSION, arch, identity, compiler: compiler.identity, definitions,
  })).digest('hex').slice(0, 16);
  const builds = path.join(root, 'xnnpack');
  const prefix = path.join(builds, `${process.platform}-${arch}-${key}`);
  const forced = process.env.XNNLITE_REBUILD_DEPS === '1';
  if (isComplete(prefix) && !forced) {
    return { prefix, info: JSON.parse(fs.readFileSync(path.join(prefix, 'build-info.json'), 'utf8')) };
  }
  removeStaleStaging(builds);
  const workDir = makeStagingDir(prefix);
  try {
    const staged = path.join(workDir, 'prefix');
    buildXnnpack({ dirs, compiler, workDir, prefix: staged, log, definitions });
    const xnnpack = manifest.sources.find((s) => s.name === 'xnnpack');
    const info = {
      xnnpackVersion: identity[0].includes('=dir:') ? `custom (${dirs.xnnpack})` : xnnpack.version,
      compiler: compiler.identity,
      clang: compiler.isClang,
      arch,
      key,
      sources: identity,
      builtAt: new Date().toISOString(),
    };
    fs.writeFileSync(path.join(staged, 'build-info.json'), `${JSON.stringify(info, null, 2)}\n`);
    if (forced) fs.rmSync(prefix, { recursive: true, force: true });
    publishDir(staged, prefix);
    log(`XNNPACK ready in ${prefix}`);
    return { prefix, info };
  } finally {
    fs.rmSync(workDir, { recursive: true, force: true });
  }
}

module.exports = { ensureDeps, loadManifest, DependencyError };

if (require.main === module) {
  try {
    const { prefix } = ensureDeps();
    process.stdout.write(`${prefix}\n`);
  } catch (err) {
    process.stderr.write(`${err instanceof DependencyError ? err.message : err.stack}\n`);
    process.exit(1);
  }
}
