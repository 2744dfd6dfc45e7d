import { prune } from '../optimize/prune';
import { runSweep, SWEEP_HELP, SWEEP_OPTIONS } from './optimize-sweep';
import { oneModel, UsageError, type Command } from './usage';

export const pruneCommand: Command = {
  name: 'prune',
  summary: 'prune a float model\'s weights or channels and report size, speed and accuracy per sparsity',
  usage: 'xnnlite prune MODEL -o OUT --sparsity S[,S...] [--structured] [--scope layer|global] [--calibration DIR_OR_FILE]',
  help: [
    '  --sparsity S      fraction to remove, from 0 up to (not including) 1; several (0.25,0.5,0.75) make a sweep',
    '  --structured      remove whole output channels of convolutions (lowest L1 norm) and rewrite the operators',
    '                    that read them: a smaller dense model, faster everywhere (default: zero single weights,',
    '                    stored in TFLite\'s sparse format)',
    '  --scope S         unstructured: layer (default: every filter to the sparsity) or global (all filters ranked',
    '                    together)',
    SWEEP_HELP,
  ].join('\n'),
  options: { ...SWEEP_OPTIONS, sparsity: { type: 'string' }, structured: { type: 'boolean' }, scope: { type: 'string' } },
  async run(positionals, values) {
    const input = oneModel(positionals, 'prune');
    const fail = (message: string) => new UsageError(message, 'prune');
    if (typeof values.sparsity !== 'string') throw fail('missing --sparsity S (e.g. 0.5, or 0.25,0.5,0.75 for a sweep)');
    const list = values.sparsity.split(',').map((s) => s.trim());
    for (const s of list) {
      const x = Number(s);
      if (s === '' || !(x >= 0 && x < 1)) throw fail(`--sparsity takes numbers from 0 up to (not including) 1, separated by commas (got ${JSON.stringify(values.sparsity)})`);
    }
    const scope = values.scope ?? 'layer';
    if (scope !== 'layer' && scope !== 'global') throw fail('--scope must be layer or global');
    const structured = values.structured === true;
    if (structured && values.scope !== undefined) throw fail('--scope applies to unstructured pruning only');
    return runSweep('prune', 'sparsity', input, values, list.map((value) => ({
      value,
      make: (onNotes) => prune(input, { sparsity: Number(value), structured, ...(structured ? {} : { scope }), onNotes }),
    })));
  },
};
