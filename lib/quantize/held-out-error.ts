/**
 * The error a precision budget is set in: for each output, the largest
 * |candidate - float| over every element of every held-out sample, divided
 * by the largest |float| value of that output over the same samples (the
 * `relative` error of lib/optimize/report); a model's error is the largest
 * over its outputs. The float model runs once; each candidate runs once per sample.
 */
import { loadModel } from '../model';
import type { TensorArray } from '../session';
import { realToStored, storedToReal } from '../tensor-values';
import type { CalibrationRecord } from './full-integer';

export class HeldOutError {
  private constructor(
    private readonly samples: readonly CalibrationRecord[],
    /** The float model's outputs by output name, one array per sample. */
    private readonly expected: ReadonlyMap<string, Float32Array[]>,
    /** The largest |value| of each output over the samples. */
    private readonly scales: ReadonlyMap<string, number>,
  ) {}

  static async of(floatModel: Uint8Array, samples: readonly CalibrationRecord[]): Promise<HeldOutError> {
    const model = await loadModel(floatModel, { threads: 1 });
    try {
      const session = await model.createSession();
      const expected = new Map<string, Float32Array[]>(session.outputs.map((o) => [o.name, []]));
      const scales = new Map<string, number>(session.outputs.map((o) => [o.name, 0]));
      for (const [k, sample] of samples.entries()) {
        for (const info of session.inputs) {
          if (!(sample[info.name] instanceof Float32Array)) throw new TypeError(`held-out record ${k} has no Float32Array for input "${info.name}"`);
        }
        const out = await session.run(sample);
        for (const info of session.outputs) {
          const values = Float32Array.from(out[info.name]);
          expected.get(info.name)!.push(values);
          let scale = scales.get(info.name)!;
          for (const v of values) scale = Math.max(scale, Math.abs(v));
          scales.set(info.name, scale);
        }
      }
      return new HeldOutError(samples, expected, scales);
    } finally {
      model.dispose();
    }
  }

  get count(): number {
    return this.samples.length;
  }

  /** The error of the model `bytes` (same inputs and outputs as the float model, possibly integer at the edges). */
  async measure(bytes: Uint8Array): Promise<number> {
    const model = await loadModel(bytes, { threads: 1 });
    try {
      const session = await model.createSession();
      const worst = new Map<string, number>(session.outputs.map((o) => [o.name, 0]));
      for (const [k, sample] of this.samples.entries()) {
        const inputs = Object.fromEntries(session.inputs.map((info) => [info.name, realToStored(info, sample[info.name], `input "${info.name}"`)]));
        const out = await session.run<TensorArray>(inputs);
        for (const info of session.outputs) {
          const actual = storedToReal(info, out[info.name], `output "${info.name}"`);
          const expected = this.expected.get(info.name)![k];
          let max = worst.get(info.name)!;
          for (let i = 0; i < expected.length; i++) max = Math.max(max, Math.abs(actual[i] - expected[i]));
          worst.set(info.name, max);
        }
      }
      let error = 0;
      for (const [name, maxAbs] of worst) {
        if (maxAbs === 0) continue;
        error = Math.max(error, maxAbs / this.scales.get(name)!);
      }
      return error;
    } finally {
      model.dispose();
    }
  }
}
