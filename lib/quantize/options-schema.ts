/**
 * Field types of the builtin options tables the quantizer can copy from one
 * model to another (schema.fbs field order). An options table of any other
 * type cannot be rewritten, and quantizing its model fails naming the op.
 */
import type { Table } from '../model/flat-reader';
import type { FieldKind, OptionsSpec } from '../model/writer';

type Fields = Array<[slot: number, kind: FieldKind]>;

const activation: Fields = [[0, 'i8']];

export const OPTION_FIELDS: Record<number, Fields> = {
  1: [[0, 'i8'], [1, 'i32'], [2, 'i32'], [3, 'i8'], [4, 'i32'], [5, 'i32']], // Conv2DOptions
  2: [[0, 'i8'], [1, 'i32'], [2, 'i32'], [3, 'i32'], [4, 'i8'], [5, 'i32'], [6, 'i32']], // DepthwiseConv2DOptions
  5: [[0, 'i8'], [1, 'i32'], [2, 'i32'], [3, 'i32'], [4, 'i32'], [5, 'i8']], // Pool2DOptions
  8: [[0, 'i8'], [1, 'i8'], [2, 'bool'], [3, 'bool']], // FullyConnectedOptions
  9: [[0, 'f32']], // SoftmaxOptions
  10: [[0, 'i32'], [1, 'i8']], // ConcatenationOptions
  11: activation, // AddOptions
  15: [[2, 'bool'], [3, 'bool']], // ResizeBilinearOptions
  17: [[0, 'i32[]']], // ReshapeOptions
  19: [[0, 'i32']], // SpaceToDepthOptions
  21: activation, // MulOptions
  22: [], // PadOptions
  26: [], // TransposeOptions
  27: [[0, 'bool']], // ReducerOptions
  28: activation, // SubOptions
  29: activation, // DivOptions
  30: [[0, 'i32[]']], // SqueezeOptions
  32: [[0, 'i32'], [1, 'i32'], [2, 'i32'], [3, 'i32'], [4, 'i32'], [5, 'bool']], // StridedSliceOptions
  35: [[0, 'i32']], // SplitOptions
  38: [], // DequantizeOptions
  39: [], // MaximumMinimumOptions
  48: [], // SliceOptions
  49: [[0, 'i8'], [1, 'i32'], [2, 'i32'], [3, 'i8']], // TransposeConvOptions
  52: [], // ExpandDimsOptions
  75: [[0, 'f32']], // LeakyReluOptions
  76: [], // SquaredDifferenceOptions
  89: [], // QuantizeOptions
  91: [], // HardSwishOptions
  94: [[0, 'i32']], // DepthToSpaceOptions
  99: [], // DensifyOptions
  101: [[0, 'bool'], [1, 'bool'], [2, 'bool']], // BatchMatMulOptions
};

/** Reads an options table into the writer's form; undefined if its type is not known here. */
export function readOptions(type: number, table: Table | undefined): OptionsSpec | undefined {
  const fields = OPTION_FIELDS[type];
  if (!fields) return undefined;
  const out: OptionsSpec = { type, fields: [] };
  if (!table) return out;
  for (const [slot, kind] of fields) {
    if (!table.has(slot)) continue;
    const name = `field ${slot}`;
    let value: number | boolean | number[];
    if (kind === 'i32[]') value = table.scalars(slot, 'i32', name) ?? [];
    else if (kind === 'bool') value = table.bool(slot, name);
    else value = table.scalar(slot, kind === 'f32' ? 'f32' : kind === 'i32' ? 'i32' : 'i8', name);
    out.fields.push({ slot, kind, value });
  }
  return out;
}
