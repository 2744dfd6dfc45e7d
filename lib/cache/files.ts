/** The files of a weight-cache directory, for `xnnlite cache` and for users who manage caches by hand. */
import fs from 'node:fs';
import path from 'node:path';
import { native } from '../native';
import { DIGEST_EXTENSION } from './model-digest';
import { RECORD_EXTENSION } from './start-records';
import { CACHE_EXTENSION } from './weight-cache';

export interface CacheFileInfo {
  file: string;
  bytes: number;
  /** False when the file is damaged (see `reason`); such a file is rebuilt on next use. */
  ok: boolean;
  reason?: string;
  /** What the file says about itself (model name and digest, XNNPACK version, when it was built). */
  metadata?: { model?: string; xnnpack?: string; arch?: string; created?: string };
  /** Last time a session mapped it (the file's access time). */
  lastUsed: Date;
}

/** The names in `dir`; none if it does not exist. */
function entries(dir: string): string[] {
  try {
    return fs.readdirSync(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
}

/** Files that stand on their own (kept or removed by their own use): remembered model digests and start records. */
const OWN_USE = [DIGEST_EXTENSION, RECORD_EXTENSION];

function isCacheArtifact(name: string): boolean {
  return name.endsWith(CACHE_EXTENSION) || name.endsWith('.lock') || name.includes(`${CACHE_EXTENSION}.tmp-`)
    || OWN_USE.some((ext) => name.endsWith(ext) || name.includes(`${ext}.tmp-`));
}

/** The file whose use decides whether `name` is kept: the cache file for its lock and temporary files; a digest or a record for itself (and its temporary files). */
function principal(dir: string, name: string): string {
  const stem = name.slice(0, name.indexOf('.'));
  return path.join(dir, `${stem}${OWN_USE.find((ext) => name.includes(ext)) ?? CACHE_EXTENSION}`);
}

/** Every cache file in `dir`, fully verified (checksums of header, index, data and metadata). */
export function listCacheFiles(dir: string): CacheFileInfo[] {
  return entries(dir).filter((n) => n.endsWith(CACHE_EXTENSION)).sort().map((name) => {
    const file = path.join(dir, name);
    const st = fs.statSync(file);
    const check = native().verifyCacheFile(file);
    let metadata: CacheFileInfo['metadata'];
    try {
      metadata = check.metadata ? JSON.parse(check.metadata) : undefined;
    } catch {
      metadata = undefined;
    }
    return { file, bytes: st.size, ok: check.ok, ...(check.ok ? {} : { reason: check.reason }), metadata, lastUsed: st.atime };
  });
}

/** Removes cache files (and their lock and leftover temporary files, remembered model digests and start records); returns what was removed. */
export function clearCache(dir: string, keep: (file: string) => boolean = () => false): string[] {
  const removed: string[] = [];
  for (const name of entries(dir).filter(isCacheArtifact)) {
    if (keep(principal(dir, name))) continue;
    // Unlinking is safe while other processes have the file mapped: they keep the old inode.
    fs.rmSync(path.join(dir, name), { force: true });
    removed.push(path.join(dir, name));
  }
  return removed;
}

/** Removes cache files (and remembered model digests and start records) not used for `olderThanMs`. */
export function pruneCache(dir: string, olderThanMs: number, now = Date.now()): string[] {
  const lastUse = new Map(listCacheFiles(dir).map((f) => [f.file, Math.max(f.lastUsed.getTime(), fs.statSync(f.file).mtimeMs)]));
  for (const name of entries(dir).filter((n) => OWN_USE.some((ext) => n.endsWith(ext)))) {
    const st = fs.statSync(path.join(dir, name));
    lastUse.set(path.join(dir, name), Math.max(st.atimeMs, st.mtimeMs));
  }
  return clearCache(dir, (file) => {
    const used = lastUse.get(file);
    return used !== undefined && now - used < olderThanMs;
  });
}

/** Records a use of a cache file (its access time), for `prune`. Best effort. */
export function touchCacheFile(file: string): void {
  try {
    const st = fs.statSync(file);
    fs.utimesSync(file, new Date(), st.mtime);
  } catch {
    // A read-only directory or file: pruning then goes by modification time.
  }
}
