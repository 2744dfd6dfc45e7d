// Small models for the rewrite rules (lib/rewrite): for each rule, graphs whose
// precondition holds and graphs where it does not.
import { writeModel, type OperatorSpec, type OptionsSpec, type TensorSpec } from '../../lib/model/writer';
import type { DType } from '../../lib/model/schema';
import { arithmetic, conv2d, depthwise, fullyConnected, squeeze, transposeConv } from './options';
import { weights } from './op-model';

/** Builds a one-subgraph model operator by operator; tensors are named by the order they are made. */
export class GraphSpec {
  private readonly tensors: TensorSpec[] = [];
  private readonly operators: OperatorSpec[] = [];
  private readonly inputs: number[] = [];
  private readonly outputs: number[] = [];

  private tensor(spec: TensorSpec): number {
    this.tensors.push({ name: `t${this.tensors.length}`, ...spec });
    return this.tensors.length - 1;
  }

  input(shape: number[]): number {
    const t = this.tensor({ shape });
    this.inputs.push(t);
    return t;
  }

  /** Deterministic float32 weights in [-0.5, 0.5], or the given values. */
  constant(shape: number[], values?: Float32Array, seed = 3): number {
    return this.tensor({ shape, data: values ?? weights(shape, seed) });
  }

  ints(values: number[]): number {
    return this.tensor({ shape: [values.length], dtype: 'int32', data: Int32Array.from(values) });
  }

  /** Adds `op` reading `inputs` (-1 for an omitted one) and returns its output, of `shape`. */
  op(op: string, inputs: number[], shape: number[], options?: OptionsSpec, extra: { custom?: boolean; customOptions?: Uint8Array; dtype?: DType } = {}): number {
    const out = this.tensor({ shape, dtype: extra.dtype ?? 'float32' });
    this.operators.push({ op, inputs, outputs: [out], options, custom: extra.custom, customOptions: extra.customOptions });
    return out;
  }

  output(...tensors: number[]): this {
    this.outputs.push(...tensors);
    return this;
  }

  bytes(): Uint8Array {
    return writeModel({ subgraphs: [{ tensors: this.tensors, inputs: this.inputs, outputs: this.outputs, operators: this.operators }] });
  }
}

function mediapipeParams(padding: 'SAME' | 'VALID', stride: number): Uint8Array {
  return new Uint8Array(Int32Array.from([padding === 'SAME' ? 1 : 2, stride, stride]).buffer);
}

/** TRANSPOSE_CONV [1, h, w, c] -> [1, h*s, w*s, o] with a k x k kernel, bias and a fused activation. */
export function transposeConvModel(o: { h: number; w: number; c: number; out: number; kernel: number; stride: number; padding: 'SAME' | 'VALID'; activation?: 'RELU' | 'RELU6'; bias?: boolean }): Uint8Array {
  const g = new GraphSpec();
  const x = g.input([1, o.h, o.w, o.c]);
  const shape = [1, o.h * o.stride, o.w * o.stride, o.out];
  const filter = g.constant([o.out, o.kernel, o.kernel, o.c]);
  const inputs = [g.ints(shape), filter, x];
  if (o.bias !== false) inputs.push(g.constant([o.out], undefined, 9));
  return g.output(g.op('TRANSPOSE_CONV', inputs, shape, transposeConv({ padding: o.padding, stride: [o.stride, o.stride], activation: o.activation }))).bytes();
}

/** MediaPipe's Convolution2DTransposeBias, as selfie segmentation ends: [1, h, w, c] -> [1, 2h, 2w, out] by a 2x2 kernel of stride 2. */
export function mediapipeTransposeConvModel(o: { h: number; w: number; c: number; out: number; kernel: number }): Uint8Array {
  const g = new GraphSpec();
  const x = g.input([1, o.h, o.w, o.c]);
  const y = g.op('Convolution2DTransposeBias', [x, g.constant([o.out, o.kernel, o.kernel, o.c]), g.constant([o.out], undefined, 4)], [1, 2 * o.h, 2 * o.w, o.out], undefined,
    { custom: true, customOptions: mediapipeParams('SAME', 2) });
  return g.output(g.op('LOGISTIC', [y], [1, 2 * o.h, 2 * o.w, o.out])).bytes();
}

/**
 * CONV_2D -> MUL by per-channel scales -> ADD of per-channel offsets (RELU6), a batch
 * normalization left unfolded. `convActivation` makes the precondition false.
 */
export function convBatchNormModel(o: { convActivation?: 'RELU'; convIsOutput?: boolean } = {}): Uint8Array {
  const g = new GraphSpec();
  const x = g.input([1, 6, 6, 3]);
  const conv = g.op('CONV_2D', [x, g.constant([5, 3, 3, 3]), g.constant([5], undefined, 5)], [1, 6, 6, 5], conv2d({ activation: o.convActivation }));
  const scaled = g.op('MUL', [g.constant([5], Float32Array.from([0.5, -1.5, 2, 0.25, 3])), conv], [1, 6, 6, 5], arithmetic('MUL'));
  const y = g.op('ADD', [scaled, g.constant([1, 1, 1, 5], undefined, 7)], [1, 6, 6, 5], arithmetic('ADD', 'RELU6'));
  return (o.convIsOutput ? g.output(y, conv) : g.output(y)).bytes();
}

/** DEPTHWISE_CONV_2D (no bias) -> MUL by a scalar, and FULLY_CONNECTED -> ADD of a per-unit offset. */
export function depthwiseAndDenseAffineModel(): Uint8Array {
  const g = new GraphSpec();
  const x = g.input([1, 5, 5, 4]);
  const dw = g.op('DEPTHWISE_CONV_2D', [x, g.constant([1, 3, 3, 8])], [1, 3, 3, 8], depthwise({ padding: 'VALID', multiplier: 2 }));
  const scaled = g.op('MUL', [dw, g.constant([], Float32Array.of(-1.75))], [1, 3, 3, 8], arithmetic('MUL'));
  const flat = g.op('RESHAPE', [scaled, g.ints([1, 72])], [1, 72]);
  const dense = g.op('FULLY_CONNECTED', [flat, g.constant([6, 72]), g.constant([6], undefined, 11)], [1, 6], fullyConnected());
  return g.output(g.op('ADD', [dense, g.constant([6], undefined, 13)], [1, 6], arithmetic('ADD', 'RELU'))).bytes();
}

/** A MUL by another activation after a convolution: not a constant, so nothing folds. */
export function convTimesActivationModel(): Uint8Array {
  const g = new GraphSpec();
  const x = g.input([1, 4, 4, 2]);
  const conv = g.op('CONV_2D', [x, g.constant([2, 1, 1, 2]), g.constant([2], undefined, 5)], [1, 4, 4, 2], conv2d());
  return g.output(g.op('MUL', [conv, x], [1, 4, 4, 2], arithmetic('MUL'))).bytes();
}

/** RESHAPE -> SQUEEZE -> EXPAND_DIMS -> LOGISTIC; `middleIsOutput` also outputs the tensor between the first two. */
export function reshapeChainModel(o: { middleIsOutput?: boolean } = {}): Uint8Array {
  const g = new GraphSpec();
  const x = g.input([1, 4, 6, 2]);
  const a = g.op('RESHAPE', [x, g.ints([1, 1, 48])], [1, 1, 48]);
  const b = g.op('SQUEEZE', [a], [1, 48], squeeze([1]));
  const c = g.op('EXPAND_DIMS', [b, g.ints([2])], [1, 48, 1]);
  const y = g.op('LOGISTIC', [c], [1, 48, 1]);
  return (o.middleIsOutput ? g.output(y, a) : g.output(y)).bytes();
}

/**
 * A RESHAPE to the same shape, and two TRANSPOSEs that cancel, between
 * computations; `identityIsOutput` makes the RESHAPE the producer of a graph output.
 */
export function identitiesModel(o: { identityIsOutput?: boolean } = {}): Uint8Array {
  const g = new GraphSpec();
  const x = g.input([1, 3, 4, 2]);
  const s = g.op('LOGISTIC', [x], [1, 3, 4, 2]);
  const same = g.op('RESHAPE', [s, g.ints([1, 3, 4, 2])], [1, 3, 4, 2]);
  if (o.identityIsOutput) return g.output(same).bytes();
  const t1 = g.op('TRANSPOSE', [same, g.ints([0, 2, 3, 1])], [1, 4, 2, 3]);
  const t2 = g.op('TRANSPOSE', [t1, g.ints([0, 3, 1, 2])], [1, 3, 4, 2]);
  return g.output(g.op('ADD', [t2, x], [1, 3, 4, 2], arithmetic('ADD'))).bytes();
}
