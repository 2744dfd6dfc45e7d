// Shared by the quantizer tests: a zoo model as the float32 model quantize()
// starts from, running a model once, and the error measure they report.
import fs from 'node:fs';
import { loadModel } from '../../lib/index';
import { readModel } from '../../lib/model/reader';
import { writeModel } from '../../lib/model/writer';
import { floatSpec } from '../../lib/quantize/index';
import { deterministicInput, syntheticImage } from './compare';
import { zooModel } from './zoo';

/**
 * A zoo model with its weights read through DEQUANTIZE/DENSIFY, and
 * deterministic inputs in its input range: `sample` (per-element noise) and
 * `picture` (an image-like scene, see syntheticImage).
 */
export function floatModel(name: string) {
  const zoo = zooModel(name);
  const bytes = writeModel(floatSpec(fs.readFileSync(zoo.file)));
  const info = readModel(bytes).subgraphs[0];
  const input = info.tensors[info.inputs[0]];
  const n = input.shape.reduce((a, b) => a * b, 1);
  const sample = (seed: number) => ({ [input.name]: deterministicInput(n, zoo.inputRange[0], zoo.inputRange[1], seed) });
  const picture = (seed: number) => ({ [input.name]: syntheticImage(input.shape, zoo.inputRange[0], zoo.inputRange[1], seed) });
  return { bytes, inputName: input.name, sample, picture };
}

/** Runs `bytes` once on one thread; outputs in model order. */
export async function runModel(bytes: Uint8Array, inputs: Record<string, ArrayBufferView>): Promise<ArrayBufferView[]> {
  const model = await loadModel(bytes);
  try {
    const session = await model.createSession({ threads: 1 });
    const out = await session.run(inputs as Record<string, Float32Array>);
    return session.outputs.map((o) => out[o.name]);
  } finally {
    model.dispose();
  }
}

/** Mean |a - b| as a fraction of `scale`. */
export function meanError(a: ArrayLike<number>, b: ArrayLike<number>, scale: number): number {
  let sum = 0;
  for (let i = 0; i < b.length; i++) sum += Math.abs(a[i] - b[i]);
  return sum / b.length / Math.max(scale, 1e-9);
}
