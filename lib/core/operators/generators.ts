// RANGE and WHERE as TFLite sizes their outputs: from the values of constant operands.
import { DTYPE_BYTES } from '../../model/schema';
import type { TensorDef } from '../../model/types';
import type { StaticValues } from '../static-values';

/** The condition types WHERE takes. */
type WhereType = 'bool' | 'float32' | 'int8' | 'uint8' | 'int32' | 'int64';

/** A constant scalar's value: a number for float32, a bigint for integers. */
export function scalarOf(t: TensorDef, statics: StaticValues): number | bigint | undefined {
  const stored = statics.get(t);
  if (!stored) return undefined;
  if (stored.dtype === 'float32') return statics.float32(t)?.[0];
  const bytes = stored.bytes;
  if (!bytes) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  if (stored.dtype === 'int32' && bytes.length >= 4) return BigInt(view.getInt32(0, true));
  if (stored.dtype === 'int64' && bytes.length >= 8) return view.getBigInt64(0, true);
  return undefined;
}

/** The length of TFLite's RANGE output (computed as TFLite does: in float32 for floats), or why there is none. */
export function rangeLength(start: number | bigint, limit: number | bigint, delta: number | bigint): number | string {
  const [s, l, d] = [start, limit, delta];
  const ascending = typeof s === 'bigint' ? s <= (l as bigint) && (d as bigint) > 0n : s <= (l as number) && (d as number) > 0;
  const descending = typeof s === 'bigint' ? s >= (l as bigint) && (d as bigint) < 0n : s >= (l as number) && (d as number) < 0;
  if (!ascending && !descending) return `start, limit and delta (got ${s}, ${l} and ${d}: delta must be nonzero and lead from start toward limit)`;
  if (typeof s === 'bigint') {
    const abs = (v: bigint) => (v < 0n ? -v : v);
    const span = abs((l as bigint) - s);
    const step = abs(d as bigint);
    // TFLite's expression mixes this with a float one: the length passes through float32.
    const length = Math.fround(Number((span + step - 1n) / step));
    return length <= 2 ** 31 - 1 ? length : `range length (got ${length}, expected at most 2^31 - 1)`;
  }
  return Math.ceil(Math.abs(Math.fround(Math.fround((l as number) - s) / (d as number))));
}

/** How many elements of a constant are nonzero (NaN counts, -0 does not, as in C++). */
export function nonzeroCount(t: TensorDef, statics: StaticValues): number {
  const bytes = statics.get(t)!.bytes!;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  const dtype = statics.get(t)?.dtype ?? t.dtype;
  const size = DTYPE_BYTES[dtype];
  const read: (offset: number) => number | bigint = {
    bool: (o: number) => view.getUint8(o),
    uint8: (o: number) => view.getUint8(o),
    int8: (o: number) => view.getInt8(o),
    int32: (o: number) => view.getInt32(o, true),
    int64: (o: number) => view.getBigInt64(o, true),
    float32: (o: number) => view.getFloat32(o, true),
  }[dtype as WhereType];
  let count = 0;
  for (let k = 0; k < t.shape.reduce((a, b) => a * b, 1); k++) {
    const v = read(k * size);
    if (v !== 0 && v !== 0n) count++;
  }
  return count;
}
