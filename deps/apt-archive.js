'use strict';

// Fetches upstream source tarballs by Debian source-package name with apt's
// own client. The system's apt configuration is only read (to learn which
// archive the machine uses); apt runs against a private sources list, lists
// directory and cache that live in xnnlite's cache directory.

const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const { DependencyError } = require('./errors');

const LISTS_MAX_AGE_MS = 24 * 3600 * 1000;
const DEFAULT_KEYRING = '/usr/share/keyrings/debian-archive-keyring.gpg';

/** Reads the archive URI (and keyring) from the machine's apt configuration. */
function findSystemArchive(etcApt = '/etc/apt') {
  const entries = [];
  const listFiles = [path.join(etcApt, 'sources.list')];
  const partsDir = path.join(etcApt, 'sources.list.d');
  let parts = [];
  try {
    parts = fs.readdirSync(partsDir).sort().map((f) => path.join(partsDir, f));
  } catch { /* no parts directory */ }
  for (const file of [...listFiles, ...parts]) {
    let text;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    if (file.endsWith('.sources')) entries.push(...parseDeb822(text));
    else if (file.endsWith('.list')) entries.push(...parseOneLine(text));
  }
  const main = entries.find((e) => e.enabled
    && e.suites.some((s) => !s.includes('-') && !s.includes('/'))
    && e.components.includes('main')
    && /^(https?|file|mirror\+\w+):/.test(e.uri));
  if (!main) return undefined;
  const keyring = main.signedBy && fs.existsSync(main.signedBy) ? main.signedBy
    : fs.existsSync(DEFAULT_KEYRING) ? DEFAULT_KEYRING : undefined;
  return { uri: main.uri, keyring };
}

function parseDeb822(text) {
  const entries = [];
  for (const stanza of text.split(/\n\s*\n/)) {
    const fields = {};
    let last;
    for (const line of stanza.split('\n')) {
      if (line.startsWith('#')) continue;
      if (/^\s/.test(line) && last) {
        fields[last] += `\n${line.trim()}`;
        continue;
      }
      const m = /^([\w-]+):\s*(.*)$/.exec(line);
      if (m) {
        last = m[1].toLowerCase();
        fields[last] = m[2].trim();
      }
    }
    if (!fields.uris || !fields.types || !fields.types.split(/\s+/).includes('deb')) continue;
    for (const uri of fields.uris.split(/\s+/)) {
      entries.push({
        uri,
        suites: (fields.suites || '').split(/\s+/).filter(Boolean),
        components: (fields.components || '').split(/\s+/).filter(Boolean),
        signedBy: fields['signed-by'] && !fields['signed-by'].includes('\n') ? fields['signed-by'] : undefined,
        enabled: (fields.enabled || 'yes').toLowerCase() !== 'no',
      });
    }
  }
  return entries;
}

function parseOneLine(text) {
  const entries = [];
  for (const raw of text.split('\n')) {
    const line = raw.replace(/#.*/, '').trim();
    const m = /^deb\s+(?:\[([^\]]*)\]\s+)?(\S+)\s+(\S+)\s+(.*)$/.exec(line);
    if (!m) continue;
    const signedBy = /signed-by=(\S+)/.exec(m[1] || '');
    entries.push({
      uri: m[2],
      suites: [m[3]],
      components: m[4].split(/\s+/).filter(Boolean),
      signedBy: signedBy ? signedBy[1] : undefined,
      enabled: true,
    });
  }
  return entries;
}

/** Strips the epoch and the Debian revision: "1:2.0-3" -> "2.0". */
function upstreamVersion(debianVersion) {
  return debianVersion.replace(/^\d+:/, '').replace(/-[^-]+$/, '');
}

class PrivateApt {
  constructor(root, archive, suites) {
    this.root = root;
    this.archive = archive;
    this.suites = [...new Set(suites)].sort();
    this.sourcesList = path.join(root, 'sources.list');
    this.lists = path.join(root, 'lists');
    this.aptCache = path.join(root, 'cache');
    this.updated = false;
  }

  options() {
    return [
      '-o', `Dir::Etc::SourceList=${this.sourcesList}`,
      '-o', 'Dir::Etc::SourceParts=/nonexistent',
      '-o', `Dir::State::Lists=${this.lists}`,
      '-o', `Dir::Cache=${this.aptCache}`,
      '-o', 'Debug::NoLocking=1',
    ];
  }

  writeSourcesList() {
    fs.mkdirSync(path.join(this.lists, 'partial'), { recursive: true });
    fs.mkdirSync(path.join(this.aptCache, 'archives', 'partial'), { recursive: true });
    const opts = this.archive.keyring ? `[signed-by=${this.archive.keyring}] ` : '';
    const text = this.suites.map((s) => `deb-src ${opts}${this.archive.uri} ${s} main\n`).join('');
    let old = '';
    try {
      old = fs.readFileSync(this.sourcesList, 'utf8');
    } catch { /* first run */ }
    if (old !== text) {
      fs.writeFileSync(this.sourcesList, text);
      fs.rmSync(path.join(this.root, 'updated-at'), { force: true });
    }
  }

  listsAreFresh() {
    try {
      return Date.now() - fs.statSync(path.join(this.root, 'updated-at')).mtimeMs < LISTS_MAX_AGE_MS;
    } catch {
      return false;
    }
  }

  update() {
    this.writeSourcesList();
    const r = spawnSync('apt-get', [...this.options(), 'update'], { encoding: 'utf8' });
    if (r.error) {
      throw new DependencyError('apt', `could not run apt-get (${r.error.message})`,
        'install the sources by hand and point the build at them with XNNLITE_<NAME>_SOURCE_DIR (see README).');
    }
    if (r.status !== 0) {
      throw new DependencyError('apt', `apt-get update of the source lists (${this.suites.join(', ')}) failed:\n${tail(r.stderr || r.stdout)}`,
        'check that this machine can reach its Debian archive, or point the build at unpacked sources with XNNLITE_<NAME>_SOURCE_DIR (see README).');
    }
    fs.writeFileSync(path.join(this.root, 'updated-at'), new Date().toISOString());
    this.updated = true;
  }

  ensureLists() {
    this.writeSourcesList();
    if (!this.listsAreFresh()) this.update();
  }

  /** Debian versions of a source package offered by the private lists. */
  offeredVersions(pkg) {
    const r = spawnSync('apt-cache', [...this.options(), 'showsrc', pkg], { encoding: 'utf8' });
    if (r.status !== 0 || r.error) return [];
    const versions = [];
    let current;
    for (const line of r.stdout.split('\n')) {
      const p = /^Package:\s*(\S+)/.exec(line);
      if (p) current = p[1];
      const v = /^Version:\s*(\S+)/.exec(line);
      if (v && current === pkg) versions.push(v[1]);
    }
    return [...new Set(versions)];
  }

  /**
   * Downloads `<pkg>_<upstream>.orig.tar.*` into `destDir` and returns its
   * path. apt's exit code is not trusted (the archive may 404 on the .dsc
   * while serving the tarball): the caller verifies the file's sha256.
   */
  downloadOrigTarball(source, destDir) {
    this.ensureLists();
    let offered = this.offeredVersions(source.debianPackage);
    let candidates = offered.filter((v) => upstreamVersion(v) === source.version);
    if (candidates.length === 0 && !this.updated) {
      this.update();
      offered = this.offeredVersions(source.debianPackage);
      candidates = offered.filter((v) => upstreamVersion(v) === source.version);
    }
    if (candidates.length === 0) {
      throw new DependencyError(source.name,
        `the archive no longer offers the pinned version ${source.version} of source package '${source.debianPackage}' `
        + `(suites ${this.suites.join(', ')}); it offers: ${offered.length ? offered.join(', ') : 'none'}.`,
        'update deps/manifest.json to a version the archive offers (with its sha256), or unpack the pinned sources yourself '
        + `and set XNNLITE_${source.name.toUpperCase()}_SOURCE_DIR.`);
    }
    const prefix = `${source.debianPackage}_${source.version}.orig.tar.`;
    let lastOutput = '';
    for (const version of candidates) {
      const r = spawnSync('apt-get', [...this.options(), 'source', '--download-only', `${source.debianPackage}=${version}`],
        { cwd: destDir, encoding: 'utf8' });
      lastOutput = `${r.stdout || ''}${r.stderr || ''}`;
      const file = fs.readdirSync(destDir).find((f) => f.startsWith(prefix));
      if (file) return path.join(destDir, file);
    }
    throw new DependencyError(source.name,
      `apt could not download ${prefix}* from the archive:\n${tail(lastOutput)}`,
      `retry later, or unpack the pinned sources yourself and set XNNLITE_${source.name.toUpperCase()}_SOURCE_DIR.`);
  }
}

function tail(text, lines = 12) {
  return String(text || '').trim().split('\n').slice(-lines).map((l) => `    ${l}`).join('\n');
}

module.exports = { findSystemArchive, PrivateApt, upstreamVersion, parseDeb822, parseOneLine };
