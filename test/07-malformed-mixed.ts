// Damaged models that mix XNNPACK partitions and reference kernels
// (test/helpers/mixed-model): the models themselves, and damage that once
// hung or failed late.
import t from 'tap';
import { inspectModel, loadModel } from '../lib/index';
import { FlatReader } from '../lib/model/flat-reader';
import { Slot } from '../lib/model/schema';
import { writeModel } from '../lib/model/writer';
import { expectTypedParity, type TypedInput } from './helpers/op-model';
import { cloneSpec, mixedInputs, mixedModels, type MixedModel } from './helpers/mixed-model';

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
