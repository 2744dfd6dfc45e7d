// ADD, SUB and MUL of int16 tensors, with numpy broadcasting.
import type { Node } from '../../core/node';
import { fusedActivation, checkBinary } from '../../core/operators/binary';
import type { ReferenceEncoding } from '../encoding';
import { int16x8Operands } from '../int16x8-operands';
import { activationRange, quantOf, type ProgramBuilder } from '../program-builder';

const KIND: Record<string, number> = { ADD: 0, SUB: 1, MUL: 2 };

/** Strides of `shape` read as `out` (aligned from the right), 0 along broadcast dimensions. */
function broadcastStrides(shape: readonly number[], out: readonly number[]): number[] {
  const padded = [...Array(out.length - shape.length).fill(1), ...shape];
  const strides = new Array<number>(out.length).fill(0);
  let step = 1;
  for (let d = out.length - 1; d >= 0; d--) {
    strides[d] = padded[d] === 1 && out[d] !== 1 ? 0 : step;
    step *= padded[d];
  }
  return strides;
}

function encode(b: ProgramBuilder, node: Node): void {
  const out = node.output(0).shape.length === 0 ? [1] : node.output(0).shape;
  const [x, y, z] = [quantOf(node.in(0)), quantOf(node.in(1)), quantOf(node.output(0))];
  const [lo, hi] = activationRange(fusedActivation(node), node.output(0));
  b.call(node, 'binary_s16', [b.tensor(node.in(0)), b.tensor(node.in(1))], [b.tensor(node.output(0))],
    [KIND[node.op], out.length, ...out, ...broadcastStrides(node.in(0).shape, out), ...broadcastStrides(node.in(1).shape, out),
      x.zeroPoint, y.zeroPoint, z.zeroPoint, lo, hi],
    [x.scale, y.scale, z.scale]);
}

/** The operators TFLite runs on int16 activations (int16x8 models). */
export function hasInt16Kernel(op: string): boolean {
  return op in KIND;
}

export const binaryReference: ReferenceEncoding = {
  check: (node, statics) => checkBinary(node, statics, int16x8Operands(node, statics)),
  encode,
};
