/**
 * Full-integer int8 quantization (TFLite's scheme) from calibration data:
 * activations int8 asymmetric with scale and zero point from the ranges seen
 * on a representative dataset, weights int8 symmetric (per output channel for
 * convolutions), biases int32 with scale = input scale x weight scale.
 * Operators XNNPACK has no int8 kernel for stay float, with QUANTIZE and
 * DEQUANTIZE around them.
 */
import { loadModel } from '../model';
import type { Quantization } from '../model/types';
import { writeModel, type ModelSpec, type OperatorSpec, type TensorSpec } from '../model/writer';
import { compact, constantFloats } from './passes';
import { symmetricInt8 } from './symmetric-int8';
import { rangeObserver, type RangeMethod, type RangeObserver } from './ranges';

export type CalibrationRecord = Record<string, Float32Array>;

/**
 * Operators with int8 kernels, and where their activation operands are.
 * MAXIMUM and MINIMUM are left out: TFLite's int8 kernels compare raw
 * integers, so they would need one quantization for both inputs and the output.
 */
const INT8_OPS: Record<string, { activations: number[]; weights?: number; bias?: number; weightAxis?: number }> = {
  CONV_2D: { activations: [0], weights: 1, bias: 2, weightAxis: 0 },
  DEPTHWISE_CONV_2D: { activations: [0], weights: 1, bias: 2, weightAxis: 3 },
  FULLY_CONNECTED: { activations: [0], weights: 1, bias: 2 },
  ADD: { activations: [0, 1] }, SUB: { activations: [0, 1] }, MUL: { activations: [0, 1] },
  MAX_POOL_2D: { activations: [0] }, MEAN: { activations: [0] }, PAD: { activations: [0] },
  RESHAPE: { activations: [0] }, SQUEEZE: { activations: [0] }, EXPAND_DIMS: { activations: [0] },
  SLICE: { activations: [0] }, STRIDED_SLICE: { activations: [0] }, TRANSPOSE: { activations: [0] },
  RESIZE_BILINEAR: { activations: [0] }, DEPTH_TO_SPACE: { activations: [0] }, SPACE_TO_DEPTH: { activations: [0] },
  RELU: { activations: [0] }, RELU6: { activations: [0] }, RELU_N1_TO_1: { activations: [0] },
  LEAKY_RELU: { activations: [0] }, HARD_SWISH: { activations: [0] }, LOGISTIC: { activations: [0] }, TANH: { activations: [0] },
  CONCATENATION: { activations: [] },
};

/** Operators whose output keeps its input's quantization (they only move or select values). */
const SAME_AS_INPUT = new Set(['MAX_POOL_2D', 'PAD', 'RESHAPE', 'SQUEEZE', 'EXPAND_DIMS', 'SLICE', 'STRIDED_SLICE', 'TRANSPOSE', 'RESIZE_BILINEAR', 'DEPTH_TO_SPACE', 'SPACE_TO_DEPTH']);
/** Output quantization TFLite fixes. */
const FIXED_OUTPUT: Record<string, Quantization> = {
  LOGISTIC: { scale: [1 / 256], zeroPoint: [-128], quantizedDimension: 0 },
  TANH: { scale: [1 / 128], zeroPoint: [0], quantizedDimension: 0 },
};

const isFloatActivation = (t: TensorSpec) => (t.dtype ?? 'float32') === 'float32' && !t.data;

function rangeToQuant(lo: number, hi: number): Quantization {
  const min = Math.min(lo, 0);
  const max = Math.max(hi, 0);
  const scale = Math.max((max - min) / 255, 1e-8);
  const zeroPoint = Math.max(-128, Math.min(127, Math.round(-128 - min / scale)));
  return { scale: [scale], zeroPoint: [zeroPoint], quantizedDimension: 0 };
}

/** The range of every float activation over the calibration records, by tensor index. */
export async function calibrate(spec: ModelSpec, records: AsyncIterable<CalibrationRecord> | Iterable<CalibrationRecord>,
  method: RangeMethod, onProgress?: (done: number) => void): Promise<Map<number, [number, number]>> {
  const sg = spec.subgraphs[0];
  const watched = sg.tensors.map((t, i) => i).filter((i) => isFloatActivation(sg.tensors[i]) && !sg.inputs.includes(i)
    && sg.operators.some((op) => op.outputs.includes(i)));
  // A copy of the model whose outputs are every activation: one run reads them all.
  const probe = writeModel({ ...spec, subgraphs: [{ ...sg, outputs: watched }], signatureDefs: [] });
  const model = await loadModel(probe, { threads: 1 });
  const observers = new Map<number, RangeObserver>();
  let count = 0;
  const observe = (i: number, values: Float32Array, what: string) => {
    let observer = observers.get(i);
    if (!observer) observers.set(i, observer = rangeObserver(method));
    const bad = observer.observe(values);
    if (bad >= 0) throw new RangeError(`calibration record ${count}: non-finite value in ${what} (${values[bad]} at element ${bad})`);
  };
  try {
    const session = await model.createSession();
    for await (const record of records) {
      const inputs: Record<string, Float32Array> = {};
      session.inputs.forEach((info, k) => {
        const value = record[info.name];
        if (!(value instanceof Float32Array)) throw new TypeError(`calibration record ${count} has no Float32Array for input "${info.name}"`);
        inputs[info.name] = value;
        observe(sg.inputs[k], value, `input "${info.name}"`);
      });
      const out = await session.run(inputs);
      session.outputs.forEach((info, k) => observe(watched[k], out[info.name], `activation "${info.name}"`));
      count++;
      onProgress?.(count);
    }
    if (count === 0) throw new RangeError('the calibration set is empty');
  } finally {
    model.dispose();
  }
  const ranges = new Map<number, [number, number]>();
  for (const [i, observer] of observers) {
    const range = observer.range();
    if (range) ranges.set(i, range);
  }
  return ranges;
}

export interface Int8Layout {
  /** Type of the model's inputs and outputs: float32 behind QUANTIZE/DEQUANTIZE, or integer. */
  ioType: 'float32' | 'int8' | 'uint8';
  /** Weight scales per output channel (true) or one per tensor. */
  perChannel: boolean;
}

/** Rewrites a float model (every weight float32, see floatSpec) to int8 with the calibrated ranges. */
export function quantizeToInt8(spec: ModelSpec, ranges: Map<number, [number, number]>, { ioType, perChannel }: Int8Layout): ModelSpec {
  const sg = spec.subgraphs[0];
  const tensors: TensorSpec[] = sg.tensors.map((t) => ({ ...t }));
  const int8Twin = new Map<number, number>();
  const operators: OperatorSpec[] = [];
  const twin = (i: number, quantization: Quantization): number => {
    const known = int8Twin.get(i);
    if (known !== undefined) return known;
    tensors.push({ name: `${tensors[i].name ?? `t${i}`}_int8`, shape: [...tensors[i].shape], dtype: 'int8', quantization });
    int8Twin.set(i, tensors.length - 1);
    return tensors.length - 1;
  };
  const paramsFor = (i: number) => rangeToQuant(...(ranges.get(i) ?? [0, 0]));
  // The int8 form of activation `i`, quantizing the float one when no int8 operator produced it.
  const int8Input = (i: number): number => {
    const known = int8Twin.get(i);
    if (known !== undefined) return known;
    const q = twin(i, paramsFor(i));
    operators.push({ op: 'QUANTIZE', inputs: [i], outputs: [q] });
    return q;
  };
  const producedInt8 = new Set<number>();

  for (const op of sg.operators) {
    const rule = INT8_OPS[op.op];
    const activationInputs = rule ? (op.op === 'CONCATENATION' ? op.inputs.map((_, k) => k) : rule.activations) : [];
    const ok = rule && op.outputs.length === 1 && isFloatActivation(tensors[op.outputs[0]]) && ranges.has(op.outputs[0])
      && activationInputs.every((k) => op.inputs[k] >= 0 && (isFloatActivation(tensors[op.inputs[k]]) || tensors[op.inputs[k]].data !== undefined));
    if (!ok) {
      // Stays float: its inputs must be float.
      operators.push(op);
      continue;
    }
    const inputs = [...op.inputs];
    const out = op.outputs[0];
    let outQuant = FIXED_OUTPUT[op.op] ?? rangeToQuant(...ranges.get(out)!);
    for (const k of activationInputs) {
      const i = op.inputs[k];
      if (tensors[i].data) {
        // A float constant operand (e.g. ADD of a constant): int8 with its own range.
        const values = constantFloats(tensors[i]);
        let lo = 0;
        let hi = 0;
        for (const v of values) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
        const q = rangeToQuant(lo, hi);
        tensors.push({ name: `${tensors[i].name}_int8`, shape: [...tensors[i].shape], dtype: 'int8', quantization: q, data: Int8Array.from(values, (v) => Math.max(-128, Math.min(127, Math.round(v / q.scale[0]) + q.zeroPoint[0]))) });
        inputs[k] = tensors.length - 1;
      } else {
        inputs[k] = int8Input(i);
      }
    }
    if (SAME_AS_INPUT.has(op.op)) outQuant = tensors[inputs[0]].quantization!;
    if (op.op === 'CONCATENATION') {
      // XNNPACK and TFLite concatenate int8 tensors of one quantization: requantize inputs to the output's.
      inputs.forEach((q, k) => {
        const inQuant = tensors[q].quantization!;
        if (inQuant.scale[0] === outQuant.scale[0] && inQuant.zeroPoint[0] === outQuant.zeroPoint[0]) return;
        tensors.push({ name: `${tensors[q].name}_requantized`, shape: [...tensors[q].shape], dtype: 'int8', quantization: outQuant });
        operators.push({ op: 'QUANTIZE', inputs: [q], outputs: [tensors.length - 1] });
        inputs[k] = tensors.length - 1;
      });
    }
    if (rule.weights !== undefined) {
      const w = tensors[op.inputs[rule.weights]];
      const values = constantFloats(w);
      const inScale = tensors[inputs[0]].quantization!.scale[0];
      const axis = perChannel ? rule.weightAxis : undefined;
      const { data, scales } = symmetricInt8(values, w.shape, axis);
      const channels = scales.length;
      tensors.push({
        name: `${w.name}_int8`, shape: [...w.shape], dtype: 'int8',
        data,
        quantization: { scale: scales, zeroPoint: scales.map(() => 0), quantizedDimension: axis ?? 0 },
      });
      inputs[rule.weights] = tensors.length - 1;
      const b = rule.bias !== undefined ? op.inputs[rule.bias] : -1;
      if (b >= 0 && tensors[b].data) {
        const bias = constantFloats(tensors[b]);
        const biasScales = Array.from({ length: bias.length }, (_, c) => inScale * scales[channels === 1 ? 0 : c]);
        tensors.push({
          name: `${tensors[b].name}_int32`, shape: [...tensors[b].shape], dtype: 'int32',
          data: Int32Array.from(bias, (v, c) => Math.round(v / biasScales[c])),
          quantization: { scale: channels === 1 ? [biasScales[0]] : biasScales, zeroPoint: (channels === 1 ? [0] : biasScales.map(() => 0)), quantizedDimension: 0 },
        });
        inputs[rule.bias!] = tensors.length - 1;
      }
    }
    const outQ = twin(out, outQuant);
    producedInt8.add(out);
    operators.push({ ...op, inputs, outputs: [outQ] });
  }

  // Float consumers and graph outputs of int8 results read them through DEQUANTIZE.
  const floatReaders = new Set<number>();
  for (const op of operators) if (op.op !== 'QUANTIZE') op.inputs.forEach((i) => producedInt8.has(i) && floatReaders.add(i));
  for (const o of sg.outputs) if (producedInt8.has(o) && ioType === 'float32') floatReaders.add(o);
  const floatOf = new Map([...int8Twin].map(([f, q]) => [q, f]));
  const ordered: OperatorSpec[] = [];
  for (const op of operators) {
    ordered.push(op);
    for (const q of op.outputs) {
      const f = floatOf.get(q);
      if (f !== undefined && floatReaders.has(f)) ordered.push({ op: 'DEQUANTIZE', inputs: [q], outputs: [f] });
    }
  }
  let inputs = [...sg.inputs];
  let outputs = [...sg.outputs];
  let finalOps = ordered;
  if (ioType !== 'float32') {
    inputs = inputs.map((i) => int8Twin.get(i) ?? i);
    outputs = outputs.map((o) => int8Twin.get(o) ?? o);
    const inputTwins = new Set(sg.inputs.map((i) => int8Twin.get(i)));
    // The int8 edges keep the names callers know; a float copy still read inside is renamed.
    for (const i of [...sg.inputs, ...sg.outputs]) {
      const q = int8Twin.get(i);
      if (q === undefined) continue;
      tensors[q] = { ...tensors[q], name: tensors[i].name };
      tensors[i] = { ...tensors[i], name: `${tensors[i].name ?? `t${i}`}_float` };
    }
    finalOps = ordered.filter((op) => !(op.op === 'QUANTIZE' && inputTwins.has(op.outputs[0]) && sg.inputs.includes(op.inputs[0])));
    // A float operator still reading a graph input now reads it through DEQUANTIZE.
    const floatInputReaders = sg.inputs.filter((i) => int8Twin.has(i) && finalOps.some((op) => op.inputs.includes(i)));
    finalOps = [...floatInputReaders.map((i) => ({ op: 'DEQUANTIZE', inputs: [int8Twin.get(i)!], outputs: [i] })), ...finalOps];
  }
  if (ioType === 'uint8') {
    // As TFLite's converter writes uint8 edges: same scale, zero point + 128, and a QUANTIZE between them and int8.
    const uint8Edge = (q: number): number => {
      const { scale, zeroPoint } = tensors[q].quantization!;
      tensors.push({ name: tensors[q].name, shape: [...tensors[q].shape], dtype: 'uint8', quantization: { scale: [...scale], zeroPoint: [zeroPoint[0] + 128], quantizedDimension: 0 } });
      tensors[q] = { ...tensors[q], name: `${tensors[q].name}_int8` };
      return tensors.length - 1;
    };
    const int8Edges = new Set(int8Twin.values());
    const edgeOps: OperatorSpec[] = [];
    inputs = inputs.map((q) => {
      if (!int8Edges.has(q)) return q;
      const u = uint8Edge(q);
      edgeOps.push({ op: 'QUANTIZE', inputs: [u], outputs: [q] });
      return u;
    });
    finalOps = [...edgeOps, ...finalOps];
    outputs = outputs.map((q) => {
      if (!int8Edges.has(q)) return q;
      const u = uint8Edge(q);
      finalOps.push({ op: 'QUANTIZE', inputs: [q], outputs: [u] });
      return u;
    });
  }
  return compact({ ...spec, subgraphs: [{ ...sg, tensors, inputs, outputs, operators: finalOps }], signatureDefs: [] });
}
