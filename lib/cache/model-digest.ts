/**
 * The SHA-256 of a model's bytes, which names its weight-cache file. It is
 * computed natively, off the JavaScript thread (with the CPU's SHA
 * instructions where it has them: x86 SHA extensions, Armv8 crypto; about
 * 1.2 GB/s on an AMD EPYC core, and on the order of 100 MB/s in software on
 * a Raspberry Pi 4, which has no SHA instructions).
 *
 * So that a large model on a slow CPU is not hashed at every start, the
 * digest of a model file is remembered in the cache directory, in a small
 * file named after the file's identity (device, inode, size, modification
 * and change times); a file rewritten in place changes its times, so it is
 * hashed again. A digest is remembered only for a file whose times are at
 * least two seconds old, so that a write landing within the file system's
 * timestamp granularity after the hash cannot go unnoticed. Models given as
 * bytes are always hashed.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { NativeFileIdentity, NativeMappedFile } from '../native';
import { readTrustedFile } from './trust';

export const DIGEST_EXTENSION = '.digest';
const MEMO_FORMAT = 1;
/** Only files unchanged for this long get their digest remembered. */
const SETTLED_NS = 2_000_000_000n;

interface Memo {
  format: number;
  identity: NativeFileIdentity;
  sha256: string;
}

function checksum(memo: Memo): string {
  return crypto.createHash('sha256').update(JSON.stringify([memo.format, memo.identity, memo.sha256])).digest('hex');
}

/** Where the digest of the file with `identity` is remembered. */
export function memoPath(dir: string, identity: NativeFileIdentity): string {
  const key = crypto.createHash('sha256')
    .update(`${identity.dev}:${identity.ino}:${identity.size}:${identity.mtimeNs}:${identity.ctimeNs}`).digest('hex').slice(0, 40);
  return path.join(dir, `${key}${DIGEST_EXTENSION}`);
}

function sameIdentity(a: NativeFileIdentity, b: NativeFileIdentity): boolean {
  return a.dev === b.dev && a.ino === b.ino && a.size === b.size && a.mtimeNs === b.mtimeNs && a.ctimeNs === b.ctimeNs;
}

/**
 * The remembered digest, if there is one this process may trust and it still
 * describes the file. Synchronous (three system calls on a file of a few
 * hundred bytes), so that a warm start knows the digest before it reads the
 * model.
 */
function recall(file: string, identity: NativeFileIdentity): Buffer | undefined {
  const text = readTrustedFile(file, 4096);
  if (!text) return undefined;
  try {
    const memo = JSON.parse(text.toString('utf8')) as Memo & { check: string };
    if (memo.format !== MEMO_FORMAT || memo.check !== checksum(memo) || !sameIdentity(memo.identity, identity)) return undefined;
    const digest = Buffer.from(memo.sha256, 'hex');
    return digest.length === 32 ? digest : undefined;
  } catch {
    return undefined;
  }
}

/** The digest `memoDir` remembers for the model file behind `mapping`, if any (see recall). */
export function recallDigest(mapping: NativeMappedFile, memoDir: string): Buffer | undefined {
  const identity = mapping.identity();
  return identity ? recall(memoPath(memoDir, identity), identity) : undefined;
}

/**
 * Writes the memo in place. Every writer of one memo writes the same bytes
 * (the name is the identity), and a torn memo (a writer killed midway, a
 * reader racing a writer) fails its check and is only hashed again, so no
 * temporary file is needed, and none can be left behind. Best effort.
 */
async function remember(file: string, identity: NativeFileIdentity, digest: Buffer): Promise<void> {
  const memo: Memo = { format: MEMO_FORMAT, identity, sha256: digest.toString('hex') };
  await fs.promises.writeFile(file, JSON.stringify({ ...memo, check: checksum(memo) }), { mode: 0o644 }).catch(() => {});
}

function settled(identity: NativeFileIdentity, nowNs: bigint): boolean {
  return nowNs - BigInt(identity.mtimeNs) >= SETTLED_NS && nowNs - BigInt(identity.ctimeNs) >= SETTLED_NS;
}

/**
 * SHA-256 of the model's bytes. `memoDir`, a trusted cache directory, is
 * where the digest of a model file is looked up and remembered.
 */
export async function modelDigest(mapping: NativeMappedFile, memoDir?: string): Promise<Buffer> {
  return (memoDir ? recallDigest(mapping, memoDir) : undefined) ?? computeDigest(mapping, memoDir);
}

/** SHA-256 of the model's bytes, hashed on the task pool (for a caller that recalled none) and remembered in `memoDir`. */
export async function computeDigest(mapping: NativeMappedFile, memoDir?: string): Promise<Buffer> {
  const identity = mapping.identity();
  const nowNs = BigInt(Date.now()) * 1_000_000n;
  const digest = await mapping.digest();
  if (identity && memoDir && settled(identity, nowNs)) await remember(memoPath(memoDir, identity), identity, digest);
  return digest;
}
