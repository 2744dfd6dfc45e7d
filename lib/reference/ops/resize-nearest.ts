// RESIZE_NEAREST_NEIGHBOR of [batch, height, width, channels]: a gather
// whose row and column tables hold the source index TFLite's kernel picks,
// computed in float32 as it computes them (align_corners rounds,
// half_pixel_centers samples at pixel centres).
import { arity, first, type Reason } from '../../core/checks';
import type { Node } from '../../core/node';
import type { StaticValues } from '../../core/static-values';
import { BuiltinOptions, OptionSlot } from '../../model/schema';
import type { ReferenceEncoding } from '../encoding';
import type { ProgramBuilder } from '../program-builder';
import { ALL_TYPES, constantIntegers, dataTypes, elementBytes, oneQuantization, optionsType, outputShape } from './layout-checks';
import { affine, gather, stridesOf, table } from './layout-copy';

/** The 8-, 16- and 32-bit types (TFLite's kernel copies elements of those sizes). */
const TYPES = ALL_TYPES.filter((d) => d !== 'int64');

/** The two flags (false without options); a field outside its table throws a ModelFormatError. */
function flags(node: Node): { alignCorners: boolean; halfPixelCenters: boolean } {
  const o = node.options;
  const S = OptionSlot.ResizeNearestNeighbor;
  return { alignCorners: o ? o.bool(S.alignCorners, 'align_corners') : false, halfPixelCenters: o ? o.bool(S.halfPixelCenters, 'half_pixel_centers') : false };
}

/** The source index of output index `i` (TFLite's GetNearestNeighbor, in float32). */
export function nearest(i: number, inSize: number, outSize: number, alignCorners: boolean, halfPixelCenters: boolean): number {
  const f = Math.fround;
  const scale = alignCorners && outSize > 1 ? f(f(inSize - 1) / f(outSize - 1)) : f(f(inSize) / f(outSize));
  const at = f(f(i + (halfPixelCenters ? 0.5 : 0)) * scale);
  // at >= 0, so rounding half up is rounding half away from zero.
  const picked = Math.min(alignCorners ? Math.round(at) : Math.floor(at), inSize - 1);
  return halfPixelCenters ? Math.max(0, picked) : picked;
}

function check(node: Node, statics: StaticValues): Reason {
  return first(
    () => arity(node, 2, 2, 1),
    () => optionsType(node, BuiltinOptions.ResizeNearestNeighborOptions, 'ResizeNearestNeighborOptions'),
    // Read here, so that a damaged table is refused when the model loads rather than when a session is made.
    () => {
      flags(node);
      return undefined;
    },
    () => dataTypes(node, statics, [0], TYPES),
    () => oneQuantization(node, statics, [0]),
    () => (node.in(0).shape.length === 4 ? undefined : `input rank (got ${node.in(0).shape.length}, expected 4)`),
    () => {
      const size = constantIntegers(node, 1, 'size', statics, ['int32']);
      if (typeof size === 'string') return size;
      if (node.in(1).shape.length !== 1 || size.length !== 2 || size.some((s) => !(s >= 1))) return `size (got [${size}], expected 2 values of at least 1)`;
      const [n, , , c] = node.in(0).shape;
      return outputShape(node, 0, [n, size[0], size[1], c]);
    },
  );
}

function encode(b: ProgramBuilder, node: Node): void {
  const [n, h, w, c] = node.in(0).shape;
  const [, oh, ow] = node.output(0).shape;
  const { alignCorners, halfPixelCenters } = flags(node);
  const s = stridesOf(node.in(0).shape);
  const rows = Array.from({ length: oh }, (_, y) => nearest(y, h, oh, alignCorners, halfPixelCenters) * s[1]);
  const columns = Array.from({ length: ow }, (_, x) => nearest(x, w, ow, alignCorners, halfPixelCenters) * s[2]);
  gather(b, node, node.in(0), node.output(0), [affine(n, 0, s[0]), table(rows), table(columns), affine(c, 0, 1)], elementBytes(node.in(0), b.statics));
}

export const resizeNearestReference: ReferenceEncoding = { check, encode };
