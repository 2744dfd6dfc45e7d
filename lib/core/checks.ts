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
 * Which inputs of an operator carry activations, weights and bias, as TFLite
 * defines the operator; `hybrid` when TFLite also runs it on float
 * activations with constant int8 weights (dynamic-range models).
 */
export interface OperandRoles {
  activations: readonly number[];
  weights?: number;
  bias?: number;
  hybrid?: boolean;
}

/** A backend's rule for the operand types it takes, given the operands' roles (lib/xnnpack/operand-types.ts, lib/reference/int16x8-operands.ts). */
export type OperandCheck = (roles: OperandRoles) => Reason;
