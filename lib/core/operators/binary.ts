// Elementwise binary operators as TFLite defines them: numpy broadcasting, a fused activation on ADD, SUB, MUL and DIV.
import { OptionSlot } from '../../model/schema';
import { activation, arity, first, rankAtMost, type OperandCheck, type Reason } from '../checks';
import type { Node } from '../node';
import type { StaticValues } from '../static-values';

const WITH_ACTIVATION = new Set(['ADD', 'SUB', 'MUL', 'DIV']);

export function fusedActivation(node: Node): number {
  return WITH_ACTIVATION.has(node.op) && node.options ? node.options.scalar(OptionSlot.Arithmetic.activation, 'i8', 'fused_activation_function') : 0;
}

/** numpy broadcasting: aligned from the right, each pair equal or one of them 1. */
export function broadcastShape(a: readonly number[], b: readonly number[]): number[] | undefined {
  const n = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const x = a[a.length - n + i] ?? 1;
    const y = b[b.length - n + i] ?? 1;
    if (x !== y && x !== 1 && y !== 1) return undefined;
    out.push(x === 1 ? y : x);
  }
  return out;
}

export function checkBinary(node: Node, statics: StaticValues, operands: OperandCheck): Reason {
  return first(
    () => arity(node, 2, 2, 1),
    () => operands({ activations: [0, 1] }),
    () => rankAtMost(node.in(0), 6, 'input 0'),
    () => rankAtMost(node.in(1), 6, 'input 1'),
    () => activation(fusedActivation(node)),
    () => {
      const a = node.in(0).shape;
      const b = node.in(1).shape;
      const shape = broadcastShape(a, b);
      if (!shape) return `input shapes (got [${a}] and [${b}], expected shapes that broadcast)`;
      const out = node.output(0).shape;
      return shape.join() === out.join() ? undefined : `output shape (got [${out}], expected [${shape}])`;
    },
  );
}
