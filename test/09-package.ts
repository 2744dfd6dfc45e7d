// The published package: `npm run prebuild` then `npm pack` gives a tarball
// with prebuilds for linux-x64, linux-arm64 and linux-arm that installs with
// --ignore-scripts (no compiler, no cmake) and runs: natively on x86-64, and
// the Arm ones in real Node.js builds for those architectures under qemu,
// matching the x86-64 results. Works on a copy of the package so that the
// checkout is left untouched.
import t from 'tap';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync, spawnSync } from 'node:child_process';
import { difference } from './helpers/compare';
import { ARM_TARGETS, ensureQemu, runEmulated } from './helpers/emulation';
import { OLD_DEBIAN, glibcVersionIn, oldDebianRoot, runInRoot } from './helpers/debian-root';
import { dynamicNeeds, newestGlibc } from './helpers/elf';
import { cacheChecksums } from './helpers/cache-file';
import { ZOO, zooModel } from './helpers/zoo';

const repo = path.join(__dirname, '..');
const PACKAGE_FILES = ['package.json', 'package-lock.json', 'tsconfig.json', 'CMakeLists.txt', 'lib', 'native', 'deps', 'scripts', 'bin'];
// The C++ runtime is linked in: a prebuild needs only glibc, and nothing newer than 2.28 of it.
const ALLOWED_LIBS = /^(libc|libm|libpthread|libdl|ld-linux[-\w]*)\.so/;
const GLIBC_FLOOR = [2, 28];

function npm(args: string[], cwd: string): string {
  const r = spawnSync('npm', args, { cwd, encoding: 'utf8', env: { ...process.env, npm_config_loglevel: 'error' } });
  if (r.status !== 0) throw new Error(`npm ${args.join(' ')} failed in ${cwd}:\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

t.test('prebuild, pack, and install without scripts', { timeout: 1_500_000 }, async (t) => {
  const work = t.testdir({ app: { 'package.json': JSON.stringify({ name: 'app', version: '1.0.0', private: true }) } });
  const copy = path.join(work, 'xnnlite');
  fs.mkdirSync(copy);
  for (const entry of PACKAGE_FILES) fs.cpSync(path.join(repo, entry), path.join(copy, entry), { recursive: true });
  fs.symlinkSync(path.join(repo, 'node_modules'), path.join(copy, 'node_modules'), 'dir');

  npm(['run', 'prebuild'], copy);
  const binary = path.join(copy, 'prebuilds', `${process.platform}-${process.arch}`, 'xnnlite.node');
  t.ok(fs.existsSync(binary), 'prebuilds/<platform>-<arch>/xnnlite.node exists');

  const crossBuilt = process.platform === 'linux' && process.arch === 'x64';
  const prebuilds = [binary];
  if (crossBuilt) {
    for (const [dir, file] of [['linux-arm64', 'xnnlite.node'], ['linux-arm', 'xnnlite.armv7.node']]) {
      const prebuild = path.join(copy, 'prebuilds', dir, file);
      t.ok(fs.existsSync(prebuild), `prebuilds/${dir}/${file} exists`);
      t.match(execFileSync('file', [prebuild], { encoding: 'utf8' }), dir === 'linux-arm64' ? /ARM aarch64/ : /32-bit .* ARM, EABI5/, `${dir} is an Arm binary`);
      prebuilds.push(prebuild);
    }
  }
  for (const prebuild of prebuilds) {
    const name = path.relative(copy, prebuild);
    const needs = dynamicNeeds(prebuild);
    t.same(needs.libraries.filter((l) => !ALLOWED_LIBS.test(l)), [], `${name} links only glibc (${needs.libraries.join(', ')})`);
    const versions = [...needs.versions.values()].flat();
    t.same(versions.filter((v) => !/^GLIBC_\d+(\.\d+)*$/.test(v)), [], `${name} needs no GLIBCXX, CXXABI, GCC or GLIBC_PRIVATE symbol version`);
    const newest = newestGlibc(versions) ?? [0];
    t.ok(newest[0] < GLIBC_FLOOR[0] || (newest[0] === GLIBC_FLOOR[0] && (newest[1] ?? 0) <= GLIBC_FLOOR[1]),
      `${name} needs glibc ${newest.join('.')} at most (floor ${GLIBC_FLOOR.join('.')})`);
  }

  const tarballName = npm(['pack', '--pack-destination', work], copy).trim().split('\n').pop() as string;
  const tarball = path.join(work, tarballName);
  const listing = execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' });
  t.match(listing, /package\/prebuilds\/linux-x64\/xnnlite\.node/, 'the tarball carries the prebuild');
  if (crossBuilt) {
    t.match(listing, /package\/prebuilds\/linux-arm64\/xnnlite\.node/, 'and the arm64 one');
    t.match(listing, /package\/prebuilds\/linux-arm\/xnnlite\.armv7\.node/, 'and the armv7 one');
  }
  t.match(listing, /package\/dist\/xnnlite\.js/, 'the tarball carries the bundled library');
  t.match(listing, /package\/dist\/index\.d\.ts/, 'and its types');
  t.notMatch(listing, /package\/dist\/(?!(xnnlite(-cli)?(-bundle)?|code-cache)\.js\n)[^\n]*\.js\n/, 'and no unbundled module');
  t.notMatch(listing, /\.v8cache/, 'and no code cache (the install makes one for its Node)');
  t.notMatch(listing, /package\/build\//, 'no local build output is packed');

  const app = path.join(work, 'app');
  npm(['install', '--ignore-scripts', '--no-audit', '--no-fund', tarball], app);
  const installed = fs.readdirSync(path.join(app, 'node_modules')).filter((name) => !name.startsWith('.') && name !== 'xnnlite');
  t.same(installed.sort(), ['node-gyp-build'], `a prebuilt install brings 1 runtime package, no build tools (${installed.join(', ')})`);
  const hook = spawnSync(process.execPath, [path.join(app, 'node_modules', 'xnnlite', 'scripts', 'install.js')], { cwd: app, encoding: 'utf8' });
  t.equal(hook.status, 0, 'the install hook, as npm runs it, succeeds without cmake-js');
  t.match(hook.stderr, /using prebuilt binary prebuilds\/linux-x64\/xnnlite\.node/, 'and picks the prebuild');
  t.match(hook.stderr, /code cache written/, 'and makes V8\'s code cache for the bundles');
  const compiledWith = execFileSync(process.execPath, ['-e',
    "require('xnnlite'); console.log(require('./node_modules/xnnlite/dist/code-cache.js').compiled.get(require.resolve('./node_modules/xnnlite/dist/xnnlite-bundle.js')))"],
  { cwd: app, encoding: 'utf8' }).trim();
  t.equal(compiledWith, 'cache', 'require(\'xnnlite\') compiles the library from it');
  // Outside this checkout, where no development dependency can be found by walking up.
  const bare = fs.mkdtempSync(path.join(os.tmpdir(), 'xnnlite-bare-'));
  t.teardown(() => fs.rmSync(bare, { recursive: true, force: true }));
  fs.cpSync(path.join(app, 'node_modules'), path.join(bare, 'node_modules'), { recursive: true });
  const source = spawnSync(process.execPath, [path.join(bare, 'node_modules', 'xnnlite', 'scripts', 'install.js')], {
    cwd: bare, encoding: 'utf8', env: { ...process.env, XNNLITE_BUILD_FROM_SOURCE: '1' },
  });
  t.equal(source.status, 1, 'a source build without the build tools stops');
  t.match(source.stderr, /npm install --save-dev cmake-js@\S+ node-addon-api@\S+\n\s+npm rebuild xnnlite/, 'and says exactly what to run');
  const script = [
    "const x = require('xnnlite');",
    'x.selfTest().then((r) => console.log(JSON.stringify({ ok: r.ok, xnnpack: x.version().xnnpack })));',
  ].join('\n');
  // No compiler or cmake reachable: the prebuild alone must do.
  const out = execFileSync(process.execPath, ['-e', script], { cwd: app, encoding: 'utf8', env: { ...process.env, PATH: path.dirname(process.execPath) } });
  t.same(JSON.parse(out), { ok: true, xnnpack: '0.0~git20241108.4ea82e5' });

  // An ES module imports the named exports of the CommonJS build and runs a
  // model, with the same results as require() (run-models.js) on the same input.
  const runner = path.join(app, 'run-models.js');
  fs.copyFileSync(path.join(__dirname, 'helpers', 'run-models.js'), runner);
  const esm = path.join(app, 'run-model.mjs');
  fs.writeFileSync(esm, [
    "import { loadModel, version } from 'xnnlite';",
    'const model = await loadModel(process.argv[2]);',
    'const session = await model.createSession({ threads: 1 });',
    'const info = session.inputs[0];',
    'const x = Float32Array.from({ length: info.shape.reduce((a, b) => a * b, 1) }, (_, i) => 0.5 + 0.5 * Math.sin(i * 0.01));',
    'const out = await session.run({ [info.name]: x });',
    'const outputs = Object.fromEntries(session.outputs.map((o) => [o.name, Buffer.from(out[o.name].buffer).toString("base64")]));',
    'await model[Symbol.asyncDispose]();',
    'console.log(JSON.stringify({ xnnpack: version().xnnpack, outputs }));',
  ].join('\n'));
  const face = zooModel('face_detection_short_range').file;
  const fromEsm = JSON.parse(execFileSync(process.execPath, [esm, face], { cwd: app, encoding: 'utf8' }));
  const fromCjs = JSON.parse(execFileSync(process.execPath, [runner, face], { cwd: app, encoding: 'utf8' }));
  t.equal(fromEsm.xnnpack, '0.0~git20241108.4ea82e5', 'an ES module imports { loadModel, version } by name');
  t.same(Object.keys(fromEsm.outputs), ['regressors', 'classificators'], 'with every output');
  t.same(fromEsm.outputs, fromCjs.models[face], 'and runs a model, with the same outputs as require()');

  // On an older Linux than the one that built it: Debian 11 (glibc 2.31), the official Node.js build, every
  // zoo model with a weight cache, outputs bit-identical to this machine's; a C++ exception thrown and caught
  // inside the addon (its unwinder finds frames without glibc 2.35's _dl_find_object).
  const old = oldDebianRoot();
  if ('missing' in old) {
    t.fail(`cannot run the tarball on ${OLD_DEBIAN.release}: ${old.missing}`);
  } else {
    t.equal(glibcVersionIn(old.root), OLD_DEBIAN.glibc, `the ${OLD_DEBIAN.release} root has glibc ${OLD_DEBIAN.glibc}`);
    const zoo = ZOO.map((m) => m.file);
    const files: Record<string, string> = { [app]: 'app' };
    for (const f of zoo) files[f] = `models/${path.basename(f)}`;
    const here = JSON.parse(execFileSync(process.execPath, [runner, ...zoo], { cwd: app, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 }));
    // Twice in one copy of the files: the first run builds the cache files, the second maps them.
    const there = runInRoot(old.root, files, ['-e', [
      "const { execFileSync } = require('node:child_process');",
      "const args = ['app/run-models.js', ...process.argv.slice(1)];",
      "const runs = [0, 1].map(() => JSON.parse(execFileSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 1 << 28 })));",
      'console.log(JSON.stringify(runs));',
    ].join('\n'), ...zoo.map((f) => files[f])], { XNNLITE_WEIGHT_CACHE: 'cache' });
    t.equal(there.status, 0, `${OLD_DEBIAN.release}: the zoo runs (${there.stderr.trim().split('\n').pop() ?? ''})`);
    if (there.status === 0) {
      const [cold, warm] = JSON.parse(there.stdout);
      for (const f of zoo) {
        const name = path.basename(f);
        t.same(cold.models[files[f]], here.models[f], `${OLD_DEBIAN.release}: ${name} outputs are bit-identical to this machine's`);
        t.same([cold.states[files[f]], warm.states[files[f]]], ['built', 'mapped'], `${OLD_DEBIAN.release}: ${name} builds its cache file, then maps it`);
        t.same(warm.models[files[f]], here.models[f], `${OLD_DEBIAN.release}: ${name} outputs from the mapped file too`);
      }
      t.notMatch(there.stderr, /XNNLITE_WEIGHT_CACHE/, `${OLD_DEBIAN.release}: no cache warnings`);
    }
    const unwinds = runInRoot(old.root, { [app]: 'app' }, ['-e', [
      "const native = require('./app/node_modules/node-gyp-build')('./app/node_modules/xnnlite');",
      'try { native.SessionRuntime.create({ arenaBytes: 0 }, 1, 0); } catch (e) { console.log(`${e.name}: ${e.message}`); }',
    ].join('\n')]);
    t.equal(unwinds.stdout.trim(), 'TypeError: SessionRuntime.create: tensors must be an array',
      `${OLD_DEBIAN.release}: a native exception is caught and reported (${unwinds.stderr.trim().split('\n').pop() ?? 'no error output'})`);
  }

  if (!crossBuilt) return;
  const missing = ensureQemu();
  if (missing) {
    t.fail(`cannot run the Arm prebuilds: ${missing}`);
    return;
  }
  // Small models only: emulation is slow (seconds per inference).
  const models = ['face_detection_short_range', 'selfie_segmentation', 'face_detection_full_range_sparse'].map((n) => zooModel(n).file);
  const reference = JSON.parse(execFileSync(process.execPath, [runner, ...models], { cwd: app, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 }));
  const floats = (b64: string) => new Float32Array(Uint8Array.from(Buffer.from(b64, 'base64')).buffer);
  // Outputs without a cache, by arch/cpu, for the cache checks below.
  const uncachedOnArm = new Map<string, Record<string, Record<string, string>>>();
  for (const target of ARM_TARGETS) {
    for (const cpu of target.cpus) {
      const r = runEmulated(target, cpu, runner, models, app);
      t.equal(r.status, 0, `${target.arch} on ${cpu}: runs (${r.stderr.trim().split('\n').pop() ?? ''})`);
      if (r.status !== 0) continue;
      const emulated = JSON.parse(r.stdout);
      uncachedOnArm.set(`${target.arch}/${cpu}`, emulated.models);
      t.equal(emulated.arch, target.arch, `${target.arch} on ${cpu}: node-gyp-build picked the ${target.arch} prebuild (XNNPACK uses ${emulated.isa.join(', ')})`);
      // Same tolerance as the parity tests against LiteRT.js: NEON and AVX kernels differ in the last bits.
      for (const [model, outputs] of Object.entries(reference.models as Record<string, Record<string, string>>)) {
        for (const [name, b64] of Object.entries(outputs)) {
          const d = difference(floats(emulated.models[model][name]), floats(b64));
          t.ok(d.maxAbs <= 1e-6 + 1e-3 * d.scale && d.outliers <= 1e-3,
            `${target.arch}/${cpu} ${path.basename(model)} ${name}: max |diff| ${d.maxAbs.toExponential(2)} (relative ${d.relative.toExponential(2)})`);
        }
      }
    }
  }

  // The weight cache and the CLI on Arm: a cache written on x86-64 is never used on arm64.
  const cacheDir = path.join(work, 'cache');
  const one = [models[0]];
  execFileSync(process.execPath, [runner, ...one], { cwd: app, env: { ...process.env, XNNLITE_WEIGHT_CACHE: cacheDir } });
  const x86Files = fs.readdirSync(cacheDir);
  const arm64 = ARM_TARGETS[0];
  const cached = runEmulated(arm64, 'cortex-a53', runner, one, app, { XNNLITE_WEIGHT_CACHE: cacheDir });
  t.equal(cached.status, 0, 'arm64 runs with a cache directory that holds an x86-64 cache file');
  t.equal(fs.readdirSync(cacheDir).filter((f) => f.endsWith('.xnnwc')).length, 2, 'arm64 wrote its own cache file: fingerprints differ by architecture');
  // The file arm64 wrote carries checksums its CRC32 instructions computed: the same as a table-driven CRC-32C.
  const armFile = fs.readdirSync(cacheDir).find((f) => f.endsWith('.xnnwc') && !x86Files.includes(f));
  for (const r of armFile ? cacheChecksums(path.join(cacheDir, armFile)).regions : []) t.equal(r.computed, r.stored, `arm64 cache file: ${r.name} CRC-32C`);
  t.equal(JSON.parse(cached.stdout).states[one[0]], 'built', 'arm64 built its cache file');
  t.equal(JSON.parse(cached.stdout).models[one[0]].regressors, uncachedOnArm.get('arm64/cortex-a53')?.[one[0]]?.regressors,
    'arm64 results with its cache are bit-identical to arm64 results without');
  // 32-bit Arm computes its checksums with tables, eight bytes at a time.
  const armv7Cache = path.join(work, 'armv7-cache');
  const armv7 = runEmulated(ARM_TARGETS[1], 'cortex-a7', runner, one, app, { XNNLITE_WEIGHT_CACHE: armv7Cache });
  t.equal(armv7.status, 0, `armv7 runs with a cache (${armv7.stderr.trim().split('\n').pop() ?? ''})`);
  const armv7File = fs.existsSync(armv7Cache) ? fs.readdirSync(armv7Cache).find((f) => f.endsWith('.xnnwc')) : undefined;
  t.ok(armv7File, 'and writes its cache file');
  for (const r of armv7File ? cacheChecksums(path.join(armv7Cache, armv7File)).regions : []) t.equal(r.computed, r.stored, `armv7 cache file: ${r.name} CRC-32C`);
  // A pruned model runs in XNNPACK's sparse (NCHW) kernels on Arm: packed through the cache too.
  const sparse = [models[2]];
  const sparseCache = path.join(work, 'sparse-cache');
  const sparseCold = runEmulated(arm64, 'cortex-a53', runner, sparse, app, { XNNLITE_WEIGHT_CACHE: sparseCache });
  const sparseWarm = runEmulated(arm64, 'cortex-a53', runner, sparse, app, { XNNLITE_WEIGHT_CACHE: sparseCache });
  const sparseNone = uncachedOnArm.get('arm64/cortex-a53')?.[sparse[0]];
  t.ok(sparseCold.status === 0 && sparseWarm.status === 0 && sparseNone, 'arm64 runs the sparse model with and without a cache');
  if (sparseCold.status === 0 && sparseWarm.status === 0 && sparseNone) {
    const of = (r: { stdout: string }) => JSON.parse(r.stdout).models[sparse[0]];
    t.same([JSON.parse(sparseCold.stdout).states[sparse[0]], JSON.parse(sparseWarm.stdout).states[sparse[0]]], ['built', 'mapped'],
      'arm64 sparse model: the first run builds the cache file, the second maps it');
    t.same(of(sparseWarm), sparseNone, 'arm64 sparse model: results from a mapped cache file are bit-identical to uncached');
    t.same(of(sparseCold), sparseNone, 'and from the run that wrote it');
  }
  const cli = runEmulated(arm64, 'cortex-a53', path.join(app, 'node_modules', 'xnnlite', 'bin', 'xnnlite.js'), ['inspect', one[0], '--json'], app);
  t.equal(cli.status, 0, 'the CLI runs on arm64');
  t.equal(JSON.parse(cli.stdout).supported, true);
});
