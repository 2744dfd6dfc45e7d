/**
 * Shape computations, evaluated when a session is planned at new input
 * shapes. Converted models often compute a RESHAPE's target from the input
 * itself (SHAPE -> STRIDED_SLICE -> PACK -> RESHAPE, for a `None` batch): at
 * a known input shape those values are constants, as TFLite's Prepare finds
 * them, and the operators that read them need them to know their own output
 * shapes. Only small integer tensors are evaluated; anything else is left to
 * run as usual.
 */
import { OptionSlot, type DType } from '../model/schema';
import type { Node } from './node';
import { sliceWindow, stridedWindow, type SliceAxis } from './operators/slice';
import type { StaticValue, StaticValues } from './static-values';

/** Larger tensors are not shape computations. */
const MAX_VALUES = 64;

const isInteger = (dtype: DType) => dtype === 'int32' || dtype === 'int64';
const count = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

/** The operators whose options hold a fused activation (which a shape computation never has). */
const FUSES_ACTIVATION = new Set(['ADD', 'SUB', 'MUL']);

type Arithmetic = (a: number, b: number) => number | undefined;

const ARITHMETIC: Partial<Record<string, Arithmetic>> = {
  ADD: (a, b) => a + b,
  SUB: (a, b) => a - b,
  MUL: (a, b) => a * b,
  FLOOR_DIV: (a, b) => (b === 0 ? undefined : Math.floor(a / b)),
  FLOOR_MOD: (a, b) => (b === 0 ? undefined : a - b * Math.floor(a / b)),
  MAXIMUM: (a, b) => Math.max(a, b),
  MINIMUM: (a, b) => Math.min(a, b),
};

/** The values of `t` if it is a known integer tensor of at most MAX_VALUES elements. */
function known(node: Node, k: number, statics: StaticValues): number[] | undefined {
  const t = node.input(k);
  if (!t || !statics.isStatic(t)) return undefined;
  const dtype = statics.get(t)?.dtype ?? t.dtype;
  if (!isInteger(dtype) || count(t.shape) > MAX_VALUES) return undefined;
  const values = statics.integers(t);
  return values && values.length === count(t.shape) ? values : undefined;
}

/** The elements a strided window picks, in order. */
function pick(values: readonly number[], axes: readonly SliceAxis[]): number[] {
  const out: number[] = [];
  const walk = (axis: number, offset: number) => {
    if (axis === axes.length) {
      out.push(values[offset]);
      return;
    }
    const a = axes[axis];
    for (let i = 0; i < a.count; i++) walk(axis + 1, offset + (a.start + i * a.step) * a.stride);
  };
  walk(0, 0);
  return out;
}

/** The values operator `node`'s single output takes, when it only computes shapes; undefined otherwise. */
export function shapeValues(node: Node, statics: StaticValues): number[] | undefined {
  if (node.outputCount !== 1) return undefined;
  const output = node.output(0);
  if (!isInteger(output.dtype) || count(output.shape) > MAX_VALUES) return undefined;
  const all = () => {
    const inputs = node.def.inputs.map((_, k) => known(node, k, statics));
    return inputs.every((v) => v !== undefined) ? (inputs as number[][]) : undefined;
  };
  switch (node.op) {
    case 'SHAPE':
      return [...node.in(0).shape];
    case 'CAST':
    case 'SQUEEZE':
    case 'EXPAND_DIMS':
    case 'RESHAPE':
      return known(node, 0, statics);
    case 'PACK':
    case 'CONCATENATION': {
      const inputs = all();
      const slot = node.op === 'PACK' ? OptionSlot.Pack.axis : OptionSlot.Concatenation.axis;
      const axis = node.options?.scalar(slot, 'i32', 'axis') ?? 0;
      const rank = node.in(0).shape.length;
      // Along the first axis (or a scalar's only one), joining is concatenating the values.
      if (!inputs || !(axis === 0 || (node.op === 'CONCATENATION' && rank === 1 && axis === -1))) return undefined;
      if (node.op === 'CONCATENATION' && node.options?.scalar(OptionSlot.Concatenation.activation, 'i8', 'fused_activation_function')) return undefined;
      return inputs.flat();
    }
    case 'GATHER': {
      const params = known(node, 0, statics);
      const indices = known(node, 1, statics);
      if (!params || !indices || node.in(0).shape.length !== 1 || (node.options?.scalar(OptionSlot.Gather.axis, 'i32', 'axis') ?? 0) !== 0) return undefined;
      if (!indices.every((i) => i >= 0 && i < params.length)) return undefined;
      return indices.map((i) => params[i]);
    }
    case 'STRIDED_SLICE':
    case 'SLICE': {
      const values = known(node, 0, statics);
      if (!values) return undefined;
      if (node.op === 'SLICE') {
        const w = sliceWindow(node, statics);
        if (typeof w === 'string' || node.in(0).shape.length !== 1) return undefined;
        return values.slice(w.begins[0], w.begins[0] + w.sizes[0]);
      }
      const axes = stridedWindow(node, statics);
      return typeof axes === 'string' ? undefined : pick(values, axes);
    }
    case 'REDUCE_PROD':
    case 'SUM': {
      const values = known(node, 0, statics);
      if (!values || node.in(0).shape.length !== 1 || count(output.shape) !== 1) return undefined;
      return [node.op === 'SUM' ? values.reduce((a, b) => a + b, 0) : values.reduce((a, b) => a * b, 1)];
    }
    default: {
      const f = ARITHMETIC[node.op];
      const inputs = f && node.inputCount === 2 ? all() : undefined;
      if (!f || !inputs) return undefined;
      if (FUSES_ACTIVATION.has(node.op) && node.options?.scalar(OptionSlot.Arithmetic.activation, 'i8', 'fused_activation_function')) return undefined;
      const [a, b] = inputs;
      // Equal shapes, or one side a single value: what shape arithmetic uses.
      if (a.length !== b.length && a.length !== 1 && b.length !== 1) return undefined;
      const n = Math.max(a.length, b.length);
      const out: number[] = [];
      for (let i = 0; i < n; i++) {
        const v = f(a[a.length === 1 ? 0 : i], b[b.length === 1 ? 0 : i]);
        if (v === undefined) return undefined;
        out.push(v);
      }
      return out;
    }
  }
}

/** `values` stored as tensor `dtype`'s bytes. */
export function integerValue(dtype: DType, values: readonly number[]): StaticValue {
  const bytes = dtype === 'int64' ? new Uint8Array(BigInt64Array.from(values, (v) => BigInt(v)).buffer) : new Uint8Array(Int32Array.from(values).buffer);
  return { dtype, bytes };
}
