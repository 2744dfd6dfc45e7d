import fs from 'node:fs';
import { loadModel } from '../model';
import { quantize } from '../quantize/index';
import { calibrationDir } from './calibration-dir';
import { bytes, Progress, table } from './format';
import { integerOption, UsageError, type Command } from './usage';

/** Deterministic inputs in [0, 1] that neither model saw while being made, for the accuracy report. */
function sample(n: number, seed: number): Float32Array {
  let state = (seed * 2654435761) >>> 0;
  return Float32Array.from({ length: n }, () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 4294967296;
  });
}

export const quantizeCommand: Command = {
  name: 'quantize',
  summary: 'quantize a float model (float16, dynamic-int8, int8) and report size and accuracy',
  usage: 'xnnlite quantize IN OUT --mode float16|dynamic-int8|int8 [--calibration DIR] [--samples N]',
  help: [
    '  --mode M      float16: float32 constants stored as FP16 (about half the size)',
    '                dynamic-int8: convolution and fully-connected weights as int8 per channel,',
    '                activations quantized at run time (about a quarter to a third of the size)',
    '                int8: full-integer, weights and activations int8, ranges calibrated on --calibration',
    '                (int16x8 is not implemented yet)',
    '  --calibration DIR  int8 only: a directory of .npy files, one representative input each',
    '  --samples N   inputs to compare the two models on (default 8)',
  ].join('\n'),
  options: { mode: { type: 'string' }, calibration: { type: 'string' }, samples: { type: 'string' } },
  async run(positionals, values) {
    if (positionals.length !== 2) throw new UsageError('expected IN and OUT (two .tflite paths)', 'quantize');
    const [input, output] = positionals;
    const mode = values.mode;
    if (mode !== 'float16' && mode !== 'dynamic-int8' && mode !== 'int8') throw new UsageError('--mode must be float16, dynamic-int8 or int8', 'quantize');
    if ((mode === 'int8') !== (typeof values.calibration === 'string')) {
      throw new UsageError(mode === 'int8' ? '--mode int8 needs --calibration DIR' : '--calibration applies to --mode int8 only', 'quantize');
    }
    const samples = integerOption(values, 'samples', 8, 1, 1000, 'quantize');
    const original = await loadModel(input, { threads: 1 });
    let quantized;
    try {
      let result: Uint8Array;
      if (mode === 'int8') {
        const set = calibrationDir(values.calibration as string, original.inputs);
        const progress = new Progress();
        result = await quantize(input, { mode, calibration: set.records(), onProgress: (done) => progress.update('calibrating', done, set.files.length) });
        progress.done();
      } else {
        result = await quantize(input, { mode });
      }
      fs.writeFileSync(output, result);
      const before = fs.statSync(input).size;
      quantized = await loadModel(result, { threads: 1 });
      const a = await original.createSession();
      const b = await quantized.createSession();
      const worst = new Map<string, { max: number; sum: number; count: number }>();
      for (let s = 0; s < samples; s++) {
        const inputs = Object.fromEntries(a.inputs.map((info, k) => [info.name, sample(info.shape.reduce((x, y) => x * y, 1), s * 31 + k + 1)]));
        const oa = await a.run(inputs);
        const ob = await b.run(inputs);
        for (const o of a.outputs) {
          const e = worst.get(o.name) ?? { max: 0, sum: 0, count: 0 };
          oa[o.name].forEach((v, i) => {
            const d = Math.abs(v - ob[o.name][i]);
            e.max = Math.max(e.max, d);
            e.sum += d;
            e.count++;
          });
          worst.set(o.name, e);
        }
      }
      process.stdout.write(`${output}: ${bytes(before)} -> ${bytes(result.length)} (${((100 * result.length) / before).toFixed(0)}%)\n\n`);
      process.stdout.write(`difference from the original on ${samples} held-out inputs:\n${table([
        ['  output', 'max |diff|', 'mean |diff|'],
        ...[...worst.entries()].map(([name, e]) => [`  ${name}`, e.max.toPrecision(3), (e.sum / e.count).toPrecision(3)]),
      ])}\n`);
      return 0;
    } finally {
      original.dispose();
      quantized?.dispose();
    }
  },
};
