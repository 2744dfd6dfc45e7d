// DEQUANTIZE of an FP16 constant and DENSIFY of a sparse constant: folded into
// constants when the model is loaded (lib/graph/static-values.ts), so there is
// nothing left to run. Applied to run-time tensors they are not supported yet.
import type { Reason } from '../checks';
import type { Node } from '../node';
import type { OpFamily } from '../op-family';
import type { StaticValues } from '../static-values';

function check(node: Node, statics: StaticValues): Reason {
  if (statics.isFolded(node.def.index)) return undefined;
  const input = node.input(0);
  if (node.op === 'DENSIFY') return 'input (got a tensor that is not a static sparse constant, expected one)';
  return `input (got ${input ? `${input.dtype}${statics.isStatic(input) ? ' constant' : ' tensor computed at run time'}` : 'none'}, expected a float16 constant)`;
}

export const constantFolding: OpFamily = {
  ops: ['DEQUANTIZE', 'DENSIFY'],
  check,
  lower: () => {},
};
