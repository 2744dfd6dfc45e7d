// Builders for the options tables of the math, comparison, logic and
// normalization operators in test models (field slots from lib/model/schema).
import { BuiltinOptions, OptionSlot } from '../../lib/model/schema';
import type { OptionsSpec } from '../../lib/model/writer';

export function gelu(approximate: boolean): OptionsSpec {
  return { type: BuiltinOptions.GeluOptions, fields: [{ slot: OptionSlot.Gelu.approximate, kind: 'bool', value: approximate }] };
}

export function l2Norm(activation = 0): OptionsSpec {
  return { type: BuiltinOptions.L2NormOptions, fields: [{ slot: OptionSlot.L2Norm.activation, kind: 'i8', value: activation }] };
}

export function localResponseNormalization(o: { radius: number; bias: number; alpha: number; beta: number }): OptionsSpec {
  const S = OptionSlot.LocalResponseNormalization;
  return {
    type: BuiltinOptions.LocalResponseNormalizationOptions,
    fields: [
      { slot: S.radius, kind: 'i32', value: o.radius },
      { slot: S.bias, kind: 'f32', value: o.bias },
      { slot: S.alpha, kind: 'f32', value: o.alpha },
      { slot: S.beta, kind: 'f32', value: o.beta },
    ],
  };
}

/** The (empty) options table TFLite's converter writes for `op`, where it has one. */
const EMPTY_OPTIONS: Record<string, number> = {
  EXP: BuiltinOptions.ExpOptions, LOG_SOFTMAX: BuiltinOptions.LogSoftmaxOptions, LESS: BuiltinOptions.LessOptions,
  NEG: BuiltinOptions.NegOptions, GREATER: BuiltinOptions.GreaterOptions, GREATER_EQUAL: BuiltinOptions.GreaterEqualOptions,
  LESS_EQUAL: BuiltinOptions.LessEqualOptions, EQUAL: BuiltinOptions.EqualOptions, NOT_EQUAL: BuiltinOptions.NotEqualOptions,
  POW: BuiltinOptions.PowOptions, LOGICAL_OR: BuiltinOptions.LogicalOrOptions, LOGICAL_AND: BuiltinOptions.LogicalAndOptions,
  LOGICAL_NOT: BuiltinOptions.LogicalNotOptions, FLOOR_DIV: BuiltinOptions.FloorDivOptions, SQUARE: BuiltinOptions.SquareOptions,
  FLOOR_MOD: BuiltinOptions.FloorModOptions, ABS: BuiltinOptions.AbsOptions, COS: BuiltinOptions.CosOptions,
  SIGN: BuiltinOptions.SignOptions, MAXIMUM: BuiltinOptions.MaximumMinimumOptions, MINIMUM: BuiltinOptions.MaximumMinimumOptions,
  SQUARED_DIFFERENCE: BuiltinOptions.SquaredDifferenceOptions,
};

export function emptyOptionsOf(op: string): OptionsSpec | undefined {
  const type = EMPTY_OPTIONS[op];
  return type === undefined ? undefined : { type, fields: [] };
}
