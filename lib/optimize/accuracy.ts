/**
 * How far a quantized model's outputs are from its float original on the
 * same inputs: max and mean absolute difference per output and, for
 * classifier-shaped outputs ([1, K] or [K], K > 1), how often both pick the
 * same top-1 class. Integer inputs and outputs are converted with their
 * scale and zero point, so models with int8/uint8 edges compare too.
 */
import type { Session, TensorArray } from '../session';
import type { TensorInfo } from '../tensor-info';
import { realToStored, storedToReal } from '../tensor-values';

export interface OutputGap {
  name: string;
  maxAbs: number;
  meanAbs: number;
  /** Largest |value| of the original's output over the samples: the scale to read the differences against. */
  maxReference: number;
  /** Fraction of samples with the same argmax; undefined for outputs that are not class scores. */
  top1Agreement?: number;
}

const isClassifier = (info: TensorInfo) => {
  const dims = info.shape.filter((d, k) => !(k === 0 && d === 1 && info.shape.length > 1));
  return dims.length === 1 && dims[0] > 1;
};

const argmax = (values: ArrayLike<number>) => {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i] > values[best]) best = i;
  return best;
};

export async function accuracyGap(original: Session, quantized: Session, samples: Iterable<Record<string, Float32Array>>): Promise<{ count: number; outputs: OutputGap[] }> {
  const stats = original.outputs.map((info) => ({ info, max: 0, sum: 0, n: 0, agree: 0, reference: 0 }));
  let count = 0;
  for (const sample of samples) {
    const a = await original.run(sample);
    const b = await quantized.run<TensorArray>(Object.fromEntries(quantized.inputs.map((info) => [info.name, realToStored(info, sample[info.name], `input "${info.name}"`)])));
    for (const s of stats) {
      const expected = a[s.info.name];
      const qInfo = quantized.outputs.find((o) => o.name === s.info.name)!;
      const actual = storedToReal(qInfo, b[s.info.name], `output "${qInfo.name}"`);
      for (let i = 0; i < expected.length; i++) {
        const d = Math.abs(expected[i] - actual[i]);
        if (d > s.max) s.max = d;
        if (Math.abs(expected[i]) > s.reference) s.reference = Math.abs(expected[i]);
        s.sum += d;
      }
      s.n += expected.length;
      if (argmax(expected) === argmax(actual)) s.agree++;
    }
    count++;
  }
  return {
    count,
    outputs: stats.map((s) => ({
      name: s.info.name, maxAbs: s.max, meanAbs: s.sum / Math.max(1, s.n), maxReference: s.reference,
      top1Agreement: isClassifier(s.info) ? s.agree / Math.max(1, count) : undefined,
    })),
  };
}
