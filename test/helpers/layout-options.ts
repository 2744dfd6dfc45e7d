// Builders for the options tables of the layout operators' test models (field slots from lib/model/schema).
import { BuiltinOptions, MirrorPadMode, OptionSlot } from '../../lib/model/schema';
import type { OptionsSpec } from '../../lib/model/writer';

export function pack(valuesCount: number, axis: number): OptionsSpec {
  return {
    type: BuiltinOptions.PackOptions,
    fields: [
      { slot: OptionSlot.Pack.valuesCount, kind: 'i32', value: valuesCount },
      { slot: OptionSlot.Pack.axis, kind: 'i32', value: axis },
    ],
  };
}

export function unpack(num: number, axis: number): OptionsSpec {
  return {
    type: BuiltinOptions.UnpackOptions,
    fields: [
      { slot: OptionSlot.Unpack.num, kind: 'i32', value: num },
      { slot: OptionSlot.Unpack.axis, kind: 'i32', value: axis },
    ],
  };
}

export function resizeNearest(o: { alignCorners?: boolean; halfPixelCenters?: boolean } = {}): OptionsSpec {
  return {
    type: BuiltinOptions.ResizeNearestNeighborOptions,
    fields: [
      { slot: OptionSlot.ResizeNearestNeighbor.alignCorners, kind: 'bool', value: o.alignCorners ?? false },
      { slot: OptionSlot.ResizeNearestNeighbor.halfPixelCenters, kind: 'bool', value: o.halfPixelCenters ?? false },
    ],
  };
}

/** A mode number other than REFLECT and SYMMETRIC makes a damaged table. */
export function mirrorPad(mode: keyof typeof MirrorPadMode | number): OptionsSpec {
  return { type: BuiltinOptions.MirrorPadOptions, fields: [{ slot: OptionSlot.MirrorPad.mode, kind: 'i8', value: typeof mode === 'number' ? mode : MirrorPadMode[mode] }] };
}

export function splitV(numSplits: number): OptionsSpec {
  return { type: BuiltinOptions.SplitVOptions, fields: [{ slot: OptionSlot.SplitV.numSplits, kind: 'i32', value: numSplits }] };
}

export function stridedSlice(o: { beginMask?: number; endMask?: number; ellipsisMask?: number; newAxisMask?: number; shrinkAxisMask?: number; offset?: boolean } = {}): OptionsSpec {
  const S = OptionSlot.StridedSlice;
  return {
    type: BuiltinOptions.StridedSliceOptions,
    fields: [
      { slot: S.beginMask, kind: 'i32', value: o.beginMask ?? 0 },
      { slot: S.endMask, kind: 'i32', value: o.endMask ?? 0 },
      { slot: S.ellipsisMask, kind: 'i32', value: o.ellipsisMask ?? 0 },
      { slot: S.newAxisMask, kind: 'i32', value: o.newAxisMask ?? 0 },
      { slot: S.shrinkAxisMask, kind: 'i32', value: o.shrinkAxisMask ?? 0 },
      { slot: S.offset, kind: 'bool', value: o.offset ?? false },
    ],
  };
}
