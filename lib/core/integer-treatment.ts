/**
 * How full-integer quantization (lib/quantize/full-integer.ts) rewrites one
 * operator, as its descriptor (lib/ops) declares: `int8` where XNNPACK runs
 * the int8 form, `int16x8` where the reference kernels run the int16 form.
 * An operator without one stays float between conversions.
 */
export interface IntegerTreatment {
  /** Inputs (by position) that carry activations, quantized to the scheme's integers; 'all' for every input. */
  activations: readonly number[] | 'all';
  /** Constant weights, quantized symmetric int8 (per channel along `weightAxis` when the scheme is per channel). */
  weights?: number;
  weightAxis?: number;
  /** Constant bias, quantized to input scale x weight scale. */
  bias?: number;
  /**
   * The output's quantization: its own calibrated range (the default); the
   * input's, for operators that only move or pick values; one shared with
   * every input, for kernels that compare or copy raw integers; or fixed by TFLite.
   */
  output?: 'sameAsInput' | 'shared' | { scale: number; zeroPoint: number };
}

export type IntegerTreatments = Readonly<Record<string, IntegerTreatment>>;

/** The common shapes: one activation input, two, and one whose output keeps the input's quantization. */
export const ONE_ACTIVATION: IntegerTreatment = { activations: [0] };
export const TWO_ACTIVATIONS: IntegerTreatment = { activations: [0, 1] };
export const MOVES_VALUES: IntegerTreatment = { activations: [0], output: 'sameAsInput' };
