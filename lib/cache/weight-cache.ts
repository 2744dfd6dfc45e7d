/**
 * Where a session's packed weights are cached, and the fingerprint that
 * names the cache file: everything that changes the packed bytes (the SHA-256
 * of the model's bytes, XNNPACK's version and microkernel build, the CPU
 * features XNNPACK chose, the architecture, and xnnlite's lowering) goes into
 * it, so different models and configurations never share a file. A model
 * cannot be made to share another's file: that would take a SHA-256
 * collision.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { native, type NativeCacheRequest } from '../native';
import { REWRITE_VERSION } from '../rewrite';
import { untrustedDirectory } from './trust';

/** Bump when the lowering changes which weights reach XNNPACK, or how they are named. */
const LOWERING_VERSION = 2;
export const CACHE_EXTENSION = '.xnnwc';
export const WARNING_CODE = 'XNNLITE_WEIGHT_CACHE';

/** The cache directory for a session: its option, else the model's, else XNNLITE_WEIGHT_CACHE; `false` turns it off. */
export function resolveCacheDir(sessionOption: string | false | undefined, modelOption: string | false | undefined): string | undefined {
  const chosen = sessionOption !== undefined ? sessionOption : modelOption !== undefined ? modelOption : process.env.XNNLITE_WEIGHT_CACHE || undefined;
  return chosen ? path.resolve(chosen) : undefined;
}

/**
 * What changes packed bytes, as named in a cache fingerprint: the session's
 * precision; whether the graph was rewritten (by which version of the rules:
 * rewritten weights are new tensors); and which subgraph it runs (each
 * subgraph's weights get a file of their own, since the cache names weights
 * by their tensor index).
 */
export function packingOf(precision: string, optimize: boolean, subgraphIndex = 0): string {
  return `precision=${precision}${optimize ? `;rewrite=${REWRITE_VERSION}` : ''}${subgraphIndex === 0 ? '' : `;subgraph=${subgraphIndex}`}`;
}

/** `packing` names the session options that change packed bytes (see packingOf). */
export function cacheFingerprint(modelSha256: Buffer, packing = ''): Buffer {
  const v = native().version();
  return crypto.createHash('sha256')
    .update(`xnnlite-weight-cache\0${LOWERING_VERSION}\0${v.xnnpack}\0${v.buildIdentifier}\0${v.arch}\0${v.archFlags}\0${process.platform}\0${packing}\0`)
    .update(modelSha256)
    .digest();
}

/**
 * Creates the cache directory if needed and checks that it may be trusted
 * (lib/cache/trust.ts). Returns its real path (symbolic links resolved: the
 * directory the files will be in), or why it cannot be used.
 */
export function prepareCacheDir(dir: string): { dir: string } | { warning: string } {
  try {
    fs.mkdirSync(dir, { recursive: true, mode: 0o755 });
    const real = fs.realpathSync(dir);
    const untrusted = untrustedDirectory(real);
    if (untrusted) return { warning: `weight cache directory ${dir} is not used: ${untrusted}, so another user could change the weights this process computes with; weights stay in memory for this session` };
    return { dir: real };
  } catch (err) {
    return { warning: `cannot use weight cache directory ${dir} (${(err as Error).message}); weights stay in memory for this session` };
  }
}

/** Where the cache file of a model (by its SHA-256) and `packing` lives in `dir`, and the fingerprint it must carry. */
function cacheFile(dir: string, modelSha256: Buffer, packing: string): { stem: string; fingerprint: Buffer } {
  const fingerprint = cacheFingerprint(modelSha256, packing);
  return { stem: path.join(dir, fingerprint.toString('hex').slice(0, 40)), fingerprint };
}

/** The native request for the cache file of a model (by its SHA-256) in `dir`, a directory prepareCacheDir() accepted. */
export function planCache(dir: string, modelSha256: Buffer, modelName: string, packing = ''): NativeCacheRequest {
  const { stem, fingerprint } = cacheFile(dir, modelSha256, packing);
  const v = native().version();
  const metadata = JSON.stringify({
    model: modelName,
    modelSha256: modelSha256.toString('hex'),
    xnnpack: v.xnnpack,
    arch: v.arch,
    archFlags: v.archFlags,
    packing,
    created: new Date().toISOString(),
  });
  return {
    path: `${stem}${CACHE_EXTENSION}`,
    lockPath: `${stem}.lock`,
    fingerprint: new Uint8Array(fingerprint),
    metadata,
  };
}

/**
 * Maps and verifies the cache file for `packing` on the task pool, ahead of
 * the session that will use it, and holds it until releaseCacheFile(path).
 * Resolves to the path when a usable file is held; never rejects. With the
 * digest already known the work starts now, before the caller goes on.
 */
export function prefetchCache(dir: string, digest: Buffer | Promise<Buffer>, packing: string): Promise<string | undefined> {
  const start = (sha256: Buffer) => {
    const { stem, fingerprint } = cacheFile(dir, sha256, packing);
    const file = `${stem}${CACHE_EXTENSION}`;
    return native().prefetchCacheFile(file, new Uint8Array(fingerprint)).then((held) => (held ? file : undefined));
  };
  try {
    return (Buffer.isBuffer(digest) ? start(digest) : digest.then(start)).catch(() => undefined);
  } catch {
    // No task could be started (a worker thread being terminated): no prefetch, the session maps the file itself.
    return Promise.resolve(undefined);
  }
}

export function emitCacheWarning(message: string): void {
  process.emitWarning(message, { code: WARNING_CODE, detail: 'The session works; set XNNLITE_WEIGHT_CACHE or the weightCache option to a writable directory to share packed weights.' });
}
