// MAX_POOL_2D and AVERAGE_POOL_2D on float32, int8, uint8 and int16 (int16x8
// models), any window size (TFLite's window covers in-bounds elements only:
// XNNPACK refuses a window larger than the input). Quantized input and
// output share their quantization (TFLite requires it): the kernels pool
// raw values and clamp to the fused activation's quantized range.
import { first, type OperandCheck } from '../../core/checks';
import type { Node } from '../../core/node';
import { poolOptions, checkPooling } from '../../core/operators/pooling';
import { paddingBeforeAfter } from '../../core/padding';
import type { StaticValues } from '../../core/static-values';
import { Padding } from '../../model/schema';
import { activationBounds } from '../../core/activation-range';
import { elementTypeOf } from '../element-type';
import type { ReferenceEncoding } from '../encoding';
import { int16x8Operands } from '../int16x8-operands';
import { activationRange, type ProgramBuilder } from '../program-builder';
import { dtypeOf, sameScaleAsOutput } from './element-types';

/** Input and output types TFLite's pooling takes: float32; int8 and uint8 per tensor; int16 as int16x8 models have it. */
function poolingOperands(node: Node, statics: StaticValues): OperandCheck {
  return (roles) => {
    const type = dtypeOf(node.in(0), statics);
    const output = dtypeOf(node.output(0), statics);
    if (type !== 'float32' && type !== 'int8' && type !== 'uint8' && type !== 'int16') {
      return `type (got ${type}, expected float32, int8, uint8 or int16 for ${node.op} on the reference kernels)`;
    }
    if (output !== type) return `output type (got ${output}, expected ${type} like the input)`;
    if (type === 'float32') return undefined;
    return first(() => (type === 'int16' ? int16x8Operands(node, statics)(roles) : undefined), () => sameScaleAsOutput(node));
  };
}

function encode(b: ProgramBuilder, node: Node): void {
  const o = poolOptions(node);
  const [n, h, w, c] = node.in(0).shape;
  const [, oh, ow] = node.output(0).shape;
  const pad = (inSize: number, k: number, stride: number, outSize: number) => (o.padding === Padding.SAME ? paddingBeforeAfter(stride, 1, inSize, k, outSize)[0] : 0);
  const type = dtypeOf(node.in(0), b.statics);
  const range = type === 'float32' ? activationBounds(o.activation) : activationRange(o.activation, node.output(0));
  b.call(node, node.op === 'MAX_POOL_2D' ? 'max_pool' : 'average_pool', [b.tensor(node.in(0))], [b.tensor(node.output(0))],
    [elementTypeOf(type)!, n, h, w, c, oh, ow, o.filterH, o.filterW, o.strideH, o.strideW, pad(h, o.filterH, o.strideH, oh), pad(w, o.filterW, o.strideW, ow)], range);
}

export const poolingReference: ReferenceEncoding = {
  check: (node, statics) => checkPooling(node, statics, poolingOperands(node, statics)),
  encode,
};
