// Builders for the options tables of the index, selection and generator ops' test models (field slots from lib/model/schema).
import { BuiltinOptions, OptionSlot, TensorType } from '../../lib/model/schema';
import type { OptionsSpec } from '../../lib/model/writer';

export function gather(axis: number, batchDims = 0): OptionsSpec {
  return {
    type: BuiltinOptions.GatherOptions,
    fields: [
      { slot: OptionSlot.Gather.axis, kind: 'i32', value: axis },
      { slot: OptionSlot.Gather.batchDims, kind: 'i32', value: batchDims },
    ],
  };
}

export function argMinMax(op: 'ARG_MAX' | 'ARG_MIN', outputType: keyof typeof TensorType = 'INT32'): OptionsSpec {
  return {
    type: op === 'ARG_MAX' ? BuiltinOptions.ArgMaxOptions : BuiltinOptions.ArgMinOptions,
    fields: [{ slot: OptionSlot.ArgMinMax.outputType, kind: 'i8', value: TensorType[outputType] }],
  };
}

export function oneHot(axis: number): OptionsSpec {
  return { type: BuiltinOptions.OneHotOptions, fields: [{ slot: OptionSlot.OneHot.axis, kind: 'i32', value: axis }] };
}

export function cumsum(o: { exclusive?: boolean; reverse?: boolean } = {}): OptionsSpec {
  return {
    type: BuiltinOptions.CumsumOptions,
    fields: [
      { slot: OptionSlot.Cumsum.exclusive, kind: 'bool', value: o.exclusive ?? false },
      { slot: OptionSlot.Cumsum.reverse, kind: 'bool', value: o.reverse ?? false },
    ],
  };
}

export function shape(outType: keyof typeof TensorType = 'INT32'): OptionsSpec {
  return { type: BuiltinOptions.ShapeOptions, fields: [{ slot: OptionSlot.Shape.outType, kind: 'i8', value: TensorType[outType] }] };
}

export function empty(type: number): OptionsSpec {
  return { type, fields: [] };
}
