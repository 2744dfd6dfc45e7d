/**
 * Weights for XNNPACK's dynamically quantized kernels (qd8: activations
 * quantized to int8 on the fly, one scale per batch element; weights int8
 * with one scale per output channel). Used for TFLite's dynamic-range
 * ("hybrid") models, whose weights are already int8, and for float models
 * run with `precision: 'dynamic-int8'`, whose weights are quantized here.
 */
import type { TensorDef } from '../model/types';
import { symmetricInt8 } from '../core/symmetric-int8';
import type { StaticValues } from '../core/static-values';
import { domainOf } from './tensor-types';

/** How float convolutions and fully-connected layers run on XNNPACK (SessionOptions.precision). */
export type Precision = 'fp32' | 'fp16' | 'dynamic-int8';

/**
 * Whether a convolution or fully-connected layer reading float `input` with
 * weights `w` runs on the dynamically quantized kernels: the model stores
 * int8 weights for it (dynamic range), or the session asked for dynamic-int8.
 * XNNPACK's qd8 operators read the bias without naming it in the weight
 * cache's key, so their bias is never lazy (lib/plan/lazy-weights.ts).
 */
export function runsDynamicInt8(input: TensorDef, w: TensorDef, statics: StaticValues, precision: Precision): boolean {
  if (domainOf(input, statics) !== 'float32' || !statics.isStatic(w)) return false;
  return statics.get(w)?.dtype === 'int8' || precision === 'dynamic-int8';
}

export interface ChannelwiseInt8 {
  data: Int8Array;
  scales: Float32Array;
}

/** Symmetric int8 weights, one scale per index of dimension 0 (output channels). */
export function channelwiseInt8(t: TensorDef, statics: StaticValues): ChannelwiseInt8 | undefined {
  const channels = t.shape[0];
  const stored = statics.get(t);
  if (stored?.dtype === 'int8' && stored.bytes && t.quantization) {
    const q = t.quantization;
    if (q.zeroPoint.some((z) => z !== 0)) return undefined;
    if (q.scale.length !== 1 && (q.scale.length !== channels || q.quantizedDimension !== 0)) return undefined;
    const scales = Float32Array.from({ length: channels }, (_, c) => q.scale.length === 1 ? q.scale[0] : q.scale[c]);
    return { data: new Int8Array(stored.bytes.buffer, stored.bytes.byteOffset, stored.bytes.length), scales };
  }
  const values = statics.float32(t);
  if (!values) return undefined;
  const { data, scales } = symmetricInt8(values, t.shape, 0);
  return { data, scales: Float32Array.from(scales) };
}
