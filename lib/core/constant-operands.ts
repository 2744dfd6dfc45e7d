/** Constant operands whose values decide an operator's output shape (axes, sizes, paddings, block shapes). */
import type { DType } from '../model/schema';
import type { Node } from './node';
import type { StaticValues } from './static-values';

/**
 * The values of constant integer input `k`, or why they cannot be used. The
 * output shape of the operators that read these follows from the values, so
 * one computed at run time is refused.
 */
export function constantIntegers(node: Node, k: number, what: string, statics: StaticValues, types: readonly DType[] = ['int32', 'int64']): number[] | string {
  const t = node.input(k);
  if (!t) return `${what} is missing (input ${k})`;
  if (!statics.isStatic(t)) return `${what} (got a tensor computed at run time, expected a constant: the output shape would depend on run-time values)`;
  const dtype = statics.get(t)?.dtype ?? t.dtype;
  if (!types.includes(dtype)) return `${what} type (got ${dtype}, expected ${types.join(' or ')})`;
  const values = statics.integers(t);
  const count = t.shape.reduce((a, b) => a * b, 1);
  if (!values || values.length !== count) return `${what} (got ${values?.length ?? 0} values for shape [${t.shape}], expected ${count})`;
  return values;
}
