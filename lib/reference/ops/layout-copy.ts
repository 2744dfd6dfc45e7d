/**
 * The index-table copies of the layout operators (native/reference/kernels/layout.cc):
 * an operator is described as a walk over the axes of one side in
 * row-major order, where each axis adds an element offset on the other
 * side, affine (start + i * step) or from a table. Before encoding, the walk
 * is simplified (axes of size 1 dropped, adjacent affine axes merged, and
 * trailing contiguous axes folded into the block of bytes each step moves),
 * so that e.g. a slice along the first axis becomes a few large copies.
 */
import type { TensorDef } from '../../model/types';
import type { Node } from '../../core/node';
import type { ProgramBuilder } from '../program-builder';

/** One axis of the walk: its size, and the element offset on the far side of index i. */
export type AxisOffsets = { size: number; start: number; step: number } | { size: number; table: number[] };

export const affine = (size: number, start: number, step: number): AxisOffsets => ({ size, start, step });

export const table = (offsets: number[]): AxisOffsets => ({ size: offsets.length, table: offsets });

/** Row-major element strides of `shape`. */
export function stridesOf(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    strides[d] = s;
    s *= shape[d];
  }
  return strides;
}

/** The axes of a window of `shape` starting at `begins`, `sizes` long: slices, splits, unpacking. */
export function windowAxes(shape: readonly number[], begins: readonly number[], sizes: readonly number[]): AxisOffsets[] {
  const strides = stridesOf(shape);
  return shape.map((_, d) => affine(sizes[d], begins[d] * strides[d], strides[d]));
}

type Affine = { size: number; start: number; step: number };

const isAffine = (a: AxisOffsets): a is Affine => !('table' in a);

const offsetOf = (a: AxisOffsets, i: number) => (isAffine(a) ? a.start + i * a.step : a.table[i]);

/** A table that is an arithmetic progression, as an affine axis. */
function asAffine(a: AxisOffsets): AxisOffsets {
  if (isAffine(a)) return a;
  const step = a.size > 1 ? a.table[1] - a.table[0] : 0;
  return a.table.every((v, i) => v === a.table[0] + i * step) ? affine(a.size, a.table[0], step) : a;
}

interface Walk {
  /** Elements each step moves. */
  block: number;
  axes: AxisOffsets[];
}

/** The same walk with fewer axes and larger blocks. */
export function simplify(axes: readonly AxisOffsets[]): Walk {
  let base = 0;
  let rest: AxisOffsets[] = [];
  for (const a of axes) {
    if (a.size === 1) base += offsetOf(a, 0);
    else rest.push(asAffine(a));
  }
  let block = 1;
  for (let changed = true; changed;) {
    changed = false;
    const last = rest[rest.length - 1];
    if (last && isAffine(last) && last.step === block) {
      base += last.start;
      block *= last.size;
      rest = rest.slice(0, -1);
      changed = true;
      continue;
    }
    for (let d = 0; d + 1 < rest.length; d++) {
      const [outer, inner] = [rest[d], rest[d + 1]];
      if (isAffine(outer) && isAffine(inner) && outer.step === inner.size * inner.step) {
        rest.splice(d, 2, affine(outer.size * inner.size, outer.start + inner.start, inner.step));
        changed = true;
        break;
      }
    }
  }
  if (rest.length === 0) return { block, axes: [affine(1, base, 0)] };
  const first = rest[0];
  rest[0] = isAffine(first) ? affine(first.size, first.start + base, first.step) : table(first.table.map((v) => v + base));
  return { block, axes: rest };
}

function encodeWalk(walk: Walk, elementBytes: number): number[] {
  const ints = [walk.axes.length];
  for (const a of walk.axes) {
    if (isAffine(a)) ints.push(a.size, a.start * elementBytes, a.step * elementBytes, 0);
    else ints.push(a.size, 0, 0, 1, ...a.table.map((v) => v * elementBytes));
  }
  return ints;
}

/** Writes `output` in order; `axes` run over the output's elements and give offsets into `input`. */
export function gather(b: ProgramBuilder, node: Node, input: TensorDef, output: TensorDef, axes: readonly AxisOffsets[], elementBytes: number): void {
  const walk = simplify(axes);
  b.call(node, 'layout_gather', [b.tensor(input)], [b.tensor(output)], [walk.block * elementBytes, ...encodeWalk(walk, elementBytes)]);
}

/** What the output holds where no input element lands: the fill operand's value, else `bits` (the element's little-endian bits). */
export interface Fill {
  tensor?: TensorDef;
  bits: number;
}

/** Fills `output`, then reads `input` in order; `axes` run over the input's elements and give offsets into `output`. */
export function scatter(b: ProgramBuilder, node: Node, input: TensorDef, output: TensorDef, axes: readonly AxisOffsets[], elementBytes: number, fill: Fill): void {
  const walk = simplify(axes);
  b.call(node, 'layout_scatter', [b.tensor(input), b.optional(fill.tensor)], [b.tensor(output)],
    [walk.block * elementBytes, elementBytes, fill.bits, ...encodeWalk(walk, elementBytes)]);
}
