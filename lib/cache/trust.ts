/**
 * Who may write a weight-cache directory. A cache file decides the weights a
 * process computes with, so whoever can write the directory (or replace one
 * of the directories above it) controls the results. The cache is used only
 * where no other user could have done that: the cache directory itself
 * (symbolic links resolved) must belong to this user or to root and be
 * writable by no one else; every directory above it must belong to this user
 * or to root and not be writable by other users unless its sticky bit keeps
 * them from replacing what they do not own (as for /tmp). This is the rule
 * OpenSSH applies to the directories of its key files. The native side
 * applies the file rule below to each cache file it opens
 * (native/weight_cache.cc).
 */
import fs from 'node:fs';
import path from 'node:path';

const STICKY = 0o1000;
const WRITABLE_BY_OTHERS = 0o022;

function owner(st: fs.Stats, uid: number): string | undefined {
  return st.uid === uid || st.uid === 0 ? undefined : `owned by another user (uid ${st.uid}; this process runs as uid ${uid})`;
}

/** Why a file in a cache directory (a cache file, a remembered digest) may not be trusted, or undefined if it may. */
export function untrustedFile(st: fs.Stats): string | undefined {
  const uid = process.geteuid?.();
  if (uid === undefined) return undefined;
  if (!st.isFile()) return 'not a regular file';
  return owner(st, uid) ?? ((st.mode & WRITABLE_BY_OTHERS) !== 0 ? `writable by other users (mode ${(st.mode & 0o777).toString(8)})` : undefined);
}

/**
 * The contents of `file`, a file in a cache directory, if it is a regular
 * file this process may trust (untrustedFile) of at most `maxBytes`; else
 * undefined. Never follows a symbolic link, never waits on a FIFO planted at
 * its path (O_NONBLOCK), never throws. Synchronous: a few system calls.
 */
export function readTrustedFile(file: string, maxBytes: number): Buffer | undefined {
  let fd: number | undefined;
  try {
    fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW | fs.constants.O_NONBLOCK);
    const st = fs.fstatSync(fd);
    if (!st.isFile() || untrustedFile(st) || st.size > maxBytes) return undefined;
    const bytes = Buffer.allocUnsafe(st.size);
    let read = 0;
    while (read < bytes.length) {
      const n = fs.readSync(fd, bytes, read, bytes.length - read, read);
      if (n === 0) return undefined;
      read += n;
    }
    return bytes;
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) {
      try {
        fs.closeSync(fd);
      } catch { /* already closed */ }
    }
  }
}

/**
 * Why `dir` cannot be trusted with cache files, or undefined if it can.
 * `dir` must exist; pass its real path (fs.realpathSync), which is what is checked.
 */
export function untrustedDirectory(dir: string): string | undefined {
  const uid = process.geteuid?.();
  if (uid === undefined) return undefined;
  for (let current = dir; ; current = path.dirname(current)) {
    const st = fs.statSync(current);
    if (!st.isDirectory()) return `${current} is not a directory`;
    const notOwned = owner(st, uid);
    if (notOwned) return `${current} is ${notOwned}`;
    const writable = (st.mode & WRITABLE_BY_OTHERS) !== 0;
    const mode = (st.mode & 0o7777).toString(8);
    if (writable && current === dir) return `${current} is writable by other users (mode ${mode})`;
    if (writable && (st.mode & STICKY) === 0) return `${current} is writable by other users (mode ${mode}) without the sticky bit`;
    if (path.dirname(current) === current) return undefined;
  }
}
