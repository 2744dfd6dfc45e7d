// Builders for the builtin options tables of test models (field slots from lib/model/schema).
import { Activation, BuiltinOptions, OptionSlot, Padding } from '../../lib/model/schema';
import type { OptionsSpec } from '../../lib/model/writer';

type ActivationName = keyof typeof Activation;
type PaddingName = keyof typeof Padding;

export function conv2d(o: { padding?: PaddingName; stride?: [number, number]; dilation?: [number, number]; activation?: ActivationName } = {}): OptionsSpec {
  const S = OptionSlot.Conv2D;
  const [sh, sw] = o.stride ?? [1, 1];
  const [dh, dw] = o.dilation ?? [1, 1];
  return {
    type: BuiltinOptions.Conv2DOptions,
    fields: [
      { slot: S.padding, kind: 'i8', value: Padding[o.padding ?? 'SAME'] },
      { slot: S.strideW, kind: 'i32', value: sw },
      { slot: S.strideH, kind: 'i32', value: sh },
      { slot: S.activation, kind: 'i8', value: Activation[o.activation ?? 'NONE'] },
      { slot: S.dilationW, kind: 'i32', value: dw },
      { slot: S.dilationH, kind: 'i32', value: dh },
    ],
  };
}

export function depthwise(o: { padding?: PaddingName; stride?: [number, number]; dilation?: [number, number]; multiplier?: number; activation?: ActivationName } = {}): OptionsSpec {
  const S = OptionSlot.DepthwiseConv2D;
  const [sh, sw] = o.stride ?? [1, 1];
  const [dh, dw] = o.dilation ?? [1, 1];
  return {
    type: BuiltinOptions.DepthwiseConv2DOptions,
    fields: [
      { slot: S.padding, kind: 'i8', value: Padding[o.padding ?? 'SAME'] },
      { slot: S.strideW, kind: 'i32', value: sw },
      { slot: S.strideH, kind: 'i32', value: sh },
      { slot: S.depthMultiplier, kind: 'i32', value: o.multiplier ?? 1 },
      { slot: S.activation, kind: 'i8', value: Activation[o.activation ?? 'NONE'] },
      { slot: S.dilationW, kind: 'i32', value: dw },
      { slot: S.dilationH, kind: 'i32', value: dh },
    ],
  };
}

export function pool(o: { padding?: PaddingName; stride?: [number, number]; filter: [number, number]; activation?: ActivationName }): OptionsSpec {
  const S = OptionSlot.Pool2D;
  const [sh, sw] = o.stride ?? [1, 1];
  return {
    type: BuiltinOptions.Pool2DOptions,
    fields: [
      { slot: S.padding, kind: 'i8', value: Padding[o.padding ?? 'SAME'] },
      { slot: S.strideW, kind: 'i32', value: sw },
      { slot: S.strideH, kind: 'i32', value: sh },
      { slot: S.filterW, kind: 'i32', value: o.filter[1] },
      { slot: S.filterH, kind: 'i32', value: o.filter[0] },
      { slot: S.activation, kind: 'i8', value: Activation[o.activation ?? 'NONE'] },
    ],
  };
}

export function fullyConnected(o: { activation?: ActivationName; keepNumDims?: boolean } = {}): OptionsSpec {
  const S = OptionSlot.FullyConnected;
  return {
    type: BuiltinOptions.FullyConnectedOptions,
    fields: [
      { slot: S.activation, kind: 'i8', value: Activation[o.activation ?? 'NONE'] },
      { slot: S.keepNumDims, kind: 'bool', value: o.keepNumDims ?? false },
    ],
  };
}

const ARITHMETIC_TYPE = { ADD: BuiltinOptions.AddOptions, SUB: BuiltinOptions.SubOptions, MUL: BuiltinOptions.MulOptions, DIV: BuiltinOptions.DivOptions };

export function arithmetic(op: keyof typeof ARITHMETIC_TYPE, activation: ActivationName = 'NONE'): OptionsSpec {
  return { type: ARITHMETIC_TYPE[op], fields: [{ slot: OptionSlot.Arithmetic.activation, kind: 'i8', value: Activation[activation] }] };
}

export function concatenation(axis: number, activation: ActivationName = 'NONE'): OptionsSpec {
  return {
    type: BuiltinOptions.ConcatenationOptions,
    fields: [
      { slot: OptionSlot.Concatenation.axis, kind: 'i32', value: axis },
      { slot: OptionSlot.Concatenation.activation, kind: 'i8', value: Activation[activation] },
    ],
  };
}

export function reshape(newShape: number[]): OptionsSpec {
  return { type: BuiltinOptions.ReshapeOptions, fields: [{ slot: OptionSlot.Reshape.newShape, kind: 'i32[]', value: newShape }] };
}

export function squeeze(dims: number[]): OptionsSpec {
  return { type: BuiltinOptions.SqueezeOptions, fields: [{ slot: OptionSlot.Squeeze.squeezeDims, kind: 'i32[]', value: dims }] };
}

export function softmax(beta: number): OptionsSpec {
  return { type: BuiltinOptions.SoftmaxOptions, fields: [{ slot: OptionSlot.Softmax.beta, kind: 'f32', value: beta }] };
}

export function reducer(keepDims: boolean): OptionsSpec {
  return { type: BuiltinOptions.ReducerOptions, fields: [{ slot: OptionSlot.Reducer.keepDims, kind: 'bool', value: keepDims }] };
}

export function resizeBilinear(o: { alignCorners?: boolean; halfPixelCenters?: boolean } = {}): OptionsSpec {
  return {
    type: BuiltinOptions.ResizeBilinearOptions,
    fields: [
      { slot: OptionSlot.ResizeBilinear.alignCorners, kind: 'bool', value: o.alignCorners ?? false },
      { slot: OptionSlot.ResizeBilinear.halfPixelCenters, kind: 'bool', value: o.halfPixelCenters ?? false },
    ],
  };
}

export function split(numSplits: number): OptionsSpec {
  return { type: BuiltinOptions.SplitOptions, fields: [{ slot: OptionSlot.Split.numSplits, kind: 'i32', value: numSplits }] };
}

export function stridedSlice(o: { beginMask?: number; endMask?: number; shrinkAxisMask?: number; ellipsisMask?: number; newAxisMask?: number } = {}): OptionsSpec {
  const S = OptionSlot.StridedSlice;
  return {
    type: BuiltinOptions.StridedSliceOptions,
    fields: [
      { slot: S.beginMask, kind: 'i32', value: o.beginMask ?? 0 },
      { slot: S.endMask, kind: 'i32', value: o.endMask ?? 0 },
      { slot: S.ellipsisMask, kind: 'i32', value: o.ellipsisMask ?? 0 },
      { slot: S.newAxisMask, kind: 'i32', value: o.newAxisMask ?? 0 },
      { slot: S.shrinkAxisMask, kind: 'i32', value: o.shrinkAxisMask ?? 0 },
    ],
  };
}

export function transposeConv(o: { padding?: PaddingName; stride?: [number, number]; activation?: ActivationName } = {}): OptionsSpec {
  const S = OptionSlot.TransposeConv;
  const [sh, sw] = o.stride ?? [1, 1];
  const fields: OptionsSpec['fields'] = [
    { slot: S.padding, kind: 'i8', value: Padding[o.padding ?? 'SAME'] },
    { slot: S.strideW, kind: 'i32', value: sw },
    { slot: S.strideH, kind: 'i32', value: sh },
  ];
  if (o.activation) fields.push({ slot: S.activation, kind: 'i8', value: Activation[o.activation] });
  return { type: BuiltinOptions.TransposeConvOptions, fields };
}

export function leakyRelu(alpha: number): OptionsSpec {
  return { type: BuiltinOptions.LeakyReluOptions, fields: [{ slot: OptionSlot.LeakyRelu.alpha, kind: 'f32', value: alpha }] };
}

export function batchMatmul(o: { adjX?: boolean; adjY?: boolean } = {}): OptionsSpec {
  return {
    type: BuiltinOptions.BatchMatMulOptions,
    fields: [
      { slot: OptionSlot.BatchMatMul.adjX, kind: 'bool', value: o.adjX ?? false },
      { slot: OptionSlot.BatchMatMul.adjY, kind: 'bool', value: o.adjY ?? false },
    ],
  };
}

export function blockSize(type: 'DEPTH_TO_SPACE' | 'SPACE_TO_DEPTH', size: number): OptionsSpec {
  return {
    type: type === 'DEPTH_TO_SPACE' ? BuiltinOptions.DepthToSpaceOptions : BuiltinOptions.SpaceToDepthOptions,
    fields: [{ slot: OptionSlot.BlockSize.blockSize, kind: 'i32', value: size }],
  };
}

export function empty(type: number): OptionsSpec {
  return { type, fields: [] };
}
