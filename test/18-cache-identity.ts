// What names a cache file and who may write one. Models are named by the
// SHA-256 of their bytes, so a model edited to keep another's length and
// CRC (the old name) still gets its own file and its own results. A cache
// directory or file that another user could have written is never used.
// The digest of a model file is remembered in the cache directory, and the
// memo is itself checked.
import t from 'tap';
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import { clearCache, loadModel } from '../lib/index';
import { DIGEST_EXTENSION } from '../lib/cache/model-digest';
import { crc32c, crcTwin } from './helpers/crc-twin';
import { cacheFiles, runWorker } from './helpers/cache-run';
import { zooModel } from './helpers/zoo';

const small = zooModel('face_detection_short_range').file;
const isRoot = process.geteuid?.() === 0;
const OTHER_UID = 54321;
const digestFiles = (dir: string) => fs.readdirSync(dir).filter((f) => f.endsWith(DIGEST_EXTENSION));

t.test('a model with the same length and CRC-32C as another gets its own cache file and its own results', async (t) => {
  const dir = t.testdir({ models: {}, cache: {} });
  const original = fs.readFileSync(small);
  const twin = crcTwin(original);
  const twinFile = path.join(dir, 'models', 'twin.tflite');
  fs.writeFileSync(twinFile, twin);
  t.equal(twin.length, original.length, 'same length');
  t.equal(crc32c(twin), crc32c(original), 'same CRC-32C');
  t.equal(crc32c(twin, 0x9e3779b9), crc32c(original, 0x9e3779b9), 'and the same under any seed: the old digest could not tell them apart');
  t.not(Buffer.compare(Buffer.from(twin), original), 0, 'different bytes');

  const cache = path.join(dir, 'cache');
  const first = runWorker(small, cache);
  const second = runWorker(twinFile, cache);
  t.equal(first.state, 'built');
  t.equal(second.state, 'built', 'the twin does not map the original\'s file');
  t.equal(cacheFiles(cache).length, 2, 'one file each');
  t.equal(second.outputs, runWorker(twinFile, '').outputs, 'the twin\'s results are its own (as without a cache)');
  t.not(second.outputs, first.outputs, 'and differ from the original\'s');
  t.equal(runWorker(small, cache).state, 'mapped');
  t.equal(runWorker(twinFile, cache).state, 'mapped');
});

t.test('cache files of the previous format (CRC-named) are ignored, not misread', async (t) => {
  const dir = t.testdir({});
  runWorker(small, dir);
  const file = path.join(dir, cacheFiles(dir)[0]);
  const bytes = fs.readFileSync(file);
  bytes.writeUInt32LE(1, 8);  // format version 1
  fs.writeFileSync(file, bytes);
  const r = runWorker(small, dir);
  t.equal(r.state, 'built');
  t.match(r.warnings.join('\n'), /cache format version 1, expected 2/);
});

t.test('a cache directory other users can write is refused, with a warning; the session packs in memory', async (t) => {
  const root = t.testdir({ open: { cache: {} }, shared: {}, sticky: { cache: {} }, elsewhere: { cache: {} } });
  const link = path.join(root, 'link');
  fs.symlinkSync(path.join(root, 'elsewhere', 'cache'), link);
  const reset = () => {
    for (const d of ['shared', 'open', 'sticky', 'elsewhere']) fs.chmodSync(path.join(root, d), 0o755);
  };
  const cases: [string, string, () => void, RegExp | undefined][] = [
    ['world-writable', path.join(root, 'shared'), () => fs.chmodSync(path.join(root, 'shared'), 0o777), /shared is writable by other users \(mode 777\)/],
    ['group-writable', path.join(root, 'shared'), () => fs.chmodSync(path.join(root, 'shared'), 0o775), /writable by other users \(mode 775\)/],
    ['world-writable with the sticky bit (as /tmp)', path.join(root, 'sticky'), () => fs.chmodSync(path.join(root, 'sticky'), 0o1777), /sticky is writable by other users \(mode 1777\)/],
    ['inside a world-writable directory', path.join(root, 'open', 'cache'), () => fs.chmodSync(path.join(root, 'open'), 0o777), /open is writable by other users \(mode 777\) without the sticky bit/],
    ['a link to a directory inside a world-writable one', link, () => fs.chmodSync(path.join(root, 'elsewhere'), 0o777), /elsewhere is writable by other users/],
    ['inside a sticky world-writable directory, as /tmp/mine', path.join(root, 'sticky', 'cache'), () => fs.chmodSync(path.join(root, 'sticky'), 0o1777), undefined],
  ];
  for (const [label, dir, prepare, refusal] of cases) {
    prepare();
    const warnings: string[] = [];
    const onWarning = (w: Error & { code?: string }) => warnings.push(`${w.code}: ${w.message}`);
    process.on('warning', onWarning);
    const model = await loadModel(small);
    const session = await model.createSession({ threads: 1, weightCache: dir });
    await new Promise((resolve) => setImmediate(resolve));
    process.off('warning', onWarning);
    if (refusal) {
      t.equal(session.weightCache, undefined, `${label}: no cache`);
      t.match(warnings.join('\n'), refusal, `${label}: the warning says why`);
      t.match(warnings.join('\n'), /XNNLITE_WEIGHT_CACHE: weight cache directory .* is not used/);
      t.same(cacheFiles(dir), [], `${label}: nothing written there`);
    } else {
      t.equal(session.weightCache?.state, 'built', `${label}: accepted`);
      t.same(warnings, []);
    }
    model.dispose();
    reset();
  }
});

t.test('a cache directory or file owned by another user is not used', { skip: isRoot ? false : 'needs root to give files away' }, async (t) => {
  const dir = t.testdir({ theirs: {}, mine: {} });
  fs.chownSync(path.join(dir, 'theirs'), OTHER_UID, OTHER_UID);
  const refused = runWorker(small, path.join(dir, 'theirs'));
  t.equal(refused.state, undefined, 'no cache in a directory another user owns');
  t.match(refused.warnings.join('\n'), /owned by another user \(uid 54321/);

  const mine = path.join(dir, 'mine');
  const expected = runWorker(small, mine).outputs;
  const file = path.join(mine, cacheFiles(mine)[0]);
  fs.chownSync(file, OTHER_UID, OTHER_UID);
  const rebuilt = runWorker(small, mine);
  t.equal(rebuilt.state, 'built', 'a file another user owns is ignored and rebuilt');
  t.match(rebuilt.warnings.join('\n'), /is unusable \(owned by another user \(uid 54321/);
  t.equal(rebuilt.outputs, expected);
  t.equal(fs.statSync(file).uid, process.geteuid!(), 'the rebuilt file is this user\'s');

  fs.chmodSync(file, 0o666);
  const writable = runWorker(small, mine);
  t.equal(writable.state, 'built', 'a file others can write is ignored and rebuilt');
  t.match(writable.warnings.join('\n'), /writable by other users \(mode 666\)/);
  t.equal(runWorker(small, mine).state, 'mapped');
});

t.test('the digest of a model file is remembered in the cache directory, and a forged or stale memo is not used', async (t) => {
  const dir = t.testdir({ cache: {}, models: {} });
  const cache = path.join(dir, 'cache');
  // The zoo file has not changed for a while, so its digest may be remembered.
  const first = runWorker(small, cache);
  t.equal(first.state, 'built');
  const memos = digestFiles(cache);
  t.equal(memos.length, 1, 'one memo');
  const memoFile = path.join(cache, memos[0]);
  const memo = JSON.parse(fs.readFileSync(memoFile, 'utf8'));
  t.equal(memo.sha256, crypto.createHash('sha256').update(fs.readFileSync(small)).digest('hex'), 'it holds the SHA-256 of the file');
  t.equal(runWorker(small, cache).state, 'mapped');

  // A memo is used: one that names another digest (with a valid check) sends the model to another cache file.
  const other = { format: memo.format, identity: memo.identity, sha256: '00'.repeat(32) };
  const check = crypto.createHash('sha256').update(JSON.stringify([other.format, other.identity, other.sha256])).digest('hex');
  fs.writeFileSync(memoFile, JSON.stringify({ ...other, check }));
  t.equal(runWorker(small, cache).state, 'built', 'the memo is consulted instead of hashing (it is trusted as the directory is)');
  // One whose check fails is ignored.
  fs.writeFileSync(memoFile, JSON.stringify({ ...other, check: '00'.repeat(32) }));
  t.equal(runWorker(small, cache).state, 'mapped', 'a memo that fails its check is ignored (the file is hashed again)');

  // A file just written is hashed but not remembered: its times could still change within their granularity.
  const fresh = path.join(dir, 'models', 'fresh.tflite');
  fs.copyFileSync(small, fresh);
  const before = digestFiles(cache).length;
  t.equal(runWorker(fresh, cache).state, 'mapped', 'same bytes, same cache file');
  t.equal(digestFiles(cache).length, before, 'no memo for a file changed less than two seconds ago');
});

t.test('xnnlite cache clear removes remembered digests too', async (t) => {
  const dir = t.testdir({});
  runWorker(small, dir);
  t.equal(digestFiles(dir).length, 1);
  clearCache(dir);
  t.same(fs.readdirSync(dir), []);
});
