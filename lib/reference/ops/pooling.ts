// MAX_POOL_2D and AVERAGE_POOL_2D on int16; input and output share their quantization (TFLite requires it).
import { MOVES_VALUES } from '../../core/integer-treatment';
import { first } from '../../graph/checks';
import type { Node } from '../../graph/node';
import { pooling, poolOptions } from '../../graph/ops/pooling';
import { paddingBeforeAfter } from '../../graph/padding';
import { Padding } from '../../model/schema';
import type { ReferenceFamily } from '../family';
import { activationRange, sameQuantization, type ProgramBuilder } from '../program-builder';

function encode(b: ProgramBuilder, node: Node): void {
  const o = poolOptions(node);
  const [n, h, w, c] = node.in(0).shape;
  const [, oh, ow] = node.output(0).shape;
  const pad = (inSize: number, k: number, stride: number, outSize: number) => (o.padding === Padding.SAME ? paddingBeforeAfter(stride, 1, inSize, k, outSize)[0] : 0);
  const [lo, hi] = activationRange(o.activation, node.output(0));
  b.call(node, node.op === 'MAX_POOL_2D' ? 'max_pool_s16' : 'average_pool_s16', [b.tensor(node.in(0))], [b.tensor(node.output(0))],
    [n, h, w, c, oh, ow, o.filterH, o.filterW, o.strideH, o.strideW, pad(h, o.filterH, o.strideH, oh), pad(w, o.filterW, o.strideW, ow), lo, hi]);
}

export const poolingReference: ReferenceFamily = {
  ops: pooling.ops,
  check: (node, statics) => first(() => pooling.check(node, statics, 'int16x8'), () => sameQuantization(node)),
  encode,
  int16x8: { AVERAGE_POOL_2D: MOVES_VALUES, MAX_POOL_2D: MOVES_VALUES },
};
