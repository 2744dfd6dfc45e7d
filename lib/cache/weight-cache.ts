/**
 * Where a session's packed weights are cached, and the fingerprint that
 * names the cache file: everything that changes the packed bytes (the model's
 * content, XNNPACK's version and microkernel build, the CPU features XNNPACK
 * chose, the architecture, and xnnlite's lowering) goes into it, so different
 * models and configurations never share a file.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { native, type NativeCacheRequest } from '../native';

/** Bump when the lowering changes which weights reach XNNPACK, or how they are named. */
const LOWERING_VERSION = 1;
export const CACHE_EXTENSION = '.xnnwc';
export const WARNING_CODE = 'XNNLITE_WEIGHT_CACHE';

/** The cache directory for a session: its option, else the model's, else XNNLITE_WEIGHT_CACHE; `false` turns it off. */
export function resolveCacheDir(sessionOption: string | false | undefined, modelOption: string | false | undefined): string | undefined {
  const chosen = sessionOption !== undefined ? sessionOption : modelOption !== undefined ? modelOption : process.env.XNNLITE_WEIGHT_CACHE || undefined;
  return chosen ? path.resolve(chosen) : undefined;
}

/**
 * Identifies a model's bytes: its length and two CRC-32C passes with
 * different seeds (64 bits), computed natively at memory speed. A
 * cryptographic hash would cost tens of milliseconds on every start of a
 * large model; the cache needs identity, not resistance to forgery (the file
 * is only ever written by xnnlite into a directory the user chose).
 */
export function modelDigest(bytes: Uint8Array): Buffer {
  const { crc32c } = native();
  const out = Buffer.alloc(16);
  out.writeBigUInt64LE(BigInt(bytes.length), 0);
  out.writeUInt32LE(crc32c(bytes, 0), 8);
  out.writeUInt32LE(crc32c(bytes, 0x9e3779b9), 12);
  return out;
}

/** `packing` names the session options that change packed bytes (e.g. `precision=fp16`). */
export function cacheFingerprint(modelDigestBytes: Buffer, packing = ''): Buffer {
  const v = native().version();
  return crypto.createHash('sha256')
    .update(`xnnlite-weight-cache\0${LOWERING_VERSION}\0${v.xnnpack}\0${v.buildIdentifier}\0${v.arch}\0${v.archFlags}\0${process.platform}\0${packing}\0`)
    .update(modelDigestBytes)
    .digest();
}

export interface CachePlan {
  request: NativeCacheRequest;
  /** Set when the directory could not be prepared: the session packs in memory. */
  warning?: string;
}

/** The native request for a cache file in `dir`, creating the directory if needed. */
export function planCache(dir: string, digest: Buffer, modelName: string, packing = ''): CachePlan | { warning: string } {
  try {
    fs.mkdirSync(dir, { recursive: true });
  } catch (err) {
    return { warning: `cannot use weight cache directory ${dir} (${(err as Error).message}); weights stay in memory for this session` };
  }
  const fingerprint = cacheFingerprint(digest, packing);
  const name = fingerprint.toString('hex').slice(0, 40);
  const v = native().version();
  const metadata = JSON.stringify({
    model: modelName,
    modelDigest: digest.toString('hex'),
    xnnpack: v.xnnpack,
    arch: v.arch,
    archFlags: v.archFlags,
    packing,
    created: new Date().toISOString(),
  });
  return {
    request: {
      path: path.join(dir, `${name}${CACHE_EXTENSION}`),
      lockPath: path.join(dir, `${name}.lock`),
      fingerprint: new Uint8Array(fingerprint),
      metadata,
    },
  };
}

export function emitCacheWarning(message: string): void {
  process.emitWarning(message, { code: WARNING_CODE, detail: 'The session works; set XNNLITE_WEIGHT_CACHE or the weightCache option to a writable directory to share packed weights.' });
}
