/**
 * Element types as the reference kernels number them (native/reference/kernels/util.h,
 * ElementType): kernels that handle several dtypes take one of these codes among their ints.
 */
import type { DType } from '../model/schema';

export const ELEMENT_TYPES = { float32: 0, int8: 1, uint8: 2, int16: 3, int32: 4, int64: 5, bool: 6 } as const;

export type ElementTypeName = keyof typeof ELEMENT_TYPES;

/** The code of `dtype`, or undefined for a dtype the reference kernels do not take. */
export function elementTypeOf(dtype: DType): number | undefined {
  return Object.hasOwn(ELEMENT_TYPES, dtype) ? ELEMENT_TYPES[dtype as ElementTypeName] : undefined;
}
