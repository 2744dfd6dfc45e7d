// Quantized (int8/uint8) operators, TFLite's scheme: float input -> QUANTIZE
// -> the operator on int8/uint8 -> DEQUANTIZE -> float output, compared with
// LiteRT.js on the same file. Both run XNNPACK's integer kernels, so results
// agree to within one step of the output's quantization (its scale).
import t, { type Test } from 'tap';
import type { Quantization } from '../../lib/model/types';
import { writeModel, type OperatorSpec, type OptionsSpec, type TensorSpec } from '../../lib/model/writer';
import { loadModel } from '../../lib/index';
import { deterministicInput } from '../helpers/compare';
import { runReference } from '../helpers/litert';
import * as o from '../helpers/options';
import { arithmetic, concatenation, conv2d, depthwise, fullyConnected, pool, reshape } from '../helpers/options';
import { BuiltinOptions } from '../../lib/model/schema';
import { i32, weights } from '../helpers/op-model';
import { symmetricInt8 } from '../../lib/core/symmetric-int8';

const q = (scale: number, zeroPoint = 0): Quantization => ({ scale: [scale], zeroPoint: [zeroPoint], quantizedDimension: 0 });

interface QuantizedCase {
  op: string;
  /** Float inputs of the graph, each quantized to int8 with `inputQuant` before the operator. */
  inputs: { shape: number[]; quant: Quantization }[];
  /** Constant operands appended after the quantized inputs. */
  constants?: TensorSpec[];
  output: { shape: number[]; quant: Quantization };
  options?: OptionsSpec;
  dtype?: 'int8' | 'uint8';
}

function quantizedModel(c: QuantizedCase): Uint8Array {
  const dtype = c.dtype ?? 'int8';
  const tensors: TensorSpec[] = [];
  const operators: OperatorSpec[] = [];
  const graphInputs: number[] = [];
  const opInputs: number[] = [];
  c.inputs.forEach((input, k) => {
    tensors.push({ name: `x${k}`, shape: input.shape });
    graphInputs.push(tensors.length - 1);
    tensors.push({ name: `x${k}_q`, shape: input.shape, dtype, quantization: input.quant });
    operators.push({ op: 'QUANTIZE', inputs: [tensors.length - 2], outputs: [tensors.length - 1] });
    opInputs.push(tensors.length - 1);
  });
  for (const constant of c.constants ?? []) {
    tensors.push(constant);
    opInputs.push(tensors.length - 1);
  }
  tensors.push({ name: 'y_q', shape: c.output.shape, dtype, quantization: c.output.quant });
  operators.push({ op: c.op, inputs: opInputs, outputs: [tensors.length - 1], options: c.options });
  tensors.push({ name: 'y', shape: c.output.shape });
  operators.push({ op: 'DEQUANTIZE', inputs: [tensors.length - 2], outputs: [tensors.length - 1] });
  return writeModel({ subgraphs: [{ tensors, inputs: graphInputs, outputs: [tensors.length - 1], operators }] });
}

async function expectWithinOneStep(t: Test, c: QuantizedCase): Promise<void> {
  const bytes = quantizedModel(c);
  const model = await loadModel(bytes);
  t.teardown(() => model.dispose());
  const session = await model.createSession({ threads: 1 });
  const inputs = c.inputs.map((input, k) => deterministicInput(input.shape.reduce((a, b) => a * b, 1), -1.5, 1.5, k + 2));
  const ours = (await session.run(Object.fromEntries(model.inputs.map((info, k) => [info.name, inputs[k]])))).y;
  const [reference] = await runReference(bytes, inputs);
  const step = c.output.quant.scale[0];
  let worst = 0;
  for (let i = 0; i < reference.length; i++) worst = Math.max(worst, Math.abs(ours[i] - reference[i]));
  t.equal(ours.length, reference.length);
  t.ok(worst <= step * 1.001, `max |diff| ${worst.toExponential(2)} within one quantization step ${step.toExponential(2)}`);
  t.ok(reference.some((v) => v !== 0), 'the reference output is not trivial');
}

t.test('CONV_2D int8, per-channel weights and bias, RELU', async (t) => {
  const filterShape = [6, 3, 3, 4];
  const w = symmetricInt8(weights(filterShape), filterShape, 0);
  const inScale = 3 / 255;
  await expectWithinOneStep(t, {
    op: 'CONV_2D',
    inputs: [{ shape: [1, 8, 8, 4], quant: q(inScale, -1) }],
    constants: [
      { name: 'w', shape: filterShape, dtype: 'int8', data: w.data, quantization: { scale: w.scales, zeroPoint: w.scales.map(() => 0), quantizedDimension: 0 } },
      { name: 'b', shape: [6], dtype: 'int32', data: Int32Array.from(weights([6], 5), (v, c) => Math.round(v / (inScale * w.scales[c]))), quantization: { scale: w.scales.map((s) => s * inScale), zeroPoint: w.scales.map(() => 0), quantizedDimension: 0 } },
    ],
    output: { shape: [1, 8, 8, 6], quant: q(0.02, -128) },
    options: conv2d({ activation: 'RELU' }),
  });
});

t.test('DEPTHWISE_CONV_2D int8, per-channel weights (axis 3)', async (t) => {
  const filterShape = [1, 3, 3, 5];
  const w = symmetricInt8(weights(filterShape), filterShape, 3);
  const inScale = 3 / 255;
  await expectWithinOneStep(t, {
    op: 'DEPTHWISE_CONV_2D',
    inputs: [{ shape: [1, 7, 7, 5], quant: q(inScale, 0) }],
    constants: [
      { name: 'w', shape: filterShape, dtype: 'int8', data: w.data, quantization: { scale: w.scales, zeroPoint: w.scales.map(() => 0), quantizedDimension: 3 } },
      { name: 'b', shape: [5], dtype: 'int32', data: new Int32Array(5), quantization: { scale: w.scales.map((s) => s * inScale), zeroPoint: w.scales.map(() => 0), quantizedDimension: 0 } },
    ],
    output: { shape: [1, 7, 7, 5], quant: q(0.015, 3) },
    options: depthwise({ stride: [1, 1] }),
  });
});

t.test('FULLY_CONNECTED int8, per-tensor weights', async (t) => {
  const w = symmetricInt8(weights([7, 12]), [7, 12], undefined);
  const inScale = 3 / 255;
  await expectWithinOneStep(t, {
    op: 'FULLY_CONNECTED',
    inputs: [{ shape: [2, 12], quant: q(inScale, 5) }],
    constants: [
      { name: 'w', shape: [7, 12], dtype: 'int8', data: w.data, quantization: q(w.scales[0]) },
      { name: 'b', shape: [7], dtype: 'int32', data: Int32Array.from(weights([7], 3), (v) => Math.round(v / (inScale * w.scales[0]))), quantization: q(inScale * w.scales[0]) },
    ],
    output: { shape: [2, 7], quant: q(0.03, -10) },
    options: fullyConnected(),
  });
});

t.test('ADD and MUL int8 with different input scales', async (t) => {
  for (const op of ['ADD', 'MUL'] as const) {
    await t.test(op, (t) => expectWithinOneStep(t, {
      op,
      inputs: [{ shape: [1, 4, 4, 3], quant: q(3 / 255, -3) }, { shape: [1, 4, 4, 3], quant: q(3 / 200, 10) }],
      output: { shape: [1, 4, 4, 3], quant: q(op === 'ADD' ? 6 / 255 : 2.5 / 255, 0) },
      options: arithmetic(op),
    }));
  }
});

t.test('MAX_POOL_2D, RESHAPE, CONCATENATION and LOGISTIC int8', async (t) => {
  const same = q(3 / 255, -2);
  await t.test('MAX_POOL_2D', (t) => expectWithinOneStep(t, {
    op: 'MAX_POOL_2D', inputs: [{ shape: [1, 6, 6, 2], quant: same }], output: { shape: [1, 3, 3, 2], quant: same },
    options: pool({ filter: [2, 2], stride: [2, 2], padding: 'VALID' }),
  }));
  await t.test('RESHAPE', (t) => expectWithinOneStep(t, {
    op: 'RESHAPE', inputs: [{ shape: [1, 4, 6], quant: same }], output: { shape: [1, 24], quant: same }, options: reshape([1, 24]),
  }));
  await t.test('CONCATENATION', (t) => expectWithinOneStep(t, {
    op: 'CONCATENATION', inputs: [{ shape: [1, 3, 2], quant: same }, { shape: [1, 3, 5], quant: same }], output: { shape: [1, 3, 7], quant: same }, options: concatenation(2),
  }));
  await t.test('LOGISTIC', (t) => expectWithinOneStep(t, {
    op: 'LOGISTIC', inputs: [{ shape: [2, 10], quant: same }], output: { shape: [2, 10], quant: q(1 / 256, -128) },
  }));
});

t.test('CONV_2D uint8 (legacy asymmetric models)', async (t) => {
  const filterShape = [4, 3, 3, 3];
  const raw = weights(filterShape);
  const wScale = 1 / 255;
  const inScale = 3 / 255;
  await expectWithinOneStep(t, {
    op: 'CONV_2D',
    dtype: 'uint8',
    inputs: [{ shape: [1, 6, 6, 3], quant: q(inScale, 128) }],
    constants: [
      { name: 'w', shape: filterShape, dtype: 'uint8', data: Uint8Array.from(raw, (v) => Math.max(0, Math.min(255, Math.round(v / wScale) + 128))), quantization: q(wScale, 128) },
      { name: 'b', shape: [4], dtype: 'int32', data: new Int32Array(4), quantization: q(inScale * wScale) },
    ],
    output: { shape: [1, 6, 6, 4], quant: q(0.02, 120) },
    options: conv2d(),
  });
});

t.test('int8 inputs and outputs are Int8Array, with their scale and zero point reported', async (t) => {
  const filterShape = [2, 1, 1, 3];
  const w = symmetricInt8(weights(filterShape), filterShape, 0);
  const bytes = writeModel({
    subgraphs: [{
      tensors: [
        { name: 'x', shape: [1, 2, 2, 3], dtype: 'int8', quantization: q(0.05, 4) },
        { name: 'w', shape: filterShape, dtype: 'int8', data: w.data, quantization: { scale: w.scales, zeroPoint: [0, 0], quantizedDimension: 0 } },
        { name: 'b', shape: [2], dtype: 'int32', data: new Int32Array(2), quantization: { scale: w.scales.map((s) => s * 0.05), zeroPoint: [0, 0], quantizedDimension: 0 } },
        { name: 'y', shape: [1, 2, 2, 2], dtype: 'int8', quantization: q(0.04, -5) },
      ],
      inputs: [0],
      outputs: [3],
      operators: [{ op: 'CONV_2D', inputs: [0, 1, 2], outputs: [3], options: conv2d() }],
    }],
  });
  const model = await loadModel(bytes);
  t.teardown(() => model.dispose());
  t.same(model.inputs[0].quantization, { scale: [Math.fround(0.05)], zeroPoint: [4], quantizedDimension: 0 }, 'scales are float32 in the file');
  t.equal(model.outputs[0].dtype, 'int8');
  const session = await model.createSession({ threads: 1 });
  const x = Int8Array.from({ length: 12 }, (_, i) => (i * 37) % 200 - 100);
  const ours = (await session.run<Int8Array>({ x })).y;
  t.type(ours, Int8Array);
  // LiteRT.js takes no int8 inputs: run the same operator wrapped in QUANTIZE/DEQUANTIZE there, and requantize.
  const wrapped = quantizedModel({
    op: 'CONV_2D',
    inputs: [{ shape: [1, 2, 2, 3], quant: q(0.05, 4) }],
    constants: [
      { name: 'w', shape: filterShape, dtype: 'int8', data: w.data, quantization: { scale: w.scales, zeroPoint: [0, 0], quantizedDimension: 0 } },
      { name: 'b', shape: [2], dtype: 'int32', data: new Int32Array(2), quantization: { scale: w.scales.map((s) => s * 0.05), zeroPoint: [0, 0], quantizedDimension: 0 } },
    ],
    output: { shape: [1, 2, 2, 2], quant: q(0.04, -5) },
    options: conv2d(),
  });
  const [reference] = await runReference(wrapped, [Float32Array.from(x, (v) => Math.fround(0.05) * (v - 4))]);
  const expected = Array.from(reference, (v) => Math.round(v / Math.fround(0.04)) - 5);
  t.ok(Array.from(ours).every((v, i) => Math.abs(v - expected[i]) <= 1), `int8 outputs within one step: ${Array.from(ours)} vs ${expected}`);
  t.throws(() => session.runSync({ x: new Float32Array(12) }), { message: 'Expected an Int8Array of 12 values for input "x" but received Float32Array(12)' });
});

t.test('more operators on int8', async (t) => {
  const same = q(3 / 255, -2);
  const idx = (arg: ReturnType<typeof i32>): TensorSpec => ({ name: 'idx', shape: arg.shape, dtype: 'int32', data: arg.data });
  const cases: Array<[string, QuantizedCase]> = [
    ['HARD_SWISH', { op: 'HARD_SWISH', inputs: [{ shape: [2, 16], quant: same }], output: { shape: [2, 16], quant: q(2 / 255, -60) }, options: o.empty(BuiltinOptions.HardSwishOptions) }],
    ['LEAKY_RELU', { op: 'LEAKY_RELU', inputs: [{ shape: [2, 16], quant: same }], output: { shape: [2, 16], quant: q(2 / 255, -20) }, options: o.leakyRelu(0.2) }],
    ['TANH', { op: 'TANH', inputs: [{ shape: [2, 16], quant: same }], output: { shape: [2, 16], quant: q(1 / 128, 0) } }],
    ['MAXIMUM', { op: 'MAXIMUM', inputs: [{ shape: [1, 4, 3], quant: same }, { shape: [1, 4, 3], quant: same }], output: { shape: [1, 4, 3], quant: same }, options: o.empty(BuiltinOptions.MaximumMinimumOptions) }],
    ['MINIMUM', { op: 'MINIMUM', inputs: [{ shape: [1, 4, 3], quant: same }, { shape: [1, 4, 3], quant: same }], output: { shape: [1, 4, 3], quant: same }, options: o.empty(BuiltinOptions.MaximumMinimumOptions) }],
    ['RESIZE_BILINEAR', { op: 'RESIZE_BILINEAR', inputs: [{ shape: [1, 3, 3, 2], quant: same }], constants: [idx(i32([6, 6]))], output: { shape: [1, 6, 6, 2], quant: same }, options: o.resizeBilinear({ halfPixelCenters: true }) }],
    ['DEPTH_TO_SPACE', { op: 'DEPTH_TO_SPACE', inputs: [{ shape: [1, 2, 2, 8], quant: same }], output: { shape: [1, 4, 4, 2], quant: same }, options: o.blockSize('DEPTH_TO_SPACE', 2) }],
    ['TRANSPOSE', { op: 'TRANSPOSE', inputs: [{ shape: [2, 3, 4], quant: same }], constants: [idx(i32([2, 0, 1]))], output: { shape: [4, 2, 3], quant: same } }],
    ['SLICE', { op: 'SLICE', inputs: [{ shape: [4, 5], quant: same }], constants: [idx(i32([1, 1])), { ...idx(i32([2, 3])), name: 'size' }], output: { shape: [2, 3], quant: same } }],
    ['PAD', { op: 'PAD', inputs: [{ shape: [1, 3, 3, 2], quant: same }], constants: [{ ...idx(i32([0, 0, 1, 1, 2, 0, 0, 0], [4, 2])) }], output: { shape: [1, 5, 5, 2], quant: same } }],
    ['STRIDED_SLICE', { op: 'STRIDED_SLICE', inputs: [{ shape: [3, 4, 5], quant: same }], constants: [idx(i32([1, 0, 0])), { ...idx(i32([2, 4, 5])), name: 'end' }, { ...idx(i32([1, 1, 1])), name: 'strides' }], output: { shape: [4, 5], quant: same }, options: o.stridedSlice({ shrinkAxisMask: 1 }) }],
    ['SPACE_TO_DEPTH', { op: 'SPACE_TO_DEPTH', inputs: [{ shape: [1, 4, 4, 2], quant: same }], output: { shape: [1, 2, 2, 8], quant: same }, options: o.blockSize('SPACE_TO_DEPTH', 2) }],
    ['RELU6', { op: 'RELU6', inputs: [{ shape: [2, 16], quant: same }], output: { shape: [2, 16], quant: same } }],
    ['SUB', { op: 'SUB', inputs: [{ shape: [1, 4, 3], quant: same }, { shape: [1, 4, 3], quant: q(2 / 255, 7) }], output: { shape: [1, 4, 3], quant: q(5 / 255, 0) }, options: arithmetic('SUB') }],
    ['MEAN', { op: 'MEAN', inputs: [{ shape: [1, 4, 4, 3], quant: same }], constants: [idx(i32([1, 2]))], output: { shape: [1, 1, 1, 3], quant: q(1 / 255, 0) }, options: o.reducer(true) }],
  ];
  for (const [name, c] of cases) await t.test(name, (t) => expectWithinOneStep(t, c));
  // XNNPACK at this version has no int8 kernels for these: xnnlite runs them in float between conversions.
  for (const [name, c] of [
    ['AVERAGE_POOL_2D (float island)', { op: 'AVERAGE_POOL_2D', inputs: [{ shape: [1, 6, 6, 3], quant: same }], output: { shape: [1, 3, 3, 3], quant: same }, options: o.pool({ filter: [2, 2], stride: [2, 2], padding: 'VALID' }) }],
    ['AVERAGE_POOL_2D SAME with RELU6 (float island)', { op: 'AVERAGE_POOL_2D', inputs: [{ shape: [1, 7, 7, 3], quant: same }], output: { shape: [1, 4, 4, 3], quant: same }, options: o.pool({ filter: [3, 3], stride: [2, 2], padding: 'SAME', activation: 'RELU6' }) }],
    ['SOFTMAX (float island)', { op: 'SOFTMAX', inputs: [{ shape: [2, 10], quant: same }], output: { shape: [2, 10], quant: q(1 / 256, -128) }, options: o.softmax(1) }],
    ['SOFTMAX beta 0.5 (float island)', { op: 'SOFTMAX', inputs: [{ shape: [3, 7], quant: same }], output: { shape: [3, 7], quant: q(1 / 256, -128) }, options: o.softmax(0.5) }],
  ] as const) await t.test(name, (t) => expectWithinOneStep(t, c as unknown as QuantizedCase));
});
