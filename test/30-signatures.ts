// Signatures, as converters write them and TFLite's signature runners run
// them: checked against LiteRT.js's signature runners.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import t from 'tap';
import { inspectModel, loadModel } from '../lib/index';
import { deterministicInput, expectCloseTo } from './helpers/compare';
import { twoSignatureModel } from './helpers/dynamic-models';
import { runReferenceSignature } from './helpers/litert';

t.test('a two-signature model runs each signature by its keys, as LiteRT.js does', async (t) => {
  const bytes = twoSignatureModel();
  const model = await loadModel(bytes);
  t.teardown(() => model.dispose());
  t.same(model.signatures.map((s) => [s.key, s.subgraphIndex, s.inputs.map((i) => i.name), s.outputs.map((o) => o.name)]),
    [['encode', 0, ['features'], ['code']], ['decode', 1, ['code'], ['reconstruction']]]);
  t.same(model.inputs.map((i) => i.name), ['features'], 'a default session runs the first signature');

  const features = deterministicInput(4, -1, 1, 7);
  const code = deterministicInput(8, -1, 1, 8);
  const encode = await model.createSession({ threads: 1 });
  const decode = await model.createSession({ threads: 1, signature: 'decode' });
  t.same(decode.inputs.map((i) => [i.name, i.shape]), [['code', [1, 8]]]);
  t.same(decode.outputs.map((o) => [o.name, o.shape]), [['reconstruction', [1, 6]]]);
  const encoded = await encode.run({ features });
  const decoded = await decode.run({ code });
  t.same(Object.keys(encoded), ['code']);
  t.same(Object.keys(decoded), ['reconstruction']);
  expectCloseTo(t, encoded.code, (await runReferenceSignature(bytes, 'encode', { features })).code, 'encode');
  expectCloseTo(t, decoded.reconstruction, (await runReferenceSignature(bytes, 'decode', { code })).reconstruction, 'decode');

  await t.rejects(model.createSession({ signature: 'train' }), { name: 'RangeError', message: /no signature "train"; its signatures are "encode", "decode"/ });
  await t.rejects(model.createSession({ signature: 3 as unknown as string }), { name: 'TypeError', message: /options\.signature/ });

  const report = await inspectModel(bytes);
  t.same(report.signatures.map((s) => s.key), ['encode', 'decode']);
  t.same(report.subgraphs.map((s) => [s.index, s.name, s.operators]), [[0, 'encoder', 1], [1, 'decoder', 2]]);
});

t.test('each signature packs into its own cache file: two signatures never share weights', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xnnlite-signatures-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const bytes = twoSignatureModel();
  const code = deterministicInput(8, -1, 1, 8);
  const expected = (await runReferenceSignature(bytes, 'decode', { code })).reconstruction;
  for (const round of ['builds', 'maps']) {
    const model = await loadModel(bytes, { weightCache: dir });
    const encode = await model.createSession({ threads: 1 });
    const decode = await model.createSession({ threads: 1, signature: 'decode' });
    t.not(encode.weightCache!.path, decode.weightCache!.path, `${round}: separate files`);
    t.equal(decode.weightCache!.state, round === 'builds' ? 'built' : 'mapped', `${round}: the decode file`);
    expectCloseTo(t, (await decode.run({ code })).reconstruction, expected, `${round}: decode`);
    model.dispose();
  }
});


t.test('the CLI runs, benchmarks and inspects a signature', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xnnlite-signature-cli-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'two.tflite');
  fs.writeFileSync(file, twoSignatureModel());
  const bin = path.join(__dirname, '..', 'bin', 'xnnlite.js');
  const cli = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', env: { ...process.env, CI: '1' } });
  const run = cli('run', file, '--signature', 'decode');
  t.equal(run.status, 0, run.stderr);
  t.match(run.stdout, /^reconstruction \[1, 6\]: min /m);
  const bench = cli('bench', file, '--signature', 'decode', '--runs', '3', '--warmup', '0', '--json');
  t.equal(bench.status, 0, bench.stderr);
  t.same(JSON.parse(bench.stdout).inputShapes, { code: [1, 8] });
  const inspect = cli('inspect', file);
  t.match(inspect.stdout, /encode \(subgraph 0\): inputs features \[1, 4\] float32; outputs code \[1, 8\] float32/);
  t.match(inspect.stdout, /decode \(subgraph 1\)/);
  const wrong = cli('run', file, '--signature', 'train');
  t.not(wrong.status, 0);
  t.match(wrong.stderr, /no signature "train"/);
});
