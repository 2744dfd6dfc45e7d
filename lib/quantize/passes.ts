/** Edits of a model description (lib/model/writer's ModelSpec) that the quantizer composes. */
import { float32ToFloat16Bits } from '../model/float16';
import type { ModelSpec, OperatorSpec, TensorSpec } from '../model/writer';
import { symmetricInt8 } from '../core/symmetric-int8';

/** The values of a float32 constant, copied into an aligned array. */
export function constantFloats(t: TensorSpec): Float32Array {
  const d = t.data!;
  return new Float32Array(Uint8Array.prototype.slice.call(new Uint8Array(d.buffer, d.byteOffset, d.byteLength)).buffer);
}

/** Drops tensors nothing reads or writes, and renumbers the rest. */
export function compact(spec: ModelSpec): ModelSpec {
  const sg = spec.subgraphs[0];
  const used = new Set<number>([...sg.inputs, ...sg.outputs]);
  for (const op of sg.operators) for (const i of [...op.inputs, ...op.outputs]) if (i >= 0) used.add(i);
  const renumber = new Map<number, number>();
  const tensors: TensorSpec[] = [];
  sg.tensors.forEach((t, i) => {
    if (used.has(i)) {
      renumber.set(i, tensors.length);
      tensors.push(t);
    }
  });
  const map = (i: number) => (i < 0 ? i : renumber.get(i)!);
  return {
    ...spec,
    subgraphs: [{
      ...sg,
      tensors,
      inputs: sg.inputs.map(map),
      outputs: sg.outputs.map(map),
      operators: sg.operators.map((op) => ({ ...op, inputs: op.inputs.map(map), outputs: op.outputs.map(map) })),
    }],
    signatureDefs: spec.signatureDefs?.map((s) => ({
      ...s,
      inputs: s.inputs.map((m) => ({ ...m, tensorIndex: map(m.tensorIndex) })),
      outputs: s.outputs.map((m) => ({ ...m, tensorIndex: map(m.tensorIndex) })),
    })),
  };
}

/**
 * TFLite's float16 quantization: every float32 constant is stored as FP16
 * and a DEQUANTIZE (placed first) turns it back into float32 at load.
 */
export function storeConstantsAsFloat16(spec: ModelSpec): ModelSpec {
  const sg = spec.subgraphs[0];
  const tensors = [...sg.tensors];
  const dequantize: OperatorSpec[] = [];
  sg.tensors.forEach((t, i) => {
    if (!t.data || (t.dtype ?? 'float32') !== 'float32' || t.sparsity) return;
    const values = constantFloats(t);
    tensors.push({ name: `${t.name ?? `t${i}`}_fp16`, shape: [...t.shape], dtype: 'float16', data: Uint16Array.from(values, (v) => float32ToFloat16Bits(v)) });
    tensors[i] = { ...t, data: undefined };
    dequantize.push({ op: 'DEQUANTIZE', inputs: [tensors.length - 1], outputs: [i] });
  });
  return { ...spec, subgraphs: [{ ...sg, tensors, operators: [...dequantize, ...sg.operators] }] };
}

/** Weight inputs that dynamic-range quantization turns into int8 (TFLite skips tensors under 1024 values). */
const WEIGHT_INPUT: Record<string, number> = { CONV_2D: 1, FULLY_CONNECTED: 1 };
const MIN_ELEMENTS = 1024;

/**
 * TFLite's dynamic-range quantization: the weights of convolutions and
 * fully-connected layers stored as int8 (symmetric, one scale per output
 * channel, or one per tensor), read directly by the operators, whose activations stay float
 * and are quantized on the fly at run time.
 */
export function quantizeWeightsToInt8(spec: ModelSpec, perChannel = true): ModelSpec {
  const sg = spec.subgraphs[0];
  const tensors = [...sg.tensors];
  const readers = new Map<number, string[]>();
  for (const op of sg.operators) op.inputs.forEach((i, k) => i >= 0 && readers.set(i, [...(readers.get(i) ?? []), `${op.op}:${k}`]));
  sg.tensors.forEach((t, i) => {
    const r = readers.get(i) ?? [];
    if (!t.data || (t.dtype ?? 'float32') !== 'float32' || r.length === 0) return;
    if (!r.every((use) => WEIGHT_INPUT[use.split(':')[0]] === Number(use.split(':')[1]))) return;
    const values = constantFloats(t);
    if (values.length < MIN_ELEMENTS) return;
    const { data, scales } = symmetricInt8(values, t.shape, perChannel ? 0 : undefined);
    tensors[i] = { ...t, dtype: 'int8', data, quantization: { scale: scales, zeroPoint: scales.map(() => 0), quantizedDimension: 0 } };
  });
  return { ...spec, subgraphs: [{ ...sg, tensors }] };
}
