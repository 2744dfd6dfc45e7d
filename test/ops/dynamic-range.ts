// Dynamic-range ("hybrid") models: float activations, int8 weights, run on
// XNNPACK's dynamically quantized (qd8) kernels, compared with LiteRT.js on
// the same file. Activations are quantized at run time on both sides, with
// possibly different rounding, so the tolerance is a fraction of the output
// scale rather than bit equality.
import t from 'tap';
import { writeModel, type TensorSpec } from '../../lib/model/writer';
import { conv2d, fullyConnected } from '../helpers/options';
import { expectParity, weights } from '../helpers/op-model';

function int8PerChannel(w: Float32Array, channels: number): { data: Int8Array; scales: number[] } {
  const inner = w.length / channels;
  const scales = Array.from({ length: channels }, (_, c) => Math.max(...Array.from(w.subarray(c * inner, (c + 1) * inner), Math.abs)) / 127 || 1);
  return { data: Int8Array.from(w, (v, i) => Math.round(v / scales[Math.floor(i / inner)])), scales };
}

function hybridModel(op: 'FULLY_CONNECTED' | 'CONV_2D', inputShape: number[], weightShape: number[], outputShape: number[]): Uint8Array {
  const w = int8PerChannel(weights(weightShape, 4), weightShape[0]);
  const tensors: TensorSpec[] = [
    { name: 'x', shape: inputShape },
    { name: 'w', shape: weightShape, dtype: 'int8', data: w.data, quantization: { scale: w.scales, zeroPoint: w.scales.map(() => 0), quantizedDimension: 0 } },
    { name: 'b', shape: [weightShape[0]], data: weights([weightShape[0]], 6) },
    { name: 'y', shape: outputShape },
  ];
  return writeModel({
    subgraphs: [{ tensors, inputs: [0], outputs: [3], operators: [{ op, inputs: [0, 1, 2], outputs: [3], options: op === 'CONV_2D' ? conv2d() : fullyConnected() }] }],
  });
}

t.test('FULLY_CONNECTED with int8 weights and float activations', (t) => expectParity(t, hybridModel('FULLY_CONNECTED', [3, 32], [10, 32], [3, 10]), 2e-2));
t.test('CONV_2D with int8 weights and float activations', (t) => expectParity(t, hybridModel('CONV_2D', [1, 8, 8, 6], [4, 3, 3, 6], [1, 8, 8, 4]), 2e-2));
