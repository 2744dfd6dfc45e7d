#!/usr/bin/env node
'use strict';

// npm's install hook. With a prebuilt binary for this platform (prebuilds/),
// there is nothing to do. Otherwise: build XNNPACK once per machine (deps/),
// then the addon with cmake-js (CMakeLists.txt).
//
//   node scripts/install.js           as npm runs it
//   node scripts/install.js --build   always build from source (npm run build:native)
//   XNNLITE_BUILD_FROM_SOURCE=1 or npm install --build-from-source: same as --build

const path = require('node:path');
const { spawnSync } = require('node:child_process');

const root = path.join(__dirname, '..');

function wantsSourceBuild() {
  return process.argv.includes('--build')
    || process.env.XNNLITE_BUILD_FROM_SOURCE === '1'
    || process.env.npm_config_build_from_source === 'true'
    // In a git checkout, prebuilds are outputs of `npm run prebuild`, likely older than the sources.
    || require('node:fs').existsSync(path.join(root, '.git'));
}

function loadablePrebuild() {
  // Only a prebuild counts here; a stale local build/ must not skip a rebuild.
  process.env.PREBUILDS_ONLY = '1';
  try {
    const file = require('node-gyp-build').resolve(root);
    require(file);
    return file;
  } catch {
    return undefined;
  } finally {
    delete process.env.PREBUILDS_ONLY;
  }
}

function fail(message) {
  process.stderr.write(`\n${message}\n\n`);
  process.exit(1);
}

// A registry install with a prebuild needs neither: they are development
// dependencies, present in a clone, and installed by hand for a source build.
const BUILD_PACKAGES = ['cmake-js', 'node-addon-api'];

function requireBuildPackages() {
  const missing = BUILD_PACKAGES.filter((name) => {
    try {
      require.resolve(`${name}/package.json`, { paths: [root] });
      return false;
    } catch {
      return true;
    }
  });
  if (missing.length === 0) return;
  const ranges = require('../package.json').devDependencies;
  fail([
    `xnnlite: building from source needs ${missing.join(' and ')}, which a prebuilt install leaves out.`,
    '  What to do, in your project:',
    `    npm install --save-dev ${missing.map((name) => `${name}@${ranges[name]}`).join(' ')}`,
    '    npm rebuild xnnlite',
    '  The build also needs cmake and a C++17 compiler, and clang for the fast x86 kernels',
    '  (Debian: apt-get install cmake g++ clang).',
  ].join('\n'));
}

function requireTool(cmd, hint) {
  const r = spawnSync(cmd, ['--version'], { encoding: 'utf8' });
  if (r.error || r.status !== 0) fail(`xnnlite: building from source needs ${cmd}, which was not found.\n  What to do: ${hint}`);
}

/**
 * Builds the addon with cmake-js against the XNNPACK prefix, into
 * `<out>/Release/xnnlite.node` (default out: build/). `defines` are extra
 * CMake cache entries, e.g. { XNNLITE_SANITIZE: 'ON' }.
 */
function buildAddon({ arch, rebuild, out, defines = {} } = {}) {
  requireBuildPackages();
  requireTool('cmake', 'install CMake 3.19 or newer (Debian: apt-get install cmake).');
  let deps;
  try {
    deps = require('../deps').ensureDeps({ arch });
  } catch (err) {
    fail(err.name === 'DependencyError' ? err.message : `xnnlite: building XNNPACK failed:\n${err.stack}`);
  }
  const cmakeJs = require.resolve('cmake-js/bin/cmake-js');
  const args = [cmakeJs, rebuild ? 'rebuild' : 'build', '--directory', root,
    `--CDXNNLITE_DEPS_PREFIX=${deps.prefix}`, '--log-level', 'warn'];
  if (out) args.push('--out', out);
  for (const [name, value] of Object.entries(defines)) args.push(`--CD${name}=${value}`);
  if (arch) args.push('--arch', arch);
  if (arch && arch !== process.arch) {
    // The addon is C++ only: Debian's cross g++ compiles it against the target's libraries.
    const target = require('../deps/cross').crossTarget(arch);
    args.push('--cc', `${target.triple}-gcc`, '--cxx', `${target.triple}-g++`,
      '--CDCMAKE_SYSTEM_NAME=Linux', `--CDCMAKE_SYSTEM_PROCESSOR=${target.processor}`,
      `--CDCMAKE_CXX_FLAGS=${target.flags}`);
  }
  process.stderr.write('xnnlite: building the native addon (cmake-js)\n');
  const r = spawnSync(process.execPath, args, { stdio: 'inherit', cwd: root });
  if (r.status !== 0) {
    fail('xnnlite: building the native addon failed (see the compiler output above).\n'
      + '  What to do: check that a C++17 compiler and cmake are installed; report the output above if they are.');
  }
}

/** V8's code cache for the bundles, made by this Node (scripts/code-cache.js); in a checkout, `npm run build:ts` makes it once dist/ exists. */
function makeCodeCache() {
  if (!require('node:fs').existsSync(path.join(root, 'dist', 'code-cache.js'))) return;
  spawnSync(process.execPath, [path.join(__dirname, 'code-cache.js')], { stdio: 'inherit', cwd: root });
}

module.exports = { buildAddon };

if (require.main === module) {
  if (!wantsSourceBuild()) {
    const prebuild = loadablePrebuild();
    if (prebuild) {
      process.stderr.write(`xnnlite: using prebuilt binary ${path.relative(root, prebuild)}\n`);
      makeCodeCache();
      process.exit(0);
    }
    process.stderr.write(`xnnlite: no prebuilt binary matches ${process.platform}-${process.arch}; building from source\n`);
  }
  buildAddon();
  makeCodeCache();
}
