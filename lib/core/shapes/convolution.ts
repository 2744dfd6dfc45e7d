// Shape rules of convolutions and matrix products: NHWC images, OHWI filters
// (1HWO for depthwise), [units, depth] fully-connected weights.
import { OptionSlot, Padding } from '../../model/schema';
import type { Node } from '../node';
import { convolutionOptions } from '../operators/convolution';
import { fullyConnectedOptions } from '../operators/fully-connected';
import { mediapipeParams } from '../operators/transpose-conv';
import { outputSize } from '../padding';
import type { ShapeRule } from '../shape-rule';
import type { StaticValues } from '../static-values';
import { constantIntegers } from '../constant-operands';
import { elementsOf, rankReason, type Shapes } from './common';

/** CONV_2D and DEPTHWISE_CONV_2D: [batch, out height, out width, filter output channels]. */
export const convolutionShape: ShapeRule = (node: Node): Shapes => {
  const [input, filter] = [node.in(0), node.in(1)];
  const rank = rankReason(input, 4, 'input') ?? rankReason(filter, 4, 'filter');
  if (rank) return rank;
  const [n, h, w, c] = input.shape;
  const [o, kernelH, kernelW, filterChannels] = filter.shape;
  let outputChannels: number;
  if (node.op === 'DEPTHWISE_CONV_2D') {
    outputChannels = filterChannels;
    if (c === 0 || filterChannels % c !== 0) return `input channels (got ${c}, expected a divisor of the filter's ${filterChannels} channels)`;
  } else {
    outputChannels = o;
    if (filterChannels === 0 || c % filterChannels !== 0 || o % (c / filterChannels) !== 0) {
      return `input channels (got ${c}, expected a multiple of the filter's ${filterChannels} input channels, in groups that divide its ${o} output channels)`;
    }
  }
  const opts = convolutionOptions(node);
  const outH = outputSize(opts.padding, h, kernelH, opts.strideH, opts.dilationH);
  const outW = outputSize(opts.padding, w, kernelW, opts.strideW, opts.dilationW);
  if (!(outH >= 1 && outW >= 1)) return `input height and width (got ${h} x ${w}, expected at least the dilated ${kernelH} x ${kernelW} filter with VALID padding)`;
  return [[n, outH, outW, outputChannels]];
};

/** TRANSPOSE_CONV: the output shape is its constant input 0, output_shape. */
export const transposeConvolutionShape: ShapeRule = (node: Node, statics: StaticValues): Shapes => {
  const [filter, input] = [node.in(1), node.in(2)];
  const rank = rankReason(input, 4, 'input') ?? rankReason(filter, 4, 'filter');
  if (rank) return rank;
  const shape = constantIntegers(node, 0, 'output_shape', statics, ['int32']);
  if (typeof shape === 'string') return shape;
  if (shape.length !== 4 || shape.some((d) => !(d >= 0))) return `output_shape (got [${shape}], expected 4 sizes)`;
  if (input.shape[3] !== filter.shape[3]) return `input channels (got ${input.shape[3]}, expected the filter's ${filter.shape[3]})`;
  if (input.shape[0] !== shape[0]) return `input batch (got ${input.shape[0]}, expected ${shape[0]} as the constant output_shape [${shape}] says)`;
  return [shape];
};

/** MediaPipe's Convolution2DTransposeBias: the output size follows from the input, stride and padding. */
export const mediapipeTransposeConvolutionShape: ShapeRule = (node: Node): Shapes => {
  const [input, filter] = [node.in(0), node.in(1)];
  const rank = rankReason(input, 4, 'input') ?? rankReason(filter, 4, 'filter');
  if (rank) return rank;
  const p = mediapipeParams(node);
  if (!p) return `custom options (got ${node.def.customOptions?.length ?? 0} bytes, expected 12: padding, stride_w, stride_h)`;
  if (!(p.strideH >= 1 && p.strideW >= 1)) return `strides (got ${p.strideH} x ${p.strideW}, expected at least 1)`;
  const [n, h, w, c] = input.shape;
  const [o, kernelH, kernelW, filterChannels] = filter.shape;
  if (c !== filterChannels) return `input channels (got ${c}, expected the filter's ${filterChannels})`;
  const size = (inSize: number, kernel: number, stride: number) => {
    const padding = p.padding === Padding.SAME ? Math.max(0, kernel - ((inSize - 1) % stride) - 1) : 0;
    return stride * (inSize - 1) + kernel - padding;
  };
  return [[n, size(h, kernelH, p.strideH), size(w, kernelW, p.strideW), o]];
};

/** FULLY_CONNECTED: [rows, units], or the input's leading dimensions and units with keep_num_dims. */
export const fullyConnectedShape: ShapeRule = (node: Node): Shapes => {
  const [input, weights] = [node.in(0), node.in(1)];
  const rank = rankReason(weights, 2, 'weights');
  if (rank) return rank;
  const [units, depth] = weights.shape;
  const x = input.shape;
  if (fullyConnectedOptions(node).keepNumDims) {
    const last = x[x.length - 1];
    return last === depth ? [[...x.slice(0, -1), units]] : `input's last dimension (got ${last ?? 'none'}, expected the weights' depth ${depth})`;
  }
  const elements = elementsOf(x);
  if (x.length === 0 || depth === 0 || elements % depth !== 0) return `input elements (got ${elements} in [${x}], expected a multiple of the weights' depth ${depth})`;
  return [[elements / depth, units]];
};

/** BATCH_MATMUL: broadcast batch dimensions, then rows of the first operand by columns of the second (adj_x, adj_y transpose them). */
export const batchMatmulShape: ShapeRule = (node: Node): Shapes => {
  const [a, b] = [node.in(0).shape, node.in(1).shape];
  for (const [s, what] of [[a, 'input 0'], [b, 'input 1']] as const) {
    if (s.length < 2 || s.length > 5) return `${what} rank (got ${s.length}, expected 2 to 5)`;
  }
  const o = node.options;
  const adjX = o ? o.bool(OptionSlot.BatchMatMul.adjX, 'adj_x') : false;
  const adjY = o ? o.bool(OptionSlot.BatchMatMul.adjY, 'adj_y') : false;
  const rank = Math.max(a.length, b.length);
  const x = [...new Array<number>(rank - a.length).fill(1), ...a];
  const y = [...new Array<number>(rank - b.length).fill(1), ...b];
  const out: number[] = [];
  for (let i = 0; i < rank - 2; i++) {
    if (x[i] !== y[i] && x[i] !== 1 && y[i] !== 1) return `batch dimensions (got [${a.slice(0, -2)}] and [${b.slice(0, -2)}], expected dimensions that broadcast)`;
    out.push(x[i] === 1 ? y[i] : x[i]);
  }
  const depthX = adjX ? x[rank - 2] : x[rank - 1];
  const depthY = adjY ? y[rank - 1] : y[rank - 2];
  if (depthX !== depthY) return `inner dimensions (got ${depthX} and ${depthY}, expected them equal)`;
  out.push(adjX ? x[rank - 1] : x[rank - 2], adjY ? y[rank - 2] : y[rank - 1]);
  return [out];
};
