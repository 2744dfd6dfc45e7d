// RESIZE_BILINEAR as TFLite defines it: to a constant size, one of three sampling conventions.
import { BuiltinOptions, OptionSlot } from '../../model/schema';
import { arity, constant, first, rank, type OperandCheck, type Reason } from '../checks';
import type { Node } from '../node';
import type { StaticValues } from '../static-values';

export function resizeOptions(node: Node) {
  const o = node.options;
  return {
    alignCorners: o ? o.bool(OptionSlot.ResizeBilinear.alignCorners, 'align_corners') : false,
    halfPixelCenters: o ? o.bool(OptionSlot.ResizeBilinear.halfPixelCenters, 'half_pixel_centers') : false,
  };
}

export function checkResizeBilinear(node: Node, statics: StaticValues, operands: OperandCheck): Reason {
  return first(
    () => arity(node, 2, 2, 1),
    () => (node.options && node.def.optionsType !== BuiltinOptions.ResizeBilinearOptions
      ? `options type (got ${node.def.optionsType}, expected ResizeBilinearOptions)` : undefined),
    () => operands({ activations: [0] }),
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
