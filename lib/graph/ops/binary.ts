// Elementwise binary operators with numpy broadcasting: ADD, SUB, MUL, DIV
// (with a fused activation), MAXIMUM, MINIMUM, SQUARED_DIFFERENCE, PRELU, POW.
import { OptionSlot } from '../../model/schema';
import { activation, arity, first, operandTypes, rankAtMost, type Reason, type OperandRules } from '../checks';
import type { GraphBuilder } from '../builder';
import type { Node } from '../node';
import type { OpFamily } from '../op-family';
import type { StaticValues } from '../static-values';

const OPERATOR: Record<string, 'add' | 'subtract' | 'multiply' | 'divide' | 'maximum' | 'minimum' | 'squaredDifference' | 'prelu' | 'pow'> = {
  ADD: 'add',
  SUB: 'subtract',
  MUL: 'multiply',
  DIV: 'divide',
  MAXIMUM: 'maximum',
  MINIMUM: 'minimum',
  SQUARED_DIFFERENCE: 'squaredDifference',
  PRELU: 'prelu',
  POW: 'pow',
};

const WITH_ACTIVATION = new Set(['ADD', 'SUB', 'MUL', 'DIV']);
/** Run on int8/uint8 tensors too (XNNPACK's qs8/qu8 kernels). */
const QUANTIZED = new Set(['ADD', 'SUB', 'MUL', 'MAXIMUM', 'MINIMUM']);

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

function check(node: Node, statics: StaticValues, rules: OperandRules = 'xnnpack'): Reason {
  return first(
    () => arity(node, 2, 2, 1),
    () => operandTypes(node, statics, { activations: [0, 1], quantized: QUANTIZED.has(node.op) }, rules),
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

function lower(g: GraphBuilder, node: Node): void {
  const op = g.C.binary[OPERATOR[node.op]];
  g.withActivation(fusedActivation(node), node.output(0), (out, min, max) => {
    g.subgraph.defineBinary(op, g.value(node.in(0)), g.value(node.in(1)), out, min, max);
  });
}

export const binary: OpFamily = { ops: Object.keys(OPERATOR), check, lower, clampsOutput: true };
