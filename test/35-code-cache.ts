// V8's code cache for the bundles (scripts/code-cache-loader.js): made after a
// workload, used by a fresh process, and never used when it does not belong
// to the bundle's source or is damaged anywhere (V8 itself would run damaged
// data, or crash on it).
import t from 'tap';
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';

const loader = path.join(__dirname, '..', 'scripts', 'code-cache-loader.js');

/** A bundle with enough functions for a cache worth the name. */
function bundleSource(tag: string): string {
  const fns = Array.from({ length: 200 }, (_, k) => `function f${k}(x) { return x * ${k} + ${JSON.stringify(tag)}.length; }`);
  return `${fns.join('\n')}\nexports.sum = (x) => ${Array.from({ length: 200 }, (_, k) => `f${k}(x)`).join(' + ')};\n`;
}

/** Loads `bundle` in a fresh process: how it was compiled, and what it computes. */
function loadFresh(bundle: string): { compiled: string; sum: number } {
  const script = `const l = require(${JSON.stringify(loader)}); const e = l.load(${JSON.stringify(bundle)});
    console.log(JSON.stringify({ compiled: l.compiled.get(${JSON.stringify(bundle)}), sum: e.sum(2) }));`;
  return JSON.parse(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '' } }));
}

async function produce(bundle: string): Promise<string> {
  const { produce: make } = require(loader) as { produce: (b: string, w: (e: { sum: (x: number) => number }) => Promise<void>) => Promise<{ file: string }> };
  return (await make(bundle, async (e) => { e.sum(1); })).file;
}

t.test('a cache made after a workload is used by the next process, with the same results', async (t) => {
  const dir = t.testdir({ 'bundle.js': bundleSource('a') });
  const bundle = path.join(dir, 'bundle.js');
  const expected = loadFresh(bundle);
  t.equal(expected.compiled, 'source', 'without a cache, the bundle is compiled from source');
  const file = await produce(bundle);
  t.ok(fs.existsSync(file) && file.endsWith('bundle.js.v8cache'), 'the cache sits beside the bundle');
  t.same(fs.readdirSync(dir).filter((f) => f.includes('.tmp-')), [], 'no temporary file is left');
  t.same(loadFresh(bundle), { compiled: 'cache', sum: expected.sum });
});

t.test('a damaged cache, or one of another source, is never used', async (t) => {
  const dir = t.testdir({ 'bundle.js': bundleSource('a') });
  const bundle = path.join(dir, 'bundle.js');
  const expected = loadFresh(bundle).sum;
  const file = await produce(bundle);
  const good = fs.readFileSync(file);
  const header = good.indexOf(0x0a) + 1;
  for (const at of [header + 20, header + Math.floor((good.length - header) / 2), good.length - 3, 5]) {
    const bad = Buffer.from(good);
    bad[at] ^= 0x5a;
    fs.writeFileSync(file, bad);
    t.same(loadFresh(bundle), { compiled: 'source', sum: expected }, `a byte changed at ${at} of ${good.length}: compiled from source`);
  }
  fs.writeFileSync(file, good.subarray(0, good.length - 100));
  t.same(loadFresh(bundle), { compiled: 'source', sum: expected }, 'a truncated cache');
  fs.writeFileSync(file, Buffer.from(good.toString('latin1').replace(/node=v[\d.]+/, 'node=v0.0.1'), 'latin1'));
  t.same(loadFresh(bundle), { compiled: 'source', sum: expected }, 'a cache made by another Node');
  fs.writeFileSync(file, good);
  // The same length, other code: V8 alone would take the cache (it checks only the length).
  const other = bundleSource('b');
  t.equal(other.length, bundleSource('a').length);
  fs.writeFileSync(bundle, other);
  t.same(loadFresh(bundle), { compiled: 'source', sum: expected }, 'a bundle changed after the cache was made');
});
