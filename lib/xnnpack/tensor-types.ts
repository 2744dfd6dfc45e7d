/**
 * How a model tensor is represented in XNNPACK: float32, or quantized with
 * TFLite's scheme (real = scale * (q - zero point)), per tensor or, for
 * constant weights and biases, per channel.
 */
import type { TensorDef } from '../model/types';
import type { StaticValues } from '../core/static-values';

export type ValueType =
  | { kind: 'fp32' }
  | { kind: 'quantized'; datatype: 'qint8' | 'quint8' | 'qint32'; zeroPoint: number; scale: number }
  | { kind: 'channelwise'; datatype: 'qcint8' | 'qcint32'; scales: Float32Array; channelDim: number };

/** The domain of an activation: what every run-time tensor of a quantized op must share. */
export type Domain = 'float32' | 'int8' | 'uint8';

/** The XNNPACK representation of `t`, or why it has none. */
export function valueType(t: TensorDef, statics: StaticValues): ValueType | string {
  const dtype = statics.get(t)?.dtype ?? t.dtype;
  if (dtype === 'float32') return { kind: 'fp32' };
  const q = t.quantization;
  if (dtype !== 'int8' && dtype !== 'uint8' && dtype !== 'int32') return `type (got ${dtype}, expected float32, int8, uint8 or int32)`;
  if (!q || q.scale.length === 0) return `${dtype} tensor ${t.name} (got no quantization parameters, expected a scale and zero point)`;
  if (q.scale.length === 1) {
    const datatype = dtype === 'int8' ? 'qint8' : dtype === 'uint8' ? 'quint8' : 'qint32';
    return { kind: 'quantized', datatype, zeroPoint: q.zeroPoint[0] ?? 0, scale: q.scale[0] };
  }
  if (!statics.isStatic(t) || dtype === 'uint8') return `per-channel ${dtype} tensor ${t.name} (got a tensor computed at run time, expected a constant int8 or int32)`;
  if (q.zeroPoint.some((z) => z !== 0)) return `per-channel zero points of ${t.name} (got nonzero, expected 0)`;
  return { kind: 'channelwise', datatype: dtype === 'int8' ? 'qcint8' : 'qcint32', scales: Float32Array.from(q.scale), channelDim: q.quantizedDimension };
}

/** The activation domain of a run-time tensor, or why it cannot be one. */
export function domainOf(t: TensorDef, statics: StaticValues): Domain | string {
  const v = valueType(t, statics);
  if (typeof v === 'string') return v;
  if (v.kind === 'fp32') return 'float32';
  if (v.kind === 'quantized' && v.datatype !== 'qint32') return v.datatype === 'qint8' ? 'int8' : 'uint8';
  return `tensor ${t.name} (got ${v.datatype}, expected float32, int8 or uint8)`;
}
