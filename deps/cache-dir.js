'use strict';

const os = require('node:os');
const path = require('node:path');
const fs = require('node:fs');

/**
 * Root of the per-user cache that holds verified downloads and built
 * libraries. It lives outside the repository so that clean clones and
 * repeated installs on one machine reuse the same build.
 */
function cacheRoot() {
  const root = process.env.XNNLITE_CACHE_DIR
    || path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'xnnlite');
  fs.mkdirSync(root, { recursive: true });
  return root;
}

/** A fresh directory next to `finalPath`, so that a later rename is atomic. */
function makeStagingDir(finalPath) {
  fs.mkdirSync(path.dirname(finalPath), { recursive: true });
  return fs.mkdtempSync(`${finalPath}.tmp-${process.pid}-`);
}

/** Moves a finished staging directory into place; another installer may have won the race. */
function publishDir(stagingDir, finalPath) {
  try {
    fs.renameSync(stagingDir, finalPath);
  } catch (err) {
    if (err.code !== 'ENOTEMPTY' && err.code !== 'EEXIST') throw err;
    fs.rmSync(stagingDir, { recursive: true, force: true });
  }
}

/** Removes staging directories left behind by installers that were killed. */
function removeStaleStaging(dir) {
  let entries;
  try {
    entries = fs.readdirSync(dir);
  } catch {
    return;
  }
  for (const name of entries) {
    const match = /\.tmp-(\d+)-/.exec(name);
    if (!match) continue;
    const pid = Number(match[1]);
    if (pid !== process.pid && !isAlive(pid)) {
      fs.rmSync(path.join(dir, name), { recursive: true, force: true });
    }
  }
}

function isAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return err.code === 'EPERM';
  }
}

module.exports = { cacheRoot, makeStagingDir, publishDir, removeStaleStaging };
