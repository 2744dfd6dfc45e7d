// Damaged models that mix XNNPACK partitions and reference kernels
// (test/helpers/mixed-model): the models themselves, and damage that once
// hung or failed late.
import t from 'tap';
import { inspectModel, loadModel } from '../lib/index';
import { writeModel } from '../lib/model/writer';
import { expectTypedParity, type TypedInput } from './helpers/op-model';
import { cloneSpec, mixedInputs, mixedModels } from './helpers/mixed-model';

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
