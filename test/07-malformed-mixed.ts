// The malformed-model corpus of test/07, on models that mix XNNPACK
// partitions and reference kernels (test/helpers/mixed-model): truncations
// at every length, seeded byte flips, hostile values in every small int32
// field, and targeted damage to each operator's options table, constant
// operands (axes, k, depth, multiples, masks' index lists...) and the
// detection op's flexbuffer. Every case must load and run, or fail to load
// with a ModelFormatError or UnsupportedOpError, or fail its run with an
// InvalidValueError: never another exception, never a crash, and never a
// model that loads but cannot make a session (the operators' checks must
// refuse, at load, whatever their encodings cannot take). Inputs are filled
// per dtype with indices in range, so that the damage is what is tested; one
// pass feeds indices out of range.
import t, { type Test } from 'tap';
import { inspectModel, InvalidValueError, loadModel, ModelFormatError, UnsupportedOpError } from '../lib/index';
import { FlatReader } from '../lib/model/flat-reader';
import { BuiltinOptions, Slot } from '../lib/model/schema';
import { writeModel, type ModelSpec, type OptionField } from '../lib/model/writer';
import type { TensorArray } from '../lib/session';
import { flexMap, postprocessEntries } from './helpers/detection-options';
import { expectTypedParity, type TypedInput } from './helpers/op-model';
import { cloneSpec, DETECTION_OPTIONS, mixedInputs, mixedModels, type MixedModel } from './helpers/mixed-model';
import { random } from './helpers/random';

interface Outcome {
  ran: number;
  formatErrors: number;
  unsupported: number;
  invalidValues: number;
  failures: string[];
}

const LIMITS = { maxTotalBytes: 32 * 1024 * 1024, maxTensorBytes: 4 * 1024 * 1024 };

const fresh = (): Outcome => ({ ran: 0, formatErrors: 0, unsupported: 0, invalidValues: 0, failures: [] });

const describe = (err: unknown) => `${(err as Error)?.constructor?.name}: ${(err as Error)?.message}`;

/** Loads `bytes`, makes a session and runs it once on `model`'s inputs; counts how it ended. */
async function attempt(model: MixedModel, bytes: Uint8Array, label: string, outcome: Outcome, outOfRange = false): Promise<void> {
  let loaded;
  try {
    loaded = await loadModel(bytes, LIMITS);
  } catch (err) {
    if (err instanceof ModelFormatError) outcome.formatErrors++;
    else if (err instanceof UnsupportedOpError) outcome.unsupported++;
    else outcome.failures.push(`${label}: at load: ${describe(err)}`);
    return;
  }
  try {
    const session = await loaded.createSession({ threads: 1 });
    const inputs = mixedInputs(model, session.inputs, outOfRange);
    if (!inputs) {
      outcome.failures.push(`${label}: an input of a type sessions do not take (${session.inputs.map((i) => i.dtype)})`);
      return;
    }
    try {
      session.runSync(inputs);
      outcome.ran++;
    } catch (err) {
      if (err instanceof InvalidValueError) outcome.invalidValues++;
      else outcome.failures.push(`${label}: at run: ${describe(err)}`);
    }
  } catch (err) {
    outcome.failures.push(`${label}: creating a session: ${describe(err)}`);
  } finally {
    loaded.dispose();
  }
}

function report(t: Test, name: string, outcome: Outcome, total: number): void {
  t.same(outcome.failures.slice(0, 10), [], `${name}: no other exception types (${outcome.failures.length} failures)`);
  const counted = outcome.ran + outcome.formatErrors + outcome.unsupported + outcome.invalidValues + outcome.failures.length;
  t.equal(counted, total,
    `${name}: ${total} cases (${outcome.ran} ran, ${outcome.formatErrors} ModelFormatError, ${outcome.unsupported} UnsupportedOpError, ${outcome.invalidValues} InvalidValueError)`);
}

const models = mixedModels();

t.test('the mixed models load, run on XNNPACK and the reference kernels, and match LiteRT.js', async (t) => {
  for (const m of models) {
    const model = await loadModel(m.bytes);
    const session = await model.createSession({ threads: 1 });
    const inputs = mixedInputs(m, session.inputs)!;
    // Reference steps on both sides of an XNNPACK partition.
    const { steps } = await inspectModel(m.bytes);
    const partition = steps.findIndex((s) => s.runsOn === 'xnnpack');
    t.ok(partition > 0 && steps.slice(partition).some((s) => s.runsOn === 'reference'), `${m.name}: steps ${steps.map((s) => s.runsOn).join(', ')}`);
    await expectTypedParity(t, m.bytes, session.inputs.map((i) => inputs[i.name] as TypedInput));
    t.ok(m.bytes.length < 8192, `${m.name}: ${m.bytes.length} bytes`);
    model.dispose();
  }
});

t.test('truncation at every length', async (t) => {
  for (const m of models) {
    const outcome = fresh();
    for (let n = 0; n < m.bytes.length; n++) await attempt(m, m.bytes.slice(0, n), `${m.name} truncated to ${n}`, outcome);
    report(t, m.name, outcome, m.bytes.length);
    t.equal(outcome.ran, 0, `${m.name}: no truncated file ran`);
  }
});

t.test('seeded random byte flips', async (t) => {
  const next = random(2024);
  for (const m of models) {
    const outcome = fresh();
    const cases = 1500;
    for (let c = 0; c < cases; c++) {
      const bytes = m.bytes.slice();
      const flips = 1 + Math.floor(next() * 4);
      for (let f = 0; f < flips; f++) {
        const at = Math.floor(next() * bytes.length);
        bytes[at] = next() < 0.5 ? bytes[at] ^ (1 << Math.floor(next() * 8)) : Math.floor(next() * 256);
      }
      await attempt(m, bytes, `${m.name} flip case ${c}`, outcome);
    }
    report(t, m.name, outcome, cases);
  }
});

t.test('hostile values in every small int32 field', async (t) => {
  const hostile = [-1, -2, 8, 65535, 0x7fffffff, -0x80000000];
  for (const m of models) {
    const view = new DataView(m.bytes.buffer, m.bytes.byteOffset, m.bytes.length);
    const outcome = fresh();
    let total = 0;
    for (let at = 0; at + 4 <= m.bytes.length; at += 4) {
      const value = view.getInt32(at, true);
      // Small positive integers are where indices, counts, dimensions, offsets and option values live.
      if (value < 0 || value > 4096) continue;
      for (const replacement of hostile) {
        const bytes = m.bytes.slice();
        new DataView(bytes.buffer).setInt32(at, replacement, true);
        total++;
        await attempt(m, bytes, `${m.name} int32 at ${at}: ${value} -> ${replacement}`, outcome);
      }
    }
    report(t, m.name, outcome, total);
  }
});

// Values for damaged option fields and constant operands, by kind.
const INT32_VALUES = [-0x80000000, -65536, -2, -1, 0, 1, 2, 3, 4, 5, 8, 31, 32, 33, 255, 65535, 0x40000000, 0x7fffffff];
const INT64_VALUES = [...INT32_VALUES.map(BigInt), 2n ** 40n, -(2n ** 40n), 2n ** 62n, -(2n ** 63n), 2n ** 63n - 1n];
/** Enum codes (tensor types, modes, paddings, activations) in and past their ranges. */
const INT8_VALUES = [-128, -1, 0, 1, 2, 3, 4, 5, 6, 7, 9, 10, 16, 17, 127];
/** Bools as raw bytes. */
const BOOL_VALUES = [0, 1, 2, 255];
const FLOAT_VALUES = [Number.NaN, Infinity, -Infinity, -1, 0, 2, 1e30, -1e-30];

interface Damage {
  label: string;
  spec: ModelSpec;
}

/** Every option field of every operator set to hostile values, dropped, or its table removed or mistyped. */
function* optionDamage(m: MixedModel): Generator<Damage> {
  const operators = m.spec.subgraphs[0].operators;
  for (const [k, op] of operators.entries()) {
    const name = `${m.name} ${op.op} #${k}`;
    const change = (label: string, apply: (o: ModelSpec['subgraphs'][0]['operators'][0]) => void): Damage => {
      const spec = cloneSpec(m.spec);
      apply(spec.subgraphs[0].operators[k]);
      return { label: `${name}: ${label}`, spec };
    };
    if (!op.options) {
      // A table where the operator has none: TFLite ignores it, so must we or refuse it.
      if (!op.custom) yield change('a GatherOptions table', (o) => { o.options = { type: BuiltinOptions.GatherOptions, fields: [{ slot: 0, kind: 'i32', value: 7 }] }; });
      continue;
    }
    yield change('options removed', (o) => { o.options = undefined; });
    for (const type of [0, BuiltinOptions.Conv2DOptions, BuiltinOptions.StridedSliceOptions, BuiltinOptions.GatherOptions, 126, 200]) {
      if (type !== op.options.type) yield change(`options of type ${type}`, (o) => { o.options!.type = type; });
    }
    for (const [f, field] of op.options.fields.entries()) {
      const at = (o: ModelSpec['subgraphs'][0]['operators'][0]) => o.options!.fields[f];
      yield change(`field ${field.slot} dropped`, (o) => { o.options!.fields.splice(f, 1); });
      if (field.kind === 'i32[]') {
        const values = field.value as number[];
        yield change(`field ${field.slot} empty`, (o) => { at(o).value = []; });
        yield change(`field ${field.slot} one value longer`, (o) => { at(o).value = [...values, 1]; });
        for (let e = 0; e < values.length; e++) {
          for (const v of INT32_VALUES) yield change(`field ${field.slot}[${e}] = ${v}`, (o) => { (at(o).value as number[])[e] = v; });
        }
        continue;
      }
      const values = field.kind === 'i32' ? INT32_VALUES : field.kind === 'bool' ? BOOL_VALUES : field.kind === 'f32' ? FLOAT_VALUES : INT8_VALUES;
      for (const v of values) {
        yield change(`field ${field.slot} = ${v}`, (o) => {
          const target: OptionField = at(o);
          // Bools as raw bytes, so that values other than 0 and 1 reach the file.
          if (target.kind === 'bool') target.kind = 'u8';
          target.value = v;
        });
      }
    }
  }
}

/** Every element of the constant operands that act as options (integer ones, and float scalars) set to hostile values. */
function* constantDamage(m: MixedModel): Generator<Damage> {
  const tensors = m.spec.subgraphs[0].tensors;
  for (const [k, tensor] of tensors.entries()) {
    const data = tensor.data;
    if (!data) continue;
    const elements = tensor.shape.reduce((a, b) => a * b, 1);
    const isOption = data instanceof Int32Array || data instanceof BigInt64Array || (data instanceof Float32Array && elements === 1);
    if (!isOption) continue;
    for (let e = 0; e < elements; e++) {
      const values: (number | bigint)[] = data instanceof BigInt64Array ? INT64_VALUES : data instanceof Int32Array ? INT32_VALUES : FLOAT_VALUES;
      for (const v of values) {
        const spec = cloneSpec(m.spec);
        (spec.subgraphs[0].tensors[k].data as Int32Array | BigInt64Array | Float32Array)[e] = v as never;
        yield { label: `${m.name} constant ${tensor.name}[${e}] = ${v}`, spec };
      }
    }
  }
}

/** The detection op's flexbuffer: each entry hostile, dropped or of another type; each byte damaged; every truncation. */
function* flexbufferDamage(m: MixedModel): Generator<Damage> {
  const k = m.spec.subgraphs[0].operators.findIndex((o) => o.op === 'TFLite_Detection_PostProcess');
  if (k < 0) return;
  const withOptions = (label: string, bytes: Uint8Array): Damage => {
    const spec = cloneSpec(m.spec);
    spec.subgraphs[0].operators[k].customOptions = bytes;
    return { label: `${m.name} TFLite_Detection_PostProcess #${k}: ${label}`, spec };
  };
  type Entries = ReturnType<typeof postprocessEntries>;
  const entries = (): Entries => postprocessEntries({ ...DETECTION_OPTIONS, detectionsPerClass: 2, useRegularNms: false });
  const keys = Object.keys(entries());
  for (const key of [...keys, 'use_regular_nms on']) {
    const values: Entries[string][] = key === 'use_regular_nms on'
      ? INT32_VALUES.map((v) => ({ int: v }))
      : 'int' in entries()[key]
        ? [...INT32_VALUES.map((v) => ({ int: v })), { int: 2 ** 40 }, { float: 1.5 }, { string: 'x' }, { bool: true }]
        : 'float' in entries()[key]
          ? [...FLOAT_VALUES.map((v) => ({ float: v })), { int: 3 }, { string: 'x' }]
          : [{ bool: true }, { int: 7 }, { float: 1 }, { string: 'x' }];
    if (key !== 'use_regular_nms on') {
      const dropped = entries();
      delete dropped[key];
      yield withOptions(`${key} dropped`, flexMap(dropped));
    }
    for (const v of values) {
      const e = entries();
      // With regular NMS, detections_per_class counts.
      if (key === 'use_regular_nms on') {
        e.use_regular_nms = { bool: true };
        e.detections_per_class = v;
      } else {
        e[key] = v;
      }
      yield withOptions(`${key === 'use_regular_nms on' ? 'regular NMS, detections_per_class' : key} = ${JSON.stringify(v, (_, x) => (typeof x === 'number' && !Number.isFinite(x) ? String(x) : x))}`, flexMap(e));
    }
  }
  const bytes = m.spec.subgraphs[0].operators[k].customOptions!;
  for (let at = 0; at < bytes.length; at++) {
    for (const value of [0x00, 0xff, bytes[at] ^ 0x80, bytes[at] + 1]) {
      const damaged = bytes.slice();
      damaged[at] = value & 0xff;
      yield withOptions(`byte ${at}: ${bytes[at]} -> ${value & 0xff}`, damaged);
    }
  }
  for (let n = 0; n < bytes.length; n++) yield withOptions(`truncated to ${n} bytes`, bytes.slice(0, n));
}

/**
 * The options tables' layouts damaged in the file: each field's vtable entry
 * pointing at or past the end of its table, and each table's size cut to its
 * vtable offset alone. (Operators with the same layout share a vtable: one
 * change damages them all.)
 */
function* tableLayoutDamage(m: MixedModel): Generator<{ label: string; bytes: Uint8Array }> {
  const view = new DataView(m.bytes.buffer, m.bytes.byteOffset, m.bytes.length);
  const root = new FlatReader(m.bytes).rootTable();
  const [subgraph] = root.tables(Slot.Model.subgraphs, 'subgraphs');
  const operators = m.spec.subgraphs[0].operators;
  for (const [k, op] of subgraph.tables(Slot.SubGraph.operators, 'operators').entries()) {
    const options = op.subtable(Slot.Operator.builtinOptions, 'builtin_options');
    if (!options) continue;
    const vtable = options.pos - view.getInt32(options.pos, true);
    const [vtableSize, inlineSize] = [view.getUint16(vtable, true), view.getUint16(vtable + 2, true)];
    const damaged = (at: number, value: number, what: string) => {
      const bytes = m.bytes.slice();
      new DataView(bytes.buffer).setUint16(at, value, true);
      return { label: `${m.name} ${operators[k].op} #${k}: ${what}`, bytes };
    };
    for (let entry = 4; entry < vtableSize; entry += 2) {
      if (view.getUint16(vtable + entry, true) === 0) continue;
      for (const offset of [inlineSize - 1, inlineSize, 0xffff]) yield damaged(vtable + entry, offset, `field ${(entry - 4) / 2} at offset ${offset} of a ${inlineSize}-byte table`);
    }
    yield damaged(vtable + 2, 4, `table size ${inlineSize} cut to 4`);
  }
}

async function damageAll(t: Test, name: string, m: MixedModel, cases: Iterable<Damage>): Promise<Outcome> {
  const outcome = fresh();
  let total = 0;
  for (const c of cases) {
    total++;
    await attempt(m, writeModel(c.spec), c.label, outcome);
  }
  report(t, name, outcome, total);
  return outcome;
}

t.test('hostile values in each operator\'s options table', async (t) => {
  for (const m of models) {
    const outcome = await damageAll(t, `${m.name} options`, m, optionDamage(m));
    t.ok(outcome.unsupported > 0, `${m.name}: some damaged options are refused as unsupported`);
  }
});

t.test('options tables whose fields lie outside them', async (t) => {
  for (const m of models) {
    const outcome = fresh();
    let total = 0;
    for (const c of tableLayoutDamage(m)) {
      total++;
      await attempt(m, c.bytes, c.label, outcome);
    }
    report(t, `${m.name} options layouts`, outcome, total);
    t.ok(outcome.formatErrors > 0, `${m.name}: damaged layouts are malformed`);
  }
});

t.test('hostile values in the constant operands that act as options', async (t) => {
  for (const m of models) {
    const outcome = await damageAll(t, `${m.name} constants`, m, constantDamage(m));
    t.ok(outcome.unsupported > 0, `${m.name}: some damaged constants are refused as unsupported`);
  }
});

t.test('damaged flexbuffer options of TFLite_Detection_PostProcess', async (t) => {
  const m = models.find((x) => x.name === 'layout')!;
  const outcome = await damageAll(t, 'detection flexbuffer', m, flexbufferDamage(m));
  t.ok(outcome.formatErrors > 0 && outcome.unsupported > 0, 'both malformed bytes and unusable values are seen');
});

t.test('indices out of range at run time', async (t) => {
  const m = models.find((x) => x.name === 'indices')!;
  const model = await loadModel(m.bytes);
  const session = await model.createSession({ threads: 2 });
  const good = mixedInputs(m, session.inputs)!;
  const bad = mixedInputs(m, session.inputs, true)!;
  const expected = await session.run(good);
  for (const [name, op] of [['positions', /GATHER #\d+/], ['coords', /GATHER_ND #\d+/]] as const) {
    const inputs: Record<string, TensorArray> = { ...good, [name]: bad[name] };
    await t.rejects(session.run(inputs), { name: 'InvalidValueError', code: 'ERR_XNNLITE_INVALID_VALUE', message: op }, `${name} out of range`);
    t.throws(() => session.runSync(inputs), { name: 'InvalidValueError', message: op }, `${name} out of range (runSync)`);
    t.same(await session.run(good), expected, `after ${name} out of range, good inputs run as before`);
  }
  // ONE_HOT gives off values for labels outside [0, depth), as TFLite.
  const labels = await session.run({ ...good, labels: bad.labels });
  t.ok(labels.labelHot.length === expected.labelHot.length, 'labels out of range run');
  model.dispose();

  const next = random(77);
  const outcome = fresh();
  const cases = 600;
  for (let c = 0; c < cases; c++) {
    const bytes = m.bytes.slice();
    for (let f = 0; f < 1 + Math.floor(next() * 3); f++) bytes[Math.floor(next() * bytes.length)] = Math.floor(next() * 256);
    await attempt(m, bytes, `out-of-range flip case ${c}`, outcome, true);
  }
  report(t, 'byte flips, indices out of range', outcome, cases);
  t.ok(outcome.invalidValues > outcome.ran, `most damaged models that still run refuse the indices (${outcome.invalidValues} of ${outcome.invalidValues + outcome.ran})`);
});

/** Flexbuffer map bytes with the map's length field (before its values) replaced. */
function withMapLength(options: Uint8Array, length: number): Uint8Array {
  const bytes = options.slice();
  const view = new DataView(bytes.buffer);
  const readUint = (at: number, width: number) => (width === 1 ? view.getUint8(at) : width === 2 ? view.getUint16(at, true) : view.getUint32(at, true));
  const rootWidth = bytes[bytes.length - 1];
  const mapWidth = 1 << (bytes[bytes.length - 2] & 3);
  const rootAt = bytes.length - 2 - rootWidth;
  const valuesAt = rootAt - readUint(rootAt, rootWidth);
  if (mapWidth !== 4) throw new Error(`expected a map of 4-byte values, got ${mapWidth}`);
  view.setUint32(valuesAt - mapWidth, length, true);
  return bytes;
}

t.test('a flexbuffer map whose length is 2^31 or more is malformed (the reader\'s key search would never end)', async (t) => {
  const m = models.find((x) => x.name === 'layout')!;
  const k = m.spec.subgraphs[0].operators.findIndex((o) => o.op === 'TFLite_Detection_PostProcess');
  for (const length of [2 ** 31, 2 ** 32 - 1, 1000]) {
    const spec = cloneSpec(m.spec);
    spec.subgraphs[0].operators[k].customOptions = withMapLength(spec.subgraphs[0].operators[k].customOptions!, length);
    await t.rejects(loadModel(writeModel(spec)), {
      name: 'ModelFormatError',
      message: new RegExp(`^TFLite_Detection_PostProcess #${k}\\.custom_options: not a valid flexbuffer map \\(the map has ${length} entries, more than its \\d+ bytes can hold\\)`),
    }, `map length ${length}`);
  }
  const spec = cloneSpec(m.spec);
  spec.subgraphs[0].operators[k].customOptions = withMapLength(spec.subgraphs[0].operators[k].customOptions!, 9);
  await t.resolves(loadModel(writeModel(spec)).then((model) => model.dispose()), 'the true length (9 entries) loads');
});

t.test('an options table whose field lies outside it is refused at load, also where only the encoding reads the field', async (t) => {
  // CUMSUM's exclusive and reverse, RESIZE_NEAREST_NEIGHBOR's flags: read by their encodings when a session is made.
  for (const [name, op, field] of [['indices', 'CUMSUM', 'exclusive'], ['layout', 'RESIZE_NEAREST_NEIGHBOR', 'align_corners']] as const) {
    const m = models.find((x) => x.name === name)!;
    const k = m.spec.subgraphs[0].operators.findIndex((o) => o.op === op);
    const damaged = [...tableLayoutDamage(m)].find((c) => c.label.startsWith(`${name} ${op} #${k}: field 0 at offset 65535`))!;
    await t.rejects(loadModel(damaged.bytes), {
      name: 'ModelFormatError',
      message: `Model.subgraphs[0].operators[${k}].builtin_options.${field}: field lies outside its table`,
    }, damaged.label);
  }
});
