/**
 * Mixed precision: a full-integer model with chosen operators kept at a
 * higher precision, by hand (`keepFloat`) or under an error budget
 * (`maxError`).
 *
 * Under a budget, each candidate operator's sensitivity is the model's
 * error (see HeldOutError) on the held-out samples when only that operator
 * is int8 and every other one float. This isolation is what the budget
 * search needs: it ranks an operator by the error it brings itself, not by
 * what is left once every other operator's error is added (which, with one
 * operator kept float out of many quantized ones, barely moves and ranks
 * mostly noise). It costs one model per candidate, as the leave-one-out
 * measure would.
 *
 * The most sensitive operators are then promoted greedily: E(k) is the
 * error with the k most sensitive ones promoted. E(0) (nothing promoted) and
 * E(n) (every candidate promoted) are measured first; between them a binary
 * search finds the smallest k whose model meets the budget, assuming that
 * promoting more never makes the error worse (true up to noise). Rounds of
 * quantize+measure: one per candidate, then at most 2 + ceil(log2(n)).
 *
 * `int8`: promoted operators are float (between QUANTIZE and DEQUANTIZE).
 * `int16x8` under a budget: the model is int8 where int8 is accurate enough and int16x8
 * (int16 activations) on the promoted operators (without a budget, int16x8 throughout), int8 and int16 regions
 * meeting through float; so a model with no float operator (where kernels
 * allow) can meet a budget full int8 misses, faster than full int16x8
 * (whose operators run on reference kernels while int8 ones run on XNNPACK).
 * Its candidates are operators with both kernels; the others keep the one they have.
 */
import { writeModel, type ModelSpec } from '../model/writer';
import { HeldOutError } from './held-out-error';
import { INT16X8, INT8, integerSupport, quantizeToInteger, type FloatOperator, type IntegerScheme } from './full-integer';

/** The phases a mixed-precision quantization reports progress in. */
export type QuantizePhase = 'calibrating' | 'sensitivity' | 'search';

export interface OperatorSensitivity {
  /** The operator's index in the model given to quantize(). */
  index: number;
  op: string;
  /** The model's error on the held-out samples with only this operator int8 (see QuantizeOptions.maxError). */
  sensitivity: number;
}

export interface KeptOperator {
  index: number;
  op: string;
  /** `float`, or `int16x8` for operators `mode: 'int16x8'` promoted from int8. */
  precision: 'float' | 'int16x8';
  /** Absent for an operator kept by `keepFloat` (not measured). */
  sensitivity?: number;
}

export interface BudgetOutcome {
  maxError: number;
  /** Whether `error` is within `maxError`. */
  met: boolean;
  /** The returned model's error on the held-out samples (when not met: the most accurate point, every candidate promoted). */
  error: number;
  /** The error with no operator promoted (full int8 apart from `keepFloat`). */
  quantizedError: number;
  /** The error with every candidate promoted; undefined when the budget was met without measuring it. */
  allPromotedError?: number;
  heldOutSamples: number;
  /** Quantize+measure rounds: sensitivities, then the search. */
  rounds: number;
}

/** What quantize() returns when given `maxError` or `keepFloat`. */
export interface MixedPrecisionResult {
  /** The `.tflite` file. */
  bytes: Uint8Array;
  /** Operators at a higher precision than the mode's (most sensitive first, then those of `keepFloat`). */
  kept: KeptOperator[];
  /** Every candidate's sensitivity, most sensitive first; empty without `maxError`. */
  sensitivities: OperatorSensitivity[];
  /** Absent without `maxError`. */
  budget?: BudgetOutcome;
  /** Operators left in float for want of an integer kernel (as the XNNLITE_QUANTIZE warning names them). */
  leftFloat: FloatOperator[];
}

export interface MixedPrecisionPlan {
  /** The float model (floatSpec) and its calibrated ranges. */
  spec: ModelSpec;
  ranges: Map<number, [number, number]>;
  mode: 'int8' | 'int16x8';
  ioType: 'float32' | 'int8' | 'uint8';
  perChannel: boolean;
  /** Operators (spec indices) kept float whatever the budget. */
  keepFloat: ReadonlySet<number>;
  /** The spec's operator k is the file's operator originalIndex[k]. */
  originalIndex: readonly number[];
  /** With a budget: the float model's bytes, the held-out samples and the budget. */
  budget?: { floatModel: Uint8Array; heldOut: readonly Record<string, Float32Array>[]; maxError: number };
  onProgress?: (done: number, total: number, phase: QuantizePhase) => void;
}

type Precision = IntegerScheme | 'float';

export async function mixedPrecision(plan: MixedPrecisionPlan): Promise<MixedPrecisionResult> {
  const { spec, ranges, mode, keepFloat, originalIndex } = plan;
  const ops = spec.subgraphs[0].operators;
  const tensors = spec.subgraphs[0].tensors;
  const supports = (scheme: IntegerScheme, k: number) => {
    const s = integerSupport(ops[k], tensors, scheme, ranges);
    return s !== undefined && 'rule' in s;
  };
  // Each operator's precision with nothing promoted: without a budget, the mode's; under one, int8
  // (int16x8 where only it has a kernel).
  const base = (k: number): Precision => {
    if (keepFloat.has(k)) return 'float';
    if (mode === 'int8') return INT8;
    return !plan.budget || !supports(INT8, k) ? INT16X8 : INT8;
  };
  const promoted: Precision = mode === 'int8' ? 'float' : INT16X8;
  const build = (precisionOf: (k: number) => Precision) => {
    const { spec: quantized, leftFloat } = quantizeToInteger(spec, ranges, { scheme: mode === 'int8' ? INT8 : INT16X8, ioType: plan.ioType, perChannel: plan.perChannel, precisionOf });
    return { bytes: writeModel(quantized), leftFloat: leftFloat.map((f) => ({ ...f, index: originalIndex[f.index] })) };
  };
  const forced = [...keepFloat].sort((a, b) => a - b).map((k): KeptOperator => ({ index: originalIndex[k], op: ops[k].op, precision: 'float' }));

  if (!plan.budget) {
    const { bytes, leftFloat } = build(base);
    return { bytes, kept: forced, sensitivities: [], leftFloat };
  }

  const { maxError, floatModel, heldOut } = plan.budget;
  const progress = plan.onProgress ?? (() => {});
  const meter = await HeldOutError.of(floatModel, heldOut);
  const candidates = ops.map((_, k) => k).filter((k) => !keepFloat.has(k) && supports(INT8, k) && (mode === 'int8' || supports(INT16X8, k)));
  const measured: { k: number; sensitivity: number }[] = [];
  for (const [done, c] of candidates.entries()) {
    measured.push({ k: c, sensitivity: await meter.measure(build((k) => (k === c ? INT8 : 'float')).bytes) });
    progress(done + 1, candidates.length, 'sensitivity');
  }
  // Most sensitive first; ties (e.g. several exact operators) in model order.
  measured.sort((a, b) => b.sensitivity - a.sensitivity || a.k - b.k);
  const n = measured.length;
  const maxRounds = 2 + Math.ceil(Math.log2(Math.max(1, n)));
  let rounds = 0;
  const point = async (count: number) => {
    const top = new Set(measured.slice(0, count).map((m) => m.k));
    const model = build((k) => (top.has(k) ? promoted : base(k)));
    const error = await meter.measure(model.bytes);
    progress(++rounds, maxRounds, 'search');
    return { count, error, ...model };
  };

  const none = await point(0);
  let best = none;
  let allPromotedError: number | undefined;
  if (!(none.error <= maxError) && n > 0) {
    const all = await point(n);
    allPromotedError = all.error;
    best = all;
    if (all.error <= maxError) {
      let lo = 0; // fails
      let hi = n; // meets
      while (hi - lo > 1) {
        const mid = (lo + hi) >> 1;
        const p = await point(mid);
        if (p.error <= maxError) {
          hi = mid;
          best = p;
        } else {
          lo = mid;
        }
      }
    }
  }
  const kept = [
    ...measured.slice(0, best.count).map(({ k, sensitivity }): KeptOperator => ({ index: originalIndex[k], op: ops[k].op, precision: promoted === 'float' ? 'float' : 'int16x8', sensitivity })),
    ...forced,
  ];
  return {
    bytes: best.bytes,
    kept,
    sensitivities: measured.map(({ k, sensitivity }) => ({ index: originalIndex[k], op: ops[k].op, sensitivity })),
    budget: {
      maxError, met: best.error <= maxError, error: best.error, quantizedError: none.error,
      ...(allPromotedError !== undefined ? { allPromotedError } : {}),
      heldOutSamples: meter.count, rounds: candidates.length + rounds,
    },
    leftFloat: best.leftFloat,
  };
}
