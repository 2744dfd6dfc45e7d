// Models with signatures and open dimensions, as TensorFlow's converter
// writes them, each also writable at fixed shapes with the same weights: the
// twin LiteRT.js runs to check a resized xnnlite session.
import type { DType } from '../../lib/model/schema';
import { writeModel, type ModelSpec, type OperatorSpec, type OptionsSpec, type SubgraphSpec, type TensorSpec } from '../../lib/model/writer';
import { weights } from './op-model';
import { batchMatmul, conv2d, depthwise, fullyConnected, reducer, softmax, stridedSlice } from './options';
import { BuiltinOptions, OptionSlot } from '../../lib/model/schema';

/** A subgraph under construction. */
class Graph {
  readonly tensors: TensorSpec[] = [];
  readonly operators: OperatorSpec[] = [];
  readonly inputs: number[] = [];
  readonly outputs: number[] = [];
  private seed = 1;

  constructor(readonly name: string) {}

  tensor(name: string, shape: number[], dtype: DType = 'float32', extra: Partial<TensorSpec> = {}): number {
    this.tensors.push({ name, shape, dtype, ...extra });
    return this.tensors.length - 1;
  }

  input(name: string, shape: number[], dtype: DType = 'float32', shapeSignature?: number[]): number {
    const t = this.tensor(name, shape, dtype, shapeSignature ? { shapeSignature } : {});
    this.inputs.push(t);
    return t;
  }

  weights(name: string, shape: number[], scale = 0.5): number {
    return this.tensor(name, shape, 'float32', { data: weights(shape, this.seed++, scale) });
  }

  ints(name: string, values: number[], shape = [values.length]): number {
    return this.tensor(name, shape, 'int32', { data: Int32Array.from(values) });
  }

  op(op: string, inputs: number[], output: { name: string; shape: number[]; dtype?: DType }, options?: OptionsSpec): number {
    const t = this.tensor(output.name, output.shape, output.dtype);
    this.operators.push({ op, inputs, outputs: [t], options });
    return t;
  }

  spec(): SubgraphSpec {
    return { name: this.name, tensors: this.tensors, inputs: this.inputs, outputs: this.outputs, operators: this.operators };
  }
}

const transposeOptions: OptionsSpec = { type: BuiltinOptions.TransposeOptions, fields: [] };
const gatherOptions: OptionsSpec = { type: BuiltinOptions.GatherOptions, fields: [{ slot: OptionSlot.Gather.axis, kind: 'i32', value: 0 }] };
const reshapeOptions: OptionsSpec = { type: BuiltinOptions.ReshapeOptions, fields: [] };

/**
 * Two signatures on two subgraphs, keys unlike the tensor names:
 * `encode` (features [1, 4] -> code [1, 8], FULLY_CONNECTED + RELU) and
 * `decode` (code [1, 8] -> reconstruction [1, 6], FULLY_CONNECTED + TANH).
 */
export function twoSignatureModel(): Uint8Array {
  const enc = new Graph('encoder');
  const x = enc.input('serving_encode_x:0', [1, 4]);
  const h = enc.op('FULLY_CONNECTED', [x, enc.weights('enc/w', [8, 4]), enc.weights('enc/b', [8])], { name: 'StatefulPartitionedCall:0', shape: [1, 8] },
    fullyConnected({ activation: 'RELU' }));
  enc.outputs.push(h);
  const dec = new Graph('decoder');
  const z = dec.input('serving_decode_z:0', [1, 8]);
  const y = dec.op('FULLY_CONNECTED', [z, dec.weights('dec/w', [6, 8]), dec.weights('dec/b', [6])], { name: 'dec/fc', shape: [1, 6] }, fullyConnected());
  const out = dec.op('TANH', [y], { name: 'StatefulPartitionedCall_1:0', shape: [1, 6] });
  dec.outputs.push(out);
  const spec: ModelSpec = {
    description: 'two signatures (xnnlite test)',
    subgraphs: [enc.spec(), dec.spec()],
    signatureDefs: [
      { key: 'encode', subgraphIndex: 0, inputs: [{ name: 'features', tensorIndex: x }], outputs: [{ name: 'code', tensorIndex: h }] },
      { key: 'decode', subgraphIndex: 1, inputs: [{ name: 'code', tensorIndex: z }], outputs: [{ name: 'reconstruction', tensorIndex: out }] },
    ],
  };
  return writeModel(spec);
}

/**
 * A BERT-style attention block over int32 ids [1, sequence]: embedding
 * GATHER, query/key/value projections, two heads (RESHAPE to [1, -1, 2, 8]
 * and TRANSPOSE), scaled softmax attention (BATCH_MATMUL), output
 * projection and residual; outputs the hidden states [1, sequence, 16] and
 * their MEAN over the sequence [1, 16]. `dynamic` marks the sequence -1 in
 * the ids' shape_signature; otherwise the file fixes it (the twin).
 */
export function attentionBlock(sequence: number, dynamic: boolean): Uint8Array {
  const hidden = 16;
  const heads = 2;
  const g = new Graph('main');
  const ids = g.input('input_ids', [1, sequence], 'int32', dynamic ? [1, -1] : undefined);
  const x = g.op('GATHER', [g.weights('embeddings', [32, hidden]), ids], { name: 'embedded', shape: [1, sequence, hidden] }, gatherOptions);
  const project = (name: string, input: number) => g.op('FULLY_CONNECTED', [input, g.weights(`${name}/w`, [hidden, hidden]), g.weights(`${name}/b`, [hidden], 0.1)],
    { name, shape: [1, sequence, hidden] }, fullyConnected({ keepNumDims: true }));
  const headShape = g.ints('head_shape', [1, -1, heads, hidden / heads]);
  const toHeads = (t: number, name: string) => g.op('TRANSPOSE', [
    g.op('RESHAPE', [t, headShape], { name: `${name}/split`, shape: [1, sequence, heads, hidden / heads] }, reshapeOptions),
    g.ints(`${name}/perm`, [0, 2, 1, 3])], { name: `${name}/heads`, shape: [1, heads, sequence, hidden / heads] }, transposeOptions);
  const q = toHeads(project('query', x), 'query');
  const k = toHeads(project('key', x), 'key');
  const v = toHeads(project('value', x), 'value');
  const scores = g.op('BATCH_MATMUL', [q, k], { name: 'scores', shape: [1, heads, sequence, sequence] }, batchMatmul({ adjY: true }));
  const scaled = g.op('MUL', [scores, g.tensor('scale', [], 'float32', { data: Float32Array.of(1 / Math.sqrt(hidden / heads)) })],
    { name: 'scaled', shape: [1, heads, sequence, sequence] }, { type: BuiltinOptions.MulOptions, fields: [] });
  const probs = g.op('SOFTMAX', [scaled], { name: 'probs', shape: [1, heads, sequence, sequence] }, softmax(1));
  const context = g.op('BATCH_MATMUL', [probs, v], { name: 'context', shape: [1, heads, sequence, hidden / heads] }, batchMatmul());
  const merged = g.op('RESHAPE', [
    g.op('TRANSPOSE', [context, g.ints('merge/perm', [0, 2, 1, 3])], { name: 'merge/transpose', shape: [1, sequence, heads, hidden / heads] }, transposeOptions),
    g.ints('merge/shape', [1, -1, hidden])], { name: 'merge', shape: [1, sequence, hidden] }, reshapeOptions);
  const out = g.op('ADD', [project('output', merged), x], { name: 'hidden_states', shape: [1, sequence, hidden] }, { type: BuiltinOptions.AddOptions, fields: [] });
  const pooled = g.op('MEAN', [out, g.ints('pool/axis', [1])], { name: 'pooled', shape: [1, hidden] }, reducer(false));
  g.outputs.push(out, pooled);
  return writeModel({ description: 'attention block (xnnlite test)', subgraphs: [g.spec()] });
}

/**
 * A convolutional classifier over [batch, 16, 16, 3]: CONV_2D (stride 2,
 * RELU), DEPTHWISE_CONV_2D (RELU6), MEAN over height and width,
 * FULLY_CONNECTED to 10 classes, SOFTMAX. `dynamic` marks the batch -1.
 */
export function convClassifier(batch: number, dynamic: boolean): Uint8Array {
  const g = new Graph('main');
  const image = g.input('image', [batch, 16, 16, 3], 'float32', dynamic ? [-1, 16, 16, 3] : undefined);
  const conv = g.op('CONV_2D', [image, g.weights('conv/w', [8, 3, 3, 3]), g.weights('conv/b', [8], 0.1)], { name: 'conv', shape: [batch, 8, 8, 8] },
    conv2d({ stride: [2, 2], activation: 'RELU' }));
  const dw = g.op('DEPTHWISE_CONV_2D', [conv, g.weights('dw/w', [1, 3, 3, 8]), g.weights('dw/b', [8], 0.1)], { name: 'dw', shape: [batch, 8, 8, 8] },
    depthwise({ activation: 'RELU6' }));
  const pooled = g.op('MEAN', [dw, g.ints('pool/axes', [1, 2])], { name: 'pooled', shape: [batch, 8] }, reducer(false));
  const logits = g.op('FULLY_CONNECTED', [pooled, g.weights('fc/w', [10, 8]), g.weights('fc/b', [10], 0.1)], { name: 'logits', shape: [batch, 10] }, fullyConnected());
  g.outputs.push(g.op('SOFTMAX', [logits], { name: 'probabilities', shape: [batch, 10] }, softmax(1)));
  return writeModel({ description: 'conv classifier (xnnlite test)', subgraphs: [g.spec()] });
}

/**
 * A flatten as TensorFlow's converter writes it for a `None` batch: the
 * RESHAPE's target computed from the input (SHAPE -> STRIDED_SLICE of the
 * batch -> PACK with 32), then FULLY_CONNECTED to 10 and SOFTMAX. Input
 * image [batch, 4, 4, 2], batch -1 when `dynamic`.
 */
export function flattenClassifier(batch: number, dynamic: boolean): Uint8Array {
  const g = new Graph('main');
  const image = g.input('image', [batch, 4, 4, 2], 'float32', dynamic ? [-1, 4, 4, 2] : undefined);
  const shape = g.op('SHAPE', [image], { name: 'shape', shape: [4], dtype: 'int32' },
    { type: BuiltinOptions.ShapeOptions, fields: [{ slot: OptionSlot.Shape.outType, kind: 'i8', value: 2 }] });
  const batchSize = g.op('STRIDED_SLICE', [shape, g.ints('begin', [0]), g.ints('end', [1]), g.ints('strides', [1])], { name: 'batch', shape: [], dtype: 'int32' },
    stridedSlice({ shrinkAxisMask: 1 }));
  const target = g.op('PACK', [batchSize, g.tensor('features', [], 'int32', { data: Int32Array.of(32) })], { name: 'target', shape: [2], dtype: 'int32' },
    { type: BuiltinOptions.PackOptions, fields: [{ slot: OptionSlot.Pack.valuesCount, kind: 'i32', value: 2 }, { slot: OptionSlot.Pack.axis, kind: 'i32', value: 0 }] });
  const flat = g.op('RESHAPE', [image, target], { name: 'flat', shape: [batch, 32] }, reshapeOptions);
  const logits = g.op('FULLY_CONNECTED', [flat, g.weights('fc/w', [10, 32]), g.weights('fc/b', [10], 0.1)], { name: 'logits', shape: [batch, 10] }, fullyConnected());
  g.outputs.push(g.op('SOFTMAX', [logits], { name: 'probabilities', shape: [batch, 10] }, softmax(1)));
  return writeModel({ description: 'flatten classifier (xnnlite test)', subgraphs: [g.spec()] });
}

/**
 * Two FULLY_CONNECTED layers reading one weights tensor w [4, 8], with
 * different biases: x [1, 8] -> y1 = x w' + b1, y2 = x w' + b2. Quantized
 * kernels pack each layer's own parameters into the shared weights.
 */
export function sharedWeightsModel(): Uint8Array {
  return writeModel({
    description: 'shared weights (xnnlite test)',
    subgraphs: [{
      name: 'main',
      tensors: [
        { name: 'x', shape: [1, 8] }, { name: 'w', shape: [4, 8], data: weights([4, 8], 7) },
        { name: 'b1', shape: [4], data: Float32Array.of(1, 2, 3, 4) }, { name: 'b2', shape: [4], data: Float32Array.of(-4, -3, -2, -1) },
        { name: 'y1', shape: [1, 4] }, { name: 'y2', shape: [1, 4] },
      ],
      inputs: [0],
      outputs: [4, 5],
      operators: [
        { op: 'FULLY_CONNECTED', inputs: [0, 1, 2], outputs: [4], options: fullyConnected() },
        { op: 'FULLY_CONNECTED', inputs: [0, 1, 3], outputs: [5], options: fullyConnected() },
      ],
    }],
  });
}
