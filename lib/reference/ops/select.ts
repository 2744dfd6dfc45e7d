// SELECT and SELECT_V2 on every dtype: output = condition ? x : y. SELECT
// takes equal shapes, or a scalar condition, or a rank-1 condition along
// the first dimension; SELECT_V2 broadcasts all three operands (up to 8
// dimensions). One strided kernel runs every case.
import { arity, first, type Reason } from '../../core/checks';
import type { Node } from '../../core/node';
import type { StaticValues } from '../../core/static-values';
import type { ReferenceEncoding } from '../encoding';
import { elementsOf, type ProgramBuilder } from '../program-builder';
import { ALL_TYPES, bytesOf, keepsQuantization, sameType, shapeIs, stridesOf, typeIn } from './operand-rules';

const MAX_RANK = 8;

/** The output's shape, and the shape the kernel walks with each operand's strides (condition, x, y) along it. */
interface Layout {
  output: readonly number[];
  shape: number[];
  strides: [number[], number[], number[]];
}

const same = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((d, k) => d === b[k]);

/** Strides of `shape` read along `out` (aligned to the right): 0 where it is broadcast. */
function broadcastStrides(shape: readonly number[], out: readonly number[]): number[] {
  const own = stridesOf(shape);
  const skip = out.length - shape.length;
  return out.map((_, d) => (d < skip || shape[d - skip] === 1 ? 0 : own[d - skip]));
}

/** numpy's broadcast of several shapes, or a reason. */
function broadcastShape(shapes: readonly (readonly number[])[]): number[] | string {
  const rank = Math.max(...shapes.map((s) => s.length));
  const out: number[] = [];
  for (let d = 0; d < rank; d++) {
    const dims = shapes.map((s) => s[s.length - rank + d] ?? 1);
    const size = Math.max(...dims);
    if (dims.some((v) => v !== 1 && v !== size)) return `shapes (got ${shapes.map((s) => `[${s}]`).join(', ')}, expected shapes that broadcast)`;
    out.push(size);
  }
  return out;
}

function layoutOf(node: Node): Layout | string {
  const [c, x, y, out] = [node.in(0).shape, node.in(1).shape, node.in(2).shape, node.output(0).shape];
  const count = elementsOf(x);
  // TFLite keeps the output's own shape when every operand holds one element.
  if ([c, x, y, out].every((s) => elementsOf(s) === 1)) return { output: out, shape: [1], strides: [[0], [0], [0]] };
  if (same(c, x) && same(x, y)) return { output: x, shape: [count], strides: [[1], [1], [1]] };
  if (node.op === 'SELECT') {
    if (!same(x, y)) return `input 2 shape (got [${y}], expected [${x}] like input 1)`;
    if (c.length === 0) return { output: x, shape: [count], strides: [[0], [1], [1]] };
    if (c.length === 1 && c[0] === x[0]) {
      const rest = count / x[0];
      return { output: x, shape: [x[0], rest], strides: [[1, 0], [rest, 1], [rest, 1]] };
    }
    return `condition shape (got [${c}], expected [${x}], a scalar or [${x[0] ?? 1}])`;
  }
  const shape = broadcastShape([c, x, y]);
  if (typeof shape === 'string') return shape;
  if (shape.length > MAX_RANK) return `output rank (got ${shape.length}, expected at most ${MAX_RANK})`;
  return { output: shape, shape, strides: [broadcastStrides(c, shape), broadcastStrides(x, shape), broadcastStrides(y, shape)] };
}

function check(node: Node, statics: StaticValues): Reason {
  const [condition, x, y, output] = [node.in(0), node.in(1), node.in(2), node.output(0)];
  return first(
    () => arity(node, 3, 3, 1),
    () => typeIn(condition, statics, ['bool'], 'condition'),
    () => typeIn(x, statics, ALL_TYPES, 'input 1'),
    () => sameType(y, x, statics, 'input 2', 'input 1'),
    () => sameType(output, x, statics, 'output', 'input 1'),
    () => keepsQuantization(node, y, x, 'input 2', 'input 1'),
    () => keepsQuantization(node, output, x, 'output', 'input 1'),
    () => {
      const layout = layoutOf(node);
      return typeof layout === 'string' ? layout : shapeIs(output, layout.output, 'output');
    },
  );
}

function encode(b: ProgramBuilder, node: Node): void {
  const { shape, strides } = layoutOf(node) as Layout;
  b.call(node, 'select', [b.tensor(node.in(0)), b.tensor(node.in(1)), b.tensor(node.in(2))], [b.tensor(node.output(0))],
    [bytesOf(node.in(1), b.statics), shape.length, ...shape, ...strides[0], ...strides[1], ...strides[2]]);
}

export const selectReference: ReferenceEncoding = { check, encode };
