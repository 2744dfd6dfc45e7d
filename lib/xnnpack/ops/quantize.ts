// QUANTIZE (float32 to int8/uint8, or requantizing between int8/uint8 scales)
// and DEQUANTIZE (int8/uint8 to float32) of run-time tensors: XNNPACK's convert.
// XNNPACK converts uint8 to int8 (and back) only through float32; with equal
// scales, as TFLite's converter writes for uint8 model edges, that is exact.
// DEQUANTIZE of an FP16 constant is folded into float32 weights at load
// (lib/core/static-values.ts) and runs nothing.
import { arity, first, type Reason } from '../../core/checks';
import type { GraphBuilder } from '../builder';
import type { Node } from '../../core/node';
import type { XnnpackLowering } from '../lowering';
import type { StaticValues } from '../../core/static-values';
import { domainOf } from '../tensor-types';

function check(node: Node, statics: StaticValues): Reason {
  if (node.op === 'DEQUANTIZE' && statics.isFolded(node.def.index)) return undefined;
  return first(
    () => arity(node, 1, 1, 1),
    () => (statics.isStatic(node.in(0))
      ? `input (got a ${statics.get(node.in(0))?.dtype} constant, expected a float16 constant or a tensor computed at run time)` : undefined),
    () => {
      const from = domainOf(node.in(0), statics);
      const to = domainOf(node.output(0), statics);
      if (from !== 'float32' && from !== 'int8' && from !== 'uint8') return from;
      if (to !== 'float32' && to !== 'int8' && to !== 'uint8') return to;
      if (node.op === 'DEQUANTIZE') return to === 'float32' && from !== 'float32' ? undefined : `types (got ${from} to ${to}, expected int8 or uint8 to float32)`;
      return to !== 'float32' ? undefined : `output type (got float32, expected int8 or uint8)`;
    },
  );
}

function lower(g: GraphBuilder, node: Node): void {
  const from = domainOf(node.in(0), g.statics);
  const to = domainOf(node.output(0), g.statics);
  if ((from === 'uint8' && to === 'int8') || (from === 'int8' && to === 'uint8')) {
    const real = g.internal(node.output(0).shape);
    g.subgraph.defineUnary(g.C.unary.convert, g.value(node.in(0)), real);
    g.subgraph.defineUnary(g.C.unary.convert, real, g.value(node.output(0)));
    return;
  }
  g.subgraph.defineUnary(g.C.unary.convert, g.value(node.in(0)), g.value(node.output(0)));
}

export const quantize: XnnpackLowering = { check, lower };
