// DENSIFY of a sparse constant: folded into a dense constant when the model
// is loaded (lib/graph/static-values.ts), so there is nothing left to run.
// Applied to a run-time tensor it is not supported.
import type { Reason } from '../checks';
import type { Node } from '../node';
import type { OpFamily } from '../op-family';
import type { StaticValues } from '../static-values';

function check(node: Node, statics: StaticValues): Reason {
  if (statics.isFolded(node.def.index)) return undefined;
  return 'input (got a tensor that is not a static sparse constant, expected one)';
}

export const constantFolding: OpFamily = {
  ops: ['DENSIFY'],
  check,
  lower: () => {},
};
