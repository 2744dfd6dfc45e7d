// CONCATENATION along one axis. XNNPACK takes 2 to 5 inputs per node, so
// longer lists are concatenated in steps through temporaries.
import { checkConcatenation, concatenationOptions } from '../../core/operators/concatenation';
import { xnnpackOperands } from '../operand-types';
import { normalizeAxis, first, type Reason } from '../../core/checks';
import type { GraphBuilder } from '../builder';
import type { Node } from '../../core/node';
import type { XnnpackLowering } from '../lowering';
import type { StaticValues } from '../../core/static-values';

function lower(g: GraphBuilder, node: Node): void {
  const out = node.output(0);
  const axis = normalizeAxis(concatenationOptions(node).axis, out.shape.length)!;
  const inputs = Array.from({ length: node.inputCount }, (_, k) => node.in(k));
  if (inputs.length === 1) {
    g.subgraph.defineCopy(g.value(inputs[0]), g.value(out), 0);
    return;
  }
  let ids = inputs.map((t) => g.value(t));
  let sizes = inputs.map((t) => t.shape[axis]);
  while (ids.length > 5) {
    const partShape = [...out.shape];
    partShape[axis] = sizes.slice(0, 5).reduce((a, b) => a + b, 0);
    const part = g.internal(partShape, out);
    g.subgraph.defineConcatenate(axis, ids.slice(0, 5), part, 0);
    ids = [part, ...ids.slice(5)];
    sizes = [partShape[axis], ...sizes.slice(5)];
  }
  g.subgraph.defineConcatenate(axis, ids, g.value(out), 0);
}

function check(node: Node, statics: StaticValues): Reason {
  return first(
    () => checkConcatenation(node, statics, xnnpackOperands(node, statics)),
    () => {
      for (let k = 0; k < node.inputCount; k++) {
        if (statics.isStatic(node.input(k))) return `input ${k} (got a constant, expected a tensor computed at run time)`;
      }
      return undefined;
    },
  );
}

export const concatenation: XnnpackLowering = { check, lower };
