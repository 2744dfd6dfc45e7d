// A corpus of damaged models, generated here: truncations at every length,
// random byte flips, out-of-range indices and huge declared sizes. Each file
// must either load and run, or fail with a ModelFormatError (or, where the
// damage turns one operator into another that xnnlite lacks, an
// UnsupportedOpError naming it). Never a crash, a hang, another exception
// type, or unbounded memory. Constants whose data does not fit the tensors
// that hold or read them (dense, FP16 behind DEQUANTIZE, sparse) are
// malformed, and must be refused with a ModelFormatError naming the place
// and both sizes before anything reaches the native side.
import t, { type Test } from 'tap';
import fs from 'node:fs';
import { loadModel, ModelFormatError, quantize, UnsupportedOpError } from '../lib/index';
import { readModel } from '../lib/model/reader';
import { blockDamage, blockSparseModel, denseDamage, float16Damage, sparseDamage, type DamagedConstant } from './helpers/damaged-constants';
import { fieldPositions, type Field, type FieldPositions } from './helpers/field-positions';
import { smallModel } from './helpers/small-model';
import { zooModel } from './helpers/zoo';
import { random } from './helpers/random';

interface Outcome {
  ran: number;
  formatErrors: number;
  unsupported: number;
  failures: string[];
}

const LIMITS = { maxTotalBytes: 32 * 1024 * 1024, maxTensorBytes: 4 * 1024 * 1024 };
/** The full-range detectors declare about 40 MB of tensors. */
const ZOO_LIMITS = { ...LIMITS, maxTotalBytes: 64 * 1024 * 1024 };

async function attempt(bytes: Uint8Array, label: string, outcome: Outcome, limits = LIMITS): Promise<void> {
  try {
    const model = await loadModel(bytes, limits);
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

/** A damaged constant must fail the load with a ModelFormatError at `where` that mentions the sizes. */
async function expectRefused(c: DamagedConstant, outcome: Outcome): Promise<void> {
  try {
    const model = await loadModel(c.bytes);
    model.dispose();
    outcome.ran++;
    outcome.failures.push(`${c.label}: loaded`);
  } catch (err) {
    if (!(err instanceof ModelFormatError)) {
      outcome.failures.push(`${c.label}: ${(err as Error)?.constructor?.name}: ${(err as Error)?.message}`);
      return;
    }
    outcome.formatErrors++;
    if (!err.message.startsWith(`${c.where}: `) || !c.mentions.every((m) => err.message.includes(m))) {
      outcome.failures.push(`${c.label}: "${err.message}", expected ${c.where} mentioning ${c.mentions.map((m) => `"${m}"`).join(', ')}`);
    }
  }
}

async function refuseAll(t: Test, name: string, cases: Iterable<DamagedConstant>): Promise<number> {
  const outcome = fresh();
  let total = 0;
  for (const c of cases) {
    total++;
    await expectRefused(c, outcome);
  }
  t.same(outcome.failures.slice(0, 10), [], `${name}: each refused with a ModelFormatError naming the place and sizes`);
  t.equal(outcome.formatErrors, total, `${name}: ${total} cases`);
  return total;
}

const zooBytes = (name: string) => new Uint8Array(fs.readFileSync(zooModel(name).file));

t.test('truncated buffers: dense constants', async (t) => {
  const float = smallModel();
  const calibration = [{ image: new Float32Array(192).map((_, i) => Math.sin(i)) }];
  const sources: Array<[string, Uint8Array]> = [
    ['small model', float],
    ['small model, int8 weights (dynamic range)', await quantize(float, { mode: 'dynamic-int8' })],
    ['small model, int8 (int32 biases)', await quantize(float, { mode: 'int8', calibration })],
  ];
  for (const [name, bytes] of sources) {
    const sane = fresh();
    await attempt(bytes, name, sane);
    t.equal(sane.ran, 1, `${name}: runs undamaged`);
    await refuseAll(t, name, denseDamage(readModel(bytes)));
  }
  // The zoo model's integer constants (paddings, shapes); its FP16 weights are the next family.
  const zoo = readModel(zooBytes('face_detection_short_range'));
  await refuseAll(t, 'face_detection_short_range integer constants', denseDamage(zoo, (c) => c.dtype !== 'float16'));
});

t.test('truncated buffers: FP16 constants behind DEQUANTIZE', async (t) => {
  const total = await refuseAll(t, 'face_detection_short_range', float16Damage(readModel(zooBytes('face_detection_short_range'))));
  t.ok(total >= 250, `${total} cases`);
});

t.test('truncated buffers: sparse constants', async (t) => {
  const zoo = readModel(zooBytes('face_detection_full_range_sparse'));
  const sparse = zoo.subgraphs[0].tensors.filter((c) => c.sparsity);
  // Every damage on a quarter of the 46 sparse weights, spread over the model, keeps the run time short.
  const sampled = new Set(sparse.filter((_, k) => k % 4 === 0).map((c) => c.index));
  const total = await refuseAll(t, 'face_detection_full_range_sparse', sparseDamage(zoo, (c) => sampled.has(c.index)));
  t.ok(total >= 150, `${total} cases`);
  const blocks = blockSparseModel();
  const sane = fresh();
  await attempt(blocks.bytes, 'block-sparse model', sane);
  t.equal(sane.ran, 1, 'the block-sparse model runs undamaged');
  await refuseAll(t, 'block-sparse model', [...sparseDamage(blocks), ...blockDamage(blocks)]);
});

t.test('a damaged constant is named, with both sizes', async (t) => {
  const [filter] = denseDamage(readModel(smallModel()));
  await t.rejects(loadModel(filter.bytes), {
    name: 'ModelFormatError',
    message: 'Model.subgraphs[0].tensors[1].buffer: static data has 428 bytes, but shape [4,3,3,3] of float32 needs 432',
  });
  const fp16 = [...float16Damage(readModel(zooBytes('face_detection_short_range')))].find((c) => c.label.startsWith('depthwise_conv2d/Kernel_dequantize: DEQUANTIZE output [1,3,3,24] changed to [1,3,3,25]'));
  await t.rejects(loadModel(fp16!.bytes), {
    name: 'ModelFormatError',
    message: 'Model.subgraphs[0].operators[5] (DEQUANTIZE): float16 data of tensors[5] (depthwise_conv2d/Kernel) has 432 bytes (216 values), but the DEQUANTIZE output tensors[214] (depthwise_conv2d/Kernel_dequantize) of shape [1,3,3,25] needs 225 values',
  });
  const past = [...sparseDamage(blockSparseModel())].find((c) => c.label.endsWith('last segment past the indices'));
  await t.rejects(loadModel(past!.bytes), {
    name: 'ModelFormatError',
    message: 'Model.subgraphs[0].tensors[1].sparsity.dim_metadata[1].array_segments: segment 1 [1, 3) is not a range within the 2 indices',
  });
});

/** A new value for a damaged field: off by one, doubled, halved, zero, or the largest the field holds. */
function damagedValue(kind: keyof FieldPositions, value: number, field: Field, next: () => number): number {
  const choices = kind === 'bufferLengths'
    ? [value - 1, value - 2, value - 4, Math.floor(value / 2), Math.floor(value * next()), value + 4]
    : kind === 'foldedInputs'
      ? [value + 1, value - 1, Math.floor(next() * 600)]
      : [value + 1, value - 1, 2 * value, Math.floor(value / 2), 0, Math.floor(next() * 64), 2 ** (8 * field.width - 1) - 1];
  return choices[Math.floor(next() * choices.length)];
}

function readField(view: DataView, f: Field): number {
  return f.width === 1 ? view.getUint8(f.at) : f.width === 2 ? view.getUint16(f.at, true) : view.getInt32(f.at, true);
}

function writeField(view: DataView, f: Field, value: number): void {
  if (f.width === 1) view.setUint8(f.at, value & 0xff);
  else if (f.width === 2) view.setUint16(f.at, value & 0xffff, true);
  else view.setInt32(f.at, value, true);
}

t.test('seeded damage to the fields that size constants in real models', async (t) => {
  const next = random(4242);
  for (const [name, cases] of [['face_detection_short_range', 250], ['face_detection_full_range_sparse', 250]] as const) {
    const base = zooBytes(name);
    const fields = fieldPositions(base);
    const kinds = (Object.keys(fields) as (keyof FieldPositions)[]).filter((k) => fields[k].length > 0);
    const outcome = fresh();
    for (let c = 0; c < cases; c++) {
      const bytes = base.slice();
      const view = new DataView(bytes.buffer);
      const changes: string[] = [];
      for (let m = 0; m < (next() < 0.25 ? 2 : 1); m++) {
        const kind = kinds[Math.floor(next() * kinds.length)];
        const field = fields[kind][Math.floor(next() * fields[kind].length)];
        const value = readField(view, field);
        const replacement = damagedValue(kind, value, field, next);
        writeField(view, field, replacement);
        changes.push(`${kind} at ${field.at}: ${value} -> ${replacement}`);
      }
      await attempt(bytes, `${name} case ${c} (${changes.join(', ')})`, outcome, ZOO_LIMITS);
    }
    report(t, name, outcome, cases);
    t.ok(outcome.formatErrors >= cases / 2, `${name}: most damage is refused (${outcome.formatErrors})`);
  }
});
