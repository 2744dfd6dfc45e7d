import { native } from './native';
import { singlePartitionPlan } from './plan/single-partition';

export interface SelfTestResult {
  /** Always true when the promise resolves; a failure rejects with the reason. */
  ok: true;
  /** What XNNPACK computed for the check graph. */
  output: Float32Array;
  /** Milliseconds spent creating the runtime and running it once. */
  milliseconds: number;
}

const INPUTS = 8;
const OUTPUTS = 4;

function referenceOutput(x: Float32Array, w: Float32Array, b: Float32Array, residual: Float32Array): Float32Array {
  const y = new Float32Array(OUTPUTS);
  for (let o = 0; o < OUTPUTS; o++) {
    let acc = b[o];
    for (let i = 0; i < INPUTS; i++) acc += w[o * INPUTS + i] * x[i];
    y[o] = Math.min(Math.max(acc, 0), 6) + residual[o];
  }
  return y;
}

/**
 * Builds a small XNNPACK graph (fully-connected, ReLU6, add), runs it off the
 * main thread and checks the result against a JavaScript computation. Use it
 * to check an installation, for example on a new machine or a Raspberry Pi.
 *
 * @throws {XnnpackError} if XNNPACK rejects the graph or cannot run on this CPU.
 * @throws {Error} if XNNPACK's result differs from the reference.
 * @example
 * await selfTest(); // resolves { ok: true, ... } or rejects with the reason
 */
export async function selfTest(): Promise<SelfTestResult> {
  const { Subgraph, SessionRuntime, constants: C } = native();
  const started = performance.now();
  const x = Float32Array.from({ length: INPUTS }, (_, i) => (i - 3) * 0.5);
  const w = Float32Array.from({ length: OUTPUTS * INPUTS }, (_, i) => ((i * 7) % 11) / 10 - 0.5);
  const b = Float32Array.from({ length: OUTPUTS }, (_, i) => i * 0.25 - 0.5);
  const residual = Float32Array.from({ length: OUTPUTS }, (_, i) => i);

  const graph = new Subgraph(3);
  try {
    const input = graph.defineTensor(C.datatype.fp32, [1, INPUTS], null, 0, C.valueFlags.externalInput);
    const extra = graph.defineTensor(C.datatype.fp32, [1, OUTPUTS], null, 1, C.valueFlags.externalInput);
    const output = graph.defineTensor(C.datatype.fp32, [1, OUTPUTS], null, 2, C.valueFlags.externalOutput);
    const weights = graph.defineTensor(C.datatype.fp32, [OUTPUTS, INPUTS], w, C.invalidValueId, 0);
    const bias = graph.defineTensor(C.datatype.fp32, [OUTPUTS], b, C.invalidValueId, 0);
    const hidden = graph.defineTensor(C.datatype.fp32, [1, OUTPUTS], null, C.invalidValueId, 0);
    const clamped = graph.defineTensor(C.datatype.fp32, [1, OUTPUTS], null, C.invalidValueId, 0);
    graph.defineFullyConnected(-Infinity, Infinity, input, weights, bias, hidden, 0);
    graph.defineUnary(C.unary.clamp, hidden, clamped, { min: 0, max: 6 });
    graph.defineBinary(C.binary.add, clamped, extra, output, -Infinity, Infinity);
  } catch (err) {
    graph.dispose();
    throw err;
  }
  const f32 = (shape: number[]) => ({ shape, elementBytes: 4 });
  const runtime = await SessionRuntime.create(singlePartitionPlan(graph, [f32([1, INPUTS]), f32([1, OUTPUTS])], [f32([1, OUTPUTS])]), 1, 0);
  try {
    const out = new Float32Array(OUTPUTS);
    await runtime.invokeAsync([x, residual], [out]);
    const expected = referenceOutput(x, w, b, residual);
    for (let i = 0; i < OUTPUTS; i++) {
      if (Math.abs(out[i] - expected[i]) > 1e-5 * Math.max(1, Math.abs(expected[i]))) {
        throw new Error(`xnnlite self-test: output[${i}] is ${out[i]}, expected ${expected[i]}`);
      }
    }
    return { ok: true, output: out, milliseconds: performance.now() - started };
  } finally {
    runtime.dispose();
  }
}
