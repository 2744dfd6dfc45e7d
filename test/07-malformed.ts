// A corpus of damaged models, generated here: truncations at every length,
// random byte flips, out-of-range indices and huge declared sizes. Each file
// must either load and run, or fail with a ModelFormatError (or, where the
// damage turns one operator into another that xnnlite lacks, an
// UnsupportedOpError naming it). Never a crash, a hang, another exception
// type, or unbounded memory.
import t, { type Test } from 'tap';
import fs from 'node:fs';
import { loadModel, ModelFormatError, UnsupportedOpError } from '../lib/index';
import { smallModel } from './helpers/small-model';
import { zooModel } from './helpers/zoo';

/** mulberry32: a small seeded PRNG, so that every run tries the same corpus. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = a;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

interface Outcome {
  ran: number;
  formatErrors: number;
  unsupported: number;
  failures: string[];
}

async function attempt(bytes: Uint8Array, label: string, outcome: Outcome): Promise<void> {
  try {
    const model = await loadModel(bytes, { maxTotalBytes: 32 * 1024 * 1024, maxTensorBytes: 4 * 1024 * 1024 });
    try {
      const session = await model.createSession({ threads: 1 });
      const inputs = Object.fromEntries(session.inputs.map((i) => [i.name, new Float32Array(i.shape.reduce((a, b) => a * b, 1)).fill(0.25)]));
      session.runSync(inputs);
      outcome.ran++;
    } finally {
      model.dispose();
    }
  } catch (err) {
    if (err instanceof ModelFormatError) outcome.formatErrors++;
    else if (err instanceof UnsupportedOpError) outcome.unsupported++;
    else outcome.failures.push(`${label}: ${(err as Error)?.constructor?.name}: ${(err as Error)?.message}`);
  }
}

function report(t: Test, name: string, outcome: Outcome, total: number): void {
  t.same(outcome.failures.slice(0, 10), [], `${name}: no other exception types`);
  t.equal(outcome.ran + outcome.formatErrors + outcome.unsupported + outcome.failures.length, total, `${name}: ${total} cases (${outcome.ran} ran, ${outcome.formatErrors} ModelFormatError, ${outcome.unsupported} UnsupportedOpError)`);
}

const fresh = (): Outcome => ({ ran: 0, formatErrors: 0, unsupported: 0, failures: [] });

t.test('truncation at every length', async (t) => {
  for (const external of [false, true]) {
    const bytes = smallModel(external);
    const outcome = fresh();
    for (let n = 0; n < bytes.length; n++) await attempt(bytes.slice(0, n), `truncated to ${n}`, outcome);
    report(t, `${external ? 'external' : 'inline'} buffers`, outcome, bytes.length);
    // With buffers after the flatbuffer, a cut into the last data's alignment padding loses nothing.
    t.ok(outcome.ran <= (external ? 15 : 0), `${outcome.ran} truncated files ran`);
  }
});

t.test('random byte flips in a small model', async (t) => {
  const next = random(1234);
  const base = smallModel();
  const outcome = fresh();
  const cases = 2500;
  for (let c = 0; c < cases; c++) {
    const bytes = base.slice();
    const flips = 1 + Math.floor(next() * 4);
    for (let f = 0; f < flips; f++) {
      const at = Math.floor(next() * bytes.length);
      bytes[at] = next() < 0.5 ? bytes[at] ^ (1 << Math.floor(next() * 8)) : Math.floor(next() * 256);
    }
    await attempt(bytes, `flip case ${c}`, outcome);
  }
  report(t, 'byte flips', outcome, cases);
});

t.test('out-of-range indices and huge sizes in every int32 field', async (t) => {
  const base = smallModel();
  const view = new DataView(base.buffer, base.byteOffset, base.length);
  const hostile = [-1, -2, 7, 8, 99, 255, 65535, 0x7fffffff, -0x80000000, 0x40000000];
  const outcome = fresh();
  let total = 0;
  for (let at = 0; at + 4 <= base.length; at += 4) {
    const value = view.getInt32(at, true);
    // Small positive integers are where indices, counts, dimensions and offsets live.
    if (value < 0 || value > 4096) continue;
    for (const replacement of hostile) {
      const bytes = base.slice();
      new DataView(bytes.buffer).setInt32(at, replacement, true);
      total++;
      await attempt(bytes, `int32 at ${at}: ${value} -> ${replacement}`, outcome);
    }
  }
  report(t, 'hostile int32 values', outcome, total);
  t.ok(total >= 1000, `${total} cases`);
});

t.test('random damage to a real model', async (t) => {
  const next = random(99);
  const base = new Uint8Array(fs.readFileSync(zooModel('face_detection_short_range').file));
  const outcome = fresh();
  const cases = 400;
  for (let c = 0; c < cases; c++) {
    let bytes = base.slice();
    if (c % 4 === 0) {
      bytes = bytes.slice(0, Math.floor(next() * bytes.length));
    } else {
      // Damage the flatbuffer's tables rather than the weights, where most flips only change numbers.
      const tablesEnd = Math.min(bytes.length, 40_000);
      for (let f = 0; f < 1 + Math.floor(next() * 3); f++) {
        const at = next() < 0.7 ? Math.floor(next() * tablesEnd) : Math.floor(next() * bytes.length);
        bytes[at] = Math.floor(next() * 256);
      }
    }
    await attempt(bytes, `real model case ${c}`, outcome);
  }
  report(t, 'face_detection_short_range', outcome, cases);
});
