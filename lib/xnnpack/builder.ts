import { ModelFormatError } from '../errors';
import { activationBounds } from '../core/activation-range';
import type { SubgraphDef, TensorDef } from '../model/types';
import { native, type NativeConstants, type NativeSubgraph } from '../native';
import type { StaticValues } from '../core/static-values';
import { valueType, type ValueType } from './tensor-types';
import { channelwiseInt8, runsDynamicInt8, type Precision } from './dynamic-quantization';

/** Outputs written elsewhere: to the output of a standalone activation folded into their producer, clamped. */
export type OutputRedirects = ReadonlyMap<number, { into: TensorDef; min: number; max: number }>;

/**
 * What op lowerings write to: maps model tensors to XNNPACK values (external
 * inputs and outputs, constants, or internal values, each defined once on
 * first use) and wraps the native subgraph's define calls.
 */
export class GraphBuilder {
  readonly C: NativeConstants;
  readonly none: number;
  private readonly values = new Map<number, number>();

  constructor(
    readonly subgraph: NativeSubgraph,
    readonly statics: StaticValues,
    readonly model: SubgraphDef,
    /** External id of each model input and output tensor. */
    private readonly externalIds: Map<number, { id: number; input: boolean }>,
    /** Outputs redirected past a standalone activation folded into their producer. */
    private readonly redirects: OutputRedirects = new Map(),
    /** FP16 constants handed to XNNPACK unconverted (lib/plan/lazy-weights.ts). */
    private readonly lazy: Set<number> = new Set(),
    /** How float convolutions and fully-connected layers run (see SessionOptions.precision). */
    readonly precision: Precision = 'fp32',
  ) {
    this.C = native().constants;
    this.none = this.C.invalidValueId;
  }

  /** The XNNPACK value of model tensor `t`, defined on first use. */
  value(t: TensorDef): number {
    const known = this.values.get(t.index);
    if (known !== undefined) return known;
    const C = this.C;
    let id: number;
    const external = this.externalIds.get(t.index);
    const type = valueType(t, this.statics);
    if (typeof type === 'string') throw new ModelFormatError(`tensor ${t.index} (${t.name})`, type);
    if (type.kind !== 'fp32') {
      const flags = external ? (external.input ? C.valueFlags.externalInput : C.valueFlags.externalOutput) : 0;
      id = this.defineQuantized(type, t.shape, this.statics.get(t)?.bytes ?? null, external ? external.id : this.none, flags, this.quantizedCacheId(t));
      this.values.set(t.index, id);
      return id;
    }
    const fp16 = this.statics.float16Source(t);
    if (external) {
      const flag = external.input ? C.valueFlags.externalInput : C.valueFlags.externalOutput;
      id = this.subgraph.defineTensor(C.datatype.fp32, t.shape, null, external.id, flag);
    } else if (fp16) {
      // Converted natively: no float32 copy on the JavaScript heap.
      id = this.subgraph.defineFp16Tensor(t.shape, fp16, t.index, this.lazy.has(t.index));
    } else if (this.statics.isStatic(t)) {
      const data = this.statics.float32(t);
      if (!data) throw new ModelFormatError(`tensor ${t.index} (${t.name})`, `constant of type ${this.statics.get(t)?.dtype} used where float32 is needed`);
      // The tensor index names these weights across runs, for the weight cache.
      id = this.subgraph.defineTensor(C.datatype.fp32, t.shape, data, this.none, 0, t.index);
    } else {
      id = this.subgraph.defineTensor(C.datatype.fp32, t.shape, null, this.none, 0);
    }
    this.values.set(t.index, id);
    return id;
  }

  /** The value of an optional input (e.g. a bias), or XNN_INVALID_VALUE_ID. */
  optional(t: TensorDef | undefined): number {
    return t ? this.value(t) : this.none;
  }

  private readonly dynamicInputs = new Map<string, number>();

  /**
   * `t` quantized to int8 at run time (one scale per batch element, the
   * leading rank - nonbatchDims dimensions), for XNNPACK's qd8 kernels.
   */
  dynamicallyQuantized(t: TensorDef, nonbatchDims: number): number {
    const key = `${t.index}:${nonbatchDims}`;
    const known = this.dynamicInputs.get(key);
    if (known !== undefined) return known;
    const id = this.subgraph.defineDynamicallyQuantizedTensor(this.C.datatype.qdint8, t.shape, nonbatchDims);
    this.subgraph.defineUnary(this.C.unary.convert, this.value(t), id);
    this.dynamicInputs.set(key, id);
    return id;
  }

  /** Int8 weights with one scale per output channel, for the qd8 kernels. */
  channelwiseInt8Weights(t: TensorDef): number {
    const w = channelwiseInt8(t, this.statics);
    if (!w) throw new ModelFormatError(`tensor ${t.index} (${t.name})`, 'weights cannot be expressed as symmetric int8 per output channel');
    return this.subgraph.defineChannelwiseQuantizedTensor(this.C.datatype.qcint8, w.scales, t.shape, 0, w.data, this.none, 0, this.quantizedCacheId(t));
  }

  /**
   * The name (its tensor index) under which the weight cache keeps what
   * XNNPACK packs from quantized constant `t`, if it may keep it. XNNPACK's
   * key is the weights and the bias alone, while quantized kernels pack more
   * into them: the input's zero point and scales, and on the qd8 kernels the
   * bias itself. Weights one operator reads always pack the same; weights
   * several read may not, so they are packed for each and never cached.
   */
  private quantizedCacheId(t: TensorDef): number | undefined {
    if (!this.readerCounts) {
      // Counted once per partition, not once per tensor: a quantized model defines hundreds of values.
      this.readerCounts = new Map();
      for (const op of this.model.operators) for (const i of new Set(op.inputs)) this.readerCounts.set(i, (this.readerCounts.get(i) ?? 0) + 1);
    }
    return this.readerCounts.get(t.index) === 1 ? t.index : undefined;
  }

  /** How many operators read each tensor (see quantizedCacheId). */
  private readerCounts: Map<number, number> | undefined;

  /** Whether a convolution or fully-connected layer reading `input` with weights `w` runs on the dynamically quantized kernels (runsDynamicInt8). */
  usesDynamicInt8(input: TensorDef, w: TensorDef): boolean {
    return runsDynamicInt8(input, w, this.statics, this.precision);
  }

  /** A new internal value of `shape`, typed like model tensor `like` (float32 when omitted). */
  internal(shape: readonly number[], like?: TensorDef): number {
    const type = like ? valueType(like, this.statics) : undefined;
    if (type && typeof type !== 'string' && type.kind !== 'fp32') return this.defineQuantized(type, shape, null, this.none, 0);
    return this.subgraph.defineTensor(this.C.datatype.fp32, [...shape], null, this.none, 0);
  }

  private defineQuantized(type: Exclude<ValueType, { kind: 'fp32' }>, shape: readonly number[], data: Uint8Array | null, externalId: number, flags: number, cacheId?: number): number {
    const datatype = this.C.datatype[type.datatype];
    if (type.kind === 'quantized') {
      return this.subgraph.defineQuantizedTensor(datatype, type.zeroPoint, type.scale, [...shape], data, externalId, flags, cacheId);
    }
    return this.subgraph.defineChannelwiseQuantizedTensor(datatype, type.scales, [...shape], type.channelDim, data, externalId, flags, cacheId);
  }

  /** A new float32 constant. */
  constant(data: Float32Array, shape: readonly number[]): number {
    return this.subgraph.defineTensor(this.C.datatype.fp32, [...shape], data, this.none, 0);
  }

  /**
   * Defines the node that writes `output`, clamped to the range of fused
   * activation `code` (and of a following standalone activation folded into it).
   */
  /**
   * Runs a float operator on int8/uint8 operands, for operators XNNPACK has
   * no quantized kernel for: the input is converted to float32, `define`
   * writes the float result, which is converted to the output's quantization.
   */
  floatIsland(input: number, inputShape: readonly number[], output: number, outputShape: readonly number[], define: (x: number, y: number) => void): void {
    const x = this.internal(inputShape);
    const y = this.internal(outputShape);
    this.subgraph.defineUnary(this.C.unary.convert, input, x);
    define(x, y);
    this.subgraph.defineUnary(this.C.unary.convert, y, output);
  }

  withActivation(code: number, output: TensorDef, define: (outputId: number, min: number, max: number) => void): void {
    let [min, max] = activationBounds(code);
    const redirect = this.redirects.get(output.index);
    if (redirect) {
      min = Math.max(min, redirect.min);
      max = Math.min(max, redirect.max);
      define(this.value(redirect.into), min, max);
      return;
    }
    define(this.value(output), min, max);
  }
}
