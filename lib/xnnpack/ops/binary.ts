// Elementwise binary operators with numpy broadcasting: ADD, SUB, MUL, DIV
// (with a fused activation), MAXIMUM, MINIMUM, SQUARED_DIFFERENCE, PRELU, POW.
import { checkBinary, fusedActivation } from '../../core/operators/binary';
import { xnnpackOperands } from '../operand-types';
import { type Reason } from '../../core/checks';
import type { GraphBuilder } from '../builder';
import type { Node } from '../../core/node';
import type { XnnpackLowering } from '../lowering';
import type { StaticValues } from '../../core/static-values';

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

/** Run on int8/uint8 tensors too (XNNPACK's qs8/qu8 kernels). */
const QUANTIZED = new Set(['ADD', 'SUB', 'MUL', 'MAXIMUM', 'MINIMUM']);

function lower(g: GraphBuilder, node: Node): void {
  const op = g.C.binary[OPERATOR[node.op]];
  g.withActivation(fusedActivation(node), node.output(0), (out, min, max) => {
    g.subgraph.defineBinary(op, g.value(node.in(0)), g.value(node.in(1)), out, min, max);
  });
}

function check(node: Node, statics: StaticValues): Reason {
  return checkBinary(node, statics, xnnpackOperands(node, statics, QUANTIZED.has(node.op)));
}

export const binary: XnnpackLowering = { check, lower, clampsOutput: true };
