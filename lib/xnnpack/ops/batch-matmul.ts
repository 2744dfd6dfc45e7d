// BATCH_MATMUL: [..., M, K] x [..., K, N] with broadcast batch dimensions; adj_y transposes the second operand.
import { BuiltinOptions, OptionSlot } from '../../model/schema';
import { allFloat32, arity, first, optionsPresent, type Reason } from '../../core/checks';
import type { GraphBuilder } from '../builder';
import type { Node } from '../../core/node';
import type { XnnpackLowering } from '../lowering';
import type { StaticValues } from '../../core/static-values';

function options(node: Node) {
  const o = node.options;
  return {
    adjX: o ? o.bool(OptionSlot.BatchMatMul.adjX, 'adj_x') : false,
    adjY: o ? o.bool(OptionSlot.BatchMatMul.adjY, 'adj_y') : false,
  };
}

function check(node: Node, statics: StaticValues): Reason {
  return first(
    () => arity(node, 2, 2, 1),
    () => (node.options ? optionsPresent(node, BuiltinOptions.BatchMatMulOptions, 'BatchMatMulOptions') : undefined),
    () => allFloat32(node, statics),
    () => (options(node).adjX ? 'adj_x (got true, expected false: XNNPACK cannot transpose the first operand)' : undefined),
    () => {
      const a = node.in(0).shape;
      const b = node.in(1).shape;
      if (a.length < 2 || b.length < 2) return `operand ranks (got ${a.length} and ${b.length}, expected at least 2)`;
      const k = a[a.length - 1];
      const kb = options(node).adjY ? b[b.length - 1] : b[b.length - 2];
      return k === kb ? undefined : `inner dimensions (got ${k} and ${kb}, expected them equal)`;
    },
  );
}

function lower(g: GraphBuilder, node: Node): void {
  const flags = options(node).adjY ? g.C.nodeFlags.transposeB : 0;
  g.subgraph.defineBatchMatrixMultiply(g.value(node.in(0)), g.value(node.in(1)), g.value(node.output(0)), flags);
}

function macs(node: Node): number {
  const a = node.in(0).shape;
  const outputs = node.output(0).shape.reduce((x, y) => x * y, 1);
  return outputs * a[a.length - 1];
}

// A constant second operand is never lazy: XNNPACK's graph rewrites (to FP16, or to a fully-connected
// operator) copy it before any weight-cache look-up names it, and would copy zeros.
export const batchMatmul: XnnpackLowering = { check, lower, macs };
