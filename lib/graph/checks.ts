/**
 * Shared checks of the op registry. Each returns undefined when the node
 * passes, or the reason it cannot run, in one shape:
 * "<what> (got <value>, expected <range>)". The registry prefixes the op
 * name and index.
 */
import { ACTIVATION_NAMES, Activation, Padding } from '../model/schema';
import type { TensorDef } from '../model/types';
import type { Node } from './node';
import type { StaticValues } from './static-values';
import { domainOf, valueType } from './tensor-types';

export type Reason = string | undefined;

/** Runs checks in order and returns the first failure. */
export function first(...checks: Array<() => Reason>): Reason {
  for (const check of checks) {
    const reason = check();
    if (reason) return reason;
  }
  return undefined;
}

export function arity(node: Node, minInputs: number, maxInputs: number, outputs: number): Reason {
  const n = node.inputCount;
  if (n < minInputs || n > maxInputs) {
    const expected = minInputs === maxInputs ? `${minInputs}` : `${minInputs} to ${maxInputs}`;
    return `number of inputs (got ${n}, expected ${expected})`;
  }
  if (node.outputCount !== outputs) return `number of outputs (got ${node.outputCount}, expected ${outputs})`;
  // Required inputs come first; only the trailing optional ones may be omitted (-1).
  for (let k = 0; k < minInputs; k++) {
    if (!node.input(k)) return `input ${k} (got none, expected a tensor)`;
  }
  return undefined;
}

export function present(node: Node, k: number, what: string): Reason {
  return node.input(k) ? undefined : `${what} is missing (input ${k})`;
}

/** The tensor holds float32 values at run time (a float16 constant behind DEQUANTIZE counts). */
export function float32(t: TensorDef | undefined, what: string, statics: StaticValues): Reason {
  if (!t) return undefined;
  const dtype = statics.get(t)?.dtype ?? t.dtype;
  return dtype === 'float32' ? undefined : `${what} type (got ${dtype}, expected float32)`;
}

/** The listed inputs (where present) and all outputs are float32. */
export function float32Tensors(node: Node, inputs: readonly number[], statics: StaticValues): Reason {
  for (const k of inputs) {
    const reason = float32(node.input(k), `input ${k}`, statics);
    if (reason) return reason;
  }
  for (let k = 0; k < node.outputCount; k++) {
    const reason = float32(node.output(k), `output ${k}`, statics);
    if (reason) return reason;
  }
  return undefined;
}

/** All present inputs and all outputs are float32. */
export function allFloat32(node: Node, statics: StaticValues): Reason {
  return float32Tensors(node, Array.from({ length: node.inputCount }, (_, k) => k), statics);
}

export function constant(t: TensorDef | undefined, what: string, statics: StaticValues): Reason {
  return t && statics.isStatic(t) ? undefined : `${what} (got a tensor computed at run time, expected a constant)`;
}

export function rank(t: TensorDef | undefined, expected: number, what: string): Reason {
  if (!t) return undefined;
  return t.shape.length === expected ? undefined : `${what} rank (got ${t.shape.length}, expected ${expected})`;
}

export function rankAtMost(t: TensorDef | undefined, max: number, what: string): Reason {
  if (!t) return undefined;
  return t.shape.length <= max ? undefined : `${what} rank (got ${t.shape.length}, expected at most ${max})`;
}

export function positive(value: number, what: string): Reason {
  return Number.isInteger(value) && value >= 1 ? undefined : `${what} (got ${value}, expected an integer >= 1)`;
}

/** Every operand holds at least one element (the reference kernels take no empty tensors). */
export function nonEmptyOperands(node: Node): Reason {
  const operands: [string, TensorDef | undefined][] = [
    ...node.def.inputs.map((_, k) => [`input ${k}`, node.input(k)] as [string, TensorDef | undefined]),
    ...node.def.outputs.map((_, k) => [`output ${k}`, node.output(k)] as [string, TensorDef | undefined]),
  ];
  for (const [what, t] of operands) {
    if (t && t.shape.some((d) => d === 0)) return `${what} shape (got [${t.shape}], expected no dimension of size 0)`;
  }
  return undefined;
}

export function sameElementCount(a: TensorDef, b: TensorDef): Reason {
  const count = (t: TensorDef) => t.shape.reduce((x, y) => x * y, 1);
  return count(a) === count(b) ? undefined : `element count (got [${b.shape}] from [${a.shape}], expected the same number of elements)`;
}

/**
 * A fused activation that is an output clamp. TFLite's own float kernels
 * treat a fused TANH or SIGN_BIT as no activation at all, so a model that
 * asks for them has no single meaning: refuse rather than guess.
 */
export function activation(code: number): Reason {
  if (code === Activation.NONE || code === Activation.RELU || code === Activation.RELU_N1_TO_1 || code === Activation.RELU6) return undefined;
  return `fused activation (got ${ACTIVATION_NAMES[code] ?? code}, expected NONE, RELU, RELU_N1_TO_1 or RELU6)`;
}

/** Normalizes a possibly negative axis; undefined if it is out of range. */
export function normalizeAxis(axis: number, rankOf: number): number | undefined {
  const a = axis < 0 ? axis + rankOf : axis;
  return Number.isInteger(a) && a >= 0 && a < rankOf ? a : undefined;
}

export function axisInRange(axis: number, rankOf: number, what: string): Reason {
  return normalizeAxis(axis, rankOf) === undefined ? `${what} (got ${axis}, expected ${-rankOf} to ${rankOf - 1})` : undefined;
}

export function optionsPresent(node: Node, expectedType: number, name: string): Reason {
  if (!node.options) return `${name} are missing`;
  if (node.def.optionsType !== expectedType) return `options type (got ${node.def.optionsType}, expected ${expectedType} for ${name})`;
  return undefined;
}

/** Options of a sliding window (convolution, pooling): padding, strides, dilations and fused activation. */
export function windowOptions(o: { padding: number; strideH: number; strideW: number; dilationH?: number; dilationW?: number; activation: number }): Reason {
  return first(
    () => (o.padding === Padding.SAME || o.padding === Padding.VALID ? undefined : `padding (got ${o.padding}, expected SAME or VALID)`),
    () => positive(o.strideH, 'stride_h'),
    () => positive(o.strideW, 'stride_w'),
    () => positive(o.dilationH ?? 1, 'dilation_h_factor'),
    () => positive(o.dilationW ?? 1, 'dilation_w_factor'),
    () => activation(o.activation),
  );
}

/**
 * Operand types of an operator that XNNPACK runs in float32 and, when
 * `quantized` is set, in int8 or uint8 (TFLite's quantization scheme): all
 * run-time operands share one domain; constant weights match it (float32;
 * int8 per tensor with zero point 0 or per channel; uint8 per tensor) and a
 * bias is float32 or int32.
 */
export function operandTypes(
  node: Node, statics: StaticValues,
  o: { activations: readonly number[]; weights?: number; bias?: number; quantized: boolean; hybrid?: boolean },
  rules: OperandRules = 'xnnpack',
): Reason {
  if (rules === 'int16x8') return int16x8Operands(node, statics, o);
  const tensors = [...o.activations.map((k) => node.input(k)), ...Array.from({ length: node.outputCount }, (_, k) => node.output(k))]
    .filter((t): t is TensorDef => t !== undefined);
  const domains: string[] = [];
  for (const t of tensors) {
    const d = domainOf(t, statics);
    if (d !== 'float32' && d !== 'int8' && d !== 'uint8') return d;
    domains.push(d);
  }
  const domain = domains[0] ?? 'float32';
  if (domains.some((d) => d !== domain)) return `operand types (got ${domains.join(', ')}, expected all float32, all int8 or all uint8)`;
  if (domain !== 'float32' && !o.quantized) return `type (got ${domain}, expected float32)`;
  if (o.weights !== undefined) {
    const w = node.input(o.weights);
    if (w) {
      const v = valueType(w, statics);
      if (typeof v === 'string') return v;
      const int8Weights = (v.kind === 'channelwise' && v.datatype === 'qcint8') || (v.kind === 'quantized' && v.datatype === 'qint8' && v.zeroPoint === 0);
      // Dynamic-range ("hybrid") models: float activations with constant int8 weights.
      const ok = domain === 'float32' ? v.kind === 'fp32' || (o.hybrid === true && int8Weights && statics.isStatic(w))
        : domain === 'int8' ? (v.kind === 'channelwise' && v.datatype === 'qcint8') || (v.kind === 'quantized' && v.datatype === 'qint8' && v.zeroPoint === 0)
          : v.kind === 'quantized' && v.datatype === 'quint8';
      if (!ok) return `weights type (got ${v.kind === 'fp32' ? 'float32' : v.datatype}, expected ${domain === 'float32' ? (o.hybrid ? 'float32, or constant int8 with zero point 0' : 'float32') : domain === 'int8' ? 'int8 with zero point 0' : 'uint8'} for ${domain} activations)`;
    }
  }
  if (o.bias !== undefined) {
    const b = node.input(o.bias);
    if (b) {
      const v = valueType(b, statics);
      if (typeof v === 'string') return v;
      const ok = domain === 'float32' ? v.kind === 'fp32' : v.kind !== 'fp32' && (v.datatype === 'qint32' || v.datatype === 'qcint32');
      if (!ok) return `bias type (got ${v.kind === 'fp32' ? 'float32' : v.datatype}, expected ${domain === 'float32' ? 'float32' : 'int32'})`;
    }
  }
  return undefined;
}

/**
 * Which operand types a check accepts: XNNPACK's (float32, int8, uint8), or
 * TFLite's int16x8 scheme that the reference kernels run (int16 activations
 * with zero point 0, int8 symmetric weights, int32 or int64 biases).
 */
export type OperandRules = 'xnnpack' | 'int16x8';

function int16x8Operands(node: Node, statics: StaticValues, o: { activations: readonly number[]; weights?: number; bias?: number }): Reason {
  const dtypeOf = (t: TensorDef) => statics.get(t)?.dtype ?? t.dtype;
  const tensors = [...o.activations.map((k) => node.input(k)), ...Array.from({ length: node.outputCount }, (_, k) => node.output(k))];
  for (const t of tensors) {
    if (!t) continue;
    if (dtypeOf(t) !== 'int16') return `type of ${t.name} (got ${dtypeOf(t)}, expected int16 in an int16x8 model)`;
    const q = t.quantization;
    if (!q || q.scale.length !== 1 || !(q.scale[0] > 0)) return `int16 tensor ${t.name} (got ${q ? `${q.scale.length} scales` : 'no quantization'}, expected one positive scale)`;
    if ((q.zeroPoint[0] ?? 0) !== 0) return `zero point of int16 tensor ${t.name} (got ${q.zeroPoint[0]}, expected 0)`;
  }
  const w = o.weights === undefined ? undefined : node.input(o.weights);
  if (w) {
    const q = w.quantization;
    if (dtypeOf(w) !== 'int8' || !statics.isStatic(w)) return `weights ${w.name} (got ${statics.isStatic(w) ? dtypeOf(w) : 'a run-time tensor'}, expected constant int8)`;
    if (!q || q.scale.length === 0 || q.zeroPoint.some((z) => z !== 0) || q.scale.some((v) => !(v > 0))) return `weights ${w.name} quantization (expected positive scales and zero points 0)`;
  }
  const b = o.bias === undefined ? undefined : node.input(o.bias);
  if (b) {
    const dtype = dtypeOf(b);
    if ((dtype !== 'int64' && dtype !== 'int32') || !statics.isStatic(b)) return `bias ${b.name} (got ${dtype}, expected constant int64 or int32)`;
  }
  return undefined;
}
