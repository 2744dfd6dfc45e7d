/**
 * A transposed convolution whose kernel equals its stride scatters each
 * input pixel into its own s x s output block, with no overlap: that is a
 * 1x1 convolution to s*s*O channels followed by DEPTH_TO_SPACE(s). XNNPACK
 * runs the pair several times faster than its deconvolution (MediaPipe's
 * selfie segmentation ends in one, 128x128x16 -> 256x256x1).
 *
 * Precondition (TRANSPOSE_CONV, or MediaPipe's custom Convolution2DTransposeBias):
 * - input, filter, bias and output float32, not quantized; filter and bias constant;
 * - input [N, H, W, C], filter [O, s, s, C], bias [O] or none, output [N, H*s, W*s, O], shapes fixed;
 * - stride s along both axes, equal to the kernel's height and width;
 * - TFLite's padding for that output is zero on every side, with no output adjustment;
 * - TRANSPOSE_CONV's output-shape operand is a constant equal to the output's shape;
 * - a fused activation XNNPACK clamps to (NONE, RELU, RELU_N1_TO_1, RELU6).
 *
 * Rewrite: out[n, h*s+i, w*s+j, o] = bias[o] + sum_c in[n, h, w, c] * filter[o, i, j, c],
 * and DEPTH_TO_SPACE (DCR) reads out[n, h*s+i, w*s+j, o] from channel (i*s+j)*O + o,
 * so the 1x1 convolution's filter row (i*s+j)*O + o is filter[o, i, j, :] and its bias
 * bias[o]. The activation is elementwise, so it stays on the convolution. With s = 1
 * the 1x1 convolution is the whole result.
 */
import { BuiltinOptions, OptionSlot, Padding } from '../../model/schema';
import type { OperatorDef } from '../../model/types';
import { transposeConvPadding } from '../../core/padding';
import { mediapipeParams, transposeConvLayout } from '../../core/operators/transpose-conv';
import type { RewriteGraph } from '../graph';
import { clampActivation, conv2dOptions, fixedShape, isFloat, recordOf, sameShape, type RewritePass, type RewriteRecord } from '../pass';

const NAME = 'transposed-conv-to-depth-to-space';

interface Site {
  op: OperatorDef;
  stride: number;
  activation: number;
  input: number;
  filter: number;
  bias: number | undefined;
}

function site(graph: RewriteGraph, op: OperatorDef): Site | undefined {
  if (op.op === 'TRANSPOSE_CONV') {
    if (op.optionsType !== BuiltinOptions.TransposeConvOptions || !op.options || op.inputs.length < 3 || op.inputs.length > 4) return undefined;
  } else if (op.op === 'Convolution2DTransposeBias' && op.customCode !== undefined) {
    if (op.inputs.length !== 3 || !mediapipeParams(graph.node(op))) return undefined;
  } else {
    return undefined;
  }
  if (op.outputs.length !== 1) return undefined;
  const node = graph.node(op);
  const l = transposeConvLayout(node);
  const input = node.input(l.input);
  const filter = node.input(l.filter);
  const bias = node.input(l.bias);
  const output = node.output(0);
  if (!isFloat(graph, input) || !isFloat(graph, filter) || !isFloat(graph, output) || (bias && !isFloat(graph, bias))) return undefined;
  if (!graph.isConstant(filter) || (bias && !graph.isConstant(bias))) return undefined;
  if (![input, filter, output].every(fixedShape) || input.shape.length !== 4 || filter.shape.length !== 4 || output.shape.length !== 4) return undefined;
  const [n, h, w, c] = input.shape;
  const [o, kh, kw, fc] = filter.shape;
  const s = l.strideH;
  if (l.strideW !== s || kh !== s || kw !== s || s < 1 || fc !== c) return undefined;
  if (!sameShape(output.shape, [n, h * s, w * s, o]) || (bias && !sameShape(bias.shape, [o]))) return undefined;
  if (l.padding !== Padding.SAME && l.padding !== Padding.VALID) return undefined;
  for (const [inSize, outSize] of [[h, h * s], [w, w * s]]) {
    const p = transposeConvPadding(l.padding, inSize, outSize, s, s);
    if (p.before !== 0 || p.after !== 0 || p.adjustment !== 0) return undefined;
  }
  if (l.outputShape !== undefined) {
    const shapeOperand = node.input(l.outputShape);
    const wanted = shapeOperand && graph.isConstant(shapeOperand) ? graph.integers(shapeOperand) : undefined;
    if (!wanted || !sameShape(wanted, output.shape)) return undefined;
  }
  if (!clampActivation(l.activation)) return undefined;
  return { op, stride: s, activation: l.activation, input: input.index, filter: filter.index, bias: bias?.index };
}

function rewrite(graph: RewriteGraph, x: Site): void {
  const input = graph.tensor(x.input);
  const filter = graph.float32(graph.tensor(x.filter))!;
  const bias = x.bias === undefined ? undefined : graph.float32(graph.tensor(x.bias))!;
  const output = graph.tensor(x.op.outputs[0]);
  const s = x.stride;
  const [n, h, w, c] = input.shape;
  const o = output.shape[3];
  const channels = s * s * o;
  const weights = new Float32Array(channels * c);
  const biases = new Float32Array(channels);
  for (let i = 0; i < s; i++) {
    for (let j = 0; j < s; j++) {
      for (let oc = 0; oc < o; oc++) {
        const row = (i * s + j) * o + oc;
        weights.set(filter.subarray(((oc * s + i) * s + j) * c, ((oc * s + i) * s + j + 1) * c), row * c);
        biases[row] = bias ? bias[oc] : 0;
      }
    }
  }
  const base = `${output.name}/${NAME}`;
  const w1 = graph.addConstant(`${base}/filter`, [channels, 1, 1, c], weights);
  const b1 = graph.addConstant(`${base}/bias`, [channels], biases);
  const options = conv2dOptions({ padding: Padding.VALID, strideW: 1, strideH: 1, activation: x.activation, dilationW: 1, dilationH: 1 });
  if (s === 1) {
    graph.replace([x.op], [graph.operator('CONV_2D', [input.index, w1.index, b1.index], [output.index], options)]);
    return;
  }
  const blocks = graph.addTensor(`${base}/blocks`, [n, h, w, channels], 'float32');
  graph.replace([x.op], [
    graph.operator('CONV_2D', [input.index, w1.index, b1.index], [blocks.index], options),
    graph.operator('DEPTH_TO_SPACE', [blocks.index], [output.index], {
      type: BuiltinOptions.DepthToSpaceOptions, fields: [{ slot: OptionSlot.BlockSize.blockSize, kind: 'i32', value: s }],
    }),
  ]);
}

export const transposedConvToDepthToSpace: RewritePass = {
  name: NAME,
  description: 'a transposed convolution whose kernel equals its stride (no overlap, no padding) -> 1x1 CONV_2D to s*s*O channels + DEPTH_TO_SPACE(s)',
  apply(graph: RewriteGraph): RewriteRecord[] {
    const records: RewriteRecord[] = [];
    for (const op of [...graph.operators]) {
      const found = site(graph, op);
      if (!found) continue;
      records.push(recordOf(graph, NAME, [op]));
      rewrite(graph, found);
    }
    return records;
  },
};
