// SOFTMAX over the last dimension; beta other than 1 scales the input first.
// On int8/uint8 tensors it runs in float between conversions (XNNPACK has no
// quantized softmax at this version).
import { checkSoftmax, softmaxBeta } from '../../core/operators/softmax';
import { xnnpackOperands } from '../operand-types';
import { type Reason } from '../../core/checks';
import type { GraphBuilder } from '../builder';
import type { Node } from '../../core/node';
import type { XnnpackLowering } from '../lowering';
import type { StaticValues } from '../../core/static-values';
import { domainOf } from '../tensor-types';

function lower(g: GraphBuilder, node: Node): void {
  const input = node.in(0);
  const softmaxOf = (x: number, y: number) => {
    let source = x;
    const b = softmaxBeta(node);
    if (b !== 1) {
      source = g.internal(input.shape);
      g.subgraph.defineBinary(g.C.binary.multiply, x, g.constant(new Float32Array([b]), []), source, -Infinity, Infinity);
    }
    g.subgraph.defineSoftmax(source, y, 0);
  };
  // XNNPACK has no int8/uint8 softmax at this version: compute it in float between conversions.
  if (domainOf(input, g.statics) === 'float32') softmaxOf(g.value(input), g.value(node.output(0)));
  else g.floatIsland(g.value(input), input.shape, g.value(node.output(0)), node.output(0).shape, softmaxOf);
}

// SOFTMAX is int8 in the file as TFLite writes it (output scale 1/256, zero point -128); XNNPACK runs it in float between conversions.
function check(node: Node, statics: StaticValues): Reason {
  return checkSoftmax(node, statics, xnnpackOperands(node, statics));
}

export const softmax: XnnpackLowering = { check, lower };
