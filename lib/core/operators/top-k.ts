// TOPK_V2 as TFLite defines it: the k largest values along the last dimension, k a constant int32 or int16.
import type { Node } from '../node';
import type { StaticValues } from '../static-values';

/** k, from a constant int32 or int16 operand (statics.integers reads no int16). */
export function topKOf(node: Node, statics: StaticValues): number | undefined {
  const stored = statics.get(node.in(1));
  if (!stored?.bytes || stored.bytes.length < 2) return undefined;
  const view = new DataView(stored.bytes.buffer, stored.bytes.byteOffset, stored.bytes.length);
  return stored.dtype === 'int16' ? view.getInt16(0, true) : stored.bytes.length >= 4 ? view.getInt32(0, true) : undefined;
}
