// The dependency step: reading the machine's apt configuration, matching
// pinned versions, and refusing anything whose checksum is wrong.
import t from 'tap';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import crypto from 'node:crypto';

/* eslint-disable @typescript-eslint/no-require-imports */
const apt = require('../deps/apt-archive');
const { SourceResolver } = require('../deps/sources');
const { DependencyError } = require('../deps/errors');
const { loadManifest } = require('../deps');

t.test('the manifest pins every dependency with a sha256', async (t) => {
  const manifest = loadManifest();
  const names = manifest.sources.map((s: { name: string }) => s.name).sort();
  t.same(names, ['cpuinfo', 'fp16', 'fxdiv', 'pthreadpool', 'xnnpack']);
  for (const s of manifest.sources) {
    t.match(s.sha256, /^[0-9a-f]{64}$/, `${s.name} has a sha256`);
    t.match(s.version, /^0\.0~git\d{8}\.[0-9a-f]{7}$/, `${s.name} pins an upstream snapshot`);
    t.ok(s.suites.length > 0, `${s.name} names the suites that carry it`);
  }
  t.equal(manifest.sources.find((s: { name: string }) => s.name === 'xnnpack').version, '0.0~git20241108.4ea82e5');
});

t.test('upstream versions drop the epoch and the Debian revision', async (t) => {
  t.equal(apt.upstreamVersion('0.0~git20241108.4ea82e5-2'), '0.0~git20241108.4ea82e5');
  t.equal(apt.upstreamVersion('1:2.3-4.1'), '2.3');
  t.equal(apt.upstreamVersion('0.0~git20200514.4dfe081-5.1'), '0.0~git20200514.4dfe081');
});

t.test('the archive address is read from the system configuration, never written in', async (t) => {
  const etc = t.testdir({
    'sources.list': '# nothing here\n',
    'sources.list.d': {
      'security.sources': 'Types: deb\nURIs: http://security.example/debian-security\nSuites: bookworm-security\nComponents: main\n',
      'debian.sources': [
        'Types: deb',
        '# a comment line',
        'URIs: http://mirror.example/debian',
        'Suites: bookworm bookworm-updates',
        'Components: main',
        'Signed-By: /nonexistent/keyring.gpg',
        '',
      ].join('\n'),
    },
  });
  const found = apt.findSystemArchive(etc);
  t.equal(found.uri, 'http://mirror.example/debian');

  const oneLine = t.testdir({
    'sources.list': 'deb [arch=amd64] http://one.example/debian bookworm main contrib\n',
  });
  t.equal(apt.findSystemArchive(oneLine).uri, 'http://one.example/debian');
  t.equal(apt.findSystemArchive(t.testdir({})), undefined, 'no archive configured');

  const disabled = t.testdir({
    'sources.list.d': { 'x.sources': 'Types: deb\nURIs: http://off.example/debian\nSuites: bookworm\nComponents: main\nEnabled: no\n' },
  });
  t.equal(apt.findSystemArchive(disabled), undefined, 'disabled entries are skipped');
});

function fakeSource(content: string) {
  return {
    name: 'fxdiv',
    debianPackage: 'fxdiv',
    version: '0.0~git20200417.b408327',
    suites: ['trixie'],
    sha256: crypto.createHash('sha256').update(content).digest('hex'),
    topLevelDir: true,
  };
}

t.test('a tarball with the wrong checksum is refused, naming both sums', async (t) => {
  const root = t.testdir({});
  const source = fakeSource('the pinned bytes');
  const resolver = new SourceResolver(root, { sources: [source] }, () => {});
  resolver.apt = {
    downloadOrigTarball(_s: unknown, dir: string) {
      const file = path.join(dir, `${source.debianPackage}_${source.version}.orig.tar.xz`);
      fs.writeFileSync(file, 'tampered bytes');
      return file;
    },
  };
  t.throws(() => resolver.tarball(source), DependencyError);
  try {
    resolver.tarball(source);
  } catch (err) {
    const message = (err as Error).message;
    t.match(message, /fxdiv: checksum mismatch/);
    t.match(message, new RegExp(`expected sha256 ${source.sha256}`));
    t.match(message, /What to do:/);
  }
  t.same(fs.readdirSync(path.join(root, 'downloads')), [], 'nothing unverified is kept');
});

t.test('a verified tarball is unpacked once and reused', async (t) => {
  const root = t.testdir({});
  const work = t.testdir({ 'fxdiv-src': { include: { 'fxdiv.h': '/* header */\n' }, 'CMakeLists.txt': '' } });
  const tarball = path.join(work, 'fxdiv_0.0~git20200417.b408327.orig.tar.xz');
  require('node:child_process').execFileSync('tar', ['-cJf', tarball, '-C', work, 'fxdiv-src']);
  const bytes = fs.readFileSync(tarball);
  const source = { ...fakeSource(''), sha256: crypto.createHash('sha256').update(bytes).digest('hex') };
  let downloads = 0;
  const resolver = new SourceResolver(root, { sources: [source] }, () => {});
  resolver.apt = {
    downloadOrigTarball(_s: unknown, dir: string) {
      downloads++;
      const file = path.join(dir, path.basename(tarball));
      fs.writeFileSync(file, bytes);
      return file;
    },
  };
  const first = resolver.resolveAll();
  t.ok(fs.existsSync(path.join(first.dirs.fxdiv, 'include', 'fxdiv.h')), 'unpacked below its top-level folder');
  const second = resolver.resolveAll();
  t.equal(second.dirs.fxdiv, first.dirs.fxdiv);
  t.equal(downloads, 1, 'the second resolve used the cache');
  t.same(first.identity, [`fxdiv=${source.version}:${source.sha256}`]);
});

t.test('a source directory override must look like the sources', async (t) => {
  const root = t.testdir({});
  const empty = t.testdir({ 'README': 'not sources' });
  const source = fakeSource('x');
  process.env.XNNLITE_FXDIV_SOURCE_DIR = empty;
  t.teardown(() => {
    delete process.env.XNNLITE_FXDIV_SOURCE_DIR;
  });
  const resolver = new SourceResolver(root, { sources: [source] }, () => {});
  t.throws(() => resolver.resolveAll(), /XNNLITE_FXDIV_SOURCE_DIR=.* does not look like an unpacked fxdiv source tree/);
  const good = t.testdir({ include: { 'fxdiv.h': '' } });
  process.env.XNNLITE_FXDIV_SOURCE_DIR = good;
  t.same(resolver.resolveAll().identity, [`fxdiv=dir:${fs.realpathSync(good)}`]);
});

t.test('a pinned version the archive no longer offers is named, with what it offers', async (t) => {
  const root = t.testdir({});
  const privateApt = new apt.PrivateApt(path.join(root, 'apt'), { uri: 'http://mirror.example/debian' }, ['trixie']);
  privateApt.ensureLists = () => {};
  privateApt.update = () => {
    privateApt.updated = true;
  };
  privateApt.offeredVersions = () => ['0.0~git20250101.aaaaaaa-1', '0.0~git20250301.bbbbbbb-1'];
  t.throws(() => privateApt.downloadOrigTarball(fakeSource('x'), os.tmpdir()),
    /no longer offers the pinned version 0\.0~git20200417\.b408327 .*it offers: 0\.0~git20250101\.aaaaaaa-1, 0\.0~git20250301\.bbbbbbb-1/s);
});
