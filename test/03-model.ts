// Reading and verifying .tflite files: inspection, the large-model buffer
// layout, and a ModelFormatError naming the place for each kind of damage.
import t from 'tap';
import fs from 'node:fs';
import path from 'node:path';
import { loadModel, ModelFormatError, UnsupportedOpError } from '../lib/index';
import { readModel } from '../lib/model/reader';
import { writeModel, type ModelSpec } from '../lib/model/writer';
import { smallModel, smallModelSpec } from './helpers/small-model';
import { zooModel } from './helpers/zoo';

async function formatError(bytes: Uint8Array): Promise<ModelFormatError> {
  try {
    const model = await loadModel(bytes);
    model.dispose();
  } catch (err) {
    if (err instanceof ModelFormatError) return err;
    throw err;
  }
  throw new Error('expected a ModelFormatError');
}

function modified(change: (spec: ModelSpec) => void): Uint8Array {
  const spec = smallModelSpec();
  change(spec);
  return writeModel(spec);
}

t.test('inspection of a zoo model', async (t) => {
  const model = await loadModel(zooModel('face_detection_short_range').file);
  t.teardown(() => model.dispose());
  t.same(model.inputs.map((i) => [i.name, i.shape, i.dtype]), [['input', [1, 128, 128, 3], 'float32']]);
  t.same(model.outputs.map((o) => [o.name, o.shape]), [['regressors', [1, 896, 16]], ['classificators', [1, 896, 1]]]);
  t.same(model.operators, { DEQUANTIZE: 74, CONV_2D: 21, RELU: 17, DEPTHWISE_CONV_2D: 16, ADD: 16, PAD: 11, MAX_POOL_2D: 3, RESHAPE: 4, CONCATENATION: 2 });
  t.equal(model.version, 3);
  t.equal(model.byteLength, 229032);
});

t.test('inspection of description, signatures and metadata', async (t) => {
  const model = await loadModel(smallModel());
  t.teardown(() => model.dispose());
  t.equal(model.description, 'xnnlite test model');
  t.same(model.metadataNames, ['min_runtime_version']);
  t.same(model.signatures.map((s) => ({ key: s.key, subgraphIndex: s.subgraphIndex, inputs: s.inputs.map((i) => [i.name, i.index, i.shape]), outputs: s.outputs.map((o) => [o.name, o.index]) })),
    [{ key: 'serving_default', subgraphIndex: 0, inputs: [['image', 0, [1, 8, 8, 3]]], outputs: [['scores', 6], ['probabilities', 7]] }]);
  t.same(model.operators, { CONV_2D: 1, MAX_POOL_2D: 1, ADD: 1, LOGISTIC: 1 });
  t.same(model.outputs.map((o) => o.name), ['scores', 'probabilities']);
});

t.test('quantization parameters are reported', async (t) => {
  const bytes = modified((spec) => {
    spec.subgraphs[0].tensors[0].quantization = { scale: [0.5], zeroPoint: [3], quantizedDimension: 0 };
  });
  const parsed = readModel(bytes);
  t.same(parsed.subgraphs[0].tensors[0].quantization, { scale: [0.5], zeroPoint: [3], quantizedDimension: 0, min: undefined, max: undefined });
});

t.test('buffers stored after the flatbuffer (the layout of models over 2 GB) give the same results', async (t) => {
  const inline = await loadModel(smallModel(false));
  const external = await loadModel(smallModel(true));
  t.teardown(() => { inline.dispose(); external.dispose(); });
  const x = Float32Array.from({ length: 192 }, (_, i) => Math.cos(i));
  const a = (await inline.createSession({ threads: 1 })).runSync(x);
  const b = (await external.createSession({ threads: 1 })).runSync(x);
  t.same(Array.from(b.scores), Array.from(a.scores));
  t.ok(external.byteLength > inline.byteLength - 64, 'data really lives outside the flatbuffer');
});

t.test('a model loads from a path (memory-mapped), a Buffer, or a Uint8Array', async (t) => {
  const dir = t.testdir({});
  const file = path.join(dir, 'small.tflite');
  const bytes = smallModel();
  fs.writeFileSync(file, bytes);
  for (const source of [file, Buffer.from(bytes), new Uint8Array(bytes)]) {
    const model = await loadModel(source);
    const session = await model.createSession({ threads: 1 });
    t.equal(session.runSync(new Float32Array(192)).scores.length, 64);
    model.dispose();
  }
  const copy = new Uint8Array(bytes);
  const model = await loadModel(copy);
  copy.fill(0);
  const session = await model.createSession({ threads: 1 });
  t.equal(session.runSync(new Float32Array(192)).scores.length, 64, 'the caller may reuse its buffer: the model keeps a copy');
  model.dispose();
  await t.rejects(loadModel(path.join(dir, 'missing.tflite')), { code: 'ENOENT' });
});

t.test('damaged files give a ModelFormatError that says what and where', async (t) => {
  const good = smallModel();
  const cases: Array<[string, Uint8Array, RegExp]> = [
    ['empty file', new Uint8Array(0), /^file: too small to be a TFLite model/],
    ['not a model', new TextEncoder().encode('this is a text file, not a flatbuffer at all'), /not a TFLite model \(file identifier/],
    ['truncated in the middle', good.subarray(0, Math.floor(good.length / 2)), /runs past the end of the file/],
    ['root offset outside the file', Uint8Array.from([0xff, 0xff, 0xff, 0x7f, 0x54, 0x46, 0x4c, 0x33, 0, 0, 0, 0]), /^Model: referenced object at byte/],
    ['tensor index out of range', modified((s) => { s.subgraphs[0].operators[2].inputs = [4, 99]; }), /operators\[2\] \(ADD\)\.inputs\[1\]: tensor index 99 is out of range \(the subgraph has 8 tensors\)/],
    ['graph input out of range', modified((s) => { s.subgraphs[0].inputs = [-5]; }), /Model\.subgraphs\[0\]\.inputs\[0\]: tensor index -5 is out of range/],
    ['tensor read before it is written', modified((s) => { s.subgraphs[0].operators.reverse(); }), /reads tensor 6 \(scores\) before any operator writes it/],
    ['tensor written twice (a cycle)', modified((s) => { s.subgraphs[0].operators[3].outputs = [4]; }), /writes tensor 4 \(pooled\), which is already written/],
    ['output never written', modified((s) => { s.subgraphs[0].tensors.push({ name: 'orphan', shape: [1] }); s.subgraphs[0].outputs = [6, 8]; }), /outputs\[1\]: output tensor 8 is never written/],
    ['shape with a negative dimension', modified((s) => { s.subgraphs[0].tensors[4].shape = [1, -4, 4, 4]; }), /tensors\[4\]\.shape: dimension -4 is negative/],
    ['shape whose size overflows', modified((s) => { s.subgraphs[0].tensors[4].shape = [65536, 65536, 65536, 65536]; }), /tensors\[4\]\.shape: shape \[65536,65536,65536,65536\] of float32 needs .* bytes, more than the limit/],
    ['constant smaller than its shape', modified((s) => { s.subgraphs[0].tensors[1].shape = [8, 3, 3, 3]; }), /tensors\[1\]\.buffer: static data has 432 bytes, but shape \[8,3,3,3\] of float32 needs 864/],
    ['input that is a constant', modified((s) => { s.subgraphs[0].inputs = [1]; }), /inputs\[0\]: input tensor 1 is a constant/],
    ['per-channel scales that do not match', modified((s) => { s.subgraphs[0].tensors[1].quantization = { scale: [1, 2], zeroPoint: [0, 0], quantizedDimension: 0 }; }), /2 scales for dimension 0 of size 4/],
    ['a signature naming a missing subgraph', modified((s) => { s.signatureDefs![0].subgraphIndex = 3; }), /signature_defs\[0\]\.subgraph_index: subgraph 3 does not exist/],
  ];
  for (const [name, bytes, message] of cases) {
    const err = await formatError(bytes);
    t.match(err.message, message, name);
    t.equal(err.code, 'ERR_XNNLITE_MODEL_FORMAT');
  }
});

t.test('a buffer offset pointing outside the file is refused', async (t) => {
  const bytes = smallModel(true);
  const err = await formatError(bytes.subarray(0, bytes.length - 200));
  t.match(err.message, /external buffer at byte \d+ \(\d+ bytes\) runs past the end of the file/);
});

t.test('limits on declared sizes are configurable', async (t) => {
  await t.rejects(loadModel(smallModel(), { maxTensorBytes: 512 }), { message: /tensors\[0\]\.shape: shape \[1,8,8,3\] of float32 needs 768 bytes, more than the limit of 512/ });
  await t.rejects(loadModel(smallModel(), { maxTotalBytes: 2048 }), { message: /tensors need more than 2048 bytes in total/ });
});

t.test('an operator xnnlite cannot run fails the load, named with its index and reason', async (t) => {
  const unknown = modified((s) => { s.subgraphs[0].operators[3] = { op: 'UNIQUE', inputs: [6], outputs: [7] }; });
  await t.rejects(loadModel(unknown), { name: 'UnsupportedOpError', op: 'UNIQUE', index: 3, message: 'UNIQUE #3: operator is not supported' });
  const custom = modified((s) => { s.subgraphs[0].operators[3] = { op: 'MyCustomOp', custom: true, inputs: [6], outputs: [7] }; });
  await t.rejects(loadModel(custom), { op: 'MyCustomOp', message: 'MyCustomOp #3: custom operator is not supported' });
  const stride = modified((s) => { s.subgraphs[0].operators[1].options!.fields[1].value = 0; });
  const err = await loadModel(stride).catch((e) => e);
  t.type(err, UnsupportedOpError);
  t.equal(err.message, 'MAX_POOL_2D #1: stride_w (got 0, expected an integer >= 1)');
  const tanh = modified((s) => { s.subgraphs[0].operators[0].options = { ...s.subgraphs[0].operators[0].options!, fields: s.subgraphs[0].operators[0].options!.fields.map((f) => (f.slot === 3 ? { ...f, value: 4 } : f)) }; });
  await t.rejects(loadModel(tanh), { message: 'CONV_2D #0: fused activation (got TANH, expected NONE, RELU, RELU_N1_TO_1 or RELU6)' });
});

t.test('an output shape the operators do not produce is a ModelFormatError', async (t) => {
  const bytes = writeModel({
    subgraphs: [{
      tensors: [
        { name: 'x', shape: [1, 6] },
        { name: 'w', shape: [4, 6], data: new Float32Array(24).fill(0.5) },
        { name: 'y', shape: [1, 5] },
      ],
      inputs: [0],
      outputs: [2],
      operators: [{ op: 'FULLY_CONNECTED', inputs: [0, 1, -1], outputs: [2] }],
    }],
  });
  const model = await loadModel(bytes);
  t.teardown(() => model.dispose());
  await t.rejects(model.createSession(), { name: 'ModelFormatError', message: /tensors\[2\] \(y\): the model declares 20 bytes, but its operators produce shape \[1,4\] \(16 bytes\)/ });
});
