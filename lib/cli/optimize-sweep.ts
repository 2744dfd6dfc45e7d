/**
 * What `xnnlite prune` and `xnnlite cluster` share: the held-out samples the
 * report compares on (a sample set, as `xnnlite quantize` reads it, or
 * synthetic inputs), timing flags, and a sweep: one file and one report per
 * point, printed as one row per point.
 */
import fs from 'node:fs';
import path from 'node:path';
import { loadModel } from '../model';
import { guessLayout } from '../image/to-tensor';
import { optimizationReport, type OptimizationReport, type OptimizationReportOptions } from '../optimize/report';
import { formatReport, formatSweep } from '../optimize/report-text';
import { numberList, sampleSet } from './calibration-set';
import { bytes, Progress } from '../text-format';
import { integerOption, UsageError, type Command } from './usage';

export const SWEEP_OPTIONS: Command['options'] = {
  output: { type: 'string', short: 'o' },
  calibration: { type: 'string' }, 'held-out': { type: 'string' }, mean: { type: 'string' }, std: { type: 'string' }, layout: { type: 'string' },
  rounds: { type: 'string' }, runs: { type: 'string' }, threads: { type: 'string' }, 'no-timing': { type: 'boolean' },
};

export const SWEEP_HELP = [
  '  -o, --output OUT  the file to write; with several values, one file per value, named OUT with the value',
  '                    before the extension (e.g. out_0.5.tflite)',
  '  --calibration P   sample inputs to compare the models on, none used to make the model: a directory of',
  '                    images and/or .npy files, or one such file (as xnnlite quantize reads them; default:',
  '                    synthetic inputs in [0, 1])',
  '  --held-out K      compare on the last K samples of the set (default: all), or K synthetic inputs (default 8)',
  '  --mean M, --std S, --layout L   images: as for xnnlite quantize',
  '  --rounds R        speed: rounds of timed runs, the two models alternating (default 3)',
  '  --runs N          speed: timed inferences per model and round (default 20)',
  '  --threads N       speed: threads per inference (default 1)',
  '  --no-timing       leave speed out of the report',
].join('\n');

/** OUT for one point of a sweep: OUT itself for a single point, else OUT with `_value` before its extension. */
export function sweepFile(output: string, value: string, single: boolean): string {
  if (single) return output;
  const ext = path.extname(output);
  return `${output.slice(0, output.length - ext.length)}_${value}${ext || '.tflite'}`;
}

export interface SweepPoint {
  /** The value as the user wrote it, e.g. '0.5' or '16'. */
  value: string;
  /** Makes the model; `onNotes` receives the tool's notes, `onProgress` its progress. */
  make(onNotes: (notes: string[]) => void, progress: Progress): Promise<Uint8Array>;
}

/** Makes, writes and measures every point, then prints the reports. */
export async function runSweep(command: string, label: string, input: string, values: Record<string, unknown>, points: SweepPoint[]): Promise<number> {
  const fail = (message: string) => new UsageError(message, command);
  const output = values.output;
  if (typeof output !== 'string') throw fail('missing -o OUT (the .tflite file to write)');
  const layout = values.layout;
  if (layout !== undefined && layout !== 'nhwc' && layout !== 'nchw') throw fail('--layout must be nhwc or nchw');
  const mean = numberList(values.mean, 'mean', [0], false);
  const std = numberList(values.std, 'std', [255], true);
  const timing = values['no-timing'] !== true;
  const rounds = integerOption(values, 'rounds', 3, 1, 100, command);
  const runs = integerOption(values, 'runs', 20, 1, 100_000, command);
  const threads = integerOption(values, 'threads', 1, 1, 64, command);

  const original = await loadModel(input, { threads: 1 });
  const inputs = original.inputs;
  original.dispose();
  const set = typeof values.calibration === 'string'
    ? sampleSet(values.calibration, inputs, { mean, std, layout: (layout as 'nhwc' | 'nchw' | undefined) ?? guessLayout(inputs[0]?.shape ?? []) })
    : undefined;
  const heldOut = integerOption(values, 'held-out', set ? set.count : 8, 1, set ? set.count : 1000, command);
  const samples = (): Pick<OptimizationReportOptions, 'samples' | 'syntheticSamples'> => (set
    ? { samples: (function* () { for (let k = set.count - heldOut; k < set.count; k++) yield set.read(k); })() }
    : { syntheticSamples: heldOut });

  const reports: { value: string; report: OptimizationReport }[] = [];
  const before = fs.statSync(input).size;
  for (const point of points) {
    const progress = new Progress();
    let notes: string[] = [];
    const result = await point.make((n) => { notes = n; }, progress);
    const file = sweepFile(output, point.value, points.length === 1);
    fs.writeFileSync(file, result);
    process.stdout.write(`${file}: ${bytes(before)} -> ${bytes(result.length)} (${((100 * result.length) / before).toFixed(0)}%)\n`);
    const report = await optimizationReport(input, result, {
      ...samples(), notes, speed: timing ? { rounds, runs, threads } : false,
      onProgress: (phase, done, total) => progress.update(`${label} ${point.value}: ${phase === 'accuracy' ? 'comparing' : 'timing'}`, done, total),
    });
    progress.done();
    reports.push({ value: point.value, report });
  }
  if (reports.length === 1) {
    process.stdout.write(`\n${formatReport(reports[0].report)}\n`);
    return 0;
  }
  const where = reports[0].report.accuracy.synthetic ? `${reports[0].report.accuracy.samples} synthetic input(s)` : `${reports[0].report.accuracy.samples} held-out sample(s)`;
  process.stdout.write(`\nerror on ${where}${timing ? `; speedup: medians of ${rounds} alternating round(s) of ${runs} runs, ${threads} thread(s)` : ''}\n`);
  process.stdout.write(`${formatSweep(label, reports)}\n`);
  for (const { value, report } of reports) {
    if (report.notes.length) process.stdout.write(`\n${label} ${value}:\n${report.notes.map((n) => `  ${n}`).join('\n')}\n`);
  }
  return 0;
}
