/**
 * Start records: what a warm start reads instead of working it out again.
 * Reading a model (its flatbuffer, every operator checked, constants folded,
 * the graph rewritten and placed) and planning a session (lowering it onto
 * XNNPACK's define calls) cost a fresh process more than mapping its packed
 * weights does. So, beside the cache files, a trusted cache directory keeps
 * their outcome: a model's summary (what `loadModel` reports, once it has
 * accepted the file) and a session's plan (the native calls that build its
 * runtime), each named by the model's SHA-256 and everything that shapes the
 * outcome: the build of xnnlite (a hash of its code), its native binding and
 * XNNPACK, and the options. A change to any of them names another record, so
 * a record is never read by code that would have decided differently.
 *
 * A record is one file: a magic, the SHA-256 of the payload, then the payload
 * (the full key and the value, in V8's serialization format). A file that is
 * damaged, torn, for another key, or not to be trusted (lib/cache/trust.ts)
 * is not read: the work is done again and the record written anew. Records
 * are written to a temporary file and renamed into place, best effort: a
 * full disk or a read-only directory only means the next start plans again.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import v8 from 'node:v8';
import { native } from '../native';
import { readTrustedFile } from './trust';

export const RECORD_EXTENSION = '.xnnrec';
/** Bump when what a record holds, or how it is read, changes. */
const RECORD_FORMAT = 1;
const MAGIC = Buffer.from('XNNLREC\0', 'latin1');
const HEADER_BYTES = MAGIC.length + 32;
/** Larger files are not records this version writes. */
const MAX_RECORD_BYTES = 1 << 30;

/**
 * Replaced by scripts/bundle.js with the SHA-256 of the bundle it writes, so
 * that records of one build are never read by another. Left as it is when
 * the library runs from its compiled modules or sources (the tests), where
 * the hash of those files stands in for it (see buildHash).
 */
const BUNDLE_HASH: string = '@@XNNLITE_BUNDLE_HASH@@';

let buildHashValue: string | undefined;

/** Files of the library's own code under `dir`, sorted, for buildHash. */
function codeFiles(dir: string): string[] {
  const found: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) found.push(...codeFiles(file));
    else if (/\.(ts|js)$/.test(entry.name) && !entry.name.endsWith('.d.ts')) found.push(file);
  }
  return found.sort();
}

/** What identifies this build of xnnlite's code: the bundle's hash, else a hash of the modules beside this one. */
function buildHash(): string {
  if (buildHashValue !== undefined) return buildHashValue;
  if (!BUNDLE_HASH.startsWith('@@')) {
    buildHashValue = BUNDLE_HASH;
  } else {
    const hash = crypto.createHash('sha256');
    const root = path.join(__dirname, '..');
    for (const file of codeFiles(root)) hash.update(path.relative(root, file)).update('\0').update(fs.readFileSync(file)).update('\0');
    buildHashValue = hash.digest('hex');
  }
  return buildHashValue;
}

/** The full key of a record: its kind, the model, the build and `key` (the options that shape the value). */
function fullKey(modelSha256: Buffer, kind: string, key: string): string {
  const v = native().version();
  return [`xnnlite-start-record`, RECORD_FORMAT, buildHash(), v.xnnpack, v.buildIdentifier, v.arch, v.archFlags, process.platform,
    modelSha256.toString('hex'), kind, key].join('\0');
}

function recordPath(dir: string, full: string): string {
  return path.join(dir, `${crypto.createHash('sha256').update(full).digest('hex').slice(0, 40)}${RECORD_EXTENSION}`);
}

/**
 * The value recorded in `dir` (a directory prepareCacheDir() accepted) for
 * the model with `modelSha256`, `kind` and `key`; undefined when there is
 * none this process may use. Synchronous (a few system calls and one read):
 * a warm start needs it before it goes on. Never throws.
 */
export function readRecord<T>(dir: string, modelSha256: Buffer, kind: string, key: string): T | undefined {
  try {
    const full = fullKey(modelSha256, kind, key);
    const file = readTrustedFile(recordPath(dir, full), MAX_RECORD_BYTES);
    if (!file || file.length < HEADER_BYTES || !file.subarray(0, MAGIC.length).equals(MAGIC)) return undefined;
    const payload = file.subarray(HEADER_BYTES);
    if (!crypto.createHash('sha256').update(payload).digest().equals(file.subarray(MAGIC.length, HEADER_BYTES))) return undefined;
    const record = v8.deserialize(payload) as { key?: unknown; value?: unknown };
    return record && record.key === full ? record.value as T : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Records `value` (plain data and typed arrays: what V8 serializes) for the
 * model, `kind` and `key` in `dir`. Best effort, off the caller's path: never
 * rejects; a failed write leaves no file behind.
 */
export async function writeRecord(dir: string, modelSha256: Buffer, kind: string, key: string, value: unknown): Promise<void> {
  let temporary: string | undefined;
  try {
    const full = fullKey(modelSha256, kind, key);
    const payload = v8.serialize({ key: full, value });
    const checksum = crypto.createHash('sha256').update(payload).digest();
    const file = recordPath(dir, full);
    temporary = `${file}.tmp-${process.pid}-${crypto.randomBytes(4).toString('hex')}`;
    await fs.promises.writeFile(temporary, Buffer.concat([MAGIC, checksum, payload]), { mode: 0o644, flag: 'wx' });
    // Renaming is atomic: a reader sees the old file or the new one, whole.
    await fs.promises.rename(temporary, file);
    temporary = undefined;
  } catch {
    // A full disk, a read-only directory: the next start plans again.
  } finally {
    if (temporary) await fs.promises.rm(temporary, { force: true }).catch(() => {});
  }
}
