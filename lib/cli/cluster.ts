import { cluster } from '../optimize/cluster';
import { runSweep, SWEEP_HELP, SWEEP_OPTIONS } from './optimize-sweep';
import { oneModel, UsageError, type Command } from './usage';

export const clusterCommand: Command = {
  name: 'cluster',
  summary: 'cluster a float model\'s weights to k values and report compressed size, speed and accuracy',
  usage: 'xnnlite cluster MODEL -o OUT --clusters K[,K...] [--per-channel] [--calibration DIR_OR_FILE]',
  help: [
    '  --clusters K      distinct values per filter, from 2 to 256; several (16,32,64) make a sweep',
    '  --per-channel     K values per output channel instead of per filter (more accurate, compresses less)',
    SWEEP_HELP,
  ].join('\n'),
  options: { ...SWEEP_OPTIONS, clusters: { type: 'string' }, 'per-channel': { type: 'boolean' } },
  async run(positionals, values) {
    const input = oneModel(positionals, 'cluster');
    const fail = (message: string) => new UsageError(message, 'cluster');
    if (typeof values.clusters !== 'string') throw fail('missing --clusters K (e.g. 16, or 16,32,64 for a sweep)');
    const list = values.clusters.split(',').map((s) => s.trim());
    for (const s of list) {
      const k = Number(s);
      if (!/^\d+$/.test(s) || k < 2 || k > 256) throw fail(`--clusters takes integers from 2 to 256, separated by commas (got ${JSON.stringify(values.clusters)})`);
    }
    const perChannel = values['per-channel'] === true;
    return runSweep('cluster', 'clusters', input, values, list.map((value) => ({
      value,
      make: (onNotes, progress) => cluster(input, { clusters: Number(value), perChannel, onNotes, onProgress: (done, total) => progress.update(`clustering to ${value}`, done, total) }),
    })));
  },
};
