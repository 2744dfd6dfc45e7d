/**
 * Operand rules shared by the reference families of index, selection and
 * generator operators (GATHER, SELECT, FILL...): element types, values that
 * must keep their quantization, constant operands and option tables.
 */
import type { Reason } from '../../core/checks';
import type { Node } from '../../core/node';
import type { StaticValues } from '../../core/static-values';
import type { Table } from '../../model/flat-reader';
import { DTYPE_BYTES, type DType } from '../../model/schema';
import type { TensorDef } from '../../model/types';
import { elementTypeOf } from '../element-type';

/** Every dtype the reference kernels hold. */
export const ALL_TYPES: readonly DType[] = ['float32', 'int8', 'uint8', 'int16', 'int32', 'int64', 'bool'];

export function dtypeOf(t: TensorDef, statics: StaticValues): DType {
  return statics.get(t)?.dtype ?? t.dtype;
}

export function bytesOf(t: TensorDef, statics: StaticValues): number {
  return DTYPE_BYTES[dtypeOf(t, statics)];
}

/** The ElementType code of a tensor whose dtype a check has accepted. */
export function elementCode(t: TensorDef, statics: StaticValues): number {
  return elementTypeOf(dtypeOf(t, statics))!;
}

function list(values: readonly string[]): string {
  return values.length === 1 ? values[0] : `${values.slice(0, -1).join(', ')} or ${values[values.length - 1]}`;
}

export function typeIn(t: TensorDef, statics: StaticValues, allowed: readonly DType[], what: string): Reason {
  const dtype = dtypeOf(t, statics);
  return allowed.includes(dtype) ? undefined : `${what} type (got ${dtype}, expected ${list(allowed)})`;
}

export function sameType(t: TensorDef, like: TensorDef, statics: StaticValues, what: string, likeWhat: string): Reason {
  const [a, b] = [dtypeOf(t, statics), dtypeOf(like, statics)];
  return a === b ? undefined : `${what} type (got ${a}, expected ${b} like ${likeWhat})`;
}

function quantizationText(t: TensorDef): string {
  const q = t.quantization;
  if (!q || q.scale.length === 0) return 'none';
  return q.scale.map((s, k) => `scale ${s} zero point ${q.zeroPoint[k] ?? 0}`).join(', ');
}

/**
 * Operators that move or pick values copy their bytes: quantized values
 * mean the same after only if the tensors share their quantization. TFLite
 * copies them anyway; a model whose tensors differ has no single meaning.
 */
export function keepsQuantization(node: Node, t: TensorDef, source: TensorDef, what: string, sourceWhat: string): Reason {
  if (t.dtype !== 'int8' && t.dtype !== 'uint8' && t.dtype !== 'int16') return undefined;
  const [a, b] = [quantizationText(t), quantizationText(source)];
  return a === b ? undefined
    : `${what} quantization (got ${a}, expected ${b} like ${sourceWhat}: TFLite's ${node.op} copies values without requantizing)`;
}

export function shapeIs(t: TensorDef, expected: readonly number[], what: string): Reason {
  return t.shape.length === expected.length && t.shape.every((d, k) => d === expected[k]) ? undefined
    : `${what} shape (got [${t.shape}], expected [${expected}])`;
}

export function rankAtLeast(t: TensorDef, min: number, what: string): Reason {
  return t.shape.length >= min ? undefined : `${what} rank (got ${t.shape.length}, expected at least ${min})`;
}

/** Refuses an operator whose output shape would only be known at run time. */
export function runTimeShape(what: string): string {
  return `output shape depends on run-time values (${what}): dynamic shapes are not supported yet`;
}

/** The integer values of a constant int32/int64 operand, or undefined for a run-time tensor. */
export function constantIntegers(t: TensorDef, statics: StaticValues): number[] | undefined {
  return statics.isStatic(t) ? statics.integers(t) : undefined;
}

/**
 * The option table of the operator when it is of `type`; undefined when
 * there is none (TFLite then takes its defaults).
 */
export function optionTable(node: Node, type: number): Table | undefined {
  return node.options && node.def.optionsType === type ? node.options : undefined;
}

/** Options of another kind than the operator's are refused (TFLite would silently take its defaults). */
export function optionsOfType(node: Node, type: number, name: string): Reason {
  return node.options === undefined || node.def.optionsType === type ? undefined : `options type (got ${node.def.optionsType}, expected ${type} for ${name})`;
}

/**
 * Constant indices are checked when the model is loaded: each must lie in
 * [0, limit(position)). (Run-time indices are checked by the kernels.)
 */
export function constantIndicesWithin(t: TensorDef, statics: StaticValues, limit: (position: number) => number, what: string): Reason {
  const values = constantIntegers(t, statics);
  if (!values) return undefined;
  const k = values.findIndex((v, i) => !(v >= 0 && v < limit(i)));
  return k < 0 ? undefined : `${what} (got ${values[k]} at position ${k}, expected 0 to ${limit(k) - 1})`;
}

/** Strides in elements of a row-major shape. */
export function stridesOf(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length).fill(1);
  for (let d = shape.length - 2; d >= 0; d--) strides[d] = strides[d + 1] * shape[d + 1];
  return strides;
}
