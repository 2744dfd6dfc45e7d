// RESIZE_BILINEAR to a constant size. TFLite's three sampling conventions map
// to XNNPACK flags: align_corners, half_pixel_centers, or neither (legacy).
import { MOVES_VALUES } from '../../core/integer-treatment';
import { BuiltinOptions, OptionSlot } from '../../model/schema';
import { arity, constant, first, operandTypes, rank, type OperandRules, type Reason } from '../checks';
import type { GraphBuilder } from '../builder';
import type { Node } from '../node';
import type { OpFamily } from '../op-family';
import type { StaticValues } from '../static-values';

export function resizeOptions(node: Node) {
  const o = node.options;
  return {
    alignCorners: o ? o.bool(OptionSlot.ResizeBilinear.alignCorners, 'align_corners') : false,
    halfPixelCenters: o ? o.bool(OptionSlot.ResizeBilinear.halfPixelCenters, 'half_pixel_centers') : false,
  };
}

function check(node: Node, statics: StaticValues, rules: OperandRules = 'xnnpack'): Reason {
  return first(
    () => arity(node, 2, 2, 1),
    () => (node.options && node.def.optionsType !== BuiltinOptions.ResizeBilinearOptions
      ? `options type (got ${node.def.optionsType}, expected ResizeBilinearOptions)` : undefined),
    () => operandTypes(node, statics, { activations: [0], quantized: true }, rules),
    () => rank(node.in(0), 4, 'input'),
    () => constant(node.in(1), 'size', statics),
    () => {
      const size = statics.integers(node.in(1)) ?? [];
      if (size.length !== 2 || size.some((s) => !(s >= 1))) return `size (got [${size}], expected two positive integers)`;
      const [n, , , c] = node.in(0).shape;
      const expected = [n, size[0], size[1], c];
      if (expected.join() !== node.output(0).shape.join()) return `output shape (got [${node.output(0).shape}], expected [${expected}])`;
      const o = resizeOptions(node);
      return o.alignCorners && o.halfPixelCenters ? 'align_corners and half_pixel_centers (got both, expected at most one)' : undefined;
    },
  );
}

function lower(g: GraphBuilder, node: Node): void {
  const [height, width] = g.statics.integers(node.in(1))!;
  const o = resizeOptions(node);
  const flags = o.alignCorners ? g.C.nodeFlags.alignCorners : o.halfPixelCenters ? 0 : g.C.nodeFlags.tensorflowLegacyMode;
  g.subgraph.defineStaticResizeBilinear2d(height, width, g.value(node.in(0)), g.value(node.output(0)), flags);
}

export const resizeBilinear: OpFamily = { ops: ['RESIZE_BILINEAR'], check, lower, int8: { RESIZE_BILINEAR: MOVES_VALUES } };
