import { benchmarkModel, type BenchmarkResult } from '../benchmark';
import { loadModel } from '../model';
import { DEFAULT_THREADS } from '../session';
import { bytes, ms, Progress, table } from '../text-format';
import { SESSION_SHAPE_HELP, SESSION_SHAPE_OPTIONS, sessionOptionsFor, sessionShapeOptions } from './session-options';
import { integerOption, oneModel, UsageError, type Command } from './usage';

/** --batch 1,4,16 as numbers, or undefined without it. */
function batchList(raw: unknown): number[] | undefined {
  if (raw === undefined) return undefined;
  const list = String(raw).split(',').map(Number);
  if (!list.every((n) => Number.isInteger(n) && n >= 1 && n <= 4096)) throw new UsageError(`--batch must be a list of integers from 1 to 4096, e.g. 1,4,16 (got ${JSON.stringify(raw)})`, 'bench');
  return list;
}

export const benchCommand: Command = {
  name: 'bench',
  summary: 'load, init, first-inference and latency figures, peak memory',
  usage: 'xnnlite bench MODEL [--threads N] [--runs N] [--warmup N] [--profile] [--no-optimize] [--json] [--signature KEY] [--shape NAME=D,D,... ...] [--batch N,N,...]',
  help: [
    `  --threads N   threads per inference (default ${DEFAULT_THREADS}: CPUs, at most 4)`,
    '  --runs N      timed inferences (default 50)',
    '  --warmup N    untimed inferences before timing (default 5)',
    '  --profile     also show the time per kind of operator (XNNPACK\'s and the reference kernels\')',
    '  --no-optimize run the operators as the file lists them, without xnnlite\'s graph rewrites',
    '  --json        print the figures as JSON',
    '  --batch N,... run with the first dimension of every input set to each N in turn (a model with a -1 or',
    '                resizable batch), and compare throughput per item, e.g. --batch 1,4,16',
    SESSION_SHAPE_HELP,
  ].join('\n'),
  options: {
    threads: { type: 'string' }, runs: { type: 'string' }, warmup: { type: 'string' }, profile: { type: 'boolean' }, 'no-optimize': { type: 'boolean' },
    json: { type: 'boolean' }, batch: { type: 'string' }, ...SESSION_SHAPE_OPTIONS,
  },
  async run(positionals, values) {
    const file = oneModel(positionals, 'bench');
    const threads = integerOption(values, 'threads', DEFAULT_THREADS, 1, 64, 'bench');
    const runs = integerOption(values, 'runs', 50, 1, 100_000, 'bench');
    const warmup = integerOption(values, 'warmup', 5, 0, 10_000, 'bench');
    let entry = sessionShapeOptions(values, 'bench');
    if (entry.inputShapes && '' in entry.inputShapes) {
      const model = await loadModel(file);
      try {
        entry = sessionOptionsFor(model, entry, 'bench');
      } finally {
        model.dispose();
      }
    }
    const batches = batchList(values.batch);
    const progress = new Progress();
    const results: BenchmarkResult[] = [];
    for (const batch of batches ?? [undefined]) {
      results.push(await benchmarkModel(file, {
        threads, runs, warmup, profile: values.profile === true, optimize: values['no-optimize'] !== true, ...entry, ...(batch === undefined ? {} : { batch }),
        onProgress: (phase, done, total) => progress.update(batch === undefined ? phase : `${phase}, batch ${batch}`, done, total),
      }));
    }
    progress.done();
    if (values.json) {
      process.stdout.write(`${JSON.stringify(batches ? { model: file, batches: results } : { model: file, ...results[0] }, null, 2)}\n`);
      return 0;
    }
    if (batches) {
      process.stdout.write(`${table([
        ['batch', 'median', 'per item', 'items/s', 'vs batch ' + batches[0]],
        ...results.map((r) => [String(r.batch), ms(r.inferenceMs.median), ms(r.inferenceMs.median / r.batch), r.itemsPerSecond.toFixed(1),
          `${(r.itemsPerSecond / results[0].itemsPerSecond).toFixed(2)}x`]),
      ])}\n`);
      return 0;
    }
    const r = results[0];
    const l = r.inferenceMs;
    process.stdout.write(`${table([
      ['model', file],
      ['threads', String(r.threads)],
      ...(values['no-optimize'] === true ? [['graph', 'as in the file (--no-optimize)']] : []),
      ['load', ms(r.loadMs)],
      ['init (session)', ms(r.initMs)],
      ['first inference', ms(r.firstInferenceMs)],
      ['warmup', `${r.warmup} runs, mean ${ms(r.warmupMeanMs)}`],
      ['inference', `${r.runs} runs: min ${ms(l.min)}, median ${ms(l.median)}, mean ${ms(l.mean)}, p90 ${ms(l.p90)}, max ${ms(l.max)}`],
      ['peak memory', `${bytes(r.peakRssBytes)} resident`],
    ])}\n`);
    if (r.profile) {
      const total = r.profile.reduce((sum, p) => sum + p.microseconds, 0);
      process.stdout.write(`\nprofile of the last run (${ms(total / 1000)} in operators):\n${table([
        ['  operator', 'count', 'time', 'share'],
        ...r.profile.map((p) => [`  ${p.name}`, String(p.count), ms(p.microseconds / 1000), `${((100 * p.microseconds) / total).toFixed(1)}%`]),
      ])}\n`);
    }
    return 0;
  },
};
