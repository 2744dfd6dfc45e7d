// The published package: `npm run prebuild` then `npm pack` gives a tarball
// that installs with --ignore-scripts (no compiler, no cmake) and runs.
// Works on a copy of the package so that the checkout is left untouched.
import t from 'tap';
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync, spawnSync } from 'node:child_process';

const repo = path.join(__dirname, '..');
const PACKAGE_FILES = ['package.json', 'package-lock.json', 'tsconfig.json', 'CMakeLists.txt', 'lib', 'native', 'deps', 'scripts'];
const ALLOWED_LIBS = /^(linux-vdso|libc|libm|libstdc\+\+|libgcc_s|libpthread|ld-linux[-\w]*)\.so/;

function npm(args: string[], cwd: string): string {
  const r = spawnSync('npm', args, { cwd, encoding: 'utf8', env: { ...process.env, npm_config_loglevel: 'error' } });
  if (r.status !== 0) throw new Error(`npm ${args.join(' ')} failed in ${cwd}:\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

t.test('prebuild, pack, and install without scripts', { timeout: 600_000 }, async (t) => {
  const work = t.testdir({ app: { 'package.json': JSON.stringify({ name: 'app', version: '1.0.0', private: true }) } });
  const copy = path.join(work, 'xnnlite');
  fs.mkdirSync(copy);
  for (const entry of PACKAGE_FILES) fs.cpSync(path.join(repo, entry), path.join(copy, entry), { recursive: true });
  fs.symlinkSync(path.join(repo, 'node_modules'), path.join(copy, 'node_modules'), 'dir');

  npm(['run', 'prebuild'], copy);
  const binary = path.join(copy, 'prebuilds', `${process.platform}-${process.arch}`, 'xnnlite.node');
  t.ok(fs.existsSync(binary), 'prebuilds/<platform>-<arch>/xnnlite.node exists');

  const libs = execFileSync('ldd', [binary], { encoding: 'utf8' }).trim().split('\n').map((l) => l.trim().split(/\s+/)[0]);
  const unexpected = libs.filter((l) => !ALLOWED_LIBS.test(path.basename(l)));
  t.same(unexpected, [], `links only the C/C++ runtime (${libs.map((l) => path.basename(l)).join(', ')})`);

  const tarballName = npm(['pack', '--pack-destination', work], copy).trim().split('\n').pop() as string;
  const tarball = path.join(work, tarballName);
  const listing = execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' });
  t.match(listing, /package\/prebuilds\/linux-x64\/xnnlite\.node/, 'the tarball carries the prebuild');
  t.match(listing, /package\/dist\/index\.d\.ts/, 'the tarball carries compiled JS and types');
  t.notMatch(listing, /package\/build\//, 'no local build output is packed');

  const app = path.join(work, 'app');
  npm(['install', '--ignore-scripts', '--no-audit', '--no-fund', tarball], app);
  const script = [
    "const x = require('xnnlite');",
    'x.selfTest().then((r) => console.log(JSON.stringify({ ok: r.ok, xnnpack: x.version().xnnpack })));',
  ].join('\n');
  // No compiler or cmake reachable: the prebuild alone must do.
  const out = execFileSync(process.execPath, ['-e', script], { cwd: app, encoding: 'utf8', env: { ...process.env, PATH: path.dirname(process.execPath) } });
  t.same(JSON.parse(out), { ok: true, xnnpack: '0.0~git20241108.4ea82e5' });
});
