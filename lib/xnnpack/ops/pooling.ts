// AVERAGE_POOL_2D and MAX_POOL_2D. A 1x1 window with stride 1 is only the
// fused activation, which XNNPACK's pooling does not accept: it becomes a clamp.
import { checkPooling, poolOptions } from '../../core/operators/pooling';
import { first, type Reason } from '../../core/checks';
import { xnnpackOperands } from '../operand-types';
import { Padding } from '../../model/schema';

import type { GraphBuilder } from '../builder';
import type { Node } from '../../core/node';
import type { XnnpackLowering } from '../lowering';
import type { StaticValues } from '../../core/static-values';
import { domainOf } from '../tensor-types';

function lower(g: GraphBuilder, node: Node): void {
  const o = poolOptions(node);
  const input = g.value(node.in(0));
  const flags = o.padding === Padding.SAME ? g.C.nodeFlags.tensorflowSamePadding : 0;
  g.withActivation(o.activation, node.output(0), (out, min, max) => {
    if (o.filterH === 1 && o.filterW === 1 && o.strideH === 1 && o.strideW === 1) {
      g.subgraph.defineUnary(g.C.unary.clamp, input, out, { min, max });
    } else if (node.op === 'AVERAGE_POOL_2D') {
      const pool = (x: number, y: number) => g.subgraph.defineAveragePooling2d(0, 0, 0, 0, o.filterH, o.filterW, o.strideH, o.strideW, min, max, x, y, flags);
      // XNNPACK has no int8/uint8 average pooling at this version: pool in float between conversions.
      if (domainOf(node.in(0), g.statics) === 'float32') pool(input, out);
      else g.floatIsland(input, node.in(0).shape, out, node.output(0).shape, pool);
    } else {
      g.subgraph.defineMaxPooling2d(0, 0, 0, 0, o.filterH, o.filterW, o.strideH, o.strideW, 1, 1, min, max, input, out, flags);
    }
  });
}

function check(node: Node, statics: StaticValues): Reason {
  return first(
    () => checkPooling(node, statics, xnnpackOperands(node, statics)),
    () => {
      const o = poolOptions(node);
      const [, height, width] = node.in(0).shape;
      return o.filterH > height || o.filterW > width ? `filter size (got ${o.filterH}x${o.filterW}, expected at most the input's ${height}x${width} on XNNPACK)` : undefined;
    },
  );
}

export const pooling: XnnpackLowering = { check, lower, clampsOutput: true };
