import { benchmarkModel } from '../benchmark';
import { DEFAULT_THREADS } from '../session';
import { bytes, ms, Progress, table } from './format';
import { integerOption, oneModel, type Command } from './usage';

export const benchCommand: Command = {
  name: 'bench',
  summary: 'load, init, first-inference and latency figures, peak memory',
  usage: 'xnnlite bench MODEL [--threads N] [--runs N] [--warmup N] [--profile] [--no-optimize] [--json]',
  help: [
    `  --threads N   threads per inference (default ${DEFAULT_THREADS}: CPUs, at most 4)`,
    '  --runs N      timed inferences (default 50)',
    '  --warmup N    untimed inferences before timing (default 5)',
    '  --profile     also show the time per kind of operator (XNNPACK\'s and the reference kernels\')',
    '  --no-optimize run the operators as the file lists them, without xnnlite\'s graph rewrites',
    '  --json        print the figures as JSON',
  ].join('\n'),
  options: { threads: { type: 'string' }, runs: { type: 'string' }, warmup: { type: 'string' }, profile: { type: 'boolean' }, 'no-optimize': { type: 'boolean' }, json: { type: 'boolean' } },
  async run(positionals, values) {
    const file = oneModel(positionals, 'bench');
    const threads = integerOption(values, 'threads', DEFAULT_THREADS, 1, 64, 'bench');
    const runs = integerOption(values, 'runs', 50, 1, 100_000, 'bench');
    const warmup = integerOption(values, 'warmup', 5, 0, 10_000, 'bench');
    const progress = new Progress();
    const r = await benchmarkModel(file, { threads, runs, warmup, profile: values.profile === true, optimize: values['no-optimize'] !== true, onProgress: (phase, done, total) => progress.update(phase, done, total) });
    progress.done();
    if (values.json) {
      process.stdout.write(`${JSON.stringify({ model: file, ...r }, null, 2)}\n`);
      return 0;
    }
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
