import fs from 'node:fs';
import { loadModel, type Model } from '../model';
import { guessLayout } from '../image/to-tensor';
import { quantize, type MixedPrecisionOptions, type QuantizeOptions } from '../quantize/index';
import type { QuantizePhase } from '../quantize/mixed-precision';
import { optimizationReport } from '../optimize/report';
import { formatReport } from '../optimize/report-text';
import { accuracyGap } from '../optimize/accuracy';
import { numberList, sampleSet, type SampleSet } from './calibration-set';
import { bytes, Progress, table } from '../text-format';
import { integerOption, UsageError, type Command } from './usage';

/** Deterministic inputs in [0, 1] that neither model saw while being made, for the report when no sample set is given. */
function synthetic(n: number, seed: number): Float32Array {
  let state = (seed * 2654435761) >>> 0;
  return Float32Array.from({ length: n }, () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 4294967296;
  });
}

function* range(from: number, to: number, read: (k: number) => Record<string, Float32Array>) {
  for (let k = from; k < to; k++) yield read(k);
}

const PHASES: Record<QuantizePhase, string> = { calibrating: 'calibrating', sensitivity: 'measuring each operator\'s sensitivity', search: 'searching for the budget' };

/** --max-error and --keep-float: quantizes, writes OUT, and prints the optimization report with the operators kept. */
async function mixedPrecision(input: string, output: string, options: MixedPrecisionOptions, heldOutSamples: () => Iterable<Record<string, Float32Array>>,
  heldOut: number, speed: false | { rounds: number; runs: number; threads: number }, progress: Progress): Promise<number> {
  const result = await quantize(input, { ...options, ...(options.maxError !== undefined ? { heldOut: heldOutSamples() } : {}) } as MixedPrecisionOptions & { keepFloat: number[] });
  progress.done();
  const { budget } = result;
  if (budget && !budget.met) {
    process.stderr.write(`xnnlite quantize: the error budget ${budget.maxError} cannot be met: the error on ${budget.heldOutSamples} held-out sample(s) is `
      + `${budget.quantizedError.toPrecision(3)} fully quantized and still ${budget.error.toPrecision(3)} with all ${result.sensitivities.length} candidate operators `
      + `kept at a higher precision; nothing written\n`);
    return 1;
  }
  fs.writeFileSync(output, result.bytes);
  const before = fs.statSync(input).size;
  process.stdout.write(`${output}: ${bytes(before)} -> ${bytes(result.bytes.length)} (${((100 * result.bytes.length) / before).toFixed(0)}%)\n`);
  const notes = budget
    ? [`error budget ${budget.maxError}: met with error ${budget.error.toPrecision(3)} (fully quantized: ${budget.quantizedError.toPrecision(3)}), `
      + `${result.kept.length} operator(s) kept of ${result.sensitivities.length} measured, ${budget.rounds} quantize+measure rounds`]
    : [];
  if (result.leftFloat.length) notes.push(`left float for want of an integer kernel: ${result.leftFloat.map((f) => `${f.op} #${f.index}`).join(', ')}`);
  const report = await optimizationReport(input, result.bytes, {
    ...(heldOut > 0 ? { samples: heldOutSamples() } : {}), notes, kept: result.kept, speed,
    onProgress: (phase, done, total) => progress.update(phase === 'accuracy' ? 'comparing' : 'timing', done, total),
  });
  progress.done();
  process.stdout.write(`\n${formatReport(report)}\n`);
  return 0;
}

export const quantizeCommand: Command = {
  name: 'quantize',
  summary: 'quantize a float model (float16, dynamic-int8, int8, int16x8) and report size and accuracy',
  usage: 'xnnlite quantize IN OUT --mode float16|dynamic-int8|int8|int16x8 [--calibration DIR_OR_FILE] [--samples N] [--held-out K] [--max-error E] [--keep-float I,...]',
  help: [
    '  --mode M        float16: float32 constants stored as FP16 (about half the size)',
    '                  dynamic-int8: convolution and fully-connected weights as int8 per channel,',
    '                  activations quantized at run time (about a quarter to a third of the size)',
    '                  int8: full-integer, weights and activations int8, ranges calibrated on --calibration',
    '                  int16x8: int16 activations, int8 weights (more accurate than int8; runs on',
    '                  xnnlite\'s reference kernels, much slower; not every operator has one)',
    '  --calibration P sample inputs: a directory of images (.png .jpg .jpeg .ppm .pgm) and/or .npy',
    '                  files, one sample each (name order), or one such file; a .npy may stack N',
    '                  samples along its first axis. Required for int8 and int16x8; otherwise it is',
    '                  only the data the report compares on.',
    '  --held-out K    samples (the last K of the set) kept out of calibration and compared on',
    '                  (default: 10% of the set, at least 1; without a set, K synthetic inputs, default 8)',
    '  --samples N     int8, int16x8: calibrate on at most N samples (default: all not held out)',
    '  --mean M        images: subtract M from each 0-255 pixel value (one number, or one per channel;',
    '                  default 0)',
    '  --std S         images: then divide by S (default 255, giving [0, 1]; 127.5 with --mean 127.5',
    '                  gives [-1, 1])',
    '  --layout L      images: nhwc or nchw (default: guessed from the input shape)',
    '  --io-type T     int8: float32 (default), int8 or uint8 inputs and outputs',
    '  --per-tensor    int8, int16x8, dynamic-int8: one weight scale per tensor instead of per channel',
    '  --percentile P  int8, int16x8: activation ranges from the (100-P)th to the P-th percentile instead of',
    '                  min/max (e.g. 99.99, for activations with outliers)',
    '  --max-error E   int8, int16x8: mixed precision under an error budget: keep the operators whose',
    '                  quantization costs most accuracy at a higher precision (float for int8; int16x8, the',
    '                  rest int8, for int16x8) until the error on the held-out samples is at most E (max',
    '                  |diff| / largest |value| of each output, e.g. 0.02); prints a report with size, error',
    '                  and speed, and the operators kept with their sensitivity',
    '  --keep-float L  int8, int16x8: keep these operators (indices, as xnnlite inspect numbers them, e.g. 3,17)',
    '                  float; prints the same report',
    '  --no-timing     with --max-error or --keep-float: leave speed out of the report',
    '  --rounds R, --runs N, --threads T   with --max-error or --keep-float: timing as for xnnlite prune',
    '                  (default 3 alternating rounds of 20 runs per model, 1 thread)',
  ].join('\n'),
  options: {
    mode: { type: 'string' }, calibration: { type: 'string' }, samples: { type: 'string' }, 'held-out': { type: 'string' },
    mean: { type: 'string' }, std: { type: 'string' }, layout: { type: 'string' },
    'io-type': { type: 'string' }, 'per-tensor': { type: 'boolean' }, percentile: { type: 'string' },
    'max-error': { type: 'string' }, 'keep-float': { type: 'string' }, 'no-timing': { type: 'boolean' },
    rounds: { type: 'string' }, runs: { type: 'string' }, threads: { type: 'string' },
  },
  async run(positionals, values) {
    const fail = (message: string) => new UsageError(message, 'quantize');
    if (positionals.length !== 2) throw fail('expected IN and OUT (two .tflite paths)');
    const [input, output] = positionals;
    const mode = values.mode;
    if (mode !== 'float16' && mode !== 'dynamic-int8' && mode !== 'int8' && mode !== 'int16x8') throw fail('--mode must be float16, dynamic-int8, int8 or int16x8');
    const calibrates = mode === 'int8' || mode === 'int16x8';
    if (calibrates && typeof values.calibration !== 'string') throw fail(`--mode ${mode} needs --calibration DIR_OR_FILE`);
    for (const flag of ['samples', 'percentile'] as const) {
      if (values[flag] !== undefined && !calibrates) throw fail(`--${flag} applies to --mode int8 and int16x8 only`);
    }
    if (values['io-type'] !== undefined && mode !== 'int8') throw fail('--io-type applies to --mode int8 only');
    if (values['per-tensor'] && mode === 'float16') throw fail('--per-tensor applies to --mode int8 and dynamic-int8 only');
    const ioType = values['io-type'] ?? 'float32';
    if (ioType !== 'float32' && ioType !== 'int8' && ioType !== 'uint8') throw fail('--io-type must be float32, int8 or uint8');
    let percentile: number | undefined;
    if (values.percentile !== undefined) {
      percentile = Number(values.percentile);
      if (!(percentile > 50 && percentile <= 100)) throw fail(`--percentile must be a number above 50 and at most 100 (got ${JSON.stringify(values.percentile)})`);
    }
    for (const flag of ['max-error', 'keep-float'] as const) {
      if (values[flag] !== undefined && !calibrates) throw fail(`--${flag} applies to --mode int8 and int16x8 only`);
    }
    let maxError: number | undefined;
    if (values['max-error'] !== undefined) {
      maxError = Number(values['max-error']);
      if (!(maxError > 0 && Number.isFinite(maxError))) throw fail(`--max-error must be a number above 0, e.g. 0.02 (got ${JSON.stringify(values['max-error'])})`);
    }
    let keepFloat: number[] | undefined;
    if (values['keep-float'] !== undefined) {
      keepFloat = String(values['keep-float']).split(',').map((x) => (/^\s*\d+\s*$/.test(x) ? Number(x) : Number.NaN));
      if (keepFloat.some((k) => !Number.isInteger(k))) throw fail(`--keep-float takes operator indices separated by commas, e.g. 3,17 (got ${JSON.stringify(values['keep-float'])})`);
    }
    const mixed = maxError !== undefined || keepFloat !== undefined;
    for (const flag of ['no-timing', 'rounds', 'runs', 'threads'] as const) {
      if (values[flag] !== undefined && !mixed) throw fail(`--${flag} applies with --max-error or --keep-float only`);
    }
    const speed = { rounds: integerOption(values, 'rounds', 3, 1, 100, 'quantize'), runs: integerOption(values, 'runs', 20, 1, 100_000, 'quantize'), threads: integerOption(values, 'threads', 1, 1, 64, 'quantize') };
    const layout = values.layout;
    if (layout !== undefined && layout !== 'nhwc' && layout !== 'nchw') throw fail('--layout must be nhwc or nchw');
    const mean = numberList(values.mean, 'mean', [0], false);
    const std = numberList(values.std, 'std', [255], true);

    const original = await loadModel(input, { threads: 1 });
    let quantized: Model | undefined;
    try {
      const set: SampleSet | undefined = typeof values.calibration === 'string'
        ? sampleSet(values.calibration, original.inputs, { mean, std, layout: (layout as 'nhwc' | 'nchw' | undefined) ?? guessLayout(original.inputs[0]?.shape ?? []) })
        : undefined;
      const defaultHeldOut = !set ? 8 : calibrates ? (set.count >= 2 ? Math.max(1, Math.round(set.count / 10)) : 0) : set.count;
      const heldOut = integerOption(values, 'held-out', defaultHeldOut, 0, set ? (calibrates ? set.count - 1 : set.count) : 1000, 'quantize');
      const available = set ? set.count - (calibrates ? heldOut : 0) : 0;
      const calibrationCount = calibrates ? integerOption(values, 'samples', available, 1, available, 'quantize') : 0;

      const options: QuantizeOptions = { mode };
      if (values['per-tensor']) options.perChannel = false;
      let progress: Progress | undefined;
      if (calibrates) {
        progress = new Progress();
        options.calibration = range(0, calibrationCount, set!.read);
        options.onProgress = (done, total, phase) => progress!.update(PHASES[phase], done, total ?? calibrationCount);
        options.ioType = ioType;
        if (percentile !== undefined) options.activationRange = { percentile };
      }
      if (mixed) {
        if (maxError !== undefined && heldOut === 0) throw fail('--max-error measures on held-out samples: --held-out must be at least 1');
        return await mixedPrecision(input, output, { ...options, mode: mode as 'int8' | 'int16x8', calibration: options.calibration!, ...(maxError !== undefined ? { maxError } : {}), ...(keepFloat ? { keepFloat } : {}) },
          () => range(set!.count - heldOut, set!.count, set!.read), heldOut, values['no-timing'] !== true && speed, progress!);
      }
      const result = await quantize(input, options);
      progress?.done();
      fs.writeFileSync(output, result);
      const before = fs.statSync(input).size;
      process.stdout.write(`${output}: ${bytes(before)} -> ${bytes(result.length)} (${((100 * result.length) / before).toFixed(0)}%)\n`);
      if (heldOut === 0) return 0;

      quantized = await loadModel(result, { threads: 1 });
      const a = await original.createSession();
      const b = await quantized.createSession();
      const samples = set
        ? range(set.count - heldOut, set.count, set.read)
        : range(0, heldOut, (s) => Object.fromEntries(a.inputs.map((info, k) => [info.name, synthetic(info.shape.reduce((x, y) => x * y, 1), s * 31 + k + 1)])));
      const report = await accuracyGap(a, b, samples);
      const where = set ? `${report.count} held-out sample(s) of ${values.calibration}` : `${report.count} synthetic input(s) (give --calibration for real data)`;
      const classifiers = report.outputs.some((o) => o.top1Agreement !== undefined);
      process.stdout.write(`\ndifference from the original on ${where}:\n${table([
        ['  output', 'max |diff|', 'mean |diff|', ...(classifiers ? ['top-1 agreement'] : [])],
        ...report.outputs.map((o) => [`  ${o.name}`, o.maxAbs.toPrecision(3), o.meanAbs.toPrecision(3),
          ...(classifiers ? [o.top1Agreement === undefined ? '-' : `${(o.top1Agreement * 100).toFixed(1)}%`] : [])]),
      ])}\n`);
      return 0;
    } finally {
      original.dispose();
      quantized?.dispose();
    }
  },
};
