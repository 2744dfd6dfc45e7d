/** What the shape rules (lib/core/shape-rule.ts) share: their result, element counts, ranks and axes. */
import type { TensorDef } from '../../model/types';
import { normalizeAxis } from '../checks';

/** One shape per output, or why the inputs' shapes do not fit the operator. */
export type Shapes = number[][] | string;

export const elementsOf = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

export const sameShape = (a: readonly number[], b: readonly number[]): boolean => a.length === b.length && a.every((d, k) => d === b[k]);

/** A rule's single output, or its reason. */
export const single = (shape: number[] | string): Shapes => (typeof shape === 'string' ? shape : [shape]);

/** Why `t` does not have rank `expected`, or undefined. */
export function rankReason(t: TensorDef, expected: number, what: string): string | undefined {
  return t.shape.length === expected ? undefined : `${what} rank (got ${t.shape.length}, expected ${expected})`;
}

/** An axis of a tensor of rank `rank`, normalized, or why it is out of range. */
export function axisOf(axis: number, rank: number, what: string): number | string {
  return normalizeAxis(axis, rank) ?? `${what} (got ${axis}, expected ${-rank} to ${rank - 1})`;
}
