// RESIZE_BILINEAR to a constant size. TFLite's three sampling conventions map
// to XNNPACK flags: align_corners, half_pixel_centers, or neither (legacy).
import { checkResizeBilinear, resizeOptions } from '../../core/operators/resize-bilinear';
import { xnnpackOperands } from '../operand-types';
import { type Reason } from '../../core/checks';
import type { GraphBuilder } from '../builder';
import type { Node } from '../../core/node';
import type { XnnpackLowering } from '../lowering';
import type { StaticValues } from '../../core/static-values';

function lower(g: GraphBuilder, node: Node): void {
  const [height, width] = g.statics.integers(node.in(1))!;
  const o = resizeOptions(node);
  const flags = o.alignCorners ? g.C.nodeFlags.alignCorners : o.halfPixelCenters ? 0 : g.C.nodeFlags.tensorflowLegacyMode;
  g.subgraph.defineStaticResizeBilinear2d(height, width, g.value(node.in(0)), g.value(node.output(0)), flags);
}

function check(node: Node, statics: StaticValues): Reason {
  return checkResizeBilinear(node, statics, xnnpackOperands(node, statics));
}

export const resizeBilinear: XnnpackLowering = { check, lower };
