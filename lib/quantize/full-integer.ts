/**
 * Full-integer quantization (TFLite's schemes) from calibration data.
 * int8: activations int8 asymmetric with scale and zero point from the
 * ranges seen on a representative dataset, weights int8 symmetric (per
 * output channel for convolutions), biases int32 with scale = input scale x
 * weight scale; operators the rewrite does not cover stay float, with
 * QUANTIZE and DEQUANTIZE around them. int16x8: activations int16 symmetric
 * (zero point 0), the same int8 weights, biases int64; their int16
 * operators run on xnnlite's reference kernels. In both, an operator
 * without an integer kernel stays float between conversions (a float
 * island), and the caller is told which.
 */
import type { IntegerTreatment, IntegerTreatments } from '../core/integer-treatment';
import { loadModel } from '../model';
import { descriptors } from '../ops/registry';
import type { Quantization } from '../model/types';
import { writeModel, type ModelSpec, type OperatorSpec, type TensorSpec } from '../model/writer';
import { compact, constantFloats } from './passes';
import { symmetricInt8 } from '../core/symmetric-int8';
import { rangeObserver, type RangeMethod, type RangeObserver } from './ranges';

export type CalibrationRecord = Record<string, Float32Array>;

/** One full-integer scheme: its activation type and range, bias type, and how it rewrites each operator it has integer kernels for. */
export interface IntegerScheme {
  name: 'int8' | 'int16x8';
  dtype: 'int8' | 'int16';
  biasDtype: 'int32' | 'int64';
  /** The activation quantization covering [lo, hi] (which includes 0). */
  quantization(lo: number, hi: number): Quantization;
  /** Each operator with an integer kernel, as its descriptor declares (lib/ops). */
  ops: IntegerTreatments;
}

const perTensor = (scale: number, zeroPoint: number): Quantization => ({ scale: [scale], zeroPoint: [zeroPoint], quantizedDimension: 0 });

const treatments: Partial<Record<'int8' | 'int16x8', IntegerTreatments>> = {};

/** Every operator's treatment under one scheme, from the op descriptors (built on first use, not when the library is loaded). */
function treatmentsOf(scheme: 'int8' | 'int16x8'): IntegerTreatments {
  return treatments[scheme] ??= Object.fromEntries(descriptors().filter(([, d]) => d[scheme]).map(([op, d]): [string, IntegerTreatment] => [op, d[scheme]!]));
}

/** int8 activations: the operators XNNPACK runs in int8. */
export const INT8: IntegerScheme = {
  name: 'int8',
  dtype: 'int8',
  biasDtype: 'int32',
  quantization(lo, hi) {
    const scale = Math.max((hi - lo) / 255, 1e-8);
    return perTensor(scale, Math.max(-128, Math.min(127, Math.round(-128 - lo / scale))));
  },
  get ops() {
    return treatmentsOf('int8');
  },
};

/** int16 activations: the operators xnnlite's reference kernels run on int16 (lib/reference). */
export const INT16X8: IntegerScheme = {
  name: 'int16x8',
  dtype: 'int16',
  biasDtype: 'int64',
  quantization(lo, hi) {
    return perTensor(Math.max(Math.max(-lo, hi) / 32767, 1e-8), 0);
  },
  get ops() {
    return treatmentsOf('int16x8');
  },
};

const isFloatActivation = (t: TensorSpec) => (t.dtype ?? 'float32') === 'float32' && !t.data;

/** An operator that computes no float activation (e.g. on int32 indices): staying as it is is no float island. */
const isFloatFree = (op: OperatorSpec, tensors: TensorSpec[]) => !op.outputs.some((o) => o >= 0 && isFloatActivation(tensors[o]));

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

export interface IntegerLayout {
  scheme: IntegerScheme;
  /** Type of the model's inputs and outputs: float32 behind QUANTIZE/DEQUANTIZE, or integer (int8 scheme only). */
  ioType: 'float32' | 'int8' | 'uint8';
  /** Weight scales per output channel (true) or one per tensor. */
  perChannel: boolean;
  /**
   * The precision of each operator (by index), for models that mix
   * precisions: `'float'` keeps it float behind conversions, a scheme rewrites
   * it to that scheme's integers (if it has a kernel). Default: `scheme` for
   * every operator. Integer tensors of different schemes meet through float
   * (DEQUANTIZE, then QUANTIZE).
   */
  precisionOf?: (index: number) => IntegerScheme | 'float';
}

/** An operator a full-integer scheme left in float, and why. */
export interface FloatOperator {
  op: string;
  index: number;
  reason: string;
}

const activationInputsOf = (rule: IntegerTreatment, op: OperatorSpec) => (rule.activations === 'all' ? op.inputs.map((_, k) => k) : rule.activations);

/**
 * Whether `scheme` can rewrite operator `op` of a float model: it has an
 * integer kernel, one float activation output (with a calibrated range,
 * when `ranges` is given) and float activation or constant operands.
 * Otherwise, why not; undefined for an operator that computes no float
 * activation (e.g. on int32 indices), which stays as it is without being a float island.
 */
export function integerSupport(op: OperatorSpec, tensors: readonly TensorSpec[], scheme: IntegerScheme, ranges?: Map<number, [number, number]>):
  { rule: IntegerTreatment } | { reason: string } | undefined {
  const rule = scheme.ops[op.op];
  const ok = rule && op.outputs.length === 1 && isFloatActivation(tensors[op.outputs[0]]) && (!ranges || ranges.has(op.outputs[0]))
    && activationInputsOf(rule, op).every((k) => op.inputs[k] >= 0 && (isFloatActivation(tensors[op.inputs[k]]) || tensors[op.inputs[k]].data !== undefined));
  if (ok) return { rule };
  if (isFloatFree(op, tensors as TensorSpec[])) return undefined;
  return { reason: rule ? 'its operands are not float activations with a calibrated range' : `no ${scheme.dtype} kernel for it in xnnlite` };
}

/**
 * Rewrites a float model (every weight float32, see floatSpec) to the
 * scheme's integers with the calibrated ranges (or to each operator's own
 * precision, see `precisionOf`); `leftFloat` names the operators that stay
 * float between conversions for want of a kernel, `integer` the indices of
 * those rewritten to integers.
 */
export function quantizeToInteger(spec: ModelSpec, ranges: Map<number, [number, number]>, { scheme: mainScheme, ioType, perChannel, precisionOf }: IntegerLayout):
  { spec: ModelSpec; leftFloat: FloatOperator[]; integer: number[] } {
  const sg = spec.subgraphs[0];
  const leftFloat: FloatOperator[] = [];
  const integer: number[] = [];
  const tensors: TensorSpec[] = sg.tensors.map((t) => ({ ...t }));
  // The integer twin of each float activation, per integer type.
  const twins = new Map<IntegerScheme['dtype'], Map<number, number>>();
  const twinsOf = (scheme: IntegerScheme) => {
    let map = twins.get(scheme.dtype);
    if (!map) twins.set(scheme.dtype, map = new Map());
    return map;
  };
  const int8Twin = twinsOf(mainScheme);
  const operators: OperatorSpec[] = [];
  const twin = (i: number, quantization: Quantization, scheme: IntegerScheme): number => {
    const known = twinsOf(scheme).get(i);
    if (known !== undefined) return known;
    tensors.push({ name: `${tensors[i].name ?? `t${i}`}_${scheme.dtype}`, shape: [...tensors[i].shape], dtype: scheme.dtype, quantization });
    twinsOf(scheme).set(i, tensors.length - 1);
    return tensors.length - 1;
  };
  // The integer form of activation `i`, quantizing the float one when no operator of the scheme produced it.
  const int8Input = (i: number, scheme: IntegerScheme): number => {
    const known = twinsOf(scheme).get(i);
    if (known !== undefined) return known;
    const q = twin(i, scheme.quantization(...(ranges.get(i) ?? [0, 0])), scheme);
    operators.push({ op: 'QUANTIZE', inputs: [i], outputs: [q] });
    return q;
  };
  const producedInt8 = new Set<number>();
  // Integer outputs of rewritten operators, to the float activation they stand for.
  const floatOf = new Map<number, number>();

  for (const [index, op] of sg.operators.entries()) {
    const precision = precisionOf ? precisionOf(index) : mainScheme;
    if (precision === 'float') {
      operators.push(op);
      continue;
    }
    const scheme = precision;
    const support = integerSupport(op, tensors, scheme, ranges);
    if (!support || 'reason' in support) {
      if (support) leftFloat.push({ op: op.op, index, reason: support.reason });
      // Stays float: its inputs must be float.
      operators.push(op);
      continue;
    }
    const { rule } = support;
    const activationInputs = activationInputsOf(rule, op);
    integer.push(index);
    const inputs = [...op.inputs];
    const out = op.outputs[0];
    const fixed = typeof rule.output === 'object' ? rule.output : undefined;
    let outQuant = fixed ? perTensor(fixed.scale, fixed.zeroPoint) : scheme.quantization(...ranges.get(out)!);
    for (const k of activationInputs) {
      const i = op.inputs[k];
      if (tensors[i].data) {
        // A float constant operand (e.g. ADD of a constant): integers with its own range,
        // or with the output's where the kernel compares raw integers.
        const values = constantFloats(tensors[i]);
        let lo = 0;
        let hi = 0;
        for (const v of values) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
        const q = rule.output === 'shared' ? outQuant : scheme.quantization(lo, hi);
        const [qmin, qmax] = scheme.dtype === 'int8' ? [-128, 127] : [-32768, 32767];
        const integers = Array.from(values, (v) => Math.max(qmin, Math.min(qmax, Math.round(v / q.scale[0]) + q.zeroPoint[0])));
        tensors.push({ name: `${tensors[i].name}_${scheme.dtype}`, shape: [...tensors[i].shape], dtype: scheme.dtype, quantization: q, data: scheme.dtype === 'int8' ? Int8Array.from(integers) : Int16Array.from(integers) });
        inputs[k] = tensors.length - 1;
      } else {
        inputs[k] = int8Input(i, scheme);
      }
    }
    if (rule.output === 'sameAsInput') outQuant = tensors[inputs[0]].quantization!;
    if (rule.output === 'shared') {
      inputs.forEach((q, k) => {
        const inQuant = tensors[q].quantization!;
        if (inQuant.scale[0] === outQuant.scale[0] && inQuant.zeroPoint[0] === outQuant.zeroPoint[0]) return;
        tensors.push({ name: `${tensors[q].name}_requantized`, shape: [...tensors[q].shape], dtype: scheme.dtype, quantization: outQuant });
        operators.push({ op: 'QUANTIZE', inputs: [q], outputs: [tensors.length - 1] });
        inputs[k] = tensors.length - 1;
      });
    }
    if (rule.weights !== undefined) {
      const w = tensors[op.inputs[rule.weights]];
      const values = constantFloats(w);
      const inScale = tensors[inputs[activationInputs[0]]].quantization!.scale[0];
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
        const rounded = Array.from(bias, (v, c) => Math.round(v / biasScales[c]));
        tensors.push({
          name: `${tensors[b].name}_${scheme.biasDtype}`, shape: [...tensors[b].shape], dtype: scheme.biasDtype,
          data: scheme.biasDtype === 'int32' ? Int32Array.from(rounded, (v) => Math.max(-2147483648, Math.min(2147483647, v))) : BigInt64Array.from(rounded, (v) => BigInt(v)),
          quantization: { scale: channels === 1 ? [biasScales[0]] : biasScales, zeroPoint: (channels === 1 ? [0] : biasScales.map(() => 0)), quantizedDimension: 0 },
        });
        inputs[rule.bias!] = tensors.length - 1;
      }
    }
    const outQ = twin(out, outQuant, scheme);
    producedInt8.add(out);
    floatOf.set(outQ, out);
    operators.push({ ...op, inputs, outputs: [outQ] });
  }

  // Float consumers (including the QUANTIZE into another integer type) and graph outputs of integer results read them through DEQUANTIZE.
  const floatReaders = new Set<number>();
  for (const op of operators) op.inputs.forEach((i) => producedInt8.has(i) && floatReaders.add(i));
  for (const o of sg.outputs) if (producedInt8.has(o) && (ioType === 'float32' || !int8Twin.has(o))) floatReaders.add(o);
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
  return { spec: compact({ ...spec, subgraphs: [{ ...sg, tensors, inputs, outputs, operators: finalOps }], signatureDefs: [] }), leftFloat, integer };
}
