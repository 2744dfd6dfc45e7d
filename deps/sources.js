'use strict';

// Resolves an unpacked source tree for every entry of manifest.json: a tree
// the user points at, or the pinned upstream tarball fetched from Debian's
// archive, verified by sha256 and unpacked once into the cache.

const fs = require('node:fs');
const path = require('node:path');
const crypto = require('node:crypto');
const { spawnSync } = require('node:child_process');
const { DependencyError } = require('./errors');
const { findSystemArchive, PrivateApt } = require('./apt-archive');
const { makeStagingDir, publishDir, removeStaleStaging } = require('./cache-dir');

function sourceDirOverride(source) {
  return process.env[`XNNLITE_${source.name.toUpperCase()}_SOURCE_DIR`];
}

function sha256File(file) {
  const hash = crypto.createHash('sha256');
  const fd = fs.openSync(file, 'r');
  try {
    const chunk = Buffer.allocUnsafe(1 << 20);
    let n;
    while ((n = fs.readSync(fd, chunk, 0, chunk.length, null)) > 0) hash.update(chunk.subarray(0, n));
  } finally {
    fs.closeSync(fd);
  }
  return hash.digest('hex');
}

function checkOverride(source, dir) {
  const envName = `XNNLITE_${source.name.toUpperCase()}_SOURCE_DIR`;
  if (!fs.existsSync(path.join(dir, 'CMakeLists.txt')) && !fs.existsSync(path.join(dir, 'include'))) {
    throw new DependencyError(source.name, `${envName}=${dir} does not look like an unpacked ${source.name} source tree (no CMakeLists.txt or include/).`,
      `point ${envName} at the top of the unpacked ${source.name} sources, or unset it to fetch the pinned version.`);
  }
  return fs.realpathSync(dir);
}

class SourceResolver {
  constructor(root, manifest, log) {
    this.root = root;
    this.manifest = manifest;
    this.log = log;
    this.downloads = path.join(root, 'downloads');
    this.unpacked = path.join(root, 'src');
    this.apt = undefined;
  }

  privateApt() {
    if (this.apt) return this.apt;
    const archive = findSystemArchive();
    if (!archive) {
      throw new DependencyError('apt', 'this machine\'s apt configuration names no Debian archive to fetch source packages from.',
        'on a machine without apt, unpack the pinned sources (deps/manifest.json) yourself and set XNNLITE_<NAME>_SOURCE_DIR for each (see README).');
    }
    const suites = this.manifest.sources.flatMap((s) => s.suites);
    this.apt = new PrivateApt(path.join(this.root, 'apt'), archive, suites);
    return this.apt;
  }

  /** A verified tarball for `source`, downloading it if the cache has none. */
  tarball(source) {
    fs.mkdirSync(this.downloads, { recursive: true });
    const prefix = `${source.debianPackage}_${source.version}.orig.tar.`;
    const cached = fs.readdirSync(this.downloads).find((f) => f.startsWith(prefix));
    if (cached) {
      const file = path.join(this.downloads, cached);
      if (sha256File(file) === source.sha256) return file;
      fs.rmSync(file, { force: true });
    }
    this.log(`fetching ${source.debianPackage} ${source.version} (Debian source package)`);
    removeStaleStaging(this.downloads);
    const staging = makeStagingDir(path.join(this.downloads, source.debianPackage));
    try {
      const file = this.privateApt().downloadOrigTarball(source, staging);
      const actual = sha256File(file);
      if (actual !== source.sha256) {
        throw new DependencyError(source.name,
          `checksum mismatch for ${path.basename(file)}: expected sha256 ${source.sha256}, got ${actual}.`,
          'the archive served different bytes than the pinned ones; do not use them. Report it, or pin a verified version in deps/manifest.json.');
      }
      const dest = path.join(this.downloads, path.basename(file));
      fs.renameSync(file, dest);
      return dest;
    } finally {
      fs.rmSync(staging, { recursive: true, force: true });
    }
  }

  unpack(source, tarball) {
    const dest = path.join(this.unpacked, `${source.name}-${source.version}-${source.sha256.slice(0, 12)}`);
    if (fs.existsSync(path.join(dest, '.xnnlite-unpacked'))) return dest;
    removeStaleStaging(this.unpacked);
    const staging = makeStagingDir(dest);
    try {
      const r = spawnSync('tar', ['-xf', tarball, '-C', staging], { encoding: 'utf8' });
      if (r.status !== 0) {
        throw new DependencyError(source.name, `could not unpack ${path.basename(tarball)}: ${(r.stderr || r.error || '').toString().trim()}`,
          'check free disk space and that tar and xz-utils are installed.');
      }
      let top = staging;
      if (source.topLevelDir) {
        const entries = fs.readdirSync(staging);
        if (entries.length !== 1) {
          throw new DependencyError(source.name, `expected one top-level folder in ${path.basename(tarball)}, found ${entries.length}.`,
            'the tarball is not the pinned one; remove it from the cache and retry.');
        }
        top = path.join(staging, entries[0]);
      }
      fs.writeFileSync(path.join(top, '.xnnlite-unpacked'), `${source.sha256}\n`);
      if (top !== staging) {
        const moved = `${staging}-top`;
        fs.renameSync(top, moved);
        fs.rmSync(staging, { recursive: true, force: true });
        publishDir(moved, dest);
      } else {
        publishDir(staging, dest);
      }
      return dest;
    } catch (err) {
      fs.rmSync(staging, { recursive: true, force: true });
      fs.rmSync(`${staging}-top`, { recursive: true, force: true });
      throw err;
    }
  }

  /**
   * Returns `{ dirs: {name: dir}, identity: [...] }`: where each source tree
   * is, and what identifies its content for the build cache key.
   */
  resolveAll() {
    const dirs = {};
    const identity = [];
    for (const source of this.manifest.sources) {
      const override = sourceDirOverride(source);
      if (override) {
        dirs[source.name] = checkOverride(source, override);
        identity.push(`${source.name}=dir:${dirs[source.name]}`);
      } else {
        dirs[source.name] = this.unpack(source, this.tarball(source));
        identity.push(`${source.name}=${source.version}:${source.sha256}`);
      }
    }
    return { dirs, identity };
  }
}

module.exports = { SourceResolver, sha256File };
