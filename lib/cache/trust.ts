/**
 * Who may write a weight-cache directory. A cache file decides the weights a
 * process computes with, so whoever can write the directory (or replace one
 * of the directories above it) controls the results. The cache is used only
 * where no other user could have done that: every directory from the cache
 * directory up to the root must belong to this user or to root, and must not
 * be writable by other users unless its sticky bit keeps them from replacing
 * what they do not own (as for /tmp). This is the rule OpenSSH applies to
 * the directories of its key files. The native side applies the same rule to
 * each cache file it opens (native/weight_cache.h).
 */
import fs from 'node:fs';
import path from 'node:path';

const STICKY = 0o1000;
const WRITABLE_BY_OTHERS = 0o022;

/** Why `dir` cannot be trusted with cache files, or undefined if it can. */
export function untrustedDirectory(dir: string): string | undefined {
  const uid = process.geteuid?.();
  if (uid === undefined) return undefined;
  for (let current = path.resolve(dir); ; current = path.dirname(current)) {
    const st = fs.statSync(current);
    if (!st.isDirectory()) return `${current} is not a directory`;
    if (st.uid !== uid && st.uid !== 0) return `${current} is owned by another user (uid ${st.uid}; this process runs as uid ${uid})`;
    if ((st.mode & WRITABLE_BY_OTHERS) !== 0 && (st.mode & STICKY) === 0) {
      return `${current} is writable by other users (mode ${(st.mode & 0o7777).toString(8)}) without the sticky bit`;
    }
    if (path.dirname(current) === current) return undefined;
  }
}
