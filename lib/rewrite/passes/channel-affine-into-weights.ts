/**
 * A MUL or ADD by a per-channel (or scalar) constant right after a
 * convolution or fully-connected layer (a batch normalization left unfolded
 * by the converter) folded into that layer's weights and bias: one pass over
 * the activations instead of two.
 *
 * Precondition:
 * - the producer is a CONV_2D, DEPTHWISE_CONV_2D or FULLY_CONNECTED with no fused
 *   activation, float32 (not quantized) input, weights, bias and output, constant
 *   weights and bias (bias [O] or none), weights [O, ...] (1HWO for depthwise), shapes fixed;
 * - its output, no graph output, is read by that MUL or ADD alone, once;
 * - the other operand is a float32 constant holding one value or O values along the
 *   last axis (shape [], [1...], [O] or [1, ..., 1, O]), of rank at most the output's,
 *   so the MUL/ADD's output has the producer's output shape;
 * - the MUL/ADD's fused activation is one XNNPACK clamps to.
 *
 * Rewrite (per output channel o): MUL by m: weights[o] *= m[o], bias[o] *= m[o];
 * ADD of a: bias[o] += a[o]. The producer writes the MUL/ADD's output and takes its
 * fused activation. Results differ from the two-step form by float rounding only.
 */
import { BuiltinOptions, OptionSlot } from '../../model/schema';
import type { OperatorDef, TensorDef } from '../../model/types';
import { convolutionOptions } from '../../core/operators/convolution';
import type { RewriteGraph } from '../graph';
import { clampActivation, conv2dOptions, depthwiseOptions, fixedShape, isFloat, recordOf, sameShape, type RewritePass, type RewriteRecord } from '../pass';
import type { OptionsSpec } from '../../model/writer';

const NAME = 'channel-affine-into-weights';

interface Producer {
  op: OperatorDef;
  weights: TensorDef;
  bias: TensorDef | undefined;
  channels: number;
  /** The options with the fused activation replaced. */
  optionsWith(activation: number): OptionsSpec;
}

function producerOf(graph: RewriteGraph, op: OperatorDef): Producer | undefined {
  if (op.outputs.length !== 1 || op.inputs.length < 2 || op.inputs.length > 3 || op.inputs[0] < 0 || op.inputs[1] < 0) return undefined;
  const input = graph.tensor(op.inputs[0]);
  const weights = graph.tensor(op.inputs[1]);
  const bias = op.inputs[2] === undefined || op.inputs[2] < 0 ? undefined : graph.tensor(op.inputs[2]);
  const output = graph.tensor(op.outputs[0]);
  if (!isFloat(graph, input) || !isFloat(graph, weights) || !isFloat(graph, output) || (bias && !isFloat(graph, bias))) return undefined;
  if (!graph.isConstant(weights) || (bias && !graph.isConstant(bias)) || !fixedShape(output) || output.shape.length === 0) return undefined;
  const channels = output.shape[output.shape.length - 1];
  if (bias && !sameShape(bias.shape, [channels])) return undefined;
  if (op.op === 'CONV_2D' || op.op === 'DEPTHWISE_CONV_2D') {
    const type = op.op === 'CONV_2D' ? BuiltinOptions.Conv2DOptions : BuiltinOptions.DepthwiseConv2DOptions;
    if (op.optionsType !== type || !op.options || weights.shape.length !== 4) return undefined;
    if ((op.op === 'CONV_2D' ? weights.shape[0] : weights.shape[3]) !== channels) return undefined;
    const o = convolutionOptions(graph.node(op));
    if (o.activation !== 0) return undefined;
    const optionsWith = (activation: number) => (op.op === 'CONV_2D' ? conv2dOptions({ ...o, activation }) : depthwiseOptions({ ...o, activation }));
    return { op, weights, bias, channels, optionsWith };
  }
  if (op.op === 'FULLY_CONNECTED') {
    if (op.optionsType !== BuiltinOptions.FullyConnectedOptions || !op.options || weights.shape.length !== 2 || weights.shape[0] !== channels) return undefined;
    const S = OptionSlot.FullyConnected;
    const o = op.options;
    // Shuffled weight formats and hybrid asymmetric inputs concern quantized layers, which are never folded.
    if (o.scalar(S.activation, 'i8', 'fused_activation_function') !== 0 || o.scalar(S.weightsFormat, 'i8', 'weights_format') !== 0) return undefined;
    const keepNumDims = o.bool(S.keepNumDims, 'keep_num_dims');
    const optionsWith = (activation: number): OptionsSpec => ({
      type: BuiltinOptions.FullyConnectedOptions,
      fields: [{ slot: S.activation, kind: 'i8', value: activation }, { slot: S.keepNumDims, kind: 'bool', value: keepNumDims }],
    });
    return { op, weights, bias, channels, optionsWith };
  }
  return undefined;
}

/** The constant's value for each of `channels` channels, if it is one value or one per channel along the last axis. */
function perChannel(graph: RewriteGraph, t: TensorDef, channels: number, outputRank: number): Float32Array | undefined {
  if (!isFloat(graph, t) || !graph.isConstant(t) || !fixedShape(t) || t.shape.length > outputRank) return undefined;
  const leading = t.shape.slice(0, -1);
  const last = t.shape.length === 0 ? 1 : t.shape[t.shape.length - 1];
  if (leading.some((d) => d !== 1) || (last !== 1 && last !== channels)) return undefined;
  const values = graph.float32(t);
  if (!values) return undefined;
  return last === channels ? values : new Float32Array(channels).fill(values[0]);
}

function rewrite(graph: RewriteGraph, p: Producer, affine: OperatorDef, values: Float32Array, activation: number): void {
  const weights = Float32Array.from(graph.float32(p.weights)!);
  const bias = p.bias ? Float32Array.from(graph.float32(p.bias)!) : new Float32Array(p.channels);
  if (affine.op === 'MUL') {
    // Output channel o is weights' axis 0 ([O, ...]) except for depthwise filters ([1, H, W, O]).
    const lastAxis = p.op.op === 'DEPTHWISE_CONV_2D';
    const perChannelSize = weights.length / p.channels;
    for (let k = 0; k < weights.length; k++) weights[k] *= values[lastAxis ? k % p.channels : Math.floor(k / perChannelSize)];
    for (let o = 0; o < p.channels; o++) bias[o] *= values[o];
  } else {
    for (let o = 0; o < p.channels; o++) bias[o] += values[o];
  }
  const output = graph.tensor(affine.outputs[0]);
  const base = `${output.name}/${NAME}`;
  const w = graph.addConstant(`${base}/weights`, p.weights.shape, weights);
  const b = graph.addConstant(`${base}/bias`, [p.channels], bias);
  const folded = graph.operator(p.op.op, [p.op.inputs[0], w.index, b.index], [output.index], p.optionsWith(activation));
  folded.version = p.op.version;
  graph.replace([p.op, affine], [folded]);
}

export const channelAffineIntoWeights: RewritePass = {
  name: NAME,
  description: 'MUL/ADD by a per-channel or scalar constant after a CONV_2D, DEPTHWISE_CONV_2D or FULLY_CONNECTED without activation -> folded into its weights and bias',
  apply(graph: RewriteGraph): RewriteRecord[] {
    const records: RewriteRecord[] = [];
    for (const affine of [...graph.operators]) {
      if ((affine.op !== 'MUL' && affine.op !== 'ADD') || affine.inputs.length !== 2 || affine.outputs.length !== 1) continue;
      const type = affine.op === 'MUL' ? BuiltinOptions.MulOptions : BuiltinOptions.AddOptions;
      const activation = affine.optionsType === type && affine.options ? affine.options.scalar(OptionSlot.Arithmetic.activation, 'i8', 'fused_activation_function') : 0;
      if (!clampActivation(activation) || !isFloat(graph, graph.tensor(affine.outputs[0]))) continue;
      for (const k of [0, 1]) {
        const [x, c] = [affine.inputs[k], affine.inputs[1 - k]];
        if (x < 0 || c < 0 || x === c) continue;
        const producerOp = graph.producer(x);
        const p = producerOp && graph.onlyFeeds(x, affine) ? producerOf(graph, producerOp) : undefined;
        const output = graph.tensor(x);
        if (!p || !sameShape(graph.tensor(affine.outputs[0]).shape, output.shape)) continue;
        const values = perChannel(graph, graph.tensor(c), p.channels, output.shape.length);
        if (!values) continue;
        records.push(recordOf(graph, NAME, [p.op, affine]));
        rewrite(graph, p, affine, values, activation);
        break;
      }
    }
    return records;
  },
};
