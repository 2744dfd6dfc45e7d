// MAX_POOL_2D and AVERAGE_POOL_2D on int16; input and output share their quantization (TFLite requires it).
import { first } from '../../core/checks';
import type { Node } from '../../core/node';
import { poolOptions, checkPooling } from '../../core/operators/pooling';
import { paddingBeforeAfter } from '../../core/padding';
import { Padding } from '../../model/schema';
import type { ReferenceEncoding } from '../encoding';
import { int16x8Operands } from '../int16x8-operands';
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

export const poolingReference: ReferenceEncoding = {
  check: (node, statics) => first(() => checkPooling(node, statics, int16x8Operands(node, statics)), () => sameQuantization(node)),
  encode,
};
