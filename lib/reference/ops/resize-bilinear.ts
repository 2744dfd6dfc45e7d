// RESIZE_BILINEAR on int16 (input and output share their quantization, as TFLite requires).
import { first } from '../../core/checks';
import type { Node } from '../../core/node';
import { resizeOptions, checkResizeBilinear } from '../../core/operators/resize-bilinear';
import type { ReferenceEncoding } from '../encoding';
import { int16x8Operands } from '../int16x8-operands';
import type { ProgramBuilder } from '../program-builder';
import { sameScaleAsOutput } from './element-types';

/**
 * TFLite's integer resize scale: input size per output step in 1/1024
 * units, rounded ((in - 1) / (out - 1) with align_corners). Its int16 kernel
 * samples on this grid, so ours does too, to give the same numbers.
 */
function scale1024(inSize: number, outSize: number, alignCorners: boolean): number {
  const [from, to] = alignCorners && outSize > 1 ? [inSize - 1, outSize - 1] : [inSize, outSize];
  return Math.floor((1024 * from + Math.floor(to / 2)) / to);
}

function encode(b: ProgramBuilder, node: Node): void {
  const [n, h, w, c] = node.in(0).shape;
  const [, oh, ow] = node.output(0).shape;
  const o = resizeOptions(node);
  b.call(node, 'resize_bilinear_s16', [b.tensor(node.in(0))], [b.tensor(node.output(0))],
    [n, h, w, c, oh, ow, scale1024(h, oh, o.alignCorners), scale1024(w, ow, o.alignCorners), o.halfPixelCenters ? 1 : 0]);
}

export const resizeBilinearReference: ReferenceEncoding = {
  check: (node, statics) => first(() => checkResizeBilinear(node, statics, int16x8Operands(node, statics)), () => sameScaleAsOutput(node)),
  encode,
};
